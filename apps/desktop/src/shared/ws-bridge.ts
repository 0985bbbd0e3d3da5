/**
 * The web shell's bridge: the contract over a WebSocket (`ws://<shell>/engine`). Works with the
 * browser's WebSocket and with the `ws` package (tests, Node 20 has no global WebSocket).
 */
import type { EngineFrame, Result } from './contract.ts';
import type { SdrBridge } from './bridge.ts';

/** The part of the WebSocket API this client uses (browser and `ws` both provide it). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface WsBridge extends SdrBridge {
  /** Resolves once the socket is open; rejects if it fails first. */
  ready: Promise<void>;
  close(): void;
}

const OPEN = 1;

export function createWsBridge(socket: SocketLike): WsBridge {
  let nextId = 1;
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const ready = new Promise<void>((resolve, reject) => {
    if (socket.readyState === OPEN) resolve();
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error('Could not connect to the engine')));
  });

  const failAll = () => {
    for (const settle of pending.values()) {
      settle({
        ok: false,
        error: { code: 'server_unreachable', message: 'Lost the connection to the engine' },
      });
    }
    pending.clear();
  };
  socket.addEventListener('close', failAll);

  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let frame: EngineFrame;
    try {
      frame = JSON.parse(event.data) as EngineFrame;
    } catch {
      return;
    }
    if (frame.type === 'response') {
      pending.get(frame.id)?.(frame.result);
      pending.delete(frame.id);
    } else if (frame.type === 'event') {
      for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload);
    }
  });

  return {
    ready,
    async invoke(channel, input) {
      await ready;
      if (socket.readyState !== OPEN) {
        return {
          ok: false,
          error: { code: 'server_unreachable', message: 'Not connected to the engine' },
        };
      }
      const id = nextId++;
      return new Promise<Result<unknown>>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ type: 'request', id, channel, input }));
      });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    close: () => socket.close(),
  };
}
