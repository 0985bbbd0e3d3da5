/**
 * Cached counts kept up to date from the lead change log, on a real engine database: after every
 * kind of write (edits, inserts, deletes with rowid reuse, another connection's writes, notes
 * indexed, list membership, time passing a relative date) the cached answer equals a fresh count,
 * and small changes are applied as deltas instead of a recount.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, or, where } from '@sdr/domain';
import type { LeadSelection } from '../../../shared/contract.ts';
import { openDb, type OpenedDb } from '../../db.ts';
import { createLogger } from '../../logger.ts';
import { createLeadStore } from '../lead-store.ts';
import { openLeadQueryLayer, type LeadQueryLayer } from './lead-query-layer.ts';
import { testLead } from './testing.ts';

const W = 'ws-count';
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 5, 15, 12);
let now = T0;
let dir: string;
let db: OpenedDb;
let layer: LeadQueryLayer;
let store: ReturnType<typeof createLeadStore>;

const STATUSES = ['new', 'working', 'qualified', 'disqualified'];
const SELECTIONS: Array<[string, Partial<LeadSelection>]> = [
  ['everything', {}],
  ['new', { filter: where('status', 'is', 'new') }],
  [
    'vip or DE',
    { filter: or(where('tags', 'contains_any', ['vip']), where('country', 'is', 'DE')) },
  ],
  [
    'contacted this week',
    { filter: where('lastContactedAt', 'in_last', { amount: 7, unit: 'days' }) },
  ],
  ['search smith', { search: 'smith' }],
  ['search notes', { search: 'pricing', filter: where('status', 'is_not', 'disqualified') }],
  ['with tombstones', { includeDeleted: true, filter: where('status', 'is', 'working') }],
];

function lead(i: number, extra: Parameters<typeof testLead>[2] = {}, notes = '') {
  return testLead(
    `L${String(i).padStart(4, '0')}`,
    W,
    {
      lastName: i % 3 === 0 ? 'Smith' : 'Jones',
      status: STATUSES[i % 4]!,
      country: i % 5 === 0 ? 'DE' : 'US',
      tags: i % 7 === 0 ? ['vip'] : [],
      lastContactedAt: i % 2 === 0 ? T0 - (i % 10) * DAY : null,
      ...extra,
    },
    { notes },
  );
}

const cached = (s: Partial<LeadSelection>) =>
  layer.query.count(W, { includeDeleted: false, ...s }).count;

/** A fresh count: a second query layer on the same database, nothing cached or saved. */
function fresh(s: Partial<LeadSelection>): number {
  const other = openLeadQueryLayer(db.sqlite, {
    now: () => now,
    log: createLogger('silent'),
    background: false,
    timeZone: 'UTC',
    counts: { persist: false },
  });
  const n = other.query.count(W, { includeDeleted: false, ...s }).count;
  other.close();
  return n;
}

/** A query layer on the test database, as the engine opens it (after a restart, say). */
const openLayer = () =>
  openLeadQueryLayer(db.sqlite, {
    now: () => now,
    log: createLogger('silent'),
    background: false,
    timeZone: 'UTC',
  });

function expectAllRight(label: string) {
  for (const [name, s] of SELECTIONS) expect(cached(s), `${label}: ${name}`).toBe(fresh(s));
}

beforeEach(() => {
  now = T0;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-count-'));
  db = openDb(dir);
  layer = openLayer();
  store = createLeadStore(db.sqlite);
  db.sqlite.transaction(() => {
    for (let i = 0; i < 400; i++) store.put(lead(i, {}, i % 9 === 0 ? 'pricing call' : ''));
  })();
  layer.indexer.drain();
});

