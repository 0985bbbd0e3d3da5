/**
 * The sync client's reconnect, cursor and outbox logic against a tiny fake `/sync` socket that
 * speaks the real frames (real SQLite, real WebSockets). The engine against the REAL server is
 * covered by `sync.integration.test.ts`.
 */
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  decodeSyncPayload,
  encodeFrame,
  leadRecord,
  loadRecordDoc,
  projectLead,
  SERVER_CLIENT_ID,
  createRecordDoc,
  syncStep1Payload,
} from '@sdr/schema/sync';
import { openDb } from '../db.ts';
import { LeadReplica } from '../leads/lead-replica.ts';
import { tempDir, testLog } from '../test/harness.ts';
import { createInstallation } from './installation.ts';
import { SyncClient, type SyncClientOptions, type SyncClientSnapshot } from './sync-client.ts';
import { startFakeSyncServer, type FakeSyncServer } from './test/fake-sync-server.ts';
import { waitFor } from './test/wait.ts';

const WS = 'ws-1';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function openReplica() {
  const { db, close } = openDb(tempDir());
  const sqlite = (db as unknown as { $client: Database.Database }).$client;
  const replica = new LeadReplica(sqlite, createInstallation(sqlite), Date.now);
  cleanups.push(close);
  return replica;
}

async function fake(): Promise<FakeSyncServer> {
  const server = await startFakeSyncServer();
  cleanups.push(() => server.close());
  return server;
}

function client(
  replica: LeadReplica,
  server: FakeSyncServer,
  extra: Partial<SyncClientOptions> = {},
) {
  const statuses: SyncClientSnapshot[] = [];
  const reverted: unknown[] = [];
  const c: SyncClient = new SyncClient({
    serverUrl: server.url,
    workspaceId: WS,
    replica,
    clientVersion: '1.0.0',
    token: async () => 'token',
    log: testLog,
    onStatus: () => statuses.push(c.snapshot()),
    onLeadsChanged: () => undefined,
    onReverted: (r) => reverted.push(r),
    backoff: { baseMs: 20, capMs: 100 },
    gapFillDelayMs: 20,
    ...extra,
  });
  cleanups.push(() => c.stop());
  return { c, statuses, reverted };
}

const cursor = (r: LeadReplica) => r.syncState.get(WS).cursor;

