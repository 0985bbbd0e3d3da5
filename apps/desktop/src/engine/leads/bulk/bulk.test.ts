/**
 * Bulk actions through the real engine on a real SQLite file (signed in offline): jobs in batches
 * with progress events, cancel, undo that restores exactly what the job changed and leaves leads
 * edited since alone, role rules, whole-view selections.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type {
  BulkJobDto,
  BulkProgress,
  LeadDto,
  LeadFieldChanges,
} from '../../../shared/contract.ts';
import type { Engine } from '../../engine.ts';
import {
  call,
  createLead,
  failure,
  finished,
  getLead,
  offlineEngine,
} from './test/offline-engine.ts';

const engines: Engine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.close();
});

async function open(role: 'admin' | 'manager' | 'sdr', seed?: LeadFieldChanges[]) {
  const opened = await offlineEngine(role, seed ? { seed } : {});
  engines.push(opened.engine);
  return opened;
}

/** Every lead of the workspace (deleted too), by id. */
async function allLeads(engine: Engine): Promise<Map<string, LeadDto>> {
  const out = new Map<string, LeadDto>();
  for (let offset = 0; ; offset += 500) {
    const page = await call<{ items: LeadDto[] }>(engine, 'leads:list', {
      offset,
      limit: 500,
      includeDeleted: true,
    });
    for (const l of page.items) out.set(l.id, l);
    if (page.items.length < 500) return out;
  }
}

const comparable = ({ updatedAt: _u, pending: _p, ...rest }: LeadDto) => rest;

const STATUSES = ['new', 'working', 'qualified', 'disqualified'] as const;

