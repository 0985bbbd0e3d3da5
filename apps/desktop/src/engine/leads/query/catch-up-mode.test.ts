/**
 * Catch-up mode on a real engine database: the same writes (a big catch-up through the sync
 * path's `applyChanges`, plus edits, deletes and other workspaces' leads made meanwhile) land in
 * two databases, one with catch-up mode and one without; searches, counts, scores and notes agree
 * while the catch-up runs (as far as this mode promises) and exactly once it is done, every
 * trigger and index comes back, and a restart in the middle finishes the job at the next open.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { where } from '@sdr/domain';
import type { Change } from '@sdr/schema/sync';
import type { LeadQuery, LeadSelection } from '../../../shared/contract.ts';
import { openDb, type OpenedDb } from '../../db.ts';
import { createLogger } from '../../logger.ts';
import { createInstallation } from '../../sync/installation.ts';
import { applyChanges } from '../../sync/remote-changes.ts';
import { ensureDuplicateIndexes } from '../duplicates/duplicate-keys.ts';
import { createDuplicateFinder } from '../duplicates/find-duplicates.ts';
import { LeadReplica } from '../lead-replica.ts';
import { INSERT_TRIGGER_HEAD, LEAD_INSERT_TRIGGERS } from './catch-up-mode.ts';
import { openLeadQueryLayer, type LeadQueryLayer } from './lead-query-layer.ts';
import { testLead } from './testing.ts';

const W = 'ws-catch-up';
const OTHER = 'ws-other';
const log = createLogger('silent');

interface Side {
  dir: string;
  db: OpenedDb;
  layer: LeadQueryLayer;
  replica: LeadReplica;
}

let withMode: Side;
let plain: Side;

function open(dir: string, minBacklog: number, gapMs = 0): Side {
  const db = openDb(dir);
  const layer = openLeadQueryLayer(db.sqlite, {
    now: () => 1_750_000_000_000,
    log,
    background: false,
    timeZone: 'UTC',
    catchUp: { minBacklog, gapMs },
  });
  const replica = new LeadReplica(
    db.sqlite,
    createInstallation(db.sqlite),
    () => 1_750_000_000_000,
  );
  return { dir, db, layer, replica };
}

function close(s: Side): void {
  s.layer.close();
  s.db.close();
}

const TITLES = ['CTO', 'Engineer', 'Head of Sales', 'Intern'];
/** A catch-up record as the server sends it: the row and the doc's state. */
function record(i: number, workspaceId = W): Change {
  const id = `${workspaceId === W ? 'C' : 'O'}${String(i).padStart(5, '0')}`;
  const lead = testLead(
    id,
    workspaceId,
    {
      firstName: i % 2 ? 'Émile' : 'Ada',
      lastName: i % 3 ? 'Zola' : 'Lovelace',
      email: `p${i}@example.com`,
      company: `Company ${i % 7}`,
      title: TITLES[i % 4]!,
      status: i % 5 ? 'new' : 'qualified',
    },
    { notes: i % 10 === 0 ? 'pricing call' : '', seq: i + 1, updatedAt: 1_700_000_000_000 + i },
  );
  const { yState, workspaceId: _w, seq: _s, updatedAt: _u, ...row } = lead;
  return {
    kind: 'record',
    seq: i + 1,
    docName: `lead:${id}`,
    update: yState,
    row: { ...row, updatedAt: lead.updatedAt },
  };
}

/** The same pages into both sides; catch-up mode is told about each page first. */
function catchUp(from: number, to: number, page = 100): void {
  for (let start = from; start < to; start += page) {
    const changes = [];
    for (let i = start; i < Math.min(to, start + page); i++) changes.push(record(i));
    for (const s of [withMode, plain]) {
      s.layer.catchUp.beforePage(W, to - start);
      applyChanges(s.replica, W, changes, changes.at(-1)!.seq);
    }
  }
}

/** Background work to the end (the indexer, the score keeper, the index rebuilds). */
function settle(s: Side): void {
  s.layer.indexer.drain();
  s.layer.scores.drain();
}

const SEARCHES = ['emile', 'lovelace', 'p17', 'pricing', 'company 3'];
const SELECTIONS: Partial<LeadSelection>[] = [
  {},
  { filter: where('status', 'is', 'qualified') },
  { search: 'zola' },
  { search: 'pricing', filter: where('status', 'is', 'new') },
];
const QUERIES: Partial<LeadQuery>[] = [
  { sort: [{ field: 'updatedAt', dir: 'desc' }] },
  { sort: [{ field: 'lastName', dir: 'asc' }], search: 'ada' },
  { sort: [{ field: 'score', dir: 'desc' }] },
  { filter: where('score', 'gte', 30), sort: [{ field: 'company', dir: 'asc' }] },
];

