/**
 * The bridge the renderer talks through. In Electron the preload exposes it as `window.sdrBridge`
 * (IPC to main, which forwards to the engine); in the web shell the renderer builds one over a
 * WebSocket (`createWsBridge`). Both carry the same `Result` values, so the renderer cannot tell them
 * apart.
 */
import type { Channel, EventName, EventPayload, InputOf, OutputOf, Result } from './contract.ts';

export interface SdrBridge {
  /** Calls one contract channel. Never rejects for engine errors: they come back as `{ ok: false }`. */
  invoke(channel: string, input: unknown): Promise<Result<unknown>>;
  /** Subscribes to an engine event; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** Name of the IPC channel between preload and main, and of the global the preload exposes. */
export const BRIDGE_IPC_CHANNEL = 'engine';
export const BRIDGE_EVENT_CHANNEL = 'engine:event';
export const BRIDGE_GLOBAL = 'sdrBridge';

/** A typed view over an untyped bridge. Inputs are validated by the engine, not here. */
export interface TypedBridge {
  invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<Result<OutputOf<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export function typed(bridge: SdrBridge): TypedBridge {
  return {
    invoke: (channel, input) => bridge.invoke(channel, input) as never,
    on: (event, listener) => bridge.on(event, listener as (payload: unknown) => void),
  };
}
