/**
 * The lead filter's two SQL compilers and its in-memory evaluator agree: the same seeded leads
 * go into a real SQLite table (better-sqlite3, in memory), a real PGlite table and, when
 * `TEST_DATABASE_URL` is set, a real Postgres table; every filter (a fixed battery of realistic
 * and hostile ones, then fast-check-generated trees) must return the same id set from each.
 * Custom fields are keys of one JSON column (`jsonKey`: JSON text in SQLite, `jsonb` in
 * Postgres), with values of the wrong JSON type mixed in, and day-stored dates (`YYYY-MM-DD`).
 */
import { PGlite } from '@electric-sql/pglite';
import {
  and,
  compileFilterPostgres,
  compileFilterPredicate,
  compileFilterSqlite,
  not,
  or,
  where,
  type FilterCatalog,
  type FilterNode,
} from '@sdr/domain';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, testDatabaseKinds } from '../test/harness.ts';

const CATALOG: FilterCatalog = {
  firstName: { type: 'text', column: 'first_name' },
  email: { type: 'text', column: 'email' },
  company: { type: 'text', column: 'company' },
  employees: { type: 'number', column: 'employees' },
  score: { type: 'number', column: 'score' },
  createdAt: { type: 'date', column: 'created_at' },
  lastContactedAt: { type: 'date', column: 'last_contacted_at' },
  emailConsent: { type: 'boolean', column: 'email_consent' },
  status: { type: 'select', column: 'status' },
  tags: { type: 'tags', column: 'tags' },
  // Custom fields: keys of the JSON object in `custom`.
  budget: { type: 'number', column: 'custom', jsonKey: 'budget' },
  tier: { type: 'select', column: 'custom', jsonKey: 'tier', options: ['gold', 'silver'] },
  nickname: { type: 'text', column: 'custom', jsonKey: 'nickname' },
  renewal: { type: 'date', column: 'custom', jsonKey: 'renewal', dateStorage: 'day' },
  seenAt: { type: 'date', column: 'custom', jsonKey: 'seen_at' },
  products: { type: 'tags', column: 'custom', jsonKey: 'products' },
  newsletter: { type: 'boolean', column: 'custom', jsonKey: 'newsletter' },
};

const SQLITE_TABLE = `CREATE TABLE filter_lead (id TEXT PRIMARY KEY, first_name TEXT, email TEXT,
  company TEXT, employees INTEGER, score REAL, created_at INTEGER, last_contacted_at INTEGER,
  email_consent INTEGER, status TEXT, tags TEXT, custom TEXT)`;
const PG_TABLE = `CREATE TABLE filter_lead (id text PRIMARY KEY, first_name text, email text,
  company text, employees integer, score double precision, created_at timestamptz,
  last_contacted_at timestamptz, email_consent boolean, status text, tags jsonb, custom jsonb)`;

// 2024-03-12 15:00Z: two days after New York's DST start, so "last 7 days" spans it there.
const NOW = Date.UTC(2024, 2, 12, 15);
const HALF_HOUR = 30 * 60_000;
const TIME_ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata'];

// Values are drawn from these pools, so random filters hit real rows.
const NAMES = [
  'Ada',
  'ada',
  'ADA',
  'Émile',
  'émile',
  'éMILE',
  'Zoë',
  "O'Brien",
  '100% Pure',
  'under_score',
  'back\\slash',
  '李雷',
  '😀 smile',
  'Ångström',
  'İstanbul',
  'Straße',
  'STRASSE',
  "'; DROP TABLE filter_lead; --",
  '$1',
  '?',
  '',
];
const DOMAINS = ['acme.com', 'ACME.io', 'foo_bar.com', '50%off.net', 'müller.de'];
const COMPANIES = [
  'Acme Inc',
  'ACME INC',
  'Globex',
  'Initech',
  'Umbrella Corp',
  'Ünïcode GmbH',
  '%_\\',
  '',
];
const STATUSES = ['new', 'working', 'qualified', 'converted', 'disqualified', 'New', ''];
const TAGS = ['vip', 'emea', 'apac', 'b2b', 'Hot', 'hot', '50%', 'a_b', 'ünï', '"quoted"', "it's"];
const TEXT_NEEDLES = [
  ...NAMES,
  ...DOMAINS,
  ...COMPANIES,
  'a',
  'A',
  'é',
  'É',
  '%',
  '_',
  '\\',
  '@',
  'inc',
  "'",
  '"',
];
const NUMBERS = [-5.5, 0, 10, 42.5, 50, 100, 1000, 1e9];
const DAYS = [
  '2024-02-01',
  '2024-02-29',
  '2024-03-01',
  '2024-03-10',
  '2024-03-11',
  '2024-03-12',
  '2024-03-13',
  '2024-04-12',
];
const INSTANTS = ['2024-03-12T15:00:00Z', '2024-03-12T10:30:00-04:00', '2024-03-11T18:30:00.001Z'];

