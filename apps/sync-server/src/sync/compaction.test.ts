import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { applyFieldChanges, leadRecord, notesOf, projectLead, writeAs } from '@sdr/schema/sync';
import { signUp, testDatabaseKinds } from '../test/harness.ts';
import { compactChangeLog } from './compaction.ts';
import { num, queryRows } from './sql.ts';
import { SyncTestClient, replica } from './test/sync-client.ts';
import { useSyncSuite } from './test/sync-harness.ts';

describe.each(testDatabaseKinds())('compaction (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  async function storedBytes(docName: string): Promise<{ log: number; state: number }> {
    const [log] = await queryRows<{ b: unknown }>(
      suite.db,
      sql`select coalesce(sum(length(update)), 0) as b from change_log where doc_name = ${docName}`,
    );
    const [st] = await queryRows<{ b: unknown }>(
      suite.db,
      sql`select length(y_state) as b from lead where id = ${docName.slice(5)}`,
    );
    return { log: num(log?.b), state: num(st?.b) };
  }

  it('shrinks a doc with many updates and keeps the same row', async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const id = (
      await s.api.post('/api/v1/leads', { firstName: 'Ada' }, { token: admin.accessToken })
    ).body.id as string;
    const name = `lead:${id}`;
    const c = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
    await c.hello();
    const rec = (await c.catchup(0)).changes[0]!;
    if (rec.kind !== 'record') throw new Error('expected a record');
    const doc = replica(name, rec.update);
    const client = 31337;
    let last: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < 150; i++) {
      const u =
        i % 3 === 0
          ? writeAs(doc, client, () => notesOf(doc).insert(notesOf(doc).length, `line ${i}\n`))!
          : applyFieldChanges(leadRecord, doc, { title: `Title ${i}`, tags: [`t${i}`] }, client)!;
      last = c.update(name, i + 1, u);
    }
    expect(await last).toMatchObject({ type: 'ack', clientSeq: 150 });
    const before = await s.api.get(`/api/v1/leads/${id}`, { token: admin.accessToken });
    const sizeBefore = await storedBytes(name);
    expect(sizeBefore.log).toBeGreaterThan(sizeBefore.state);

    const result = await compactChangeLog(suite.db, new Date(Date.now() + 60_000));
    expect(result.entries).toBe(151);
    const sizeAfter = await storedBytes(name);
    expect(sizeAfter.log).toBe(0);
    expect(sizeAfter.log + sizeAfter.state).toBeLessThan((sizeBefore.log + sizeBefore.state) / 2);

    const after = await s.api.get(`/api/v1/leads/${id}`, { token: admin.accessToken });
    expect(after.body).toEqual(before.body);
    const state = (await s.sync.authority.readDoc(name))!.state!;
    expect(projectLead(replica(name, state))).toEqual(projectLead(doc));

    // Still editable, and a fresh replica still catches up to the same doc.
    const more = applyFieldChanges(leadRecord, doc, { status: 'won' }, client)!;
    expect(await c.update(name, 151, more)).toMatchObject({ type: 'ack', serverSeq: 152 });
    const again = (await c.catchup(0)).changes[0]!;
    if (again.kind !== 'record') throw new Error('expected a record');
    expect(projectLead(replica(name, again.update))).toEqual(projectLead(doc));
    c.close();
  });
});
