import { FILTER_FIELD_TYPES, FILTER_OPS } from '@sdr/schema';
import { describe, expect, it } from 'vitest';
import { and, OPERATORS_BY_TYPE, where, type FilterCatalog } from './ast.ts';
import { checkFilter, parseFilter } from './check.ts';

const CATALOG: FilterCatalog = {
  name: { type: 'text', column: 'name' },
  score: { type: 'number', column: 'score' },
  created: { type: 'date', column: 'created_at' },
  vip: { type: 'boolean', column: 'vip' },
  stage: { type: 'select', column: 'stage', options: ['new', 'won'] },
  tags: { type: 'tags', column: 'tags' },
};

const c = (field: string, op: string, value?: unknown) =>
  value === undefined ? { kind: 'condition', field, op } : { kind: 'condition', field, op, value };

type Case = [
  label: string,
  input: unknown,
  issues: Array<[code: string, path: (string | number)[]]>,
];

const CASES: Case[] = [
  ['a valid nested filter', and(where('name', 'contains', 'a'), where('vip', 'is_true')), []],
  ['not an object', 'name = 1', [['invalid_shape', []]]],
  ['null', null, [['invalid_shape', []]]],
  ['an array', [], [['invalid_shape', []]]],
  ['unknown kind', { kind: 'xor', children: [] }, [['invalid_shape', ['kind']]]],
  ['group without a list', { kind: 'and', children: {} }, [['invalid_shape', ['children']]]],
  [
    'group with an extra key',
    { kind: 'or', children: [], sql: '1=1' },
    [['invalid_shape', ['sql']]],
  ],
  ['not without a child', { kind: 'not' }, [['invalid_shape', ['child']]]],
  [
    'condition without a field',
    { kind: 'condition', op: 'is', value: 'x' },
    [['invalid_shape', ['field']]],
  ],
  ['unknown field', c('nope', 'is', 'x'), [['unknown_field', ['field']]]],
  ['a prototype key is not a field', c('constructor', 'is', 'x'), [['unknown_field', ['field']]]],
  [
    '__proto__ is not a field',
    JSON.parse('{"kind":"condition","field":"__proto__","op":"is_empty"}'),
    [['unknown_field', ['field']]],
  ],
  ['unknown operator', c('name', 'like', '%a'), [['operator_not_allowed', ['op']]]],
  ['text has no eq', c('name', 'eq', 1), [['operator_not_allowed', ['op']]]],
  ['number has no contains', c('score', 'contains', '1'), [['operator_not_allowed', ['op']]]],
  ['date has no is', c('created', 'is', '2024-01-01'), [['operator_not_allowed', ['op']]]],
  ['boolean has no is', c('vip', 'is', 'true'), [['operator_not_allowed', ['op']]]],
  ['select has no contains', c('stage', 'contains', 'n'), [['operator_not_allowed', ['op']]]],
  ['tags have no in', c('tags', 'in', ['a']), [['operator_not_allowed', ['op']]]],
  ['text is a number', c('name', 'is', 3), [['invalid_value', ['value']]]],
  ['text in a string', c('name', 'in', 'a'), [['invalid_value', ['value']]]],
  ['text in a list with a number', c('name', 'in', ['a', 2]), [['invalid_value', ['value', 1]]]],
  ['number eq a string', c('score', 'eq', '3'), [['invalid_value', ['value']]]],
  ['number eq Infinity', c('score', 'eq', Infinity), [['invalid_value', ['value']]]],
  ['number eq NaN', c('score', 'eq', NaN), [['invalid_value', ['value']]]],
  ['between one number', c('score', 'between', [1]), [['invalid_value', ['value']]]],
  [
    'number between dates',
    c('score', 'between', ['2024-01-01', '2024-02-01']),
    [['invalid_value', ['value']]],
  ],
  ['date between numbers', c('created', 'between', [1, 2]), [['invalid_value', ['value']]]],
  ['date on 30 February', c('created', 'on', '2024-02-30'), [['invalid_value', ['value']]]],
  [
    'date on an instant',
    c('created', 'on', '2024-02-03T10:00:00Z'),
    [['invalid_value', ['value']]],
  ],
  ['date before a word', c('created', 'before', 'yesterday'), [['invalid_value', ['value']]]],
  [
    'date before an instant at 24:00',
    c('created', 'before', '2024-02-03T24:00:00Z'),
    [['invalid_value', ['value']]],
  ],
  [
    'date before an instant without a zone',
    c('created', 'before', '2024-02-03T10:00:00'),
    [['invalid_value', ['value']]],
  ],
  ['date after year 9999', c('created', 'after', '9999-12-31'), [['invalid_value', ['value']]]],
  [
    'in_last 0 days',
    c('created', 'in_last', { amount: 0, unit: 'days' }),
    [['invalid_value', ['value', 'amount']]],
  ],
  [
    'in_last 1.5 days',
    c('created', 'in_last', { amount: 1.5, unit: 'days' }),
    [['invalid_value', ['value', 'amount']]],
  ],
  [
    'in_next years',
    c('created', 'in_next', { amount: 1, unit: 'years' }),
    [['invalid_value', ['value', 'unit']]],
  ],
  ['is_empty with a value', c('name', 'is_empty', ''), [['invalid_value', []]]],
  ['is_true with a value', c('vip', 'is_true', true), [['invalid_value', []]]],
  ['a NUL character', c('name', 'contains', 'a\u0000b'), [['invalid_value', ['value']]]],
  ['a lone surrogate', c('name', 'contains', 'a\uD800'), [['invalid_value', ['value']]]],
  ['a string too long', c('name', 'contains', 'x'.repeat(1001)), [['invalid_value', ['value']]]],
  [
    'a list too long',
    c(
      'tags',
      'contains_any',
      Array.from({ length: 1001 }, (_, i) => `t${i}`),
    ),
    [['invalid_value', ['value']]],
  ],
  ['an extra key on a condition', { ...c('name', 'is', 'a'), note: 'x' }, [['invalid_shape', []]]],
  [
    'a select value outside its options',
    c('stage', 'in', ['new', 'lost']),
    [['unknown_option', ['value']]],
  ],
  [
    'every issue, each with its path',
    and(c('nope', 'is', 'x') as never, { kind: 'not', child: c('score', 'gt', 'x') } as never),
    [
      ['unknown_field', ['children', 0, 'field']],
      ['invalid_value', ['children', 1, 'child', 'value']],
    ],
  ],
];