function page(s: Side, q: Partial<LeadQuery>) {
  return s.layer.query
    .query(W, { includeDeleted: false, sort: [], offset: 0, limit: 500, ...q })
    .items.map((l) => `${l.id}:${l.score}`);
}
const count = (s: Side, q: Partial<LeadSelection>) =>
  s.layer.query.count(W, { includeDeleted: false, ...q }).count;
const ids = (s: Side, search: string) =>
  s.layer.query.ids(W, { includeDeleted: false, search }).sort();

function expectSame(label: string): void {
  for (const q of SEARCHES)
    expect(ids(withMode, q), `${label}: search ${q}`).toEqual(ids(plain, q));
  for (const q of SELECTIONS) expect(count(withMode, q), `${label}: count`).toBe(count(plain, q));
  for (const q of QUERIES) expect(page(withMode, q), `${label}: page`).toEqual(page(plain, q));
}

const names = (s: Side, type: 'index' | 'trigger') =>
  (
    s.db.sqlite
      .prepare(`SELECT name FROM sqlite_master WHERE type = ? AND tbl_name = 'lead' ORDER BY name`)
      .pluck()
      .all(type) as string[]
  ).join(',');

beforeEach(() => {
  withMode = open(fs.mkdtempSync(path.join(os.tmpdir(), 'catch-up-')), 500);
  plain = open(fs.mkdtempSync(path.join(os.tmpdir(), 'catch-up-plain-')), Number.MAX_SAFE_INTEGER);
});

