/** Test helpers for the engine: temp data dirs, engines, and a WebSocket bridge to a web shell. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createWsBridge, type SocketLike, type WsBridge } from '../../shared/ws-bridge.ts';
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
  const bridge = createWsBridge(socket as unknown as SocketLike);
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