/** mulberry32: a small seeded generator, so a failure replays exactly. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Lead = {
  id: string;
  firstName: string | null;
  email: string | null;
  company: string | null;
  employees: number | null;
  score: number | null;
  createdAt: number | null;
  lastContactedAt: number | null;
  emailConsent: boolean | null;
  status: string | null;
  tags: unknown[] | null;
  /** Usually an object; sometimes null, an array or a scalar (reads as no custom values). */
  custom: unknown;
};

const TIERS = ['gold', 'silver', 'Gold', '', 'bronze'];
const RENEWALS = [...DAYS, '2024-3-1', '2024-13-45', '2024-02-30', 'soon', '2024-03-12T10:00:00Z'];

/** A custom object with each key present, missing, null or of another JSON type. */
function customValues(rand: () => number, instant: () => number): unknown {
  const roll = rand();
  if (roll < 0.04) return null;
  if (roll < 0.06) return ['budget', 5];
  if (roll < 0.07) return 'budget';
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const out: Record<string, unknown> = {};
  const maybe = (key: string, value: () => unknown, odd: () => unknown) => {
    const r = rand();
    if (r < 0.15) return;
    out[key] = r < 0.22 ? null : r < 0.3 ? odd() : value();
  };
  maybe(
    'budget',
    () => pick(NUMBERS),
    () => pick(['100', true, [1]]),
  );
  maybe(
    'tier',
    () => pick(TIERS),
    () => pick([1, false, ['gold']]),
  );
  maybe(
    'nickname',
    () => pick(NAMES),
    () => pick([42, { a: 1 }]),
  );
  maybe(
    'renewal',
    () => pick(RENEWALS),
    () => pick([20240312, true]),
  );
  maybe('seen_at', instant, () => pick(['2024-03-12', '1710255600000']));
  maybe(
    'products',
    () => Array.from({ length: Math.floor(rand() * 3) }, () => pick(TAGS)),
    () => pick(['vip', 3, [1, 'vip']]),
  );
  maybe(
    'newsletter',
    () => rand() < 0.5,
    () => pick(['true', 1, 0]),
  );
  return out;
}

function generateLeads(count: number, seed: number): Lead[] {
  const rand = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const maybe = <T>(value: T, nullChance = 0.15): T | null => (rand() < nullChance ? null : value);
  // Half-hour steps around NOW land exactly on local midnights in all three zones; ±1 ms probes each side.
  const instant = () =>
    NOW + Math.round((rand() - 0.55) * 24 * 2 * 120) * HALF_HOUR + pick([-1, 0, 0, 0, 1]);
  return Array.from({ length: count }, (_, i) => {
    const name = pick(NAMES);
    const tags = Array.from({ length: Math.floor(rand() * 4) }, () => pick(TAGS));
    return {
      id: `lead-${String(i).padStart(4, '0')}`,
      firstName: maybe(name),
      email: maybe(rand() < 0.1 ? '' : `${name.toLowerCase()}@${pick(DOMAINS)}`),
      company: maybe(pick(COMPANIES)),
      employees: maybe(pick([0, 1, 10, 49, 50, 100, 250, 10_000, Math.floor(rand() * 500)])),
      score: maybe(pick([...NUMBERS, Math.round(rand() * 1000) / 10])),
      createdAt: maybe(rand() < 0.05 ? NOW : instant(), 0.1),
      lastContactedAt: maybe(instant(), 0.3),
      emailConsent: maybe(rand() < 0.5),
      status: maybe(pick(STATUSES)),
      tags: maybe(rand() < 0.05 ? [1, 'vip'] : tags, 0.2),
      custom: customValues(rand, instant),
    };
  });
}

