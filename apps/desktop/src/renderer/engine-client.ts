/**
 * The renderer's only way to reach the engine: a client typed from the contract in `src/shared`.
 * Two transports carry the same frames: the Electron preload's `window.sdrBridge` (IPC), or a
 * WebSocket to `/engine` on the page's own host (the web shell). Screens cannot tell them apart.
 */
import type { SdrBridge, TypedBridge } from '../shared/bridge.ts';
import type { SocketLike } from '../shared/ws-bridge.ts';
import type { EngineError, EngineFrame, Result } from '../shared/contract.ts';
import { createLogger } from './logger.ts';

const log = createLogger('engine-client');

/** `open`: requests go out now; otherwise they wait for the (re)connection. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface EngineClient extends TypedBridge {
  connection(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

export type SocketBridgeOptions = {
  url: string;
  createSocket?: (url: string) => SocketLike;
  /** First reconnect delay; doubles on each failure up to `maxRetryMs`. */
  initialRetryMs?: number;
  maxRetryMs?: number;
  /** A request with no answer after this long resolves with an error. */
  requestTimeoutMs?: number;
};

export type SocketBridge = SdrBridge & {
  connection(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
};

type Pending = { frame: string; settle: (result: Result<unknown>) => void; sent: boolean };

const SOCKET_OPEN = 1;

function failure(code: EngineError['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

/**
 * The contract over a WebSocket that reconnects with backoff. Requests made while disconnected wait
 * and are sent once connected; requests already sent when the connection drops resolve with
 * `server_unreachable` (they are not re-sent, since the engine may have acted on them).
 */
export function createSocketBridge(options: SocketBridgeOptions): SocketBridge {
  const createSocket: (url: string) => SocketLike =
    options.createSocket ?? ((url: string) => new WebSocket(url));
  const initialRetryMs = options.initialRetryMs ?? 250;
  const maxRetryMs = options.maxRetryMs ?? 5000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;

  let state: ConnectionState = 'connecting';
  let socket: SocketLike | null = null;
  let retryMs = initialRetryMs;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();

  function setState(next: ConnectionState) {
    if (next === state) return;
    state = next;
    for (const listener of connectionListeners) listener(next);
  }

  function flush() {
    for (const entry of pending.values()) {
      if (entry.sent || !socket || socket.readyState !== SOCKET_OPEN) continue;
      socket.send(entry.frame);
      entry.sent = true;
    }
  }

  function onFrame(data: unknown) {
    if (typeof data !== 'string') return;
    let frame: EngineFrame;
    try {
      frame = JSON.parse(data) as EngineFrame;
    } catch {
      log.warn('Ignored a frame that is not JSON');
      return;
    }
    switch (frame.type) {
      case 'response': {
        const entry = pending.get(frame.id);
        if (entry) entry.settle(frame.result);
        return;
      }
      case 'event':
        for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload);
        return;
      case 'protocol-error':
        log.error('The engine could not read a request', frame.error);
        return;
    }
  }

  function connect() {
    retryTimer = null;
    const current = createSocket(options.url);
    socket = current;
    current.addEventListener('open', () => {
      if (socket !== current) return;
      retryMs = initialRetryMs;
      setState('open');
      flush();
    });
    current.addEventListener('message', (event) => {
      if (socket === current) onFrame(event.data);
    });
    current.addEventListener('close', () => {
      if (socket !== current) return;
      socket = null;
      for (const entry of pending.values()) {
        if (entry.sent)
          entry.settle(
            failure('server_unreachable', 'Lost the connection to the engine. Try again.'),
          );
      }
      if (state === 'closed') return;
      setState('reconnecting');
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(maxRetryMs, retryMs * 2);
    });
    // An 'error' is always followed by 'close', which does the work.
    current.addEventListener('error', () => log.debug('WebSocket error', options.url));
  }

  connect();

  return {
    invoke(channel, input) {
      if (state === 'closed')
        return Promise.resolve(failure('server_unreachable', 'The engine client is closed'));
      const id = nextId++;
      return new Promise<Result<unknown>>((resolve) => {
        const timer = setTimeout(() => {
          entry.settle(
            failure('server_unreachable', 'The engine did not answer in time. Try again.'),
          );
        }, requestTimeoutMs);
        const entry: Pending = {
          frame: JSON.stringify({ type: 'request', id, channel, input }),
          sent: false,
          settle: (result) => {
            clearTimeout(timer);
            pending.delete(id);
            resolve(result);
          },
        };
        pending.set(id, entry);
        flush();
      });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    connection: () => state,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {
      setState('closed');
      if (retryTimer) clearTimeout(retryTimer);
      for (const entry of pending.values())
        entry.settle(failure('server_unreachable', 'The engine client is closed'));
      socket?.close();
      socket = null;
    },
  };
}

/** Types an untyped bridge with the contract. The Electron bridge is always connected. */
export function createEngineClient(bridge: SdrBridge | SocketBridge): EngineClient {
  const socketBridge = 'connection' in bridge ? bridge : null;
  return {
    invoke: (channel, input) => bridge.invoke(channel, input) as never,
    on: (event, listener) => {
      const off = bridge.on(event, listener as (payload: unknown) => void);
      return typeof off === 'function' ? off : () => undefined;
    },
    connection: () => socketBridge?.connection() ?? 'open',
    onConnection: (listener) => socketBridge?.onConnection(listener) ?? (() => undefined),
    close: () => socketBridge?.close(),
  };
}

/** The URL of the web shell's engine socket for a page served from `location`. */
export function engineSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/engine`;
}

declare global {
  interface Window {
    sdrBridge?: SdrBridge;
  }
}

/** Picks the transport: the preload's bridge in Electron, a WebSocket in a browser. */
export function connectEngine(): EngineClient {
  if (window.sdrBridge) return createEngineClient(window.sdrBridge);
  return createEngineClient(createSocketBridge({ url: engineSocketUrl(window.location) }));
}