describe('checkFilter', () => {
  it.each(CASES)('%s', (_label, input, expected) => {
    const issues = checkFilter(input, CATALOG);
    expect(issues.map((i) => [i.code, i.path])).toEqual(expected);
  });

  it('bounds depth without recursing into a hostile tree', () => {
    let deep: unknown = c('vip', 'is_true');
    for (let i = 0; i < 100_000; i++) deep = { kind: 'not', child: deep };
    const issues = checkFilter(deep, CATALOG);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.code).toBe('too_complex');
  });

  it('bounds the number of nodes', () => {
    const wide = {
      kind: 'or',
      children: Array.from({ length: 100_000 }, () => c('vip', 'is_true')),
    };
    expect(checkFilter(wide, CATALOG).map((i) => i.code)).toEqual(['too_complex']);
    const fits = { kind: 'or', children: Array.from({ length: 499 }, () => c('vip', 'is_true')) };
    expect(checkFilter(fits, CATALOG)).toEqual([]);
  });

  it('offers every operator to some field type, and only known operators', () => {
    const offered = new Set(FILTER_FIELD_TYPES.flatMap((t) => OPERATORS_BY_TYPE[t]));
    expect([...offered].sort()).toEqual([...FILTER_OPS].sort());
  });
});

describe('parseFilter', () => {
  it('returns the filter with warnings when only warnings remain', () => {
    const result = parseFilter(c('stage', 'is', 'lost'), CATALOG);
    expect(result).toMatchObject({
      ok: true,
      warnings: [{ code: 'unknown_option', severity: 'warning' }],
    });
  });

  it('refuses on errors', () => {
    const result = parseFilter(c('stage', 'contains', 'x'), CATALOG);
    expect(result).toMatchObject({
      ok: false,
      issues: [{ code: 'operator_not_allowed', severity: 'error' }],
    });
  });
});
