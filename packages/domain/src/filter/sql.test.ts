import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { and, not, or, where, type FilterCatalog, type FilterNode } from './ast.ts';
import { compileFilterPostgres } from './postgres.ts';
import { compileFilterSqlite } from './sqlite.ts';

const CATALOG: FilterCatalog = {
  name: { type: 'text', column: 'first_name' },
  score: { type: 'number', column: 'score' },
  created: { type: 'date', column: 'created_at' },
  vip: { type: 'boolean', column: 'vip' },
  stage: { type: 'select', column: 'l.status' },
  tags: { type: 'tags', column: 'tags' },
};
const NOW = Date.UTC(2024, 4, 15, 12);
const opts = { now: NOW };
const lite = (f: FilterNode) => compileFilterSqlite(f, CATALOG, opts);
const pg = (f: FilterNode) => compileFilterPostgres(f, CATALOG, opts);

type Case = [
  label: string,
  filter: FilterNode,
  sqlite: string,
  postgres: string,
  params: unknown[] | [unknown[], unknown[]],
];

const CASES: Case[] = [
  [
    'text is',
    where('name', 'is', 'ADA'),
    '("first_name" IS NOT NULL AND lower("first_name") = ?)',
    '("first_name" IS NOT NULL AND lower("first_name" COLLATE "C") = $1::text)',
    ['ada'],
  ],
  [
    'text is "" means empty',
    where('name', 'is', ''),
    `("first_name" IS NULL OR "first_name" = '')`,
    `("first_name" IS NULL OR "first_name" = '')`,
    [],
  ],
  [
    'text contains escapes wildcards',
    where('name', 'contains', '50%_A\\'),
    `("first_name" IS NOT NULL AND lower("first_name") LIKE ? ESCAPE '\\')`,
    `("first_name" IS NOT NULL AND lower("first_name" COLLATE "C") LIKE $1::text ESCAPE '\\')`,
    ['%50\\%\\_a\\\\%'],
  ],
  ['text starts_with', where('name', 'starts_with', 'Jo_'), '', '', ['jo\\_%']],
  ['text ends_with', where('name', 'ends_with', '%x'), '', '', ['%\\%x']],
  ['text contains "" matches all', where('name', 'contains', ''), '(1 = 1)', '(1 = 1)', []],
  [
    'text not_in with ""',
    where('name', 'not_in', ['A', 'a', '']),
    `(NOT (("first_name" IS NOT NULL AND lower("first_name") IN (?)) OR ("first_name" IS NULL OR "first_name" = '')))`,
    `(NOT (("first_name" IS NOT NULL AND lower("first_name" COLLATE "C") IN ($1::text)) OR ("first_name" IS NULL OR "first_name" = '')))`,
    ['a'],
  ],
  ['text in [] matches none', where('name', 'in', []), '(1 = 0)', '(1 = 0)', []],
  [
    'select is exact, qualified column',
    where('stage', 'is', 'New'),
    '("l"."status" IS NOT NULL AND "l"."status" = ?)',
    '("l"."status" IS NOT NULL AND "l"."status" = $1::text)',
    ['New'],
  ],
  [
    'number neq is the complement of eq',
    where('score', 'neq', 5),
    '(NOT ("score" IS NOT NULL AND "score" = ?))',
    '(NOT ("score" IS NOT NULL AND "score" = $1::double precision))',
    [5],
  ],
  [
    'number between',
    where('score', 'between', [1, 2]),
    '("score" IS NOT NULL AND "score" >= ? AND "score" <= ?)',
    '("score" IS NOT NULL AND "score" >= $1::double precision AND "score" <= $2::double precision)',
    [1, 2],
  ],
  [
    'date on: epoch ms in SQLite, ISO timestamptz in Postgres',
    where('created', 'on', '2024-05-15'),
    '("created_at" IS NOT NULL AND "created_at" >= ? AND "created_at" < ?)',
    '("created_at" IS NOT NULL AND "created_at" >= $1::timestamptz AND "created_at" < $2::timestamptz)',
    [
      [Date.UTC(2024, 4, 15), Date.UTC(2024, 4, 16)],
      ['2024-05-15T00:00:00.000Z', '2024-05-16T00:00:00.000Z'],
    ],
  ],
  [
    'date is_empty',
    where('created', 'is_empty'),
    '("created_at" IS NULL)',
    '("created_at" IS NULL)',
    [],
  ],
  ['boolean is_true', where('vip', 'is_true'), '("vip" IS 1)', '("vip" IS TRUE)', []],
  ['boolean is_false', where('vip', 'is_false'), '("vip" IS 0)', '("vip" IS FALSE)', []],
  [
    'tags contains_any',
    where('tags', 'contains_any', ['a', 'b', 'a']),
    `EXISTS (SELECT 1 FROM json_each("tags") AS sdr_tag WHERE sdr_tag.type = 'text' AND sdr_tag.value IN (?, ?))`,
    '("tags" IS NOT NULL AND "tags" ?| ARRAY[$1::text, $2::text])',
    ['a', 'b'],
  ],
  [
    'tags contains_all',
    where('tags', 'contains_all', ['a', 'b']),
    `((SELECT count(DISTINCT sdr_tag.value) FROM json_each("tags") AS sdr_tag WHERE sdr_tag.type = 'text' AND sdr_tag.value IN (?, ?)) = 2)`,
    '("tags" IS NOT NULL AND "tags" ?& ARRAY[$1::text, $2::text])',
    ['a', 'b'],
  ],
  [
    'tags is_empty',
    where('tags', 'is_empty'),
    '("tags" IS NULL OR json_array_length("tags") = 0)',
    `("tags" IS NULL OR "tags" = '[]'::jsonb)`,
    [],
  ],
  [
    'groups and NOT',
    and(where('vip', 'is_true'), not(or(where('score', 'gt', 1), where('score', 'lt', 0)))),
    '(("vip" IS 1) AND (NOT (("score" IS NOT NULL AND "score" > ?) OR ("score" IS NOT NULL AND "score" < ?))))',
    '(("vip" IS TRUE) AND (NOT (("score" IS NOT NULL AND "score" > $1::double precision) OR ("score" IS NOT NULL AND "score" < $2::double precision))))',
    [1, 0],
  ],
  [
    'a group of one is its child',
    or(where('vip', 'is_true')),
    '("vip" IS 1)',
    '("vip" IS TRUE)',
    [],
  ],
];

