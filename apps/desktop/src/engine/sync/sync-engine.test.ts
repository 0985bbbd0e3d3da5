/**
 * The engine's sync against the REAL sync server (in-process `startServer`, PGlite, loopback,
 * real WebSockets): offline edits across restarts, two engines live, REST ⇄ engine, compensation,
 * eviction, status, initial sync progress.
 */
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadConflict, LeadDto, LeadReverted, SyncStatus } from '../../shared/contract.ts';
import { openDb } from '../db.ts';
import type { Engine } from '../engine.ts';
import { recordEvents, startTestServer, tempDir } from '../test/harness.ts';
import {
  addMember,
  call,
  getLead,
  openSyncEngine,
  restClient,
  signUp,
  syncStatus,
  waitOnline,
  type TestServer,
} from './test/sync-harness.ts';
import { startTcpProxy } from './test/tcp-proxy.ts';
import { waitFor } from './test/wait.ts';

interface RestLead {
  id: string;
  firstName: string;
  status: string;
  company: string;
  ownerId: string | null;
  tags: string[];
}

describe('engine sync against the real server', () => {
  let server: TestServer;
  const serverDir = tempDir('sdr-server-');
  const engines: Engine[] = [];
  const track = (engine: Engine) => {
    engines.push(engine);
    return engine;
  };

  beforeAll(async () => {
    server = await startTestServer({ dataDir: serverDir });
  });
  afterAll(async () => {
    for (const engine of engines) engine.close();
    await server.close();
  });

  it('edits offline across an engine restart; everything merges and the outbox drains when the server is back', async () => {
    const dir = tempDir();
    let engine = track(await openSyncEngine(server.url, dir));
    const admin = await signUp(engine, 'offline');
    const rest = await restClient(server.url, admin.email, admin.password);
    const ada = await call<LeadDto>(engine, 'leads:create', {
      fields: { firstName: 'Ada', company: 'Acme' },
    });
    await waitOnline(engine);
    expect((await rest<RestLead>('GET', `/api/v1/leads/${ada.id}`)).body).toMatchObject({
      firstName: 'Ada',
      company: 'Acme',
    });

    const events = recordEvents(engine);
    const port = server.port;
    await server.close();
    await waitFor(async () => (await syncStatus(engine)).connection !== 'online');
    await call(engine, 'leads:update', { id: ada.id, changes: { status: 'contacted' } });
    const grace = await call<LeadDto>(engine, 'leads:create', { fields: { firstName: 'Grace' } });
    expect(grace.pending).toBe(true);
    expect((await syncStatus(engine)).pending).toBe(2);
    await waitFor(() =>
      events.some((e) => e.event === 'sync:status' && (e.payload as SyncStatus).pending === 2),
    );

    engine.close();
    engine = track(await openSyncEngine(server.url, dir));
    const restarted = await syncStatus(engine);
    expect(restarted.connection).not.toBe('online');
    expect(restarted.pending).toBe(2);
    await call(engine, 'leads:update', { id: grace.id, changes: { company: 'Navy' } });
    await call(engine, 'leads:update', { id: ada.id, changes: { tags: ['vip'] } });
    expect((await syncStatus(engine)).pending).toBe(4);
    expect((await getLead(engine, ada.id))?.status).toBe('contacted');

    const after = recordEvents(engine);
    server = await startTestServer({ dataDir: serverDir, port });
    const online = await waitOnline(engine);
    expect(online).toMatchObject({ connection: 'online', pending: 0, lastError: null });
    // The renderer saw it too: offline with 4 pending, then online with none.
    const statuses = () =>
      after.filter((e) => e.event === 'sync:status').map((e) => e.payload as SyncStatus);
    await waitFor(() => statuses().some((s) => s.connection === 'online' && s.pending === 0));
    expect(statuses()[0]).toMatchObject({ pending: 4 });
    expect(statuses()[0]?.connection).not.toBe('online');

    expect((await rest<RestLead>('GET', `/api/v1/leads/${ada.id}`)).body).toMatchObject({
      firstName: 'Ada',
      company: 'Acme',
      status: 'contacted',
      tags: ['vip'],
    });
    expect((await rest<RestLead>('GET', `/api/v1/leads/${grace.id}`)).body).toMatchObject({
      firstName: 'Grace',
      company: 'Navy',
    });
    expect(await getLead(engine, grace.id)).toMatchObject({ company: 'Navy', pending: false });
  });

  it('two engines of two users in one workspace see each other’s edits live', async () => {
    const a = track(await openSyncEngine(server.url));
    await signUp(a, 'live-admin');
    const b = await addMember(server, a, 'manager', 'live-mate');
    track(b.engine);
    await waitOnline(a);
    await waitOnline(b.engine);

    const lead = await call<LeadDto>(a, 'leads:create', { fields: { firstName: 'Live' } });
    await waitFor(() => getLead(b.engine, lead.id), { what: 'lead reaches B' });
    await call(b.engine, 'leads:update', { id: lead.id, changes: { title: 'CTO' } });
    await waitFor(async () => (await getLead(a, lead.id))?.title === 'CTO', { what: 'B → A' });

    // Concurrent edits of different fields merge on both sides.
    await Promise.all([
      call(a, 'leads:update', { id: lead.id, changes: { phone: '+14155550100' } }),
      call(b.engine, 'leads:update', { id: lead.id, changes: { email: 'live@example.com' } }),
    ]);
    for (const engine of [a, b.engine]) {
      await waitFor(
        async () => {
          const l = await getLead(engine, lead.id);
          return l?.phone === '+14155550100' && l.email === 'live@example.com' && !l.pending;
        },
        { what: 'both edits everywhere' },
      );
    }
  });

  it('logs a same-field conflict between an offline edit and a server write, readable through leads:conflicts', async () => {
    const proxy = await startTcpProxy(server.url);
    const engine = track(await openSyncEngine(proxy.url));
    const admin = await signUp(engine, 'conflict');
    const rest = await restClient(server.url, admin.email, admin.password);
    const lead = await call<LeadDto>(engine, 'leads:create', { fields: { firstName: 'Both' } });
    await waitOnline(engine);

    proxy.cut();
    await waitFor(async () => (await syncStatus(engine)).connection !== 'online');
    await call(engine, 'leads:update', { id: lead.id, changes: { status: 'offline-value' } });
    const offlineConflicts = await engine.dispatch('leads:conflicts', { id: lead.id });
    expect(offlineConflicts).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
    // Meanwhile the server changes the same field (it never saw the offline edit).
    expect(
      (await rest('PATCH', `/api/v1/leads/${lead.id}`, { status: 'server-value' })).status,
    ).toBe(200);

    proxy.heal();
    await waitOnline(engine);
    const onServer = (await rest<RestLead>('GET', `/api/v1/leads/${lead.id}`)).body;
    await waitFor(async () => (await getLead(engine, lead.id))?.status === onServer.status, {
      what: 'replicas agree',
    });
    const conflicts = await call<LeadConflict[]>(engine, 'leads:conflicts', { id: lead.id });
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ field: 'status', sameValue: false });
    expect([conflicts[0]!.previousValue, conflicts[0]!.incomingValue].sort()).toEqual([
      'offline-value',
      'server-value',
    ]);
    await proxy.close();
  });

  it('a REST PATCH reaches a connected engine, and an engine edit shows through REST', async () => {
    const engine = track(await openSyncEngine(server.url));
    const admin = await signUp(engine, 'rest');
    const rest = await restClient(server.url, admin.email, admin.password);
    await waitOnline(engine);

    const created = await rest<RestLead>('POST', '/api/v1/leads', { firstName: 'Rest' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await waitFor(() => getLead(engine, id), { what: 'REST create reaches the engine' });
    expect((await rest('PATCH', `/api/v1/leads/${id}`, { status: 'qualified' })).status).toBe(200);
    await waitFor(async () => (await getLead(engine, id))?.status === 'qualified', {
      what: 'REST PATCH reaches the engine',
    });

    await call(engine, 'leads:update', { id, changes: { company: 'From the engine' } });
    await waitFor(
      async () =>
        (await rest<RestLead>('GET', `/api/v1/leads/${id}`)).body.company === 'From the engine',
      { what: 'engine edit in REST' },
    );
    // Deleting is a tombstone: gone from the default list, still there with includeDeleted.
    await call(engine, 'leads:delete', { id });
    await waitFor(
      async () =>
        (await rest<RestLead & { deleted: boolean }>('GET', `/api/v1/leads/${id}`)).body.deleted,
    );
    const list = await call<{ items: LeadDto[] }>(engine, 'leads:list', {});
    expect(list.items.some((l) => l.id === id)).toBe(false);
    const all = await call<{ items: LeadDto[] }>(engine, 'leads:list', { includeDeleted: true });
    expect(all.items.find((l) => l.id === id)).toMatchObject({ deleted: true });
  });

  it('an edit the server compensates is reverted locally and the reason is surfaced', async () => {
    const a = track(await openSyncEngine(server.url));
    await signUp(a, 'comp-admin');
    const sdr = await addMember(server, a, 'sdr', 'comp-sdr');
    track(sdr.engine);
    const lead = await call<LeadDto>(a, 'leads:create', { fields: { firstName: 'Owned' } });
    await waitFor(() => getLead(sdr.engine, lead.id));
    await waitOnline(sdr.engine);
    const events = recordEvents(sdr.engine);

    // SDRs may not assign leads: the engine applies the edit locally, the server puts it back.
    const local = await call<LeadDto>(sdr.engine, 'leads:update', {
      id: lead.id,
      changes: { ownerId: sdr.me.user.id, title: 'VP' },
    });
    expect(local).toMatchObject({ ownerId: sdr.me.user.id, pending: true });
    await waitFor(
      async () => {
        const l = await getLead(sdr.engine, lead.id);
        return l && l.ownerId === null && !l.pending;
      },
      { what: 'compensation applied' },
    );
    expect(await getLead(sdr.engine, lead.id)).toMatchObject({ title: 'VP', ownerId: null });
    const reverted = events.find((e) => e.event === 'sync:reverted')?.payload as LeadReverted;
    expect(reverted).toMatchObject({
      leadId: lead.id,
      reasons: [expect.objectContaining({ field: 'ownerId', code: 'forbidden_field' })],
    });
    expect((await syncStatus(sdr.engine)).reverted[0]?.leadId).toBe(lead.id);
    await waitFor(async () => (await getLead(a, lead.id))?.title === 'VP');
    expect((await getLead(a, lead.id))?.ownerId).toBeNull();
  });

  it('refuses invalid values at the boundary with field issues', async () => {
    const engine = track(await openSyncEngine(server.url));
    await signUp(engine, 'invalid');
    const lead = await call<LeadDto>(engine, 'leads:create', { fields: { firstName: 'X' } });
    const r = await engine.dispatch('leads:update', {
      id: lead.id,
      changes: { title: 'x'.repeat(201), status: '' },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const paths = !r.ok ? (r.error.issues ?? []).map((i) => i.path).sort() : [];
    expect(paths).toEqual(['changes.status', 'changes.title']);
    // Values the engine normalises are checked after normalising, each under its own field.
    const n = await engine.dispatch('leads:update', {
      id: lead.id,
      changes: { email: 'not an email', phone: '12', firstName: 'Kept?' },
    });
    expect(n).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const nPaths = !n.ok ? (n.error.issues ?? []).map((i) => i.path).sort() : [];
    expect(nPaths).toEqual(['changes.email', 'changes.phone']);
    expect(await getLead(engine, lead.id)).toMatchObject({
      email: '',
      status: 'new',
      firstName: 'X',
    });
    // A readable phone is stored as E.164 with the zone of its country.
    const ok = await call<LeadDto>(engine, 'leads:update', {
      id: lead.id,
      changes: { phone: '+44 20 7946 0958', email: ' X@Example.com ' },
    });
    expect(ok).toMatchObject({
      phone: '+442079460958',
      timezone: 'Europe/London',
      email: 'x@example.com',
    });
  });

  it('evicts a lead that leaves an SDR’s visibility: the local row goes', async () => {
    const a = track(await openSyncEngine(server.url));
    const admin = await signUp(a, 'evict-admin');
    const rest = await restClient(server.url, admin.email, admin.password);
    expect(
      (await rest('PUT', '/api/v1/workspace/settings', { leadVisibility: 'own' })).status,
    ).toBe(200);
    const sdr = await addMember(server, a, 'sdr', 'evict-sdr');
    track(sdr.engine);
    await waitOnline(sdr.engine);
    const mine = await rest<RestLead>('POST', '/api/v1/leads', {
      firstName: 'Mine',
      ownerId: sdr.me.user.id,
    });
    const hidden = await rest<RestLead>('POST', '/api/v1/leads', {
      firstName: 'Hidden',
      ownerId: admin.me.user.id,
    });
    await waitFor(() => getLead(sdr.engine, mine.body.id), { what: 'own lead visible' });
    expect(await getLead(sdr.engine, hidden.body.id)).toBeNull();

    await rest('PATCH', `/api/v1/leads/${mine.body.id}`, { ownerId: admin.me.user.id });
    await waitFor(async () => (await getLead(sdr.engine, mine.body.id)) === null, {
      what: 'evicted',
    });
    const list = await call<{ total: number }>(sdr.engine, 'leads:list', { includeDeleted: true });
    expect(list.total).toBe(0);
  });

  it('a visibility policy change removes and restores leads in a connected SDR’s engine', async () => {
    const a = track(await openSyncEngine(server.url));
    const admin = await signUp(a, 'policy-admin');
    const rest = await restClient(server.url, admin.email, admin.password);
    const sdr = await addMember(server, a, 'sdr', 'policy-sdr');
    track(sdr.engine);
    await waitOnline(sdr.engine);
    const theirs = await rest<RestLead>('POST', '/api/v1/leads', {
      firstName: 'Theirs',
      ownerId: admin.me.user.id,
    });
    await waitFor(() => getLead(sdr.engine, theirs.body.id), { what: 'visible under all' });
    await rest('PATCH', `/api/v1/leads/${theirs.body.id}`, { company: 'Acme' });

    // No reconnect: the open socket gets an evict, then the lead's full state back.
    expect(
      (await rest('PUT', '/api/v1/workspace/settings', { leadVisibility: 'own' })).status,
    ).toBe(200);
    await waitFor(async () => (await getLead(sdr.engine, theirs.body.id)) === null, {
      what: 'forgotten under own',
    });
    expect(
      (await rest('PUT', '/api/v1/workspace/settings', { leadVisibility: 'all' })).status,
    ).toBe(200);
    await waitFor(async () => (await getLead(sdr.engine, theirs.body.id))?.company === 'Acme', {
      what: 'back whole under all',
    });
    expect(await getLead(sdr.engine, theirs.body.id)).toMatchObject({ firstName: 'Theirs' });
  });

  it('initial sync of a few thousand leads reports progress and ends with every row', async () => {
    const a = track(await openSyncEngine(server.url));
    const admin = await signUp(a, 'bulk');
    const N = 3000;
    // Seeded through the server's own writer path (what REST uses), in group-committed batches.
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        server.sync.authority.applyServerWrite({
          workspaceId: admin.me.workspace.id,
          userId: admin.me.user.id,
          docName: `lead:${ulid()}`,
          changes: { firstName: `Bulk${i}`, company: 'Co' },
          mode: 'create',
        }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);

    // Catch-up mode from 1,000 pending changes; its index rebuilds wait (checked below).
    const freshDir = tempDir();
    const fresh = track(
      await openSyncEngine(
        server.url,
        freshDir,
        { pageLimit: 400 },
        { catchUp: { minBacklog: 1000, gapMs: 600_000 } },
      ),
    );
    const events = recordEvents(fresh);
    const started = Date.now();
    await call(fresh, 'auth:login', { email: admin.email, password: admin.password });
    const done = await waitOnline(fresh);
    const elapsed = Date.now() - started;
    expect(done.initialSync.done).toBe(true);
    const list = await call<{ total: number; items: LeadDto[] }>(fresh, 'leads:list', {
      sort: 'name',
      limit: 5,
    });
    expect(list.total).toBe(N);
    const progress = events
      .filter((e) => e.event === 'sync:status')
      .map((e) => (e.payload as SyncStatus).initialSync)
      .filter((p) => !p.done && p.total > 0);
    expect(progress.length).toBeGreaterThan(1);
    const received = progress.map((p) => p.received);
    expect(received).toEqual([...received].sort((x, y) => x - y));
    expect(progress.at(-1)!.received).toBeGreaterThan(0);
    expect(progress.every((p) => p.received <= p.total)).toBe(true);
    expect(elapsed).toBeLessThan(10_000);

    // The leads were stored in catch-up mode: its indexes are still to be rebuilt, and yet search,
    // counts and sorted pages are right at once.
    const view = openDb(freshDir);
    const mode = () =>
      view.sqlite
        .prepare(`SELECT value FROM lead_query_meta WHERE key = 'catch_up_mode'`)
        .pluck()
        .get() as string | undefined;
    expect(JSON.parse(mode()!)).toMatchObject({ phase: 'indexing' });
    const found = await call<{ items: LeadDto[] }>(fresh, 'leads:query', {
      search: 'bulk2999',
      limit: 10,
    });
    expect(found.items.map((l) => l.firstName)).toEqual(['Bulk2999']);
    const counted = await call<{ count: number }>(fresh, 'leads:count', { search: 'co' });
    expect(counted.count).toBe(N);
    const page = await call<{ items: LeadDto[] }>(fresh, 'leads:query', {
      sort: [{ field: 'firstName', dir: 'desc' }],
      limit: 3,
    });
    expect(page.items.map((l) => l.firstName)).toEqual(['Bulk999', 'Bulk998', 'Bulk997']);
    // A restart finishes the rebuilds before the query layer opens.
    fresh.close();
    const reopened = track(await openSyncEngine(server.url, freshDir));
    expect(mode()).toBeUndefined();
    const indexes = view.sqlite
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'lead_q_%'`)
      .pluck()
      .all();
    expect(indexes).toContain('lead_q_updated');
    expect((await call<{ count: number }>(reopened, 'leads:count', {})).count).toBe(N);
    view.close();
  });
});
