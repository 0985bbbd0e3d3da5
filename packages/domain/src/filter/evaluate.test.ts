import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { and, not, or, where, type FilterCatalog, type FilterNode } from './ast.ts';
import { compileFilterPredicate, matchesFilter, type FilterRow } from './evaluate.ts';

const CATALOG: FilterCatalog = {
  name: { type: 'text', column: 'name' },
  score: { type: 'number', column: 'score' },
  created: { type: 'date', column: 'created_at' },
  vip: { type: 'boolean', column: 'vip' },
  stage: { type: 'select', column: 'stage' },
  tags: { type: 'tags', column: 'tags' },
};

const DAY = 86_400_000;
const NOW = Date.UTC(2024, 4, 15, 12); // Wednesday 2024-05-15 12:00Z

const ROWS: FilterRow[] = [
  {
    id: 'a',
    name: 'Ada Lovelace',
    score: 10,
    created: NOW - DAY,
    vip: true,
    stage: 'new',
    tags: ['vip', 'emea'],
  },
  {
    id: 'b',
    name: 'ÉMILE Zola',
    score: 0,
    created: NOW - 10 * DAY,
    vip: false,
    stage: 'won',
    tags: ['emea'],
  },
  { id: 'c', name: '', score: null, created: null, vip: null, stage: '', tags: [] },
  { id: 'd', name: null, score: -5.5, created: NOW + 2 * DAY, vip: true, stage: null, tags: null },
  {
    id: 'e',
    name: '100%_off\\deal',
    score: 100,
    created: NOW,
    vip: false,
    stage: 'lost',
    tags: ['b2b', 'vip'],
  },
];
const ALL = 'abcde';

function ids(filter: FilterNode, timeZone = 'UTC'): string {
  const matches = compileFilterPredicate(filter, CATALOG, { now: NOW, timeZone });
  return ROWS.filter(matches)
    .map((r) => r.id as string)
    .join('');
}

type Case = [label: string, filter: FilterNode, expected: string];

const TEXT: Case[] = [
  ['is, any ASCII case', where('name', 'is', 'ADA lovelace'), 'a'],
  ['is folds ASCII only', where('name', 'is', 'émile zola'), ''],
  ['is with the stored non-ASCII case', where('name', 'is', 'ÉMILE ZOLA'), 'b'],
  ['is "" is emptiness', where('name', 'is', ''), 'cd'],
  ['is_not is the complement (keeps empty)', where('name', 'is_not', 'ada lovelace'), 'bcde'],
  ['contains', where('name', 'contains', 'LOVE'), 'a'],
  ['contains a literal %', where('name', 'contains', '%'), 'e'],
  ['contains a literal _', where('name', 'contains', 'f_'), ''],
  ['contains %_', where('name', 'contains', '%_'), 'e'],
  ['contains a backslash', where('name', 'contains', '\\d'), 'e'],
  ['contains "" matches all', where('name', 'contains', ''), ALL],
  ['not_contains keeps empty', where('name', 'not_contains', 'a'), 'cd'],
  ['starts_with', where('name', 'starts_with', 'ada'), 'a'],
  ['starts_with a wildcard char', where('name', 'starts_with', '100%'), 'e'],
  ['ends_with', where('name', 'ends_with', 'DEAL'), 'e'],
  ['ends_with across non-ASCII', where('name', 'ends_with', 'ZOLA'), 'b'],
  ['in', where('name', 'in', ['ADA LOVELACE', 'nobody']), 'a'],
  ['in with ""', where('name', 'in', ['', 'x']), 'cd'],
  ['in []', where('name', 'in', []), ''],
  ['not_in', where('name', 'not_in', ['ada lovelace']), 'bcde'],
  ['not_in []', where('name', 'not_in', []), ALL],
  ['is_empty (NULL or "")', where('name', 'is_empty'), 'cd'],
  ['is_not_empty', where('name', 'is_not_empty'), 'abe'],
];

const NUMBER: Case[] = [
  ['eq', where('score', 'eq', 10), 'a'],
  ['eq 0 is not empty', where('score', 'eq', 0), 'b'],
  ['neq keeps empty', where('score', 'neq', 10), 'bcde'],
  ['lt', where('score', 'lt', 0), 'd'],
  ['lte', where('score', 'lte', 0), 'bd'],
  ['gt', where('score', 'gt', 10), 'e'],
  ['gte', where('score', 'gte', 10), 'ae'],
  ['between is inclusive', where('score', 'between', [0, 10]), 'ab'],
  ['between reversed is empty', where('score', 'between', [10, 0]), ''],
  ['is_empty', where('score', 'is_empty'), 'c'],
  ['is_not_empty', where('score', 'is_not_empty'), 'abde'],
];

