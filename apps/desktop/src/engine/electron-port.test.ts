/**
 * The engine's Electron transport without Electron: an in-memory parent port stands in for
 * `process.parentPort`, and the "main" side answers secret requests with AES-GCM the way main answers
 * them with safeStorage. Contract traffic and sealing are the engine's real code; a real sync server
 * answers the sign-up.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineFrame } from '../shared/contract.ts';
import { SecretRequest, type SecretResponse } from '../shared/engine-port.ts';
import { createEngine, type Engine } from './engine.ts';
import { connectParentPort, type ParentPortLike } from './electron-port.ts';
import { newAccount, startTestServer, tempDir, testLog } from './test/harness.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** A fake Electron main: a key in memory instead of the OS keychain. */
function fakeMain(key: Buffer | null) {
  const toMain: unknown[] = [];
  let deliver: (data: unknown) => void = () => undefined;
  const answer = (req: SecretRequest): SecretResponse => {
    if (!key)
      return { type: 'secret-result', id: req.id, ok: true, value: req.value, encrypted: false };
    if (req.op === 'encrypt') {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(req.value, 'utf8'), c.final()]);
      const value = Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
      return { type: 'secret-result', id: req.id, ok: true, value, encrypted: true };
    }
    const raw = Buffer.from(req.value, 'base64');
    const d = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    const value = Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    return { type: 'secret-result', id: req.id, ok: true, value, encrypted: true };
  };
  const port: ParentPortLike = {
    on: (_event, listener) => {
      deliver = (data) => listener({ data });
    },
    postMessage: (message) => {
      const secret = SecretRequest.safeParse(message);
      if (secret.success) setImmediate(() => deliver(answer(secret.data)));
      else toMain.push(message);
    },
  };
  return { port, toMain, send: (data: unknown) => deliver(data) };
}

async function until<T>(find: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out');
}

describe('engine over the Electron parent port', () => {
  let server: Server;
  const engines: Engine[] = [];
  const key = crypto.randomBytes(32);

  async function boot(dataDir: string, main: ReturnType<typeof fakeMain>) {
    const link = connectParentPort(main.port, testLog);
    const engine = await createEngine({
      dataDir,
      serverUrl: server.url,
      shell: 'electron',
      version: '0.0.0-test',
      box: link.box,
      notify: link.notify,
      log: testLog,
    });
    engines.push(engine);
    link.attach(engine);
    return engine;
  }

  async function call(
    main: ReturnType<typeof fakeMain>,
    id: number,
    channel: string,
    input: unknown,
  ) {
    main.send({ type: 'request', id, channel, input });
    return until(() =>
      main.toMain.find(
        (m): m is EngineFrame =>
          (m as EngineFrame).type === 'response' && (m as { id: number }).id === id,
      ),
    );
  }

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const engine of engines) engine.close();
    await server.close();
  });

  it('seals the refresh token with main, and opens it again after a restart', async () => {
    const dataDir = tempDir();
    const main = fakeMain(key);
    await boot(dataDir, main);
    const account = newAccount('electron');
    const up = await call(main, 1, 'auth:signup', account);
    expect(up).toMatchObject({
      type: 'response',
      id: 1,
      result: { ok: true, data: { status: 'signed-in' } },
    });
    expect(main.toMain).toContainEqual(
      expect.objectContaining({ type: 'event', event: 'auth:changed' }),
    );

    const db = new Database(path.join(dataDir, 'engine.sqlite'), { readonly: true });
    const row = db.prepare('select refresh_token, refresh_token_encrypted from account').get() as {
      refresh_token: Buffer;
      refresh_token_encrypted: number;
    };
    db.close();
    expect(row.refresh_token_encrypted).toBe(1);
    // Ciphertext on disk: it is not a token the server accepts.
    const res = await fetch(`${server.url}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: row.refresh_token.toString('utf8') }),
    });
    expect(res.status).toBe(401);

    engines.pop()?.close();
    const restartedMain = fakeMain(key);
    await boot(dataDir, restartedMain);
    const state = await call(restartedMain, 1, 'auth:state', {});
    expect(state).toMatchObject({
      result: { ok: true, data: { status: 'signed-in', offline: false } },
    });
  });

  it('answers requests that arrive before the engine is ready, and rejects malformed ones', async () => {
    const main = fakeMain(null);
    const link = connectParentPort(main.port, testLog);
    main.send({ type: 'request', id: 5, channel: 'app:info', input: {} });
    main.send({ nonsense: true });
    const engine = await createEngine({
      dataDir: tempDir(),
      serverUrl: server.url,
      shell: 'electron',
      version: '9.9.9',
      box: link.box,
      log: testLog,
    });
    engines.push(engine);
    link.attach(engine);
    const info = await until(() => main.toMain.find((m) => (m as { id?: number }).id === 5));
    expect(info).toMatchObject({
      result: { ok: true, data: { shell: 'electron', version: '9.9.9' } },
    });
    const bad = await until(() =>
      main.toMain.find((m) => (m as EngineFrame).type === 'protocol-error'),
    );
    expect(bad).toMatchObject({ error: { code: 'invalid_input' } });
  });
});
