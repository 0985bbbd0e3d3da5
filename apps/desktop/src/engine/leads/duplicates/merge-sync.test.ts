/**
 * A merge is plain Yjs edits + tombstones, so it syncs like any edit: done on engine A, it shows on
 * engine B through the real sync server (loser gone from B's live list, winner with the merged
 * values); a loser B edits at the same time stays deleted on both; undo syncs back too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkProgress, LeadDto } from '../../../shared/contract.ts';
import type { Engine } from '../../engine.ts';
import {
  addMember,
  call,
  getLead,
  openSyncEngine,
  signUp,
  waitOnline,
  type TestServer,
} from '../../sync/test/sync-harness.ts';
import { waitFor } from '../../sync/test/wait.ts';
import { startTestServer, tempDir } from '../../test/harness.ts';

type WithNotes = LeadDto & { notes: string };

describe('merge through the real sync server', () => {
  let server: TestServer;
  const engines: Engine[] = [];
  beforeAll(async () => {
    server = await startTestServer({ dataDir: tempDir('sdr-server-') });
  });
  afterAll(async () => {
    for (const e of engines) e.close();
    await server.close();
  });

  it('a merge on engine A shows on engine B; undo on A brings the loser back on B', async () => {
    const a = await openSyncEngine(server.url);
    engines.push(a);
    await signUp(a, 'merge-a');
    const b = await addMember(server, a, 'manager', 'merge-b');
    engines.push(b.engine);
    await waitOnline(a);
    await waitOnline(b.engine);
    const progress: BulkProgress[] = [];
    a.subscribe((event, payload) => {
      if (event === 'leads:bulkProgress') progress.push(payload as BulkProgress);
    });

    const winner = await call<LeadDto>(a, 'leads:create', {
      fields: {
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'grace@example.com',
        tags: ['navy'],
      },
    });
    const loser = await call<LeadDto>(a, 'leads:create', {
      fields: {
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'grace@example.com',
        title: 'Rear Admiral',
        tags: ['cobol'],
      },
    });
    await call(a, 'leads:editNotes', { id: loser.id, base: '', text: 'Invented the compiler.' });
    await waitFor(async () => (await getLead(b.engine, loser.id))?.title === 'Rear Admiral', {
      what: 'leads reach B',
    });

    // B edits the loser while A merges it away: both replicas converge, the loser stays deleted.
    const [merged] = await Promise.all([
      call<{ winner: LeadDto; jobId: string }>(a, 'leads:merge', {
        winnerId: winner.id,
        loserIds: [loser.id],
        values: { title: loser.id },
      }),
      call(b.engine, 'leads:update', { id: loser.id, changes: { company: 'US Navy' } }),
    ]);
    expect(merged.winner).toMatchObject({ title: 'Rear Admiral', tags: ['navy', 'cobol'] });

    for (const e of [a, b.engine]) {
      await waitFor(
        async () => {
          const w = await call<WithNotes>(e, 'leads:get', { id: winner.id });
          const l = await getLead(e, loser.id);
          const live = await call<{ items: LeadDto[] }>(e, 'leads:list', {});
          return (
            w.title === 'Rear Admiral' &&
            w.tags.join() === 'navy,cobol' &&
            w.notes.endsWith('Invented the compiler.') &&
            l?.deleted === true &&
            l.mergedInto === winner.id &&
            l.company === 'US Navy' &&
            live.items.every((x) => x.id !== loser.id)
          );
        },
        { what: 'merge converged', timeoutMs: 20_000 },
      );
    }
    await waitOnline(a);
    await waitOnline(b.engine);
    // B's live list and duplicates no longer show the loser.
    const dupes = await call<{ groups: unknown[] }>(b.engine, 'leads:duplicates', {});
    expect(dupes.groups).toEqual([]);

    await call(a, 'leads:undoBulk', { jobId: merged.jobId });
    await waitFor(() => progress.some((p) => p.jobId === merged.jobId && p.state === 'undone'), {
      what: 'undo done',
    });
    await waitFor(
      async () => {
        const l = await getLead(b.engine, loser.id);
        const w = await call<WithNotes>(b.engine, 'leads:get', { id: winner.id });
        return l?.deleted === false && l.mergedInto === null && w.title === '' && w.notes === ''
          ? w
          : null;
      },
      { what: 'undo reaches B', timeoutMs: 20_000 },
    );
    expect((await getLead(b.engine, winner.id))?.tags).toEqual(['navy']);
  });
});