const LEADS = generateLeads(400, 20240312);

function sqliteRow(l: Lead): unknown[] {
  const bool = l.emailConsent === null ? null : l.emailConsent ? 1 : 0;
  const tags = l.tags === null ? null : JSON.stringify(l.tags);
  return [
    l.id,
    l.firstName,
    l.email,
    l.company,
    l.employees,
    l.score,
    l.createdAt,
    l.lastContactedAt,
    bool,
    l.status,
    tags,
    JSON.stringify(l.custom),
  ];
}

function pgRow(l: Lead): unknown[] {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  const tags = l.tags === null ? null : JSON.stringify(l.tags);
  return [
    l.id,
    l.firstName,
    l.email,
    l.company,
    l.employees,
    l.score,
    iso(l.createdAt),
    iso(l.lastContactedAt),
    l.emailConsent,
    l.status,
    tags,
    JSON.stringify(l.custom),
  ];
}

const PG_INSERT_COLUMNS = [
  'text',
  'text',
  'text',
  'text',
  'integer',
  'double precision',
  'timestamptz',
  'timestamptz',
  'boolean',
  'text',
  'text::jsonb', // as text: postgres.js would JSON-encode a string sent for a jsonb parameter again
  'text::jsonb',
];

function pgInsert(rows: Lead[]): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const tuples = rows.map((l) => {
    const cells = pgRow(l).map((v, i) => {
      params.push(v);
      return `$${params.length}::${PG_INSERT_COLUMNS[i]}`;
    });
    return `(${cells.join(', ')})`;
  });
  return { text: `INSERT INTO filter_lead VALUES ${tuples.join(', ')}`, params };
}

interface PgBackend {
  name: string;
  query(text: string, params: unknown[]): Promise<Array<{ id: string }>>;
  close(): Promise<void>;
}

async function openPgBackend(kind: 'pglite' | 'postgres'): Promise<PgBackend> {
  if (kind === 'pglite') {
    const pg = new PGlite();
    await pg.waitReady;
    return {
      name: 'pglite',
      query: async (text, params) => (await pg.query<{ id: string }>(text, params)).rows,
      close: () => pg.close(),
    };
  }
  const created = await createPostgresDatabase();
  const client = postgres(created.url, { max: 1, onnotice: () => {} });
  return {
    name: 'postgres',
    query: async (text, params) => [
      ...(await client.unsafe<Array<{ id: string }>>(text, params as never[])),
    ],
    async close() {
      await client.end({ timeout: 5 });
      await created.drop();
    },
  };
}

let sqlite: Database.Database;
const pgBackends: PgBackend[] = [];

beforeAll(async () => {
  sqlite = new Database(':memory:');
  sqlite.exec(SQLITE_TABLE);
  const insert = sqlite.prepare(
    `INSERT INTO filter_lead VALUES (${Array(12).fill('?').join(', ')})`,
  );
  sqlite.transaction(() => LEADS.forEach((l) => insert.run(...sqliteRow(l))))();
  for (const kind of testDatabaseKinds()) {
    const backend = await openPgBackend(kind);
    pgBackends.push(backend);
    await backend.query(PG_TABLE, []);
    const { text, params } = pgInsert(LEADS);
    await backend.query(text, params);
  }
}, 60_000);

afterAll(async () => {
  sqlite?.close();
  await Promise.all(pgBackends.map((b) => b.close()));
});

const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id).sort();

