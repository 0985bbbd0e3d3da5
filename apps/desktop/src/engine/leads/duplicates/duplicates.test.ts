/**
 * Duplicates and merge through the real engine on a real SQLite file (signed in offline): groups by
 * email, phone and name + company, paging, and merges (values, notes, tags, tombstones, undo).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { DuplicateGroup, LeadDto } from '../../../shared/contract.ts';
import { openDb } from '../../db.ts';
import type { Engine } from '../../engine.ts';
import { tempDir } from '../../test/harness.ts';
import {
  call,
  createLead,
  failure,
  finished,
  getLead,
  offlineEngine,
} from '../bulk/test/offline-engine.ts';
import { ensureDuplicateIndexes, NAME_KEY_SQL, nameKey } from './duplicate-keys.ts';

type Page = {
  groups: DuplicateGroup[];
  nextCursor: string | null;
  counts: { email: number; phone: number; name: number } | null;
};

const engines: Engine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.close();
});

async function open(role: 'admin' | 'manager' | 'sdr') {
  const opened = await offlineEngine(role);
  engines.push(opened.engine);
  return opened;
}

const ids = (g: DuplicateGroup) => g.leads.map((l) => l.id).sort();

describe('duplicate keys', () => {
  it('the name key in SQL and in JavaScript agree, and ignore case, punctuation and legal forms', () => {
    const { sqlite, close } = openDb(tempDir('sdr-dupkey-'));
    try {
      const cases: [string, string, string][] = [
        ['John', 'Smith', 'Acme, Inc.'],
        ['jane', ' SMITH ', 'ACME Inc'],
        ['J.', 'Smith', 'The Acme Company Ltd'],
        ['Ana', 'García', 'Müller GmbH & Co. KG'],
        ['', 'Doe', 'Initech'],
        ['Bob', "O'Neil", 'Foo Co Ltd'],
      ];
      const sql = sqlite.prepare(
        `SELECT ${NAME_KEY_SQL} FROM (SELECT ? AS first_name, ? AS last_name, ? AS company)`,
      );
      for (const [f, l, c] of cases) {
        expect(sql.pluck().get(f, l, c)).toBe(nameKey(f, l, c));
      }
      expect(nameKey('John', 'Smith', 'Acme, Inc.')).toBe('smith|j|acme');
      expect(nameKey('jane', ' SMITH ', 'ACME Inc')).toBe('smith|j|acme');
      expect(nameKey('J.', 'Smith', 'The Acme Company Ltd')).toBe('smith|j|acme');
      expect(nameKey('Bob', "O'Neil", 'Foo Co Ltd')).toBe("o'neil|b|foo");
      // An index of an older name key is replaced; creating them twice is a no-op.
      sqlite.exec(`CREATE INDEX lead_dupe_name_ix ON lead (workspace_id, lower(last_name))`);
      ensureDuplicateIndexes(sqlite);
      ensureDuplicateIndexes(sqlite);
      const names = sqlite
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'lead_dupe%'`)
        .pluck()
        .all();
      expect(names.sort()).toEqual([
        'lead_dupe_email_ix',
        'lead_dupe_name_v2_ix',
        'lead_dupe_phone_ix',
      ]);
    } finally {
      close();
    }
  });
});

describe('leads:duplicates (real engine)', () => {
  it('finds groups by email, phone and name + company among live leads, in pages', async () => {
    const { engine } = await open('manager');
    const e1 = await createLead(engine, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ADA@example.com ',
    });
    const e2 = await createLead(engine, {
      firstName: 'Augusta',
      lastName: 'King',
      email: 'ada@example.com',
    });
    const p1 = await createLead(engine, { firstName: 'P', phone: '+1 415 555 0123' });
    const p2 = await createLead(engine, { firstName: 'Q', phone: '(415) 555-0123', country: 'US' });
    const n1 = await createLead(engine, {
      firstName: 'John',
      lastName: 'Smith',
      company: 'Acme, Inc.',
    });
    const n2 = await createLead(engine, {
      firstName: 'jim',
      lastName: 'smith',
      company: 'ACME Ltd',
    });
    // Not duplicates: another initial, another company, no company.
    await createLead(engine, { firstName: 'Mary', lastName: 'Smith', company: 'Acme' });
    await createLead(engine, { firstName: 'John', lastName: 'Smith', company: 'Globex' });
    await createLead(engine, { firstName: 'John', lastName: 'Smith' });
    // A deleted lead sharing an email is not a duplicate any more.
    const gone = await createLead(engine, { firstName: 'Old', email: 'old@example.com' });
    await createLead(engine, { firstName: 'New', email: 'old@example.com' });
    await call(engine, 'leads:delete', { id: gone.id });

    const all = await call<Page>(engine, 'leads:duplicates', {});
    expect(all.counts).toEqual({ email: 1, phone: 1, name: 1 });
    expect(all.nextCursor).toBeNull();
    expect(all.groups.map((g) => [g.kind, g.key, g.count])).toEqual([
      ['email', 'ada@example.com', 2],
      ['phone', '+14155550123', 2],
      ['name', 'smith|j|acme', 2],
    ]);
    expect(ids(all.groups[0]!)).toEqual([e1.id, e2.id].sort());
    expect(ids(all.groups[1]!)).toEqual([p1.id, p2.id].sort());
    expect(ids(all.groups[2]!)).toEqual([n1.id, n2.id].sort());

    // One group per page: the cursor walks through the kinds.
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page: Page = await call<Page>(engine, 'leads:duplicates', {
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.counts === null).toBe(cursor !== undefined);
      seen.push(...page.groups.map((g) => g.kind));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(['email', 'phone', 'name']);

    const phones = await call<Page>(engine, 'leads:duplicates', { kinds: ['phone'] });
    expect(phones.groups.map((g) => g.kind)).toEqual(['phone']);
    expect(phones.counts).toEqual({ email: 0, phone: 1, name: 0 });
    expect((await failure(engine, 'leads:duplicates', { cursor: 'garbage' })).code).toBe(
      'invalid_input',
    );
  });

  it('caps the leads returned per group and pages through many groups in key order', async () => {
    const seed = [
      ...Array.from({ length: 12 }, (_, i) => ({
        firstName: `Same${i}`,
        email: 'same@example.com',
      })),
      ...Array.from({ length: 30 }, (_, i) => ({
        firstName: `Pair${i}`,
        email: `pair${String(i).padStart(2, '0')}@example.com`,
      })),
      ...Array.from({ length: 30 }, (_, i) => ({
        firstName: `Twin${i}`,
        email: `pair${String(i).padStart(2, '0')}@example.com`,
      })),
    ];
    const opened = await offlineEngine('manager', { seed });
    engines.push(opened.engine);
    const first = await call<Page>(opened.engine, 'leads:duplicates', {
      kinds: ['email'],
      limit: 20,
      perGroup: 5,
    });
    expect(first.counts?.email).toBe(31);
    expect(first.groups).toHaveLength(20);
    const second = await call<Page>(opened.engine, 'leads:duplicates', {
      kinds: ['email'],
      limit: 20,
      perGroup: 5,
      cursor: first.nextCursor,
    });
    expect(second.groups).toHaveLength(11);
    expect(second.nextCursor).toBeNull();
    const same = second.groups.find((g) => g.key === 'same@example.com')!;
    expect(same.count).toBe(12);
    expect(same.leads).toHaveLength(5);
    for (const g of [...first.groups, ...second.groups]) {
      if (g !== same) expect([g.count, g.leads.length]).toEqual([2, 2]);
    }
    const keys = [...first.groups, ...second.groups].map((g) => g.key);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(31);
  });
});

describe('leads:merge (real engine)', () => {
  it('moves chosen values, appends notes, unions tags and tombstones the losers; undo takes it back', async () => {
    const { engine, progress } = await open('manager');
    const winner = await createLead(engine, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Analytical',
      title: '',
      email: 'ada@example.com',
      tags: ['vip'],
      custom: { budget: 100 },
    });
    const l1 = await createLead(engine, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Analytical Engines Ltd',
      title: 'CTO',
      email: 'ada.l@example.com',
      phone: '+442071838750',
      tags: ['fintech', 'vip'],
      custom: { region: 'emea' },
    });
    const l2 = await createLead(engine, {
      firstName: 'A.',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      tags: ['q3'],
    });
    await call(engine, 'leads:editNotes', { id: winner.id, base: '', text: 'Winner notes.' });
    await call(engine, 'leads:editNotes', { id: l1.id, base: '', text: 'Met at the fair.' });
    const before = await getLead(engine, winner.id);

    const merged = await call<{ winner: LeadDto; jobId: string }>(engine, 'leads:merge', {
      winnerId: winner.id,
      loserIds: [l1.id, l2.id],
      values: { title: l1.id, phone: l1.id, company: 'winner' },
    });
    expect(merged.winner).toMatchObject({
      id: winner.id,
      title: 'CTO',
      phone: '+442071838750',
      company: 'Analytical',
      email: 'ada@example.com',
      tags: ['vip', 'fintech', 'q3'],
      custom: { budget: 100, region: 'emea' },
      deleted: false,
    });
    const w = await getLead(engine, winner.id);
    expect(w.notes).toBe(
      'Winner notes.\n\n--- Merged from Ada Lovelace, ada.l@example.com ---\nMet at the fair.',
    );
    for (const id of [l1.id, l2.id]) {
      expect(await getLead(engine, id)).toMatchObject({ deleted: true, mergedInto: winner.id });
    }
    const live = await call<{ items: LeadDto[] }>(engine, 'leads:list', {});
    expect(live.items.map((l) => l.id)).toEqual([winner.id]);
    const dupes = await call<Page>(engine, 'leads:duplicates', {});
    expect(dupes.groups).toEqual([]);
    expect(progress.find((p) => p.jobId === merged.jobId)).toMatchObject({
      kind: 'merge',
      state: 'done',
      changed: 3,
    });

    // Merging a loser again is refused.
    const again = await failure(engine, 'leads:merge', { winnerId: winner.id, loserIds: [l1.id] });
    expect(again.code).toBe('conflict');

    await call(engine, 'leads:undoBulk', { jobId: merged.jobId });
    expect(await finished(progress, merged.jobId, ['undone'])).toMatchObject({
      restored: 3,
      skipped: 0,
    });
    const back = await getLead(engine, winner.id);
    const { updatedAt: _a, pending: _b, ...restored } = back;
    const { updatedAt: _c, pending: _d, ...original } = before;
    expect(restored).toEqual(original);
    for (const id of [l1.id, l2.id]) {
      expect(await getLead(engine, id)).toMatchObject({ deleted: false, mergedInto: null });
    }
  });

  it('moves the losers’ tasks and static list memberships to the winner, and undo moves them back', async () => {
    const { engine, progress, dataDir } = await open('admin');
    const w = await createLead(engine, { firstName: 'Winner' });
    const l1 = await createLead(engine, { firstName: 'Loser one' });
    const l2 = await createLead(engine, { firstName: 'Loser two' });
    const onlyL1 = await call<{ id: string }>(engine, 'lists:save', {
      name: 'Only L1',
      kind: 'static',
    });
    const both = await call<{ id: string }>(engine, 'lists:save', { name: 'Both', kind: 'static' });
    await call(engine, 'lists:addLeads', { listId: onlyL1.id, leadIds: [l1.id] });
    await call(engine, 'lists:addLeads', { listId: both.id, leadIds: [w.id, l2.id] });
    const t1 = await call<{ id: string }>(engine, 'tasks:save', {
      leadId: l1.id,
      title: 'Call back',
      dueAt: null,
    });
    const t2 = await call<{ id: string }>(engine, 'tasks:save', {
      leadId: l2.id,
      title: 'Send deck',
      dueAt: Date.now() + 86_400_000,
    });
    const t3 = await call<{ id: string }>(engine, 'tasks:save', {
      leadId: w.id,
      title: 'Own task',
      dueAt: null,
    });

    const db = new Database(path.join(dataDir, 'engine.sqlite'), { readonly: true });
    const members = (listId: string) =>
      db
        .prepare(
          `SELECT lead_id FROM lead_list_member WHERE list_id = ? AND deleted = 0 ORDER BY lead_id`,
        )
        .pluck()
        .all(listId);
    const tasksOf = async (leadId: string) =>
      (await call<{ id: string }[]>(engine, 'tasks:list', { leadId })).map((t) => t.id).sort();
    try {
      const { jobId } = await call<{ jobId: string }>(engine, 'leads:merge', {
        winnerId: w.id,
        loserIds: [l1.id, l2.id],
      });
      expect(await tasksOf(w.id)).toEqual([t1.id, t2.id, t3.id].sort());
      expect(await tasksOf(l1.id)).toEqual([]);
      expect(members(onlyL1.id)).toEqual([w.id]);
      expect(members(both.id)).toEqual([w.id]);
      // The moves wait in the workspace data outbox, like any task or list edit.
      const marked = db
        .prepare(`SELECT entity, row_id FROM workspace_data_outbox ORDER BY entity, row_id`)
        .all() as { entity: string; row_id: string }[];
      expect(marked).toEqual(
        expect.arrayContaining([
          { entity: 'task', row_id: t1.id },
          { entity: 'task', row_id: t2.id },
          { entity: 'member', row_id: `${onlyL1.id}:${w.id}` },
          { entity: 'member', row_id: `${onlyL1.id}:${l1.id}` },
          { entity: 'member', row_id: `${both.id}:${l2.id}` },
        ]),
      );

      await call(engine, 'leads:undoBulk', { jobId });
      expect(await finished(progress, jobId, ['undone'])).toMatchObject({ restored: 3 });
      expect(await tasksOf(w.id)).toEqual([t3.id]);
      expect(await tasksOf(l1.id)).toEqual([t1.id]);
      expect(await tasksOf(l2.id)).toEqual([t2.id]);
      expect(members(onlyL1.id)).toEqual([l1.id]);
      expect(members(both.id)).toEqual([w.id, l2.id].sort());
    } finally {
      db.close();
    }
  });

  it('refuses bad merges clearly and changes nothing', async () => {
    const { engine } = await open('admin');
    const a = await createLead(engine, { firstName: 'A' });
    const b = await createLead(engine, { firstName: 'B' });
    const c = await createLead(engine, { firstName: 'C' });
    const cases: [unknown, string][] = [
      [{ winnerId: a.id, loserIds: [a.id] }, 'invalid_input'],
      [{ winnerId: a.id, loserIds: ['missing'] }, 'not_found'],
      [{ winnerId: a.id, loserIds: [b.id], values: { title: c.id } }, 'invalid_input'],
      [{ winnerId: a.id, loserIds: [b.id], values: { nope: b.id } }, 'invalid_input'],
      [{ winnerId: a.id, loserIds: [] }, 'invalid_input'],
    ];
    for (const [input, code] of cases) {
      expect((await failure(engine, 'leads:merge', input)).code).toBe(code);
    }
    for (const l of [a, b, c]) expect((await getLead(engine, l.id)).deleted).toBe(false);
  });
});