describe('compileFilterSqlite / compileFilterPostgres', () => {
  it.each(CASES)('%s', (_label, filter, sqliteSql, postgresSql, params) => {
    const [liteParams, pgParams] = Array.isArray(params[0])
      ? (params as [unknown[], unknown[]])
      : [params, params];
    const a = lite(filter);
    const b = pg(filter);
    if (sqliteSql) expect(a.sql).toBe(sqliteSql);
    if (postgresSql) expect(b.sql).toBe(postgresSql);
    expect(a.params).toEqual(liteParams);
    expect(b.params).toEqual(pgParams);
  });

  const HOSTILE = [
    "'; DROP TABLE lead; --",
    "' OR '1'='1",
    '" OR 1=1 --',
    '$1',
    '?',
    '\\',
    "\\'",
    '*/ SELECT 1 /*',
    '\u2028\u2029',
    'ÉCOLE 😀',
  ];

  it.each(HOSTILE)('never puts a value into the SQL: %j', (value) => {
    const filters = [
      where('name', 'is', value),
      where('name', 'contains', value),
      where('name', 'in', [value, 'x']),
      where('stage', 'is', value),
      where('tags', 'contains_all', [value]),
    ];
    for (const filter of filters) {
      // The same filter with the value replaced by a harmless one.
      const benign = JSON.parse(
        JSON.stringify(filter).split(JSON.stringify(value).slice(1, -1)).join('q'),
      ) as FilterNode;
      for (const compile of [lite, pg]) {
        // The SQL text does not depend on the value at all; the value travels as a parameter.
        expect(compile(filter).sql).toBe(compile(benign).sql);
        expect(compile(filter).params).not.toEqual(compile(benign).params);
      }
    }
  });

  it('numbers placeholders in order and binds one value per placeholder', () => {
    const values = fc.oneof(
      fc
        .string({ minLength: 1, maxLength: 6 })
        .map((s) => where('name', 'starts_with', s.split('\u0000').join('x'))),
      fc
        .array(fc.string({ minLength: 1, maxLength: 3 }), { maxLength: 4 })
        .map((v) => where('tags', 'contains_any', v)),
      fc.integer().map((n) => where('score', 'gte', n)),
      fc.constant(where('created', 'in_last', { amount: 3, unit: 'weeks' })),
    );
    fc.assert(
      fc.property(fc.array(values, { maxLength: 6 }), (children) => {
        const filter = or(...children);
        const a = lite(filter);
        const b = pg(filter);
        const marks = (a.sql.match(/\?(?![|&])/g) ?? []).length;
        expect(marks).toBe(a.params.length);
        const numbers = [...b.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
        expect(numbers).toEqual(b.params.map((_, i) => i + 1));
        expect(b.params.length).toBe(a.params.length);
      }),
    );
  });

  it('refuses a column that is not a plain identifier', () => {
    for (const column of ['name; DROP TABLE x', '"name"', 'a.b.c', '', 'x y', 'lower(name)']) {
      const catalog: FilterCatalog = { name: { type: 'text', column } };
      expect(() => compileFilterSqlite(where('name', 'is_empty'), catalog, opts)).toThrow(
        expect.objectContaining({ code: 'invalid_catalog' }),
      );
    }
  });

  it('refuses an invalid filter with its issues, and an unknown time zone', () => {
    const bad = where('score', 'contains' as never, 'x');
    expect(() => pg(bad)).toThrow(
      expect.objectContaining({
        code: 'invalid_filter',
        issues: [expect.objectContaining({ code: 'operator_not_allowed' })],
      }),
    );
    expect(() =>
      compileFilterPostgres(and(), CATALOG, { now: NOW, timeZone: 'Nowhere/Else' }),
    ).toThrow(expect.objectContaining({ code: 'invalid_time_zone' }));
  });

  it('reads custom fields as typed keys of a JSON column', () => {
    const catalog: FilterCatalog = {
      budget: { type: 'number', column: 'l.custom', jsonKey: 'budget' },
      renewal: { type: 'date', column: 'custom', jsonKey: 'renewal', dateStorage: 'day' },
      products: { type: 'tags', column: 'custom', jsonKey: 'products' },
    };
    const gt = where('budget', 'gt', 5);
    expect(compileFilterSqlite(gt, catalog, opts).sql).toBe(
      `((CASE WHEN json_type("l"."custom", '$."budget"') IN ('integer', 'real') THEN json_extract("l"."custom", '$."budget"') END) IS NOT NULL AND (CASE WHEN json_type("l"."custom", '$."budget"') IN ('integer', 'real') THEN json_extract("l"."custom", '$."budget"') END) > ?)`,
    );
    expect(compileFilterPostgres(gt, catalog, opts).sql).toContain(
      `(CASE WHEN jsonb_typeof(("l"."custom" -> 'budget')) = 'number' THEN ("l"."custom" ->> 'budget')::double precision END)`,
    );
    // A day-stored date compares day texts: 'on' is one day, whatever the zone.
    const on = where('renewal', 'on', '2024-05-15');
    expect(compileFilterSqlite(on, catalog, opts).params).toEqual(['2024-05-15', '2024-05-15']);
    expect(
      compileFilterPostgres(on, catalog, { now: NOW, timeZone: 'Asia/Kolkata' }).params,
    ).toEqual(['2024-05-15', '2024-05-15']);
    // Instants become the days whose start lies in the range (half past midnight: the next day on).
    const after = where('renewal', 'after', '2024-05-15T00:30:00Z');
    expect(compileFilterSqlite(after, catalog, opts).params).toEqual(['2024-05-16']);
    expect(compileFilterSqlite(where('products', 'is_empty'), catalog, opts).sql).toBe(
      `((CASE WHEN json_type("custom", '$."products"') = 'array' THEN json_extract("custom", '$."products"') END) IS NULL OR json_array_length((CASE WHEN json_type("custom", '$."products"') = 'array' THEN json_extract("custom", '$."products"') END)) = 0)`,
    );
  });

  it('refuses a JSON key that is not a plain identifier, and days on a non-date field', () => {
    for (const jsonKey of ["a'b", 'a.b', '', '$.x', 'a"']) {
      const catalog: FilterCatalog = { x: { type: 'number', column: 'custom', jsonKey } };
      for (const compile of [compileFilterSqlite, compileFilterPostgres]) {
        expect(() => compile(where('x', 'is_empty'), catalog, opts)).toThrow(
          expect.objectContaining({ code: 'invalid_catalog' }),
        );
      }
    }
    const catalog: FilterCatalog = { x: { type: 'text', column: 'x', dateStorage: 'day' } };
    expect(() => compileFilterSqlite(where('x', 'is_empty'), catalog, opts)).toThrow(
      expect.objectContaining({ code: 'invalid_catalog' }),
    );
  });

  it('accepts now as a Date', () => {
    const filter = where('created', 'in_next', { amount: 1, unit: 'days' });
    expect(compileFilterSqlite(filter, CATALOG, { now: new Date(NOW) })).toEqual(lite(filter));
  });
});
