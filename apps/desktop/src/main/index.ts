/**
 * Electron main: thin on purpose. Registers the app:// protocol, applies the security restrictions,
 * starts the engine utility process, opens the window, bridges IPC and keeps a tray icon. All logic
 * lives in the engine.
 */
import { app, type BrowserWindow, type Tray } from 'electron';
import { createLogger } from '../engine/logger.ts';
import { registerAppScheme, serveRenderer } from './app-protocol.ts';
import { startEngineHost, type EngineHost } from './engine-host.ts';
import { isDev } from './env.ts';
import { bridgeIpc } from './ipc.ts';
import { appPaths } from './paths.ts';
import { installSecurity } from './security.ts';
import { createTray } from './tray.ts';
import { createMainWindow } from './window.ts';

const log = createLogger(isDev ? 'debug' : 'info', 'main');
let win: BrowserWindow | null = null;
let tray: Tray | null = null;
let engine: EngineHost | null = null;
let quitting = false;

registerAppScheme();
app.enableSandbox();
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();

function showWindow(): void {
  const paths = appPaths();
  if (!win || win.isDestroyed()) {
    win = createMainWindow(paths.preload, isDev);
    // Closing the window hides it; the tray's Quit ends the app.
    win.on('close', (event) => {
      if (quitting) return;
      event.preventDefault();
      win?.hide();
    });
  }
  win.show();
  win.focus();
}

app.on('second-instance', showWindow);
app.on('before-quit', () => {
  quitting = true;
  engine?.stop();
});

app
  .whenReady()
  .then(() => {
    if (!primary) return;
    const paths = appPaths();
    installSecurity(log.child('security'));
    serveRenderer(paths.rendererDir);
    engine = startEngineHost({
      entry: paths.engineEntry,
      dataDir: paths.dataDir,
      log: log.child('engine'),
    });
    bridgeIpc(engine, () => win, log.child('ipc'));
    showWindow();
    tray = createTray({ show: showWindow, quit: () => app.quit() });
    app.on('activate', showWindow);
    log.info('ready', { dataDir: paths.dataDir, tray: tray !== null });
  })
  .catch((err: unknown) => {
    log.error('failed to start', { err });
    app.exit(1);
  });
