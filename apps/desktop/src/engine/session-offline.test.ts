/**
 * Offline behaviour against a real sync server that is stopped and started again: the engine answers
 * `auth:state` from the stored profile with `offline: true`, survives a restart while offline, and
 * when the server comes back with a new signing key it refreshes on the 401 and is online again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { AuthState } from '../shared/contract.ts';
import type { Engine } from './engine.ts';
import { newAccount, openEngine, recordEvents, startTestServer, tempDir } from './test/harness.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

// Starts PGlite twice inside one test (server down, then up again): allow for a loaded machine.
describe('session while the sync server is down', { timeout: 90_000 }, () => {
  const serverDir = tempDir('sdr-server-');
  const dataDir = tempDir();
  let server: Server | null = null;
  const engines: Engine[] = [];

  afterAll(async () => {
    for (const engine of engines) engine.close();
    await server?.close();
  });

  it('answers from the stored profile offline, and recovers (refresh on 401) when the server returns', async () => {
    server = await startTestServer({
      dataDir: serverDir,
      jwtSecret: 'first-secret-0123456789abcdef0123',
    });
    const { port, url } = server;
    const engine = await openEngine({ dataDir, serverUrl: url });
    engines.push(engine);
    const events = recordEvents(engine);
    const account = newAccount('offline');
    const up = await engine.dispatch('auth:signup', account);
    if (!up.ok) throw new Error(up.error.message);
    const me = (up.data as Extract<AuthState, { status: 'signed-in' }>).me;

    await server.close();
    server = null;

    const offline = await engine.dispatch('auth:state', {});
    expect(offline).toEqual({ ok: true, data: { status: 'signed-in', me, offline: true } });
    expect(events.at(-1)).toEqual({
      event: 'auth:changed',
      payload: { status: 'signed-in', me, offline: true },
    });
    const members = await engine.dispatch('members:list', {});
    expect(members).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });

    // A new engine on the same data dir, while the server is still down: signed in, offline.
    const restarted = await openEngine({ dataDir, serverUrl: url });
    expect(await restarted.dispatch('auth:state', {})).toEqual({
      ok: true,
      data: { status: 'signed-in', me, offline: true },
    });
    restarted.close();

    // The server comes back with a different JWT secret: the engine's in-memory access token is
    // refused (401), so it refreshes once and carries on.
    server = await startTestServer({
      dataDir: serverDir,
      port,
      jwtSecret: 'second-secret-0123456789abcdef012',
    });
    const online = await engine.dispatch('auth:state', {});
    expect(online).toEqual({ ok: true, data: { status: 'signed-in', me, offline: false } });
    expect(events.at(-1)).toEqual({
      event: 'auth:changed',
      payload: { status: 'signed-in', me, offline: false },
    });

    const invite = await engine.dispatch('members:invite', {
      email: 'new.hire@example.com',
      role: 'sdr',
    });
    expect(invite).toMatchObject({
      ok: true,
      data: { email: 'new.hire@example.com', role: 'sdr' },
    });
  });

  it('signs out locally even when the server cannot be told', async () => {
    expect(server).not.toBeNull();
    const url = server!.url;
    await server!.close();
    server = null;
    const engine = await openEngine({ dataDir, serverUrl: url });
    engines.push(engine);
    expect(await engine.dispatch('auth:state', {})).toMatchObject({
      ok: true,
      data: { offline: true },
    });
    expect(await engine.dispatch('auth:logout', {})).toEqual({
      ok: true,
      data: { status: 'signed-out' },
    });
    engine.close();
    const after = await openEngine({ dataDir, serverUrl: url });
    engines.push(after);
    expect(await after.dispatch('auth:state', {})).toEqual({
      ok: true,
      data: { status: 'signed-out' },
    });
  });

  it('keeps the account of one server apart from another server URL', async () => {
    const other = tempDir();
    server = await startTestServer({
      dataDir: serverDir,
      jwtSecret: 'second-secret-0123456789abcdef012',
    });
    const first = await openEngine({ dataDir: other, serverUrl: server.url });
    expect((await first.dispatch('auth:signup', newAccount('apart'))).ok).toBe(true);
    first.close();
    const elsewhere = await openEngine({ dataDir: other, serverUrl: 'http://127.0.0.1:9' });
    engines.push(elsewhere);
    expect(await elsewhere.dispatch('auth:state', {})).toEqual({
      ok: true,
      data: { status: 'signed-out' },
    });
  });
});