afterEach(() => {
  for (const s of [withMode, plain]) {
    close(s);
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
});

describe('catch-up mode', () => {
  it('stores a big catch-up without derived structures, then agrees with a replica that kept them', () => {
    ensureDuplicateIndexes(withMode.db.sqlite);
    const triggers = names(withMode, 'trigger');
    // Another workspace's leads, and a few of this one's, before the catch-up.
    for (const s of [withMode, plain]) {
      applyChanges(s.replica, OTHER, [record(1, OTHER), record(2, OTHER)], null);
      applyChanges(s.replica, W, [record(0)], 1);
    }
    expect(withMode.layer.catchUp.active()).toBeNull();
    for (const q of SELECTIONS) count(withMode, q); // cached, to be followed meanwhile
    const queued = withMode.layer.scores.queued();
    catchUp(1, 600);
    expect(withMode.layer.catchUp.active()).toBe(W);
    expect(plain.layer.catchUp.active()).toBeNull();
    expect(names(withMode, 'index')).not.toContain('lead_q_updated');
    expect(names(withMode, 'index')).not.toContain('lead_ws_email_ix');
    // The duplicate finder's (forced with INDEXED BY) too: a search for duplicates meanwhile builds
    // them again and finds what the plain replica finds.
    expect(names(withMode, 'index')).not.toContain('lead_dupe_email_ix');
    const dupes = (s: Side) =>
      createDuplicateFinder({
        sqlite: s.db.sqlite,
        getLead: (id) => s.replica.leads.get(id),
        dto: (l) => ({ id: l.id }) as never,
      }).find(W, { kinds: ['email', 'phone', 'name'], limit: 50, perGroup: 10 });
    const found = (s: Side) => {
      const r = dupes(s);
      return { counts: r.counts, groups: r.groups.map((g) => [g.kind, g.key, g.count]) };
    };
    expect(found(withMode)).toEqual(found(plain));
    expect(names(withMode, 'index')).toContain('lead_dupe_email_ix');
    // Nothing queued for the loaded leads while loading.
    expect(withMode.layer.scores.queued()).toBe(queued);

    // Meanwhile: edits, a tombstone, removals (one stored before the catch-up), another
    // workspace's new lead, a lead created locally.
    for (const s of [withMode, plain]) {
      s.replica.write(W, 'C00005', { title: 'CTO', lastName: 'Hopper' });
      s.replica.write(W, 'C00000', { company: 'Renamed Inc' });
      s.replica.write(W, 'C00007', { deleted: true });
      s.replica.leads.remove('C00008');
      s.replica.leads.remove('C00000');
      applyChanges(s.replica, OTHER, [record(3, OTHER)], null);
      s.replica.leads.put({ ...testLead('LOCAL1', W, { firstName: 'Grace', title: 'CTO' }) });
    }
    settle(plain);
    // Queries answer meanwhile: counts and searches see every lead stored so far (their notes are
    // decoded once the catch-up is done).
    for (const q of SEARCHES.filter((q) => q !== 'pricing'))
      expect(ids(withMode, q), `loading: ${q}`).toEqual(ids(plain, q));
    expect(ids(withMode, 'pricing')).toEqual([]);
    const stats = withMode.layer.query.countStats();
    for (const q of SELECTIONS) expect(count(withMode, q)).toBe(count(plain, q));
    // …as deltas of the leads stored since (logged when the count asked), not recounts.
    expect(withMode.layer.query.countStats().full).toBe(stats.full);
    // Another workspace's insert meanwhile went through its trigger as usual.
    expect(withMode.layer.query.ids(OTHER, { includeDeleted: false, search: 'emile' })).toEqual([
      'O00001',
      'O00003',
    ]);

    catchUp(600, 1200);
    withMode.layer.catchUp.caughtUp(W);
    expect(withMode.layer.catchUp.active()).toBeNull();
    // The triggers are back at once; the indexes come back one per turn of the event loop.
    expect(names(withMode, 'trigger')).toBe(triggers);
    settle(withMode);
    settle(plain);
    expectSame('caught up');
    // Notes were decoded for every loaded lead.
    expect(withMode.layer.indexer.pending()).toBe(0);
    expect(ids(withMode, 'pricing').length).toBeGreaterThan(100);
    // Live changes after the catch-up are followed as usual.
    for (const s of [withMode, plain]) {
      applyChanges(s.replica, W, [{ ...record(40), seq: 5000 }], 5000);
      s.replica.write(W, 'C00041', { title: 'Intern', firstName: 'Zed' });
    }
    settle(withMode);
    settle(plain);
    expectSame('after');
  });

  it('rebuilds the dropped indexes in the background, the default sort first', async () => {
    const indexes = names(withMode, 'index');
    catchUp(0, 1500, 500);
    withMode.layer.catchUp.caughtUp(W);
    expect(names(withMode, 'index')).not.toBe(indexes);
    for (let i = 0; i < 200 && names(withMode, 'index') !== indexes; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(names(withMode, 'index')).toBe(indexes);
    const meta = withMode.db.sqlite
      .prepare(`SELECT count(*) FROM lead_query_meta WHERE key = 'catch_up_mode'`)
      .pluck()
      .get();
    expect(meta).toBe(0);
    settle(withMode);
    settle(plain);
    expectSame('indexes back');
  });

  it('is not used for a small catch-up, nor when the workspace already holds more leads', () => {
    catchUp(0, 400);
    expect(withMode.layer.catchUp.active()).toBeNull();
    catchUp(400, 800);
    expect(withMode.layer.catchUp.active()).toBeNull();
    // 800 leads stored: a catch-up of 600 more is not worth it, one of 900 is.
    withMode.layer.catchUp.beforePage(W, 600);
    expect(withMode.layer.catchUp.active()).toBeNull();
    withMode.layer.catchUp.beforePage(W, 900);
    expect(withMode.layer.catchUp.active()).toBe(W);
    catchUp(800, 1700);
    withMode.layer.catchUp.caughtUp(W);
    settle(withMode);
    settle(plain);
    expectSame('second catch-up');
  });

  it('keeps the indexes a catch-up had still to rebuild when the next one begins', () => {
    close(withMode);
    withMode = open(withMode.dir, 500, 600_000);
    const indexes = names(withMode, 'index');
    catchUp(0, 600);
    withMode.layer.catchUp.caughtUp(W);
    withMode.layer.catchUp.beforePage('ws-second', 5000);
    expect(withMode.layer.catchUp.active()).toBe('ws-second');
    withMode.layer.catchUp.caughtUp('ws-second');
    // A restart builds whatever is left: every index of either catch-up.
    close(withMode);
    withMode = open(withMode.dir, 500);
    expect(names(withMode, 'index')).toBe(indexes);
  });

  it('finishes a catch-up cut short by a restart when the database opens again', () => {
    const indexes = names(withMode, 'index');
    const triggers = names(withMode, 'trigger');
    catchUp(0, 1100);
    expect(withMode.layer.catchUp.active()).toBe(W);
    close(withMode);
    withMode = open(withMode.dir, 500);
    expect(withMode.layer.catchUp.active()).toBeNull();
    expect(names(withMode, 'index')).toBe(indexes);
    expect(names(withMode, 'trigger')).toBe(triggers);
    settle(withMode);
    settle(plain);
    expectSame('after a restart');
  });

  it('guards every INSERT trigger on lead (a new one must be handled here)', () => {
    const inserts = withMode.db.sqlite
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'lead'`)
      .all() as { name: string; sql: string }[];
    const onInsert = inserts.filter(
      (t) => INSERT_TRIGGER_HEAD.test(t.sql) || /INSERT ON/i.test(t.sql),
    );
    expect(onInsert.map((t) => t.name).sort()).toEqual([...LEAD_INSERT_TRIGGERS].sort());
    for (const t of onInsert) expect(t.sql).toMatch(INSERT_TRIGGER_HEAD);
  });
});