/** Every engine's answer for one filter; the test asserts they are all equal. */
async function answers(filter: FilterNode, timeZone: string): Promise<Record<string, string[]>> {
  const options = { now: NOW, timeZone };
  const memory = LEADS.filter(compileFilterPredicate(filter, CATALOG, options)).map((l) => l.id);
  const lite = compileFilterSqlite(filter, CATALOG, options);
  const result: Record<string, string[]> = {
    memory: memory.sort(),
    sqlite: ids(
      sqlite.prepare(`SELECT id FROM filter_lead WHERE ${lite.sql}`).all(...lite.params) as Array<{
        id: string;
      }>,
    ),
  };
  const pg = compileFilterPostgres(filter, CATALOG, options);
  for (const backend of pgBackends) {
    result[backend.name] = ids(
      await backend.query(`SELECT id FROM filter_lead WHERE ${pg.sql}`, pg.params),
    );
  }
  return result;
}

/** Asserts every engine returned the evaluator's ids; a failure names the engine and the odd rows. */
function expectAgreement(all: Record<string, string[]>, filter: FilterNode): string[] {
  const memory = all.memory!;
  for (const [engine, got] of Object.entries(all)) {
    const extra = got.filter((id) => !memory.includes(id));
    const missing = memory.filter((id) => !got.includes(id));
    const odd = [...extra, ...missing].slice(0, 3).map((id) => LEADS.find((l) => l.id === id));
    expect({ engine, extra, missing }, JSON.stringify({ filter, odd })).toEqual({
      engine,
      extra: [],
      missing: [],
    });
  }
  return memory;
}

const last = (amount: number, unit: 'days' | 'weeks' | 'months') => ({ amount, unit });

