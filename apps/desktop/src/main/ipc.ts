/**
 * The renderer ⇄ engine bridge in main. Only our window's frames on the `app://renderer` origin may
 * call; everything else is refused. Main does not interpret requests, the engine validates them.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { BRIDGE_EVENT_CHANNEL, BRIDGE_IPC_CHANNEL } from '../shared/bridge.ts';
import type { Result } from '../shared/contract.ts';
import type { Logger } from '../engine/logger.ts';
import type { EngineHost } from './engine-host.ts';
import { isAppUrl } from './security.ts';

function isTrustedSender(event: IpcMainInvokeEvent, win: BrowserWindow): boolean {
  if (win.isDestroyed() || event.sender !== win.webContents) return false;
  const frame = event.senderFrame;
  return frame !== null && isAppUrl(frame.url);
}

export function bridgeIpc(
  engine: EngineHost,
  getWindow: () => BrowserWindow | null,
  log: Logger,
): void {
  ipcMain.handle(
    BRIDGE_IPC_CHANNEL,
    async (event, channel: unknown, input: unknown): Promise<Result<unknown>> => {
      const win = getWindow();
      if (!win || !isTrustedSender(event, win)) {
        log.warn('refused IPC from an untrusted sender', { url: event.senderFrame?.url });
        return { ok: false, error: { code: 'forbidden', message: 'Not allowed' } };
      }
      return engine.request(typeof channel === 'string' ? channel : '', input);
    },
  );

  engine.onEvent((frame) => {
    const win = getWindow();
    if (win && !win.isDestroyed())
      win.webContents.send(BRIDGE_EVENT_CHANNEL, frame.event, frame.payload);
  });
}
