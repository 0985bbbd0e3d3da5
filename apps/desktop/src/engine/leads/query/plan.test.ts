/**
 * The page planner and the prefix ranges only change HOW a page is read, never what it holds:
 * on a real database of 3,000 leads (with the planner's thresholds lowered so it acts), every
 * query answers the same rows with the planner on and off, and the plan it picks is the one its
 * estimates call for.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, not, or, where } from '@sdr/domain';
import type { LeadQuery } from '../../../shared/contract.ts';
import { openDb, type OpenedDb } from '../../db.ts';
import { createLogger } from '../../logger.ts';
import { createLeadStore } from '../lead-store.ts';
import { openLeadQueryLayer, type LeadQueryLayer } from './lead-query-layer.ts';
import { createPagePlanner } from './plan.ts';
import { prefixRanges } from './prefix-range.ts';
import { testLead } from './testing.ts';

const W = 'ws-plan';
const N = 3000;
const COMPANIES = ['Northwind', 'nordic AB', 'Globex', 'Nörd GmbH', 'NOR_X', 'Acme', 'Zeta%Co', ''];
const STATUSES = ['new', 'new', 'working', 'qualified', 'disqualified'];
let dir: string;
let db: OpenedDb;
let planned: LeadQueryLayer;
let plain: LeadQueryLayer;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-plan-'));
  db = openDb(dir);
  const store = createLeadStore(db.sqlite);
  db.sqlite.transaction(() => {
    for (let i = 0; i < N; i++) {
      store.put(
        testLead(
          `L${String(i).padStart(5, '0')}`,
          W,
          {
            firstName: i % 7 === 0 ? 'Maria' : 'John',
            lastName: ['Martin', 'martinez', 'Mörk', 'Smith', 'Ng'][i % 5]!,
            company: COMPANIES[i % COMPANIES.length]!,
            status: STATUSES[i % STATUSES.length]!,
            country: i === 17 ? 'AE' : i % 3 === 0 ? 'DE' : 'US',
            createdAt: 1_700_000_000_000 + (i % 50) * 1000,
            lastContactedAt: i % 4 === 0 ? null : 1_700_000_000_000 + i,
            deleted: i % 97 === 0,
          },
          // Many equal values: ties must still come out in id order.
          { updatedAt: 1_700_000_000_000 + (i % 10) },
        ),
      );
    }
  })();
  const open = (planner: { smallWorkspace: number; ftsProbe: number }) =>
    openLeadQueryLayer(db.sqlite, {
      now: () => 1_700_000_100_000,
      log: createLogger('silent'),
      background: false,
      timeZone: 'UTC',
      planner,
    });
  planned = open({ smallWorkspace: 100, ftsProbe: 50 });
  plain = open({ smallWorkspace: Number.POSITIVE_INFINITY, ftsProbe: 50 });
});

afterAll(() => {
  planned.close();
  plain.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const page = (layer: LeadQueryLayer, q: Partial<LeadQuery>) =>
  layer.query
    .query(W, {
      includeDeleted: false,
      sort: [{ field: 'updatedAt', dir: 'desc' }],
      offset: 0,
      limit: 50,
      ...q,
    })
    .items.map((l) => l.id);

describe('page planner', () => {
  it('answers the same pages with and without the planner', () => {
    const cases: Partial<LeadQuery>[] = [
      {},
      { filter: where('status', 'is', 'new') },
      { filter: where('status', 'is', 'new'), offset: 500 },
      { filter: where('country', 'is', 'AE') },
      { filter: where('country', 'is', 'DE'), sort: [{ field: 'lastName', dir: 'asc' }] },
      {
        filter: where('lastContactedAt', 'is_empty'),
        sort: [{ field: 'lastContactedAt', dir: 'asc' }],
      },
      {
        filter: and(
          where('status', 'in', ['working', 'qualified']),
          not(where('country', 'is', 'US')),
        ),
        sort: [
          { field: 'createdAt', dir: 'desc' },
          { field: 'lastName', dir: 'asc' },
        ],
      },
      { search: 'mar' },
      { search: 'mar', filter: where('status', 'is', 'working') },
      { search: 'maria mart', sort: [{ field: 'company', dir: 'asc' }] },
      { search: 'zzz' },
      { filter: where('company', 'starts_with', 'NOR'), sort: [{ field: 'company', dir: 'asc' }] },
      { filter: or(where('company', 'starts_with', 'nor'), where('status', 'is', 'new')) },
      {
        filter: where('lastName', 'starts_with', 'Mö'),
        sort: [{ field: 'lastName', dir: 'desc' }],
      },
      { includeDeleted: true, filter: where('status', 'is', 'new') },
    ];
    for (const q of cases) {
      expect(page(planned, q), JSON.stringify(q)).toEqual(page(plain, q));
    }
  });

  it('walks the sort index for dense matches and keeps SQLite plans for sparse ones', () => {
    const planner = createPagePlanner(db.sqlite, { smallWorkspace: 100, ftsProbe: 50 });
    const base = 'l.workspace_id = ? AND l.deleted = 0';
    const shape = (filterSql: string, params: unknown[], match: string | null = null) => ({
      workspaceId: W,
      from: 'lead AS l',
      where: match
        ? `${filterSql} AND l.rowid IN (SELECT rowid FROM lead_fts WHERE lead_fts MATCH ?)`
        : filterSql,
      params: match ? [...params, match] : params,
      filterWhere: filterSql === base ? 'base' : filterSql,
      filterParams: params,
      match,
      orderBy: '"l"."last_name" COLLATE NOCASE ASC, l.id ASC',
      sortField: 'lastName',
      includeDeleted: false,
      rows: 50,
    });
    const now = Date.now();
    // Two leads in five are new: SQLite would read them all through the facets index (status
    // first) and sort them; walking the name index finds 50 of them quickly.
    expect(planner.choose(shape(`${base} AND l.status = ?`, [W, 'new']), now)).toBe('lead_q_name');
    // One lead is in the Emirates: SQLite's own plan (it walks the name index itself).
    expect(planner.choose(shape(`${base} AND l.country = ?`, [W, 'AE']), now)).toBeNull();
    // Nobody has this status: a walk would read the whole index for nothing.
    expect(planner.choose(shape(`${base} AND l.status = ?`, [W, 'lost']), now)).toBeNull();
    // Thousands of FTS matches: walk; a handful: SQLite's plan.
    expect(planner.choose(shape(base, [W], '"john"*'), now)).toBe('lead_q_name');
    expect(planner.choose(shape(base, [W], '"northwind"* AND "smith"*'), now)).toBe('lead_q_name');
    expect(planner.choose(shape(base, [W], '"zzz"*'), now)).toBeNull();
    // No sort index for the field, or tombstones included: SQLite's plan.
    expect(planner.choose({ ...shape(base, [W]), sortField: 'email' }, now)).toBeNull();
    expect(planner.choose({ ...shape(base, [W]), includeDeleted: true }, now)).toBeNull();
  });

  it('counts the same through the covering facets index', () => {
    const selections = [
      {},
      { filter: where('status', 'is', 'new') },
      { filter: and(where('status', 'in', ['new', 'working']), where('country', 'is', 'DE')) },
      { filter: where('lastContactedAt', 'is_empty') },
      { filter: where('company', 'starts_with', 'nor') },
      { search: 'john' },
      { search: 'mart', filter: where('status', 'is_not', 'new') },
      { includeDeleted: true },
    ];
    for (const s of selections) {
      const a = planned.query.count(W, { includeDeleted: false, ...s }).count;
      const b = plain.query.count(W, { includeDeleted: false, ...s }).count;
      expect(a, JSON.stringify(s)).toBe(b);
    }
    const planner = createPagePlanner(db.sqlite, { smallWorkspace: 100, ftsProbe: 50 });
    const shape = {
      workspaceId: W,
      from: 'lead AS l',
      where: 'l.workspace_id = ? AND l.deleted = 0 AND l.do_not_contact IS ?',
      params: [W, 0],
      filterWhere: 'l.workspace_id = ? AND l.deleted = 0 AND l.do_not_contact IS ?',
      filterParams: [W, 0],
      match: null,
      orderBy: '',
      sortField: undefined,
      includeDeleted: false,
      rows: 0,
    };
    // SQLite scans the table for this one: the facets index is read instead.
    expect(planner.countWithFacets(shape, true, Date.now())).toBe(true);
    expect(planner.countWithFacets(shape, false, Date.now())).toBe(false);
    // A status is a range of the facets index already: SQLite's own plan stays.
    const status = { ...shape, where: 'l.workspace_id = ? AND l.deleted = 0 AND l.status = ?' };
    expect(planner.countWithFacets({ ...status, params: [W, 'new'] }, true, Date.now())).toBe(
      false,
    );
  });

  it('adds a NOCASE range only for a top-level starts_with on an indexed field', () => {
    expect(prefixRanges(where('company', 'starts_with', 'NoR'))).toEqual([
      {
        sql: 'l.company >= ? COLLATE NOCASE AND l.company < ? COLLATE NOCASE',
        params: ['nor', 'nos'],
      },
    ]);
    expect(
      prefixRanges(and(where('lastName', 'starts_with', 'Mö'), where('status', 'is', 'new'))),
    ).toEqual([{ sql: expect.stringContaining('l.last_name >='), params: ['mö', 'm÷'] }]);
    expect(prefixRanges(or(where('company', 'starts_with', 'nor')))).toEqual([]);
    expect(prefixRanges(where('email', 'starts_with', 'nor'))).toEqual([]);
    expect(prefixRanges(where('company', 'starts_with', ''))).toEqual([]);
  });
});