afterEach(() => {
  layer.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('count cache', () => {
  it('follows edits, inserts, deletes and rowid reuse with deltas', () => {
    expectAllRight('first');
    const before = layer.query.countStats();
    // Edits.
    for (const i of [0, 5, 14, 21, 99]) {
      store.put({ ...store.get(`L${String(i).padStart(4, '0')}`)!, status: 'new', tags: ['vip'] });
    }
    expectAllRight('edits');
    // A tombstone, a removal of the last row (its rowid is reused by the next insert), inserts.
    store.put({ ...store.get('L0003')!, deleted: true });
    store.remove('L0399');
    store.put(lead(1000, { status: 'working', lastName: 'Smith' }));
    store.put(lead(1001, { country: 'DE' }));
    expectAllRight('deletes and inserts');
    const after = layer.query.countStats();
    expect(after.full).toBe(before.full);
    expect(after.delta).toBeGreaterThanOrEqual(2 * SELECTIONS.length);
  });

  it('follows another connection and notes that change', () => {
    expectAllRight('first');
    const other = openDb(dir);
    createLeadStore(other.sqlite).put(lead(2000, { status: 'new', lastName: 'Smith' }));
    other.close();
    expectAllRight('other connection');
    // New notes: the indexer stores them, the count of a notes search moves.
    store.put({ ...lead(7, {}, 'pricing again'), yState: lead(7, {}, 'pricing again').yState });
    layer.indexer.drain();
    expectAllRight('notes');
    expect(cached({ search: 'pricing' })).toBe(fresh({ search: 'pricing' }));
  });

  it('moves a relative date with the clock, without recounting', () => {
    store.put(lead(3000, { lastContactedAt: T0 + 60_000 }));
    const sel = SELECTIONS[3]![1];
    const first = cached(sel);
    expect(first).toBe(fresh(sel));
    const full = layer.query.countStats().full;
    now = T0 + 120_000; // Same day: the lead contacted "in a minute" is now in the past week.
    expect(cached(sel)).toBe(first + 1);
    expect(cached(sel)).toBe(fresh(sel));
    expect(layer.query.countStats().full).toBe(full);
    now = T0 + 2 * DAY; // Another day: its ranges start elsewhere; counted again.
    expect(cached(sel)).toBe(fresh(sel));
    expect(layer.query.countStats().full).toBe(full + 1);
  });

  it('recounts after many changes and for static lists, and prunes the log', () => {
    expectAllRight('first');
    const tight = openLeadQueryLayer(db.sqlite, {
      now: () => now,
      log: createLogger('silent'),
      background: false,
      timeZone: 'UTC',
      counts: { maxDelta: 50 },
    });
    const sel = SELECTIONS[1]![1];
    tight.query.count(W, { includeDeleted: false, ...sel });
    db.sqlite.transaction(() => {
      for (let i = 0; i < 400; i++) {
        const id = `L${String(i).padStart(4, '0')}`;
        store.put({ ...store.get(id)!, status: i % 2 ? 'new' : 'qualified' });
      }
    })();
    const full = tight.query.countStats().full;
    expect(tight.query.count(W, { includeDeleted: false, ...sel }).count).toBe(fresh(sel));
    expect(tight.query.countStats().full).toBe(full + 1);
    tight.close();
    expectAllRight('many changes');

    const member = db.sqlite.prepare(
      `INSERT INTO lead_list_member (id, list_id, lead_id, workspace_id, deleted, updated_at, updated_by)
       VALUES (?, 'list', ?, ?, 0, 0, 'u')`,
    );
    member.run('m1', 'L0001', W);
    expect(cached({ listId: 'list' })).toBe(1);
    member.run('m2', 'L0002', W);
    expect(cached({ listId: 'list', filter: and() })).toBe(2);
    expect(cached({ listId: 'list' })).toBe(2);

    const logRows = () =>
      db.sqlite.prepare('SELECT count(*) FROM lead_change_log').pluck().get() as number;
    expect(logRows()).toBeGreaterThan(100);
    layer.query.maintain();
    expect(logRows()).toBe(1);
    store.put({ ...store.get('L0010')!, status: 'new' });
    expectAllRight('after pruning');
  });

  it('starts from the counts the last session saved, following writes made in between', () => {
    expectAllRight('first');
    layer.close(); // saves what moved since it was saved
    // Writes while the engine is closed (another connection: sync, an import), then a restart.
    const other = openDb(dir);
    const otherStore = createLeadStore(other.sqlite);
    otherStore.put(lead(4000, { status: 'new', lastName: 'Smith', tags: ['vip'] }));
    otherStore.put({ ...otherStore.get('L0004')!, status: 'working', country: 'DE' });
    other.close();
    layer = openLayer();
    layer.indexer.drain();
    expectAllRight('after a restart');
    expect(layer.query.countStats()).toMatchObject({ full: 0, restored: SELECTIONS.length });
    // Pruning keeps the log rows saved counts need, and drops the rest.
    store.put({ ...store.get('L0010')!, status: 'new' });
    layer.query.maintain();
    layer.close();
    layer = openLayer();
    store.put({ ...store.get('L0011')!, status: 'new' });
    expectAllRight('after pruning and another restart');
    expect(layer.query.countStats().full).toBe(0);
  });

  it('recounts a saved count whose log position the log never reached (a rebuilt log)', () => {
    const sel = SELECTIONS[1]![1];
    cached(sel);
    layer.close();
    // A database rebuilt from scratch by sync: its log never reached the saved position.
    db.sqlite.exec(`DELETE FROM lead_change_log`);
    layer = openLayer();
    store.put({ ...store.get('L0001')!, status: 'new' });
    db.sqlite.exec(`DELETE FROM lead_change_log`);
    expect(cached(sel)).toBe(fresh(sel));
    expect(layer.query.countStats().full).toBe(1);
  });
});
