/**
 * App-wide restrictions applied to every web contents: no navigation away from the app, no new
 * windows (https links open in the browser), no <webview>, and every permission request denied.
 */
import { app, session, shell } from 'electron';
import type { Logger } from '../engine/logger.ts';
import { APP_ORIGIN } from './paths.ts';

export function isAppUrl(url: string): boolean {
  try {
    return new URL(url).origin === APP_ORIGIN;
  } catch {
    return false;
  }
}

export function installSecurity(log: Logger): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn('denied a permission request', { permission });
    callback(false);
  });
  session.defaultSession.setPermissionCheckHandler(() => false);

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      log.warn('blocked navigation', { url });
      event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
