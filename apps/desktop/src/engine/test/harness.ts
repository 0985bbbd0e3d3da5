/** Test helpers for the engine: temp data dirs, engines, and a WebSocket bridge to a web shell. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createWsBridge, type WsBridge } from '../../shared/ws-bridge.ts';
import { createEngine, type Engine, type EngineOptions } from '../engine.ts';
import { createLogger } from '../logger.ts';
import { plainSecretBox } from '../secret-box.ts';

export const testLog = createLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent');

export function tempDir(prefix = 'sdr-engine-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A server URL nothing listens on (a port we bound and released). */
export const DEAD_SERVER = 'http://127.0.0.1:9';

export function openEngine(opts: Partial<EngineOptions> & { dataDir: string }): Promise<Engine> {
  return createEngine({
    serverUrl: DEAD_SERVER,
    shell: 'web',
    version: '0.0.0-test',
    box: plainSecretBox,
    log: testLog,
    ...opts,
  });
}

export async function connectBridge(url: string, origin?: string): Promise<WsBridge> {
  const socket = new WebSocket(url, origin ? { origin } : {});
  const bridge = createWsBridge(socket);
  await bridge.ready;
  return bridge;
}

/** Opens a raw socket and resolves with the first frame the engine sends back for `payload`. */
export function rawExchange(url: string, payload: string | Buffer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on('open', () => socket.send(payload));
    socket.on('message', (data: Buffer) => {
      resolve(JSON.parse(data.toString('utf8')));
      socket.close();
    });
    socket.on('error', reject);
  });
}

/** A real sync server (PGlite in a temp folder) on a free loopback port. */
export async function startTestServer(
  opts: {
    dataDir?: string;
    port?: number;
    jwtSecret?: string;
    /** More server environment (e.g. `TWILIO_API_BASE_URL` of the fake Twilio). */
    env?: Record<string, string>;
  } = {},
) {
  const { startServer } = await import('@sdr/sync-server');
  return startServer({
    port: opts.port ?? 0,
    host: '127.0.0.1',
    dataDir: opts.dataDir ?? tempDir('sdr-server-'),
    jwtSecret: opts.jwtSecret ?? 'engine-tests-secret-0123456789abcdef',
    seedDemo: false,
    logLevel: 'silent',
    env: { AUTH_RATE_LIMIT: '10000', ...opts.env },
  });
}

/** Collects the engine's events. */
export function recordEvents(engine: Engine) {
  const seen: { event: string; payload: unknown }[] = [];
  engine.subscribe((event, payload) => seen.push({ event, payload }));
  return seen;
}

let counter = 0;
/** A fresh sign-up input (unique email per call). */
export function newAccount(label = 'user') {
  counter += 1;
  return {
    email: `${label}-${Date.now()}-${counter}@example.com`,
    password: 'correct horse battery',
    name: `Test ${label}`,
    workspaceName: `${label} workspace`,
  };
}