const DATE: Case[] = [
  [
    'in_last 7 days: from 00:00 seven days ago to now',
    where('created', 'in_last', { amount: 7, unit: 'days' }),
    'ae',
  ],
  ['in_last 10 days', where('created', 'in_last', { amount: 10, unit: 'days' }), 'abe'],
  ['in_last 1 weeks', where('created', 'in_last', { amount: 1, unit: 'weeks' }), 'ae'],
  ['in_last 1 months', where('created', 'in_last', { amount: 1, unit: 'months' }), 'abe'],
  [
    'in_next 2 days: now to the end of the day after tomorrow',
    where('created', 'in_next', { amount: 2, unit: 'days' }),
    'de',
  ],
  ['in_next 1 days', where('created', 'in_next', { amount: 1, unit: 'days' }), 'e'],
  ['before a day', where('created', 'before', '2024-05-15'), 'ab'],
  ['after a day is after the whole day', where('created', 'after', '2024-05-15'), 'd'],
  ['on a day', where('created', 'on', '2024-05-15'), 'e'],
  ['between days is inclusive', where('created', 'between', ['2024-05-05', '2024-05-14']), 'ab'],
  ['before an instant is exclusive', where('created', 'before', '2024-05-15T12:00:00Z'), 'ab'],
  ['after an instant is exclusive', where('created', 'after', '2024-05-15T14:00:00+02:00'), 'd'],
  [
    'between instants is inclusive',
    where('created', 'between', ['2024-05-14T12:00:00Z', '2024-05-15T12:00Z']),
    'ae',
  ],
  ['is_empty', where('created', 'is_empty'), 'c'],
  ['is_not_empty', where('created', 'is_not_empty'), 'abde'],
];

const BOOLEAN: Case[] = [
  ['is_true', where('vip', 'is_true'), 'ad'],
  ['is_false does not match empty', where('vip', 'is_false'), 'be'],
  ['is_empty', where('vip', 'is_empty'), 'c'],
  ['is_not_empty', where('vip', 'is_not_empty'), 'abde'],
];

const SELECT: Case[] = [
  ['is', where('stage', 'is', 'new'), 'a'],
  ['is is case-sensitive', where('stage', 'is', 'NEW'), ''],
  ['is_not keeps empty', where('stage', 'is_not', 'new'), 'bcde'],
  ['in', where('stage', 'in', ['won', 'lost']), 'be'],
  ['not_in', where('stage', 'not_in', ['won', 'lost']), 'acd'],
  ['is ""', where('stage', 'is', ''), 'cd'],
  ['is_empty', where('stage', 'is_empty'), 'cd'],
  ['is_not_empty', where('stage', 'is_not_empty'), 'abe'],
];

const TAGS: Case[] = [
  ['contains_any', where('tags', 'contains_any', ['vip', 'none']), 'ae'],
  ['contains_any is case-sensitive', where('tags', 'contains_any', ['VIP']), ''],
  ['contains_all', where('tags', 'contains_all', ['vip', 'emea']), 'a'],
  ['contains_all with duplicates', where('tags', 'contains_all', ['vip', 'vip']), 'ae'],
  ['contains_none keeps empty', where('tags', 'contains_none', ['vip']), 'bcd'],
  ['contains_any [] matches none', where('tags', 'contains_any', []), ''],
  ['contains_all [] matches all', where('tags', 'contains_all', []), ALL],
  ['is_empty (NULL or [])', where('tags', 'is_empty'), 'cd'],
  ['is_not_empty', where('tags', 'is_not_empty'), 'abe'],
];

const NESTING: Case[] = [
  [
    'and of or',
    and(
      where('score', 'gte', 0),
      or(where('stage', 'is', 'new'), where('tags', 'contains_any', ['b2b'])),
    ),
    'ae',
  ],
  ['not of or', not(or(where('vip', 'is_true'), where('stage', 'is_empty'))), 'be'],
  ['double not', not(not(where('score', 'gt', 5))), 'ae'],
  ['empty and matches all', and(), ALL],
  ['empty or matches none', or(), ''],
  ['not of empty and', not(and()), ''],
  ['not of a condition on empty values', not(where('score', 'lt', 50)), 'ce'],
];

