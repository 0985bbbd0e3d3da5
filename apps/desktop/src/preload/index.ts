/**
 * The preload (sandboxed, context-isolated): exposes exactly one object, `window.sdrBridge`, with
 * `invoke` and `on`. No Node or Electron API reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  BRIDGE_EVENT_CHANNEL,
  BRIDGE_GLOBAL,
  BRIDGE_IPC_CHANNEL,
  type SdrBridge,
} from '../shared/bridge.ts';
import type { Result } from '../shared/contract.ts';

const bridge: SdrBridge = {
  invoke: (channel, input) =>
    ipcRenderer.invoke(BRIDGE_IPC_CHANNEL, channel, input) as Promise<Result<unknown>>,
  on(event, listener) {
    const relay = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(BRIDGE_EVENT_CHANNEL, relay);
    return () => {
      ipcRenderer.removeListener(BRIDGE_EVENT_CHANNEL, relay);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