const BATTERY: Array<[string, FilterNode]> = [
  ['status is new', where('status', 'is', 'new')],
  ['status in working/qualified', where('status', 'in', ['working', 'qualified'])],
  ['status is not disqualified', where('status', 'is_not', 'disqualified')],
  ['status is empty', where('status', 'is_empty')],
  ['first name contains ada', where('firstName', 'contains', 'ada')],
  ['first name is émile (ASCII folding)', where('firstName', 'is', 'ÉMILE')],
  ["first name starts with o'b", where('firstName', 'starts_with', "o'b")],
  ['email ends with @acme.com', where('email', 'ends_with', '@ACME.com')],
  ['email contains %', where('email', 'contains', '%')],
  ['email contains _', where('email', 'contains', '_')],
  ['first name contains a backslash', where('firstName', 'contains', '\\')],
  ['company does not contain inc', where('company', 'not_contains', 'inc')],
  ['email is empty', where('email', 'is_empty')],
  ['contactable by email', and(where('email', 'is_not_empty'), where('emailConsent', 'is_true'))],
  ['10 to 100 employees', where('employees', 'between', [10, 100])],
  ['big and active', and(where('employees', 'gte', 50), where('status', 'in', ['new', 'working']))],
  ['negative or no score', or(where('score', 'lt', 0), where('score', 'is_empty'))],
  ['score is not 42.5', where('score', 'neq', 42.5)],
  ['created in the last 7 days', where('createdAt', 'in_last', last(7, 'days'))],
  ['created in the last month', where('createdAt', 'in_last', last(1, 'months'))],
  ['created in the next 2 weeks', where('createdAt', 'in_next', last(2, 'weeks'))],
  ['contacted before March', where('lastContactedAt', 'before', '2024-03-01')],
  ['contacted today', where('lastContactedAt', 'on', '2024-03-12')],
  ['created in February', where('createdAt', 'between', ['2024-02-01', '2024-02-29'])],
  ['created after now', where('createdAt', 'after', '2024-03-12T15:00:00Z')],
  [
    'created up to now (instant bounds)',
    where('createdAt', 'between', ['2024-03-11T18:30:00Z', '2024-03-12T15:00:00Z']),
  ],
  [
    'stale',
    or(
      where('lastContactedAt', 'is_empty'),
      not(where('lastContactedAt', 'in_last', last(14, 'days'))),
    ),
  ],
  ['tagged vip or hot', where('tags', 'contains_any', ['vip', 'hot'])],
  ['tagged vip and emea', where('tags', 'contains_all', ['vip', 'emea'])],
  ['not tagged vip', where('tags', 'contains_none', ['vip'])],
  ['untagged', where('tags', 'is_empty')],
  ['email consent refused', where('emailConsent', 'is_false')],
  ['email consent unknown', where('emailConsent', 'is_empty')],
  ['hostile: drop table', where('firstName', 'is', "'; DROP TABLE filter_lead; --")],
  ['hostile: quote or', where('company', 'contains', "' OR '1'='1")],
  [
    'hostile: placeholders',
    or(where('firstName', 'contains', '$1'), where('firstName', 'is', '?')),
  ],
  ['hostile: quotes and escapes', where('company', 'in', ['"', "'", '\\', '%_\\'])],
  ['hostile: tags', where('tags', 'contains_any', ["it's", '"quoted"', "') OR 1=1 --"])],
  [
    'nested working set',
    and(
      or(where('status', 'is', 'new'), where('tags', 'contains_any', ['vip'])),
      not(where('email', 'is_empty')),
      or(
        where('score', 'gt', 50),
        and(where('employees', 'lt', 10), where('createdAt', 'in_last', last(30, 'days'))),
      ),
    ),
  ],
  ['custom number: budget over 40', where('budget', 'gt', 40)],
  ['custom number: no budget', where('budget', 'is_empty')],
  ['custom number: budget is not 50', where('budget', 'neq', 50)],
  ['custom select: gold or silver tier', where('tier', 'in', ['gold', 'silver'])],
  ['custom select: tier is empty', where('tier', 'is_empty')],
  ['custom text: nickname contains ada', where('nickname', 'contains', 'ADA')],
  ['custom text: nickname is émile', where('nickname', 'is', 'ÉMILE')],
  ['custom day: renewal in March', where('renewal', 'between', ['2024-03-01', '2024-03-31'])],
  ['custom day: renewal on the 12th', where('renewal', 'on', '2024-03-12')],
  ['custom day: renewal before an instant', where('renewal', 'before', '2024-03-11T18:30:00.001Z')],
  ['custom day: renewal in the last 30 days', where('renewal', 'in_last', last(30, 'days'))],
  ['custom day: renewal in the next 2 months', where('renewal', 'in_next', last(2, 'months'))],
  ['custom day: no renewal', where('renewal', 'is_empty')],
  ['custom instant: seen in the last 7 days', where('seenAt', 'in_last', last(7, 'days'))],
  ['custom instant: seen on the 11th', where('seenAt', 'on', '2024-03-11')],
  ['custom tags: products vip or hot', where('products', 'contains_any', ['vip', 'hot'])],
  ['custom tags: products none of vip', where('products', 'contains_none', ['vip'])],
  ['custom tags: no products', where('products', 'is_empty')],
  ['custom boolean: newsletter', where('newsletter', 'is_true')],
  ['custom boolean: no newsletter answer', where('newsletter', 'is_empty')],
  [
    'custom and built-in mixed',
    and(where('tier', 'is', 'gold'), or(where('budget', 'gte', 50), where('status', 'is', 'new'))),
  ],
  ['everything', and()],
  ['nothing', or()],
];

