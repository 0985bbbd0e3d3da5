/**
 * The lead query layer on a real engine database (better-sqlite3 on a temp file, the engine's
 * migrations, leads written through the lead store and its triggers): filter + search + list +
 * sort + paging, deleted leads, workspaces, custom fields, counts and their cache, the fields
 * catalog.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, not, or, where } from '@sdr/domain';
import type { CustomFieldDef, FilterNode } from '@sdr/schema';
import type { LeadQuery, LeadSelection } from '../../../shared/contract.ts';
import { openDb, type OpenedDb } from '../../db.ts';
import { createLogger } from '../../logger.ts';
import { createLeadStore } from '../lead-store.ts';
import { openLeadQueryLayer, type LeadQueryLayer } from './lead-query-layer.ts';
import { testLead } from './testing.ts';

const W = 'ws-1';
const DAY = 86_400_000;
const NOW = Date.UTC(2024, 5, 15, 12);
const CUSTOM: CustomFieldDef[] = [
  { key: 'budget', label: 'Budget', type: 'number' },
  { key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] },
  { key: 'renewal', label: 'Renewal', type: 'date' },
  { key: 'products', label: 'Products', type: 'multiselect', options: ['crm', 'dialer'] },
  { key: 'newsletter', label: 'Newsletter', type: 'boolean' },
  { key: 'nickname', label: 'Nickname', type: 'text' },
];

let dir: string;
let db: OpenedDb;
let layer: LeadQueryLayer;

function put(...leads: ReturnType<typeof testLead>[]) {
  const store = createLeadStore(db.sqlite);
  db.sqlite.transaction(() => leads.forEach((l) => store.put(l)))();
}

const query = (q: Partial<LeadQuery> = {}, workspaceId = W) =>
  layer.query.query(workspaceId, {
    includeDeleted: false,
    sort: [{ field: 'updatedAt', dir: 'desc' }],
    offset: 0,
    limit: 100,
    ...q,
  });
const ids = (q: Partial<LeadQuery> = {}) => query(q).items.map((l) => l.id);
const count = (s: Partial<LeadSelection> = {}) =>
  layer.query.count(W, { includeDeleted: false, ...s }).count;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-query-'));
  db = openDb(dir);
  layer = openLeadQueryLayer(db.sqlite, {
    now: () => NOW,
    log: createLogger('silent'),
    settings: () => ({ customFields: CUSTOM }),
    timeZone: 'UTC',
    background: false,
  });
  put(
    testLead(
      'L01',
      W,
      {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@analytical.io',
        company: 'Analytical Engines',
        status: 'new',
        country: 'GB',
        tags: ['vip', 'emea'],
        companySize: 250,
        createdAt: NOW - 2 * DAY,
        custom: { budget: 5000, tier: 'gold', renewal: '2024-06-20', products: ['crm'] },
      },
      { updatedAt: NOW - 1000 },
    ),
    testLead(
      'L02',
      W,
      {
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'grace@navy.mil',
        company: 'US Navy',
        status: 'working',
        country: 'US',
        tags: ['vip'],
        companySize: 10_000,
        createdAt: NOW - 40 * DAY,
        custom: { budget: '5000', tier: 'silver', newsletter: true },
      },
      { updatedAt: NOW - 2000 },
    ),
    testLead(
      'L03',
      W,
      {
        firstName: 'Émile',
        lastName: 'Zola',
        company: 'Éditions',
        status: 'qualified',
        country: 'FR',
        createdAt: NOW - 400 * DAY,
        custom: { budget: 200, renewal: 'soon', nickname: 'Mimi' },
      },
      { updatedAt: NOW - 3000 },
    ),
    testLead(
      'L04',
      W,
      {
        firstName: 'alan',
        lastName: 'turing',
        status: 'new',
        country: 'GB',
        tags: [],
        custom: { products: ['dialer', 'crm'], newsletter: false },
      },
      { updatedAt: NOW - 3000 },
    ),
    testLead('L05', W, { firstName: 'Ghost', lastName: 'Deleted', status: 'new', deleted: true }),
    testLead('L06', 'ws-other', { firstName: 'Ada', lastName: 'Elsewhere', status: 'new' }),
    testLead(
      'L07',
      W,
      {
        firstName: 'Barbara',
        lastName: 'Liskov',
        status: 'disqualified',
        country: 'US',
        lastContactedAt: NOW - DAY,
      },
      { updatedAt: NOW - 500 },
    ),
  );
});

afterEach(() => {
  layer.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('leads:query on SQLite', () => {
  it('filters, sorts by up to three fields with ties broken by id, and pages', () => {
    expect(ids()).toEqual(['L07', 'L01', 'L02', 'L04', 'L03']);
    expect(ids({ filter: where('status', 'in', ['new', 'working']) })).toEqual([
      'L01',
      'L02',
      'L04',
    ]);
    // Names sort case-insensitively; equal updatedAt falls back to the next key, then id.
    expect(ids({ sort: [{ field: 'lastName', dir: 'asc' }] })).toEqual([
      'L02',
      'L07',
      'L01',
      'L04',
      'L03',
    ]);
    expect(
      ids({
        sort: [
          { field: 'updatedAt', dir: 'asc' },
          { field: 'firstName', dir: 'desc' },
        ],
      }),
    ).toEqual(['L03', 'L04', 'L02', 'L01', 'L07']);
    expect(
      ids({
        sort: [
          { field: 'country', dir: 'asc' },
          { field: 'status', dir: 'asc' },
        ],
      }),
    ).toEqual(['L03', 'L01', 'L04', 'L07', 'L02']);
    // Same updatedAt (L03, L04): the id decides, in the first key's direction.
    expect(ids({ sort: [{ field: 'updatedAt', dir: 'desc' }] }).slice(3)).toEqual(['L04', 'L03']);
    const all = ids({ sort: [{ field: 'lastName', dir: 'asc' }] });
    const pages = [0, 2, 4].flatMap((offset) =>
      ids({ sort: [{ field: 'lastName', dir: 'asc' }], offset, limit: 2 }),
    );
    expect(pages).toEqual(all);
    expect(ids({ offset: 10 })).toEqual([]);
  });

  it('leaves out deleted leads unless asked, and other workspaces always', () => {
    expect(ids()).not.toContain('L05');
    expect(ids({ includeDeleted: true })).toContain('L05');
    expect(count({ includeDeleted: true })).toBe(6);
    expect(query({}, 'ws-other').items.map((l) => l.id)).toEqual(['L06']);
    expect(ids({ search: 'elsewhere' })).toEqual([]);
  });

  it('answers whole lead rows with the pending flag of unsent edits', () => {
    db.sqlite
      .prepare(
        `INSERT INTO outbox (id, client_seq, doc_name, "update", created_at) VALUES (?, ?, ?, ?, ?)`,
      )
      .run('o1', 1, 'lead:L01', Buffer.from([0]), NOW);
    const [first] = query({ filter: where('lastName', 'is', 'lovelace') }).items;
    expect(first).toMatchObject({
      id: 'L01',
      firstName: 'Ada',
      tags: ['vip', 'emea'],
      custom: { budget: 5000, tier: 'gold' },
      companySize: 250,
      doNotContact: false,
      pending: true,
      updatedAt: NOW - 1000,
    });
    expect(query({ filter: where('lastName', 'is', 'hopper') }).items[0]?.pending).toBe(false);
  });

  it('ANDs filter, search and list, and counts what it would list', () => {
    const filter: FilterNode = or(
      where('country', 'is', 'GB'),
      where('tags', 'contains_any', ['vip']),
    );
    expect(ids({ filter })).toEqual(['L01', 'L02', 'L04']);
    expect(ids({ filter, search: 'ada' })).toEqual(['L01']);
    expect(count({ filter })).toBe(3);
    expect(count({ filter, search: 'ada' })).toBe(1);
    expect(ids({ filter: and(), search: '   ' })).toHaveLength(5);
    expect(
      ids({
        filter: and(
          where('createdAt', 'in_last', { amount: 2, unit: 'months' }),
          not(where('tags', 'is_empty')),
        ),
      }),
    ).toEqual(['L01', 'L02']);
    expect(ids({ filter: where('lastContactedAt', 'is_not_empty') })).toEqual(['L07']);
    expect(ids({ filter: where('companySize', 'gte', 1000) })).toEqual(['L02']);
  });

  it('filters on custom fields by their type', () => {
    expect(ids({ filter: where('custom.budget', 'gt', 100) })).toEqual(['L01', 'L03']);
    // "5000" is text in a number field: empty.
    expect(ids({ filter: where('custom.budget', 'is_empty') })).toEqual(['L07', 'L02', 'L04']);
    expect(ids({ filter: where('custom.tier', 'is', 'gold') })).toEqual(['L01']);
    expect(
      ids({ filter: where('custom.renewal', 'in_next', { amount: 7, unit: 'days' }) }),
    ).toEqual(['L01']);
    // 'soon' is not a day.
    expect(ids({ filter: where('custom.renewal', 'is_not_empty') })).toEqual(['L01']);
    expect(ids({ filter: where('custom.products', 'contains_all', ['crm', 'dialer']) })).toEqual([
      'L04',
    ]);
    expect(ids({ filter: where('custom.newsletter', 'is_false') })).toEqual(['L04']);
    expect(ids({ filter: where('custom.nickname', 'starts_with', 'MI') })).toEqual(['L03']);
    expect(
      ids({
        filter: where('custom.budget', 'is_not_empty'),
        sort: [{ field: 'custom.budget', dir: 'asc' }],
      }),
    ).toEqual(['L03', 'L01']);
  });

  it('indexes number, date and select custom fields in the background, one at a time', () => {
    let fields = CUSTOM;
    const own = openLeadQueryLayer(db.sqlite, {
      now: () => NOW,
      log: createLogger('silent'),
      settings: () => ({ customFields: fields }),
      timeZone: 'UTC',
      background: false,
    });
    const names = () =>
      db.sqlite
        .prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'lead_qcf_%' ORDER BY name`)
        .pluck()
        .all();
    const sorted = () =>
      own.query
        .query(W, {
          filter: where('custom.budget', 'is_not_empty'),
          sort: [{ field: 'custom.budget', dir: 'desc' }],
          includeDeleted: false,
          offset: 0,
          limit: 10,
        })
        .items.map((l) => l.id);
    expect(sorted()).toEqual(['L01', 'L03']);
    own.query.maintain(false);
    expect(names()).toEqual([]);
    own.query.maintain(true);
    expect(names()).toEqual(['lead_qcf_budget']);
    own.query.maintain(true);
    own.query.maintain(true);
    own.query.maintain(true);
    expect(names()).toEqual(['lead_qcf_budget', 'lead_qcf_renewal', 'lead_qcf_tier']);
    expect(sorted()).toEqual(['L01', 'L03']);
    const plan = db.sqlite
      .prepare(
        `EXPLAIN QUERY PLAN SELECT l.id FROM lead AS l WHERE l.workspace_id = ? AND l.deleted = 0
         ORDER BY (CASE WHEN json_type("l"."custom", '$."budget"') IN ('integer', 'real')
           THEN json_extract("l"."custom", '$."budget"') END) DESC, l.id DESC LIMIT 10`,
      )
      .all(W) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('lead_qcf_budget');
    // A field no longer defined loses its index.
    fields = CUSTOM.filter((f) => f.key !== 'tier');
    own.query.query(W, { includeDeleted: false, sort: [], offset: 0, limit: 1 });
    own.query.maintain(false);
    expect(names()).toEqual(['lead_qcf_budget', 'lead_qcf_renewal']);
    own.close();
  });

  it('answers invalid_input for an unknown field, a bad value or an unknown sort field', () => {
    const bad = (q: Partial<LeadQuery>) => {
      try {
        query(q);
      } catch (err) {
        return err;
      }
      throw new Error('expected a failure');
    };
    expect(bad({ filter: where('nope', 'is_empty') })).toMatchObject({
      code: 'invalid_input',
      issues: [{ path: 'filter.field', message: 'Unknown field "nope"' }],
    });
    expect(bad({ filter: where('companySize', 'contains' as never, 'x') })).toMatchObject({
      code: 'invalid_input',
    });
    expect(bad({ sort: [{ field: 'custom.nope', dir: 'asc' }] })).toMatchObject({
      code: 'invalid_input',
      issues: [{ path: 'sort' }],
    });
  });

  it("restricts to a static list's members or a dynamic list's filter", () => {
    const member = db.sqlite.prepare(
      `INSERT INTO lead_list_member (id, list_id, lead_id, workspace_id, deleted, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, 'u1')`,
    );
    const list = db.sqlite.prepare(
      `INSERT INTO lead_list (id, name, kind, filter, owner_id, workspace_id, deleted, updated_at, updated_by)
       VALUES (?, ?, ?, ?, 'u1', ?, ?, ?, 'u1')`,
    );
    list.run('list-1', 'Hot', 'static', null, W, 0, NOW);
    member.run('m1', 'list-1', 'L01', W, 0, NOW);
    member.run('m2', 'list-1', 'L03', W, 0, NOW);
    member.run('m3', 'list-1', 'L02', W, 1, NOW);
    member.run('m4', 'list-2', 'L04', W, 0, NOW);
    expect(ids({ listId: 'list-1' })).toEqual(['L01', 'L03']);
    expect(ids({ listId: 'list-1', filter: where('country', 'is', 'FR') })).toEqual(['L03']);
    expect(count({ listId: 'list-1' })).toBe(2);
    expect(ids({ listId: 'list-3' })).toEqual([]);
    // A dynamic list is its filter.
    list.run('dyn', 'GB', 'dynamic', JSON.stringify(where('country', 'is', 'GB')), W, 0, NOW);
    expect(ids({ listId: 'dyn', sort: [{ field: 'lastName', dir: 'asc' }] })).toEqual([
      'L01',
      'L04',
    ]);
    expect(count({ listId: 'dyn', search: 'tur' })).toBe(1);
    // A deleted list matches nothing, whatever its members.
    list.run('gone', 'Gone', 'static', null, W, 1, NOW);
    member.run('m5', 'gone', 'L01', W, 0, NOW);
    expect(ids({ listId: 'gone' })).toEqual([]);
  });

  it('answers an empty page for a list while the list tables do not exist', () => {
    db.sqlite.exec(`DROP TABLE lead_list_member; DROP TABLE lead_list`);
    const fresh = openLeadQueryLayer(db.sqlite, {
      now: () => NOW,
      log: createLogger('silent'),
      background: false,
    });
    expect(
      fresh.query.query(W, { includeDeleted: false, sort: [], offset: 0, limit: 10, listId: 'x' })
        .items,
    ).toEqual([]);
    expect(fresh.query.count(W, { includeDeleted: false, listId: 'x' }).count).toBe(0);
    // Created later (by the lists slice's migration): members count from then on.
    db.sqlite.exec(`CREATE TABLE lead_list_member (list_id TEXT NOT NULL, lead_id TEXT NOT NULL,
      deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (list_id, lead_id))`);
    db.sqlite.prepare(`INSERT INTO lead_list_member VALUES ('x', 'L04', 0), ('x', 'L01', 1)`).run();
    expect(fresh.query.ids(W, { includeDeleted: false, listId: 'x' })).toEqual(['L04']);
    fresh.close();
  });

  it('caches a count until the data changes', () => {
    const sel = { filter: where('status', 'is', 'new') };
    expect(count(sel)).toBe(2);
    // Another connection writes (as the sync would from a worker): the cache notices.
    const other = openDb(dir);
    createLeadStore(other.sqlite).put(testLead('L08', W, { status: 'new' }));
    other.close();
    expect(count(sel)).toBe(3);
    put(testLead('L09', W, { status: 'new' }));
    expect(count(sel)).toBe(4);
    db.sqlite.prepare(`UPDATE lead SET status = 'working' WHERE id = 'L09'`).run();
    expect(count(sel)).toBe(3);
    expect(layer.query.ids(W, { ...sel, includeDeleted: false })).toEqual(['L01', 'L04', 'L08']);
  });
});

describe('leads:fields', () => {
  it('lists the built-in fields and the custom ones as custom.<key>', () => {
    const fields = layer.query.fields(W);
    const byKey = new Map(fields.map((f) => [f.key, f]));
    for (const key of [
      'firstName',
      'lastName',
      'email',
      'phone',
      'company',
      'title',
      'industry',
      'source',
      'companySize',
      'website',
      'country',
      'timezone',
      'status',
      'statusReason',
      'ownerId',
      'team',
      'tags',
      'consentEmail',
      'consentSms',
      'consentCalls',
      'doNotContact',
      'createdAt',
      'lastContactedAt',
      'updatedAt',
    ]) {
      expect(byKey.get(key), key).toMatchObject({ key, custom: false, sortable: true });
    }
    expect(byKey.get('status')?.options?.map((o) => o.value)).toEqual([
      'new',
      'working',
      'qualified',
      'converted',
      'disqualified',
    ]);
    expect(byKey.get('country')?.options).toContainEqual({ value: 'DE', label: 'Germany' });
    expect(byKey.get('consentSms')?.options?.map((o) => o.value)).toEqual([
      'unknown',
      'granted',
      'denied',
    ]);
    expect(byKey.get('createdAt')).toMatchObject({ type: 'date', editable: false });
    expect(byKey.get('updatedAt')).toMatchObject({ type: 'date', editable: false });
    expect(byKey.get('doNotContact')).toMatchObject({ type: 'boolean', editable: true });
    expect(fields.filter((f) => f.custom)).toEqual([
      {
        key: 'custom.budget',
        label: 'Budget',
        type: 'number',
        custom: true,
        sortable: true,
        editable: true,
      },
      {
        key: 'custom.tier',
        label: 'Tier',
        type: 'select',
        custom: true,
        sortable: true,
        editable: true,
        options: [
          { value: 'gold', label: 'gold' },
          { value: 'silver', label: 'silver' },
        ],
      },
      {
        key: 'custom.renewal',
        label: 'Renewal',
        type: 'date',
        custom: true,
        sortable: true,
        editable: true,
      },
      {
        key: 'custom.products',
        label: 'Products',
        type: 'tags',
        custom: true,
        sortable: true,
        editable: true,
        options: [
          { value: 'crm', label: 'crm' },
          { value: 'dialer', label: 'dialer' },
        ],
      },
      {
        key: 'custom.newsletter',
        label: 'Newsletter',
        type: 'boolean',
        custom: true,
        sortable: true,
        editable: true,
      },
      {
        key: 'custom.nickname',
        label: 'Nickname',
        type: 'text',
        custom: true,
        sortable: true,
        editable: true,
      },
    ]);
  });
});
