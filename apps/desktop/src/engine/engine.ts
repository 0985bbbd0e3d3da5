/**
 * Composes the engine: database, server client, session, handlers and router. Transports (the web
 * shell's WebSocket, Electron's parent port, tests) call `dispatch` and subscribe to events.
 */
import os from 'node:os';
import type { EventName, EventPayload } from '../shared/contract.ts';
import { createAccountStore } from './account-store.ts';
import { openDb } from './db.ts';
import { createHandlers } from './handlers.ts';
import type { Logger } from './logger.ts';
import { createRouter, type Dispatch } from './router.ts';
import type { SecretBox } from './secret-box.ts';
import { createServerApi } from './server-api.ts';
import { Session } from './session.ts';
import { createSettings } from './settings.ts';

export type EngineListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface EngineOptions {
  dataDir: string;
  serverUrl: string;
  shell: 'electron' | 'web';
  version: string;
  box: SecretBox;
  log: Logger;
  now?: () => number;
  fetch?: typeof globalThis.fetch;
  notify?: (title: string, body: string) => void;
  /** Signs in with this login on the first start of a fresh data dir (the demo of `pnpm start`). */
  demoLogin?: { email: string; password: string } | null;
}

export interface Engine {
  dispatch: Dispatch;
  /** Subscribes to engine events; returns the unsubscribe function. */
  subscribe(listener: EngineListener): () => void;
  close(): void;
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const now = opts.now ?? Date.now;
  const listeners = new Set<EngineListener>();
  const emit: EngineListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };

  const { db, close } = openDb(opts.dataDir);
  const api = createServerApi({
    baseUrl: opts.serverUrl,
    deviceName: `${os.hostname()} (${opts.shell === 'electron' ? 'desktop' : 'web shell'})`.slice(
      0,
      120,
    ),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const session = new Session({
    api,
    store: createAccountStore(db, opts.serverUrl, now),
    box: opts.box,
    log: opts.log.child('session'),
    now,
    onChange: (state) => emit('auth:changed', state),
    notify: opts.notify ?? (() => undefined),
  });
  try {
    await session.restore();
  } catch (err) {
    close();
    throw err;
  }

  const settings = createSettings(db);
  if (opts.demoLogin && !settings.demoSignInDone()) {
    settings.markDemoSignInDone();
    if ((await session.state()).status === 'signed-out') {
      await session.login(opts.demoLogin).catch((err: unknown) => {
        opts.log.warn('demo sign-in failed; sign in by hand', { error: String(err) });
      });
    }
  }

  const handlers = createHandlers({
    session,
    api,
    settings,
    info: { version: opts.version, serverUrl: opts.serverUrl, shell: opts.shell },
  });
  const dispatch = createRouter(handlers, opts.log.child('router'));

  return {
    dispatch,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      close();
    },
  };
}
