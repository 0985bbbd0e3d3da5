/**
 * Sync follows the session (REAL sync server): a workspace switch syncs the other workspace's rows
 * and keeps each workspace's replica apart; sign-out stops sync and wipes the account's leads and
 * unsent edits, with a new installation client id for the next replica.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthState, LeadDto } from '../../shared/contract.ts';
import type { Engine } from '../engine.ts';
import { startTestServer, tempDir } from '../test/harness.ts';
import { CLIENT_ID_KEY } from './installation.ts';
import {
  addMember,
  call,
  invitationToken,
  openSyncEngine,
  signUp,
  syncStatus,
  waitOnline,
  type TestServer,
} from './test/sync-harness.ts';
import { waitFor } from './test/wait.ts';

function localCounts(dataDir: string) {
  const db = new Database(path.join(dataDir, 'engine.sqlite'), { readonly: true });
  try {
    const n = (sql: string) => (db.prepare(sql).pluck().get() as number) ?? 0;
    return {
      leads: n('select count(*) from lead'),
      outbox: n('select count(*) from outbox'),
      cursors: n('select count(*) from sync_state'),
      clientId: JSON.parse(
        db
          .prepare('select value from local_setting where key = ?')
          .pluck()
          .get(CLIENT_ID_KEY) as string,
      ) as number,
    };
  } finally {
    db.close();
  }
}

const names = async (engine: Engine) =>
  (await call<{ items: LeadDto[] }>(engine, 'leads:list', { sort: 'name' })).items
    .map((l) => l.firstName)
    .sort();

describe('sync follows the session', () => {
  let server: TestServer;
  const engines: Engine[] = [];
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const engine of engines) engine.close();
    await server.close();
  });

  it('switching workspace syncs the other workspace and keeps each replica apart', async () => {
    const bobEngine = await openSyncEngine(server.url);
    engines.push(bobEngine);
    await signUp(bobEngine, 'bob');
    await call(bobEngine, 'leads:create', { fields: { firstName: 'BobLead' } });
    await waitOnline(bobEngine);

    // Alice joins Bob's workspace as a new account.
    const alice = await addMember(server, bobEngine, 'manager', 'alice');
    engines.push(alice.engine);
    const bobsWorkspace = alice.me.workspace.id;
    await waitFor(async () => (await names(alice.engine)).includes('BobLead'));

    // Carol invites Alice into her workspace too.
    const carol = await openSyncEngine(server.url);
    engines.push(carol);
    await signUp(carol, 'carol');
    await call(carol, 'leads:create', { fields: { firstName: 'CarolLead' } });
    await call(carol, 'members:invite', { email: alice.email, role: 'sdr' });
    const token = await invitationToken(server.env.dataDir, alice.email);
    const accepted = await fetch(`${server.url}/api/v1/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: alice.password }),
    });
    expect(accepted.status).toBe(200);
    const state = await call<AuthState>(alice.engine, 'auth:state');
    const carolsWorkspace =
      state.status === 'signed-in'
        ? state.me.workspaces.find((w) => w.id !== bobsWorkspace)?.id
        : undefined;
    expect(carolsWorkspace).toBeDefined();

    await call(alice.engine, 'auth:switchWorkspace', { workspaceId: carolsWorkspace });
    await waitFor(async () => (await names(alice.engine)).includes('CarolLead'), {
      what: 'the other workspace synced',
    });
    expect(await names(alice.engine)).toEqual(['CarolLead']);
    expect((await syncStatus(alice.engine)).workspaceId).toBe(carolsWorkspace);

    // Back again: Bob's rows were kept locally, and live edits resume there.
    await call(alice.engine, 'auth:switchWorkspace', { workspaceId: bobsWorkspace });
    expect(await names(alice.engine)).toEqual(['BobLead']);
    await call(bobEngine, 'leads:create', { fields: { firstName: 'BobLead2' } });
    await waitFor(async () => (await names(alice.engine)).includes('BobLead2'));
  });

  it('sign-out stops sync and wipes the account’s local leads and unsent edits', async () => {
    const dataDir = tempDir();
    const engine = await openSyncEngine(server.url, dataDir);
    engines.push(engine);
    await signUp(engine, 'leaver');
    await call(engine, 'leads:create', { fields: { firstName: 'Synced' } });
    await waitOnline(engine);
    const before = localCounts(dataDir);
    expect(before).toMatchObject({ leads: 1, outbox: 0, cursors: 1 });

    await call(engine, 'auth:logout');
    const after = localCounts(dataDir);
    expect(after).toMatchObject({ leads: 0, outbox: 0, cursors: 0 });
    expect(after.clientId).not.toBe(before.clientId);
    expect(await engine.dispatch('leads:list', {})).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    expect(await syncStatus(engine)).toMatchObject({ connection: 'offline', workspaceId: null });
  });

  it('goes read-only when the server requires a newer app: local edits are refused', async () => {
    const { startServer } = await import('@sdr/sync-server');
    const strict = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: tempDir('sdr-server-'),
      jwtSecret: 'engine-tests-secret-0123456789abcdef',
      seedDemo: false,
      logLevel: 'silent',
      env: { AUTH_RATE_LIMIT: '10000', MIN_CLIENT_VERSION: '99.0.0' },
    });
    try {
      const engine = await openSyncEngine(strict.url);
      engines.push(engine);
      await signUp(engine, 'old-app');
      await waitFor(async () => (await syncStatus(engine)).readOnly, { what: 'read-only' });
      const refused = await engine.dispatch('leads:create', { fields: { firstName: 'No' } });
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'forbidden', serverCode: 'read_only' },
      });
      expect((await syncStatus(engine)).pending).toBe(0);
    } finally {
      await strict.close();
    }
  }, 60_000); // starts a second PGlite server
});
