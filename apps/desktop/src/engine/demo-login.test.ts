/**
 * `pnpm start` passes the demo login to the engine: a fresh data dir is signed into the demo
 * workspace on its first start, and a later sign-out is respected across restarts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthState } from '../shared/contract.ts';
import type { Engine } from './engine.ts';
import { newAccount, openEngine, startTestServer, tempDir } from './test/harness.ts';

describe('first-run demo sign-in', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const engines: Engine[] = [];
  const account = newAccount('demo');

  beforeAll(async () => {
    server = await startTestServer();
    const res = await fetch(`${server.url}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    for (const engine of engines) engine.close();
    await server.close();
  });

  const status = async (engine: Engine) => {
    const result = await engine.dispatch('auth:state', {});
    if (!result.ok) throw new Error(result.error.message);
    return result.data as AuthState;
  };

  const open = async (dataDir: string) => {
    const engine = await openEngine({
      dataDir,
      serverUrl: server.url,
      demoLogin: { email: account.email, password: account.password },
    });
    engines.push(engine);
    return engine;
  };

  it('signs a fresh data dir in once, and respects a later sign-out', async () => {
    const dataDir = tempDir();
    const first = await open(dataDir);
    const state = await status(first);
    expect(state.status === 'signed-in' && state.me.user.email).toBe(account.email);

    expect((await first.dispatch('auth:logout', {})).ok).toBe(true);
    first.close();

    const second = await open(dataDir);
    expect((await status(second)).status).toBe('signed-out');
  });

  it('a wrong demo login leaves the app signed out instead of failing to start', async () => {
    const engine = await openEngine({
      dataDir: tempDir(),
      serverUrl: server.url,
      demoLogin: { email: account.email, password: 'not-the-password' },
    });
    engines.push(engine);
    expect((await status(engine)).status).toBe('signed-out');
  });
});