describe('compileFilterPredicate', () => {
  for (const [group, cases] of Object.entries({
    TEXT,
    NUMBER,
    DATE,
    BOOLEAN,
    SELECT,
    TAGS,
    NESTING,
  })) {
    describe(group, () => {
      it.each(cases)('%s', (_label, filter, expected) => {
        expect(ids(filter)).toBe(expected);
      });
    });
  }

  it('reads calendar days in the given time zone', () => {
    // 2024-05-14 in New York is 04:00Z on the 14th to 04:00Z on the 15th.
    expect(ids(where('created', 'on', '2024-05-14'), 'America/New_York')).toBe('a');
    expect(ids(where('created', 'on', '2024-05-15'), 'Pacific/Kiritimati')).toBe('a');
    expect(ids(where('created', 'on', '2024-05-16'), 'Pacific/Kiritimati')).toBe('e');
  });

  it('accepts the value shapes drivers return', () => {
    const row = {
      score: '10',
      created: new Date(NOW),
      vip: 1,
      tags: '["vip"]',
      name: 'Ada',
      stage: 'new',
    };
    const opts = { now: NOW };
    expect(matchesFilter(where('score', 'eq', 10), CATALOG, row, opts)).toBe(true);
    expect(matchesFilter(where('score', 'eq', 10), CATALOG, { score: 10n }, opts)).toBe(true);
    expect(matchesFilter(where('created', 'on', '2024-05-15'), CATALOG, row, opts)).toBe(true);
    expect(
      matchesFilter(
        where('created', 'on', '2024-05-15'),
        CATALOG,
        { created: '2024-05-15T10:00:00Z' },
        opts,
      ),
    ).toBe(true);
    expect(matchesFilter(where('vip', 'is_true'), CATALOG, row, opts)).toBe(true);
    expect(matchesFilter(where('tags', 'contains_all', ['vip']), CATALOG, row, opts)).toBe(true);
    expect(
      matchesFilter(where('tags', 'contains_any', ['1']), CATALOG, { tags: [1, '2'] }, opts),
    ).toBe(false);
    expect(matchesFilter(where('tags', 'is_empty'), CATALOG, { tags: '[1]' }, opts)).toBe(false);
  });

  it('throws a FilterError for a filter checkFilter refuses', () => {
    const bad = {
      kind: 'condition',
      field: 'score',
      op: 'contains',
      value: 'x',
    } as unknown as FilterNode;
    expect(() => compileFilterPredicate(bad, CATALOG, { now: NOW })).toThrow(
      expect.objectContaining({ name: 'FilterError', code: 'invalid_filter' }),
    );
    expect(() =>
      compileFilterPredicate(and(), CATALOG, { now: NOW, timeZone: 'Mars/Olympus' }),
    ).toThrow(expect.objectContaining({ code: 'invalid_time_zone' }));
  });

  it('NOT is an exact complement and De Morgan holds, for any conditions', () => {
    const leaf = fc.constantFrom<FilterNode>(
      ...[...TEXT, ...NUMBER, ...DATE, ...BOOLEAN, ...SELECT, ...TAGS].map(([, f]) => f),
    );
    fc.assert(
      fc.property(leaf, leaf, (x, y) => {
        const count = (f: FilterNode) => ids(f).length;
        expect(count(x) + count(not(x))).toBe(ROWS.length);
        expect(ids(not(and(x, y)))).toBe(ids(or(not(x), not(y))));
        expect(ids(not(or(x, y)))).toBe(ids(and(not(x), not(y))));
      }),
    );
  });

  it('reads custom fields from a JSON object, keeping only values of the field type', () => {
    const catalog: FilterCatalog = {
      budget: { type: 'number', column: 'l.custom', jsonKey: 'budget' },
      tier: { type: 'select', column: 'custom', jsonKey: 'tier' },
      renewal: { type: 'date', column: 'custom', jsonKey: 'renewal', dateStorage: 'day' },
      products: { type: 'tags', column: 'custom', jsonKey: 'products' },
      newsletter: { type: 'boolean', column: 'data', jsonKey: 'newsletter', rowKey: 'extra' },
    };
    const rows: FilterRow[] = [
      { id: 'a', custom: { budget: 100, tier: 'gold', renewal: '2024-05-15', products: ['crm'] } },
      { id: 'b', custom: '{"budget":"100","tier":1,"renewal":"2024-5-15","products":"crm"}' },
      { id: 'c', custom: null, extra: { newsletter: true } },
      { id: 'd', custom: ['budget'], extra: '{"newsletter":"true"}' },
      { id: 'e', custom: 'not json', extra: { newsletter: false } },
    ];
    const ids = (filter: FilterNode) =>
      rows.filter(compileFilterPredicate(filter, catalog, { now: NOW })).map((r) => r.id);
    expect(ids(where('budget', 'gte', 100))).toEqual(['a']);
    expect(ids(where('budget', 'is_empty'))).toEqual(['b', 'c', 'd', 'e']);
    expect(ids(where('tier', 'is', 'gold'))).toEqual(['a']);
    expect(ids(where('renewal', 'in_last', { amount: 1, unit: 'days' }))).toEqual(['a']);
    expect(ids(where('renewal', 'is_not_empty'))).toEqual(['a']);
    expect(ids(where('products', 'contains_any', ['crm']))).toEqual(['a']);
    expect(ids(where('newsletter', 'is_true'))).toEqual(['c']);
    expect(ids(where('newsletter', 'is_empty'))).toEqual(['a', 'b', 'd']);
  });
});