describe('lead filter: SQLite, Postgres and the in-memory evaluator agree', () => {
  for (const timeZone of TIME_ZONES) {
    it(`on a battery of realistic and hostile filters (${timeZone})`, async () => {
      const sizes: number[] = [];
      for (const [label, filter] of BATTERY) {
        const all = await answers(filter, timeZone);
        sizes.push(expectAgreement(all, filter).length);
        expect(label).toBeTruthy();
      }
      // The data must make the battery meaningful: most filters split the leads.
      const splitting = sizes.filter((n) => n > 0 && n < LEADS.length).length;
      expect(splitting).toBeGreaterThanOrEqual(BATTERY.length - 6);
      expect(sizes.at(-2)).toBe(LEADS.length);
      expect(sizes.at(-1)).toBe(0);
    });
  }

  it('left every table intact after the hostile filters', async () => {
    expect(sqlite.prepare('SELECT count(*) AS n FROM filter_lead').get()).toEqual({
      n: LEADS.length,
    });
    for (const backend of pgBackends) {
      const rows = await backend.query('SELECT id FROM filter_lead', []);
      expect(rows).toHaveLength(LEADS.length);
    }
  });

  it('on random filter trees', async () => {
    const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
    const strings = fc.oneof(
      pick(TEXT_NEEDLES),
      fc.string({ maxLength: 4 }).filter((s) => !s.includes('\u0000')),
    );
    const dateOperand = fc.oneof(pick(DAYS), pick(INSTANTS));
    const relative = fc.record({
      amount: fc.integer({ min: 1, max: 60 }),
      unit: pick(['days', 'weeks', 'months'] as const),
    });
    const text = (field: string) =>
      fc.oneof(
        fc
          .tuple(
            pick(['is', 'is_not', 'contains', 'not_contains', 'starts_with', 'ends_with'] as const),
            strings,
          )
          .map(([op, v]) => where(field, op, v)),
        fc
          .tuple(pick(['in', 'not_in'] as const), fc.array(strings, { maxLength: 3 }))
          .map(([op, v]) => where(field, op, v)),
        pick(['is_empty', 'is_not_empty'] as const).map((op) => where(field, op)),
      );
    const number = (field: string) =>
      fc.oneof(
        fc
          .tuple(pick(['eq', 'neq', 'lt', 'lte', 'gt', 'gte'] as const), pick(NUMBERS))
          .map(([op, v]) => where(field, op, v)),
        fc.tuple(pick(NUMBERS), pick(NUMBERS)).map((v) => where(field, 'between', v)),
        pick(['is_empty', 'is_not_empty'] as const).map((op) => where(field, op)),
      );
    const date = (field: string) =>
      fc.oneof(
        fc
          .tuple(pick(['before', 'after'] as const), dateOperand)
          .map(([op, v]) => where(field, op, v)),
        pick(DAYS).map((v) => where(field, 'on', v)),
        fc.tuple(dateOperand, dateOperand).map((v) => where(field, 'between', v)),
        fc
          .tuple(pick(['in_last', 'in_next'] as const), relative)
          .map(([op, v]) => where(field, op, v)),
        pick(['is_empty', 'is_not_empty'] as const).map((op) => where(field, op)),
      );
    const condition = fc.oneof(
      text('firstName'),
      text('email'),
      text('company'),
      number('employees'),
      number('score'),
      date('createdAt'),
      date('lastContactedAt'),
      pick(['is_true', 'is_false', 'is_empty', 'is_not_empty'] as const).map((op) =>
        where('emailConsent', op),
      ),
      fc
        .tuple(pick(['is', 'is_not'] as const), pick(STATUSES))
        .map(([op, v]) => where('status', op, v)),
      fc
        .tuple(pick(['in', 'not_in'] as const), fc.array(pick(STATUSES), { maxLength: 3 }))
        .map(([op, v]) => where('status', op, v)),
      fc
        .tuple(
          pick(['contains_any', 'contains_all', 'contains_none'] as const),
          fc.array(pick(TAGS), { maxLength: 3 }),
        )
        .map(([op, v]) => where('tags', op, v)),
      pick(['is_empty', 'is_not_empty'] as const).map((op) => where('tags', op)),
      number('budget'),
      text('nickname'),
      date('renewal'),
      date('seenAt'),
      fc.tuple(pick(['is', 'is_not'] as const), pick(TIERS)).map(([op, v]) => where('tier', op, v)),
      fc
        .tuple(
          pick(['contains_any', 'contains_all', 'contains_none'] as const),
          fc.array(pick(TAGS), { maxLength: 3 }),
        )
        .map(([op, v]) => where('products', op, v)),
      pick(['is_true', 'is_false', 'is_empty', 'is_not_empty'] as const).map((op) =>
        where('newsletter', op),
      ),
    );
    const { tree } = fc.letrec<{ tree: FilterNode }>((self) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        condition,
        fc.array(self('tree'), { maxLength: 4 }).map((children) => and(...children)),
        fc.array(self('tree'), { maxLength: 4 }).map((children) => or(...children)),
        self('tree').map(not),
      ),
    }));
    await fc.assert(
      fc.asyncProperty(tree, pick(TIME_ZONES), async (filter, timeZone) => {
        expectAgreement(await answers(filter, timeZone), filter);
      }),
      { numRuns: 300, seed: 4242 },
    );
  }, 120_000);
});