describe('SyncClient (fake socket)', () => {
  it('catches up in pages, storing rows and states, and reports progress', async () => {
    const server = await fake();
    server.knobs.pageSize = 10;
    for (let i = 0; i < 25; i++) server.createLead(`L${i}`, { firstName: `First${i}` });
    const replica = openReplica();
    const { c, statuses } = client(replica, server);
    c.start();
    await waitFor(() => replica.syncState.get(WS).initialSyncDone, { what: 'initial sync' });
    expect(replica.leads.count(WS)).toBe(25);
    expect(cursor(replica)).toBe(25);
    expect(replica.leads.get('L7')).toMatchObject({ firstName: 'First7', seq: 8 });
    // The state blob is stored undecoded and is the doc.
    const doc = loadRecordDoc('lead:L7', [replica.leads.get('L7')!.yState!]);
    expect(projectLead(doc).values.firstName).toBe('First7');
    const requests = server.received.filter((f) => f.type === 'catchupRequest');
    expect(requests.map((f) => f.type === 'catchupRequest' && f.afterSeq)).toEqual([0, 10, 20]);
    const progress = statuses.map((s) => s.catchUp).filter((p) => p !== null);
    expect(progress.map((p) => p.received)).toEqual([0, 10, 20]);
    expect(progress.every((p) => p.total === 25)).toBe(true);
    expect(c.snapshot()).toMatchObject({ connection: 'online', catchUp: null });
  });

  it('resends offline edits in clientSeq order after catch-up and drains the outbox on acks', async () => {
    const server = await fake();
    server.createLead('A', { firstName: 'Ann' });
    const replica = openReplica();
    // Offline: nothing is running yet. The lead A comes first so it can be edited.
    const first = client(replica, server);
    first.c.start();
    await waitFor(() => replica.leads.get('A'));
    await first.c.stop();
    const made = replica.create(WS, { firstName: 'New', company: 'Acme' });
    replica.update(WS, 'A', { title: 'CEO' });
    replica.update(WS, made.lead.id, { company: 'Acme Corp' });
    expect(replica.outbox.count(WS)).toBe(3);

    const { c } = client(replica, server);
    c.start();
    await waitFor(() => replica.outbox.count(WS) === 0, { what: 'outbox drained' });
    const updates = server.received.filter((f) => f.type === 'update');
    const seqs = updates.map((f) => (f.type === 'update' ? f.clientSeq : 0));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs).toHaveLength(3);
    // Every update is sent after the catch-up finished.
    const lastPage = server.received.findLastIndex((f) => f.type === 'catchupRequest');
    expect(server.received.findIndex((f) => f.type === 'update')).toBeGreaterThan(lastPage);
    expect(server.row(made.lead.id)).toMatchObject({ firstName: 'New', company: 'Acme Corp' });
    expect(server.row('A')).toMatchObject({ firstName: 'Ann', title: 'CEO' });
  });

  it('reconnects with backoff after a drop and resends what was not acknowledged', async () => {
    const server = await fake();
    server.createLead('A', {});
    const replica = openReplica();
    const { c } = client(replica, server);
    server.knobs.ackUpdates = false;
    c.start();
    await waitFor(() => replica.leads.get('A'));
    const edit = replica.update(WS, 'A', { status: 'contacted' });
    c.enqueued(edit.entry!);
    await waitFor(() => server.received.some((f) => f.type === 'update'));
    server.knobs.ackUpdates = true;
    server.dropConnections();
    await waitFor(() => replica.outbox.count(WS) === 0, { what: 'resent and acked' });
    const sent = server.received.filter((f) => f.type === 'update');
    expect(sent).toHaveLength(2);
    expect(server.received.filter((f) => f.type === 'hello')).toHaveLength(2);
    expect(server.row('A')).toMatchObject({ status: 'contacted' });
  });

  it('refreshes the access token after a 4401 close and connects with the new one', async () => {
    const server = await fake();
    server.knobs.acceptToken = (t) => t === 'fresh';
    const replica = openReplica();
    const asked: (string | null)[] = [];
    const { c } = client(replica, server, {
      token: async (stale) => {
        asked.push(stale);
        return stale === 'old' ? 'fresh' : 'old';
      },
    });
    c.start();
    await waitFor(() => c.snapshot().connection === 'online', { what: 'online' });
    expect(asked).toEqual([null, 'old']);
    expect(server.tokens).toEqual(['old', 'fresh']);
  });

  it('fills a gap in live seqs with a catch-up and keeps the cursor contiguous', async () => {
    const server = await fake();
    const replica = openReplica();
    const { c } = client(replica, server);
    c.start();
    await waitFor(() => replica.syncState.get(WS).initialSyncDone);
    server.createLead('A', {});
    await waitFor(() => cursor(replica) === 1);
    server.skip(3); // seqs 2-4 are invisible to this user and never pushed
    server.createLead('B', {});
    await waitFor(() => replica.leads.get('B'));
    await waitFor(() => cursor(replica) === 5, { what: 'cursor over the gap' });
    const requests = server.received.filter((f) => f.type === 'catchupRequest');
    expect(requests.at(-1)).toMatchObject({ afterSeq: 1 });
  });

  it('applies evictions: the row, its state and its pending edits go', async () => {
    const server = await fake();
    server.createLead('A', {});
    server.createLead('B', {});
    const replica = openReplica();
    server.knobs.ackUpdates = false;
    const { c } = client(replica, server);
    c.start();
    await waitFor(() => replica.leads.get('B'));
    replica.update(WS, 'A', { firstName: 'x' });
    server.push({ type: 'evict', docName: 'lead:A' });
    await waitFor(() => !replica.leads.get('A'), { what: 'evicted' });
    expect(replica.outbox.count(WS)).toBe(0);
    expect(replica.leads.get('B')).toBeDefined();
  });

  it('answers a doc sync step 1 with the doc state the server lacks', async () => {
    const server = await fake();
    server.createLead('A', { firstName: 'Ann' });
    const replica = openReplica();
    server.knobs.ackUpdates = false;
    const { c } = client(replica, server);
    c.start();
    await waitFor(() => replica.syncState.get(WS).initialSyncDone);
    const edit = replica.update(WS, 'A', { lastName: 'Lovelace' });
    c.enqueued(edit.entry!);
    const serverDoc = createRecordDoc(leadRecord, 'A', { firstName: 'Ann' }, SERVER_CLIENT_ID).doc;
    server.push({
      type: 'error',
      code: 'missing_dependencies',
      message: 'x',
      clientSeq: edit.entry!.clientSeq,
    });
    server.push({ type: 'docSync', docName: 'lead:A', payload: syncStep1Payload(new Y.Doc()) });
    const answer = await waitFor(() => server.received.find((f) => f.type === 'docSync'));
    const msg = answer.type === 'docSync' ? decodeSyncPayload(answer.payload) : null;
    expect(msg?.ok && msg.value.kind).toBe('step2');
    if (!msg?.ok || msg.value.kind !== 'step2') throw new Error('no step 2');
    Y.applyUpdate(serverDoc, msg.value.update);
    expect(projectLead(serverDoc).values).toMatchObject({ firstName: 'Ann', lastName: 'Lovelace' });
    // The refused update is sent again after the answer.
    await waitFor(() => server.received.filter((f) => f.type === 'update').length === 2);
    expect(c.snapshot().lastError).toMatchObject({ code: 'missing_dependencies' });
  });

  it('sends nothing while the server says read-only', async () => {
    const server = await fake();
    server.createLead('A', {});
    server.knobs.readOnly = true;
    const replica = openReplica();
    const { c } = client(replica, server);
    c.start();
    await waitFor(() => replica.syncState.get(WS).initialSyncDone);
    const edit = replica.update(WS, 'A', { firstName: 'nope' });
    c.enqueued(edit.entry!);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.snapshot().readOnly).toBe(true);
    expect(server.received.some((f) => f.type === 'update')).toBe(false);
    expect(replica.outbox.count(WS)).toBe(1);
  });

  it('ignores unreadable frames and keeps working', async () => {
    const server = await fake();
    const replica = openReplica();
    const { c } = client(replica, server);
    c.start();
    await waitFor(() => c.snapshot().connection === 'online');
    server.pushRaw(encodeFrame({ type: 'evict', docName: 'lead:A' }).slice(0, 3));
    server.pushRaw(new Uint8Array([250, 1, 2]));
    server.createLead('Z', {});
    await waitFor(() => replica.leads.get('Z'));
    expect(c.snapshot().connection).toBe('online');
  });
});