describe('bulk actions (real engine, real SQLite)', () => {
  it('changes the status of 5,000 leads in batches with progress, then undo restores exactly the previous values', async () => {
    const seed = Array.from({ length: 5000 }, (_, i) => ({
      firstName: `Lead${i}`,
      lastName: 'Bulk',
      status: STATUSES[i % 4]!,
      statusReason: i % 4 === 3 ? 'No budget' : i % 5 === 0 ? `reason ${i}` : '',
    }));
    const { engine, progress, seeded } = await open('manager', seed);
    const before = await allLeads(engine);
    expect(before.size).toBe(5000);

    const started = await call<{ jobId: string; total: number }>(engine, 'leads:bulk', {
      target: { ids: seeded },
      action: { kind: 'status', status: 'disqualified', statusReason: 'No budget' },
    });
    expect(started.total).toBe(5000);
    // The engine keeps answering while the job runs (it yields between batches).
    const during = await call<{ total: number }>(engine, 'leads:list', { limit: 1 });
    expect(during.total).toBe(5000);
    expect(progress.filter((p) => p.jobId === started.jobId).at(-1)?.state).toBe('running');

    const end = await finished(progress, started.jobId);
    // Leads that already were disqualified for "No budget" are not edited.
    const unchanged = seed.filter(
      (s) => s.status === 'disqualified' && s.statusReason === 'No budget',
    );
    expect(end).toMatchObject({
      state: 'done',
      kind: 'status',
      total: 5000,
      done: 5000,
      changed: 5000 - unchanged.length,
      failed: 0,
    });
    const mine = progress.filter((p) => p.jobId === started.jobId);
    const running = mine.filter((p) => p.state === 'running');
    // One event before the first batch, then one per batch of 500.
    expect(running.length).toBeGreaterThanOrEqual(10);
    const dones = running.map((p) => p.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(dones).toContain(500);

    const after = await allLeads(engine);
    for (const lead of after.values()) {
      expect(lead.status).toBe('disqualified');
      expect(lead.statusReason).toBe('No budget');
    }
    // The edits wait in the outbox like any local edit.
    expect(after.get(seeded[0]!)!.pending).toBe(true);

    const jobs = await call<BulkJobDto[]>(engine, 'leads:bulkJobs');
    expect(jobs[0]).toMatchObject({ jobId: started.jobId, state: 'done', undoable: true });

    const undo = await call<{ jobId: string; total: number }>(engine, 'leads:undoBulk', {
      jobId: started.jobId,
    });
    expect(undo.total).toBe(5000 - unchanged.length);
    const undone = await finished(progress, started.jobId, ['undone']);
    expect(undone).toMatchObject({ restored: 5000 - unchanged.length, skipped: 0 });
    const restored = await allLeads(engine);
    for (const [id, lead] of before)
      expect(comparable(restored.get(id)!)).toEqual(comparable(lead));

    const [job] = await call<BulkJobDto[]>(engine, 'leads:bulkJobs');
    expect(job).toMatchObject({ state: 'undone', undoable: false });
    expect(await failure(engine, 'leads:undoBulk', { jobId: started.jobId })).toMatchObject({
      code: 'conflict',
    });
  });

  it('undo leaves a lead someone changed after the bulk action alone, and reports it as skipped', async () => {
    const { engine, progress } = await open('manager');
    const a = await createLead(engine, { firstName: 'A', ownerId: 'u1', tags: ['old'] });
    const b = await createLead(engine, { firstName: 'B', ownerId: 'u1' });
    const c = await createLead(engine, { firstName: 'C', ownerId: null });

    const assign = await call<{ jobId: string }>(engine, 'leads:bulk', {
      target: { ids: [a.id, b.id, c.id] },
      action: { kind: 'assign', ownerId: 'u2' },
    });
    expect(await finished(progress, assign.jobId)).toMatchObject({ state: 'done', changed: 3 });
    const tag = await call<{ jobId: string }>(engine, 'leads:bulk', {
      target: { ids: [a.id, b.id] },
      action: { kind: 'addTags', tags: ['campaign'] },
    });
    expect(await finished(progress, tag.jobId)).toMatchObject({ changed: 2 });

    // Someone reassigns B and tags A again after the bulk actions.
    await call(engine, 'leads:update', { id: b.id, changes: { ownerId: 'u3' } });
    await call(engine, 'leads:update', {
      id: a.id,
      changes: { tags: ['old', 'campaign', 'later'] },
    });

    await call(engine, 'leads:undoBulk', { jobId: assign.jobId });
    expect(await finished(progress, assign.jobId, ['undone'])).toMatchObject({
      restored: 2,
      skipped: 1,
    });
    expect((await getLead(engine, a.id)).ownerId).toBe('u1');
    expect((await getLead(engine, b.id)).ownerId).toBe('u3');
    expect((await getLead(engine, c.id)).ownerId).toBeNull();

    // Tags are undone by meaning: the tag the job added goes, the one added later stays.
    await call(engine, 'leads:undoBulk', { jobId: tag.jobId });
    expect(await finished(progress, tag.jobId, ['undone'])).toMatchObject({
      restored: 2,
      skipped: 0,
    });
    expect((await getLead(engine, a.id)).tags).toEqual(['old', 'later']);
    expect((await getLead(engine, b.id)).tags).toEqual([]);
  });

  it('cancels a running job after its current batch; what it changed stays and is undoable', async () => {
    const seed = Array.from({ length: 3000 }, (_, i) => ({ firstName: `C${i}`, tags: ['x'] }));
    const { engine, progress, seeded } = await open('admin', seed);
    const { jobId } = await call<{ jobId: string }>(engine, 'leads:bulk', {
      target: { ids: seeded },
      action: { kind: 'removeTags', tags: ['x'] },
    });
    await call(engine, 'leads:cancelBulk', { jobId });
    const end = await finished(progress, jobId);
    expect(end.state).toBe('cancelled');
    expect(end.done).toBeGreaterThan(0);
    expect(end.done).toBeLessThan(3000);
    expect(end.changed).toBe(end.done);

    const leads = await allLeads(engine);
    const untagged = [...leads.values()].filter((l) => l.tags.length === 0);
    expect(untagged.length).toBe(end.changed);
    // Batches go in order: the first `done` leads changed, the rest did not.
    expect(new Set(untagged.map((l) => l.id))).toEqual(new Set(seeded.slice(0, end.done)));

    const [job] = await call<BulkJobDto[]>(engine, 'leads:bulkJobs');
    expect(job).toMatchObject({ jobId, state: 'cancelled', undoable: true });
    await call(engine, 'leads:undoBulk', { jobId });
    expect(await finished(progress, jobId, ['undone'])).toMatchObject({ restored: end.changed });
    const back = await allLeads(engine);
    for (const l of back.values()) expect(l.tags).toEqual(['x']);
  });

  it('refuses SDRs reassigning, deleting and merging (forbidden) and writes nothing', async () => {
    const { engine, progress } = await open('sdr');
    const a = await createLead(engine, { firstName: 'A', email: 'a@example.com' });
    const b = await createLead(engine, { firstName: 'B', email: 'a@example.com' });
    for (const action of [{ kind: 'assign', ownerId: 'u2' }, { kind: 'delete' }]) {
      const err = await failure(engine, 'leads:bulk', { target: { ids: [a.id] }, action });
      expect(err.code).toBe('forbidden');
      expect(err.message).toMatch(/sdr.*manager or an admin/);
    }
    const merge = await failure(engine, 'leads:merge', { winnerId: a.id, loserIds: [b.id] });
    expect(merge.code).toBe('forbidden');
    expect(await call<BulkJobDto[]>(engine, 'leads:bulkJobs')).toEqual([]);
    expect(await getLead(engine, a.id)).toMatchObject({ ownerId: null, deleted: false });
    expect(await getLead(engine, b.id)).toMatchObject({ deleted: false });

    // What SDRs may write (status, tags) works.
    const ok = await call<{ jobId: string }>(engine, 'leads:bulk', {
      target: { ids: [a.id, b.id] },
      action: { kind: 'status', status: 'working' },
    });
    expect(await finished(progress, ok.jobId)).toMatchObject({ state: 'done', changed: 2 });
  });

  it('acts on a whole view (filter + search), deletes as tombstones and undo brings them back', async () => {
    const { engine, progress } = await open('manager');
    const keep = await createLead(engine, {
      firstName: 'Keep',
      company: 'Acme',
      status: 'working',
    });
    const x1 = await createLead(engine, { firstName: 'Gone', company: 'Acme', status: 'new' });
    const x2 = await createLead(engine, {
      firstName: 'Gone too',
      company: 'ACME Labs',
      status: 'new',
    });
    const other = await createLead(engine, {
      firstName: 'Other',
      company: 'Globex',
      status: 'new',
    });

    const view = {
      selection: {
        filter: { kind: 'condition', field: 'status', op: 'is', value: 'new' },
        search: 'acme',
      },
    };
    // Unticking a lead of the view leaves it out.
    const except = await call<{ jobId: string; total: number }>(engine, 'leads:bulk', {
      target: { ...view, except: [x2.id] },
      action: { kind: 'addTags', tags: ['seen'] },
    });
    expect(except.total).toBe(1);
    await finished(progress, except.jobId);
    expect((await getLead(engine, x2.id)).tags).toEqual([]);
    expect((await getLead(engine, x1.id)).tags).toEqual(['seen']);

    const del = await call<{ jobId: string; total: number }>(engine, 'leads:bulk', {
      target: view,
      action: { kind: 'delete' },
    });
    expect(del.total).toBe(2);
    expect(await finished(progress, del.jobId)).toMatchObject({ state: 'done', changed: 2 });
    const live = await call<{ items: LeadDto[] }>(engine, 'leads:list', {});
    expect(live.items.map((l) => l.id).sort()).toEqual([keep.id, other.id].sort());
    expect((await getLead(engine, x1.id)).deleted).toBe(true);

    await call(engine, 'leads:undoBulk', { jobId: del.jobId });
    expect(await finished(progress, del.jobId, ['undone'])).toMatchObject({ restored: 2 });
    for (const id of [x1.id, x2.id]) expect((await getLead(engine, id)).deleted).toBe(false);

    // A view that matches nothing is refused; so is a filter the engine cannot read.
    expect(
      (
        await failure(engine, 'leads:bulk', {
          target: { selection: { search: 'nobody-matches-this' } },
          action: { kind: 'addTags', tags: ['t'] },
        })
      ).code,
    ).toBe('invalid_input');
    expect(
      (
        await failure(engine, 'leads:bulk', {
          target: {
            selection: { filter: { kind: 'condition', field: 'nope', op: 'is', value: 'x' } },
          },
          action: { kind: 'addTags', tags: ['t'] },
        })
      ).code,
    ).toBe('invalid_input');
  });

  it('adds leads to a static list (only those not in it yet) and undo takes out just those', async () => {
    const { engine, progress } = await open('sdr');
    const leads = await Promise.all(
      ['A', 'B', 'C'].map((n) => createLead(engine, { firstName: n, company: 'Listco' })),
    );
    const list = await call<{ id: string }>(engine, 'lists:save', { name: 'Q3', kind: 'static' });
    await call(engine, 'lists:addLeads', { listId: list.id, leadIds: [leads[0]!.id] });
    const { jobId, total } = await call<{ jobId: string; total: number }>(engine, 'leads:bulk', {
      target: { selection: { search: 'listco' } },
      action: { kind: 'addToList', listId: list.id },
    });
    expect(total).toBe(3);
    expect(await finished(progress, jobId)).toMatchObject({ state: 'done', changed: 2 });
    // The list now has all three (a bulk action on the list's view selects them).
    const tagged = await call<{ jobId: string; total: number }>(engine, 'leads:bulk', {
      target: { selection: { listId: list.id } },
      action: { kind: 'addTags', tags: ['q3'] },
    });
    expect(tagged.total).toBe(3);
    await finished(progress, tagged.jobId);

    await call(engine, 'leads:undoBulk', { jobId });
    expect(await finished(progress, jobId, ['undone'])).toMatchObject({ restored: 2 });
    const after = await call<{ jobId: string; total: number }>(engine, 'leads:bulk', {
      target: { selection: { listId: list.id } },
      action: { kind: 'status', status: 'working' },
    });
    expect(after.total).toBe(1);

    const dynamic = await call<{ id: string }>(engine, 'lists:save', {
      name: 'Dyn',
      kind: 'dynamic',
      filter: { kind: 'and', children: [] },
    });
    const refused = await failure(engine, 'leads:bulk', {
      target: { ids: [leads[0]!.id] },
      action: { kind: 'addToList', listId: dynamic.id },
    });
    expect(refused.code).toBe('invalid_input');
    expect(
      (
        await failure(engine, 'leads:bulk', {
          target: { ids: [leads[0]!.id] },
          action: { kind: 'addToList', listId: 'missing' },
        })
      ).code,
    ).toBe('not_found');
  });

  it('keeps the last 20 jobs; older ones are no longer undoable', async () => {
    const { engine, progress } = await open('manager');
    const lead = await createLead(engine, { firstName: 'Many' });
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) {
      const { jobId } = await call<{ jobId: string }>(engine, 'leads:bulk', {
        target: { ids: [lead.id] },
        action: { kind: 'status', status: `s${i}` },
      });
      await finished(progress, jobId);
      ids.push(jobId);
    }
    const jobs = await call<BulkJobDto[]>(engine, 'leads:bulkJobs');
    expect(jobs.map((j) => j.jobId)).toEqual(ids.slice(1).reverse());
    expect((await failure(engine, 'leads:undoBulk', { jobId: ids[0] })).code).toBe('not_found');
    expect((await failure(engine, 'leads:cancelBulk', { jobId: 'nope' })).code).toBe('not_found');
  });

  it('refuses invalid actions before starting a job', async () => {
    const { engine } = await open('manager');
    const lead = await createLead(engine, { firstName: 'V' });
    const bad = [
      { target: { ids: [] }, action: { kind: 'delete' } },
      { target: { ids: [lead.id] }, action: { kind: 'status', status: '' } },
      { target: { ids: [lead.id] }, action: { kind: 'addTags', tags: ['x'.repeat(65)] } },
      { target: { ids: [lead.id], selection: {} }, action: { kind: 'delete' } },
    ];
    for (const input of bad) {
      expect((await failure(engine, 'leads:bulk', input)).code).toBe('invalid_input');
    }
    expect(await call<BulkJobDto[]>(engine, 'leads:bulkJobs')).toEqual([]);
  });

  it('marks a job the engine stopped in the middle of as cancelled at the next start', async () => {
    const seed = Array.from({ length: 2000 }, (_, i) => ({ firstName: `R${i}` }));
    const { engine, dataDir, seeded, progress } = await open('manager', seed);
    const { jobId } = await call<{ jobId: string }>(engine, 'leads:bulk', {
      target: { ids: seeded },
      action: { kind: 'addTags', tags: ['r'] },
    });
    engine.close();
    engines.splice(engines.indexOf(engine), 1);
    const last = progress.filter((p: BulkProgress) => p.jobId === jobId).at(-1)!;
    expect(last.state).toBe('running');

    const reopened = await offlineEngine('manager', { dataDir });
    engines.push(reopened.engine);
    const [job] = await call<BulkJobDto[]>(reopened.engine, 'leads:bulkJobs');
    expect(job).toMatchObject({ jobId, state: 'cancelled', undoable: true });
    expect(job!.changed).toBeGreaterThan(0);
    expect(job!.changed).toBeLessThan(2000);
  });
});
