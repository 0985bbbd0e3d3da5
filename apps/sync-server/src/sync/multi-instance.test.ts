import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFieldChanges, leadRecord, projectLead, type FrameOf } from '@sdr/schema/sync';
import { startServer, type RunningServer } from '../server.ts';
import { apiClient, createPostgresDatabase, signUp } from '../test/harness.ts';
import { SyncTestClient, replica } from './test/sync-client.ts';

const wsUrl = (s: RunningServer) => s.url.replace(/^http/, 'ws');

describe.runIf(!!process.env.TEST_DATABASE_URL)('two server instances on one Postgres', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let a: RunningServer;
  let b: RunningServer;
  const dirs: string[] = [];

  async function start(): Promise<RunningServer> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sdr-multi-'));
    dirs.push(dataDir);
    return startServer({
      // A poll far slower than the test: delivery must come from LISTEN/NOTIFY.
      env: { SYNC_POLL_MS: '600000' },
      port: 0,
      dataDir,
      databaseUrl: database.url,
      jwtSecret: 'multi-instance-secret-0123456789-abcdef',
      seedDemo: false,
      logLevel: 'silent',
    });
  }

  beforeAll(async () => {
    database = await createPostgresDatabase();
    a = await start();
    b = await start();
  }, 30_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('delivers an edit through one instance to a socket client of the other, both ways', async () => {
    const apiA = apiClient(a.url);
    const apiB = apiClient(b.url);
    const admin = await signUp(apiA);
    const auth = { token: admin.accessToken };
    const id = (await apiA.post('/api/v1/leads', { firstName: 'Ada' }, auth)).body.id as string;
    const name = `lead:${id}`;

    const onB = await SyncTestClient.connect(wsUrl(b), admin.accessToken);
    const onA = await SyncTestClient.connect(wsUrl(a), admin.accessToken);
    await onB.hello({ clientId: 501 });
    await onA.hello({ clientId: 502 });

    const patched = await apiA.patch(`/api/v1/leads/${id}`, { status: 'contacted' }, auth);
    const seen = await onB.waitFor(
      (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === patched.body.seq,
      { timeoutMs: 3000 },
    );
    if (seen.change.kind !== 'record') throw new Error('expected a record');
    expect(seen.change.row).toMatchObject({ status: 'contacted' });

    // A socket client of B edits; A's client and A's REST see it (B's doc cache was stale too).
    const rec = (await onB.catchup(0)).changes[0]!;
    if (rec.kind !== 'record') throw new Error('expected a record');
    const doc = replica(name, rec.update);
    const ack = await onB.update(
      name,
      1,
      applyFieldChanges(leadRecord, doc, { company: 'B Corp' }, 501)!,
    );
    if (ack.type !== 'ack') throw new Error(ack.message);
    await onA.waitFor(
      (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === ack.serverSeq,
      { timeoutMs: 3000 },
    );
    expect((await apiA.get(`/api/v1/leads/${id}`, auth)).body).toMatchObject({
      status: 'contacted',
      company: 'B Corp',
    });

    // Concurrent writers on both instances, same doc: every write lands, seqs stay gapless.
    const writes = [];
    for (let i = 0; i < 20; i++) {
      writes.push(apiA.patch(`/api/v1/leads/${id}`, { title: `A${i}` }, auth));
      writes.push(apiB.patch(`/api/v1/leads/${id}`, { phone: `+1415200${1000 + i}` }, auth));
    }
    const results = await Promise.all(writes);
    expect(results.every((r) => r.status === 200)).toBe(true);
    const seqs = results.map((r) => r.body.seq as number).sort((x, y) => x - y);
    expect(new Set(seqs).size).toBe(40);
    expect(seqs.at(-1)! - seqs[0]!).toBe(39);
    // Requests race each other: the row returned by the last committed write is the final row.
    const lastRow = results.find((r) => r.body.seq === seqs.at(-1))!.body as Record<
      string,
      unknown
    >;
    const expected = { title: lastRow['title'], phone: lastRow['phone'] };
    expect(expected.title).toMatch(/^A\d+$/);
    expect(expected.phone).toMatch(/^\+14152001\d{3}$/);
    const final = await apiB.get(`/api/v1/leads/${id}`, auth);
    expect(final.body).toMatchObject({ ...expected, seq: seqs.at(-1) });
    for (const c of [onA, onB]) {
      await c.waitFor(
        (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === seqs.at(-1),
        { timeoutMs: 3000 },
      );
      const live = c.changesFor(name).filter((ch) => ch.seq >= seqs[0]!);
      expect(live.map((ch) => ch.seq)).toEqual(seqs);
    }
    const caught = (await onA.catchup(0)).changes[0]!;
    if (caught.kind !== 'record') throw new Error('expected a record');
    expect(projectLead(replica(name, caught.update)).values).toMatchObject(expected);
    onA.close();
    onB.close();
  });
});
