import { describe, expect, it } from 'vitest';
import { OPERATORS_BY_TYPE } from '@sdr/domain';
import type { FilterNode } from '@sdr/domain';
import type { LeadFieldInfo } from '../../shared/contract.ts';
import {
  addItem,
  conditionCount,
  editorFor,
  emptyGroup,
  fromFilter,
  newCondition,
  OPERATOR_LABELS,
  toFilter,
  updateItem,
  withField,
  withOp,
} from './filter-model.ts';
import type { ConditionDraft, GroupDraft } from './filter-model.ts';

const f = (key: string, type: LeadFieldInfo['type'], options?: string[]): LeadFieldInfo => ({
  key,
  label: key,
  type,
  custom: key.startsWith('custom.'),
  sortable: true,
  editable: true,
  ...(options ? { options: options.map((value) => ({ value, label: value })) } : {}),
});

const FIELDS: LeadFieldInfo[] = [
  f('firstName', 'text'),
  f('email', 'text'),
  f('companySize', 'number'),
  f('createdAt', 'date'),
  f('doNotContact', 'boolean'),
  f('status', 'select', ['new', 'working', 'qualified']),
  f('tags', 'tags'),
  f('custom.plan', 'select', ['free', 'pro']),
];
const field = (key: string) => FIELDS.find((x) => x.key === key)!;

function cond(
  key: string,
  op: ConditionDraft['op'],
  value: ConditionDraft['value'],
): ConditionDraft {
  return { ...withOp(newCondition(field(key)), field(key).type, op), value };
}

describe('operators', () => {
  it('has a human label for every operator of every type', () => {
    for (const ops of Object.values(OPERATORS_BY_TYPE)) {
      for (const op of ops) expect(OPERATOR_LABELS[op]).toMatch(/^[a-z]/);
    }
    expect(OPERATOR_LABELS.in_last).toBe('is in the last');
  });

  it('picks an editor per type and operator', () => {
    expect(editorFor('text', 'contains')).toBe('text');
    expect(editorFor('select', 'is')).toBe('option');
    expect(editorFor('select', 'in')).toBe('list');
    expect(editorFor('date', 'between')).toBe('dateRange');
    expect(editorFor('number', 'between')).toBe('numberRange');
    expect(editorFor('date', 'in_last')).toBe('relative');
    expect(editorFor('tags', 'is_empty')).toBe('none');
  });
});

describe('toFilter', () => {
  it('builds an AND of conditions, typed per field, that checkFilter accepts', () => {
    const root = emptyGroup('and');
    root.items = [
      cond('firstName', 'contains', { kind: 'text', text: 'ada' }),
      cond('companySize', 'between', { kind: 'numberRange', from: '10', to: '1,000' }),
      cond('createdAt', 'in_last', { kind: 'relative', amount: '7', unit: 'days' }),
      cond('status', 'in', { kind: 'list', items: ['new', 'working'] }),
      cond('doNotContact', 'is_false', { kind: 'none' }),
      cond('tags', 'contains_any', { kind: 'list', items: ['vip'] }),
    ];
    const result = toFilter(root, FIELDS);
    expect(result.ok).toBe(true);
    expect(result.errors).toEqual({});
    expect(result.filter).toEqual({
      kind: 'and',
      children: [
        { kind: 'condition', field: 'firstName', op: 'contains', value: 'ada' },
        { kind: 'condition', field: 'companySize', op: 'between', value: [10, 1000] },
        {
          kind: 'condition',
          field: 'createdAt',
          op: 'in_last',
          value: { amount: 7, unit: 'days' },
        },
        { kind: 'condition', field: 'status', op: 'in', value: ['new', 'working'] },
        { kind: 'condition', field: 'doNotContact', op: 'is_false' },
        { kind: 'condition', field: 'tags', op: 'contains_any', value: ['vip'] },
      ],
    });
  });

  it('nests an OR group and drops empty groups', () => {
    const root = emptyGroup('and');
    const any = emptyGroup('or');
    any.items = [
      cond('email', 'ends_with', { kind: 'text', text: '@acme.com' }),
      cond('email', 'is_empty', { kind: 'none' }),
    ];
    root.items = [cond('status', 'is', { kind: 'option', text: 'new' }), any, emptyGroup('or')];
    expect(toFilter(root, FIELDS).filter).toEqual({
      kind: 'and',
      children: [
        { kind: 'condition', field: 'status', op: 'is', value: 'new' },
        {
          kind: 'or',
          children: [
            { kind: 'condition', field: 'email', op: 'ends_with', value: '@acme.com' },
            { kind: 'condition', field: 'email', op: 'is_empty' },
          ],
        },
      ],
    });
  });

  it('no conditions means no filter (every lead)', () => {
    expect(toFilter(emptyGroup(), FIELDS)).toMatchObject({ ok: true, filter: undefined });
  });

  it('puts each problem on its own condition and sends nothing while any remains', () => {
    const root = emptyGroup('and');
    const bad = cond('companySize', 'gt', { kind: 'number', text: 'lots' });
    const empty = cond('tags', 'contains_all', { kind: 'list', items: [] });
    const badDate = cond('createdAt', 'on', { kind: 'date', text: '2024-02-30' });
    const fine = cond('firstName', 'is', { kind: 'text', text: 'Ada' });
    const inner = emptyGroup('or');
    const noValue = cond('email', 'contains', { kind: 'text', text: '' });
    inner.items = [noValue];
    root.items = [bad, fine, empty, badDate, inner];
    const result = toFilter(root, FIELDS);
    expect(result.ok).toBe(false);
    expect(result.filter).toBeUndefined();
    expect(result.errors[bad.id]).toBe('Enter a number');
    expect(result.errors[empty.id]).toBe('Add at least one value');
    expect(result.errors[noValue.id]).toBe('Enter a value');
    // From checkFilter, placed by its path in the AST:
    expect(result.errors[badDate.id]).toMatch(/real date/);
    expect(result.errors[fine.id]).toBeUndefined();
  });

  it('reports a field that is gone and warns about an option that is gone', () => {
    const root = emptyGroup('and');
    const gone = { ...cond('firstName', 'is', { kind: 'text', text: 'x' }), field: 'custom.old' };
    const oldOption = cond('status', 'is', { kind: 'option', text: 'archived' });
    root.items = [oldOption];
    const warned = toFilter(root, FIELDS);
    expect(warned.ok).toBe(true);
    expect(warned.warnings[oldOption.id]).toMatch(/not an option/);
    root.items = [gone];
    expect(toFilter(root, FIELDS).errors[gone.id]).toBe('This field no longer exists');
  });
});

describe('fromFilter', () => {
  it('round-trips what the builder makes', () => {
    const filter: FilterNode = {
      kind: 'or',
      children: [
        { kind: 'condition', field: 'custom.plan', op: 'is', value: 'pro' },
        {
          kind: 'and',
          children: [
            {
              kind: 'condition',
              field: 'createdAt',
              op: 'between',
              value: ['2024-01-01', '2024-01-31'],
            },
            { kind: 'condition', field: 'companySize', op: 'gte', value: 50 },
            {
              kind: 'condition',
              field: 'createdAt',
              op: 'in_next',
              value: { amount: 2, unit: 'weeks' },
            },
          ],
        },
      ],
    };
    const model = fromFilter(filter, FIELDS);
    expect(model.combinator).toBe('or');
    expect(conditionCount(model)).toBe(4);
    expect(toFilter(model, FIELDS).filter).toEqual(filter);
  });

  it('turns a NOT of a negatable condition into the negative operator', () => {
    const model = fromFilter(
      {
        kind: 'not',
        child: { kind: 'condition', field: 'tags', op: 'contains_any', value: ['x'] },
      },
      FIELDS,
    );
    expect(model.items[0]).toMatchObject({ kind: 'condition', op: 'contains_none' });
    expect(toFilter(model, FIELDS).filter).toEqual({
      kind: 'and',
      children: [{ kind: 'condition', field: 'tags', op: 'contains_none', value: ['x'] }],
    });
  });

  it('keeps what it cannot show as raw parts and sends them back unchanged', () => {
    const deep: FilterNode = {
      kind: 'and',
      children: [
        {
          kind: 'or',
          children: [
            { kind: 'and', children: [{ kind: 'condition', field: 'email', op: 'is_empty' }] },
          ],
        },
        { kind: 'not', child: { kind: 'condition', field: 'doNotContact', op: 'is_true' } },
        {
          kind: 'condition',
          field: 'createdAt',
          op: 'before',
          value: '2024-05-31T09:00:00Z',
        },
      ],
    };
    const model = fromFilter(deep, FIELDS);
    const group = model.items[0] as GroupDraft;
    expect(group.items[0]?.kind).toBe('raw');
    expect(model.items[1]?.kind).toBe('raw');
    expect(model.items[2]?.kind).toBe('raw');
    expect(toFilter(model, FIELDS).filter).toEqual(deep);
  });
});

describe('editing', () => {
  it('changing the operator keeps what still fits', () => {
    const c = cond('email', 'is', { kind: 'text', text: 'a@b.co' });
    expect(withOp(c, 'text', 'in').value).toEqual({ kind: 'list', items: ['a@b.co'] });
    expect(withOp(c, 'text', 'is_empty').value).toEqual({ kind: 'none' });
    expect(withOp(c, 'text', 'contains').value).toEqual({ kind: 'text', text: 'a@b.co' });
  });

  it('changing the field keeps the operator when the new type allows it', () => {
    const c = cond('email', 'is', { kind: 'text', text: 'x' });
    expect(withField(c, field('firstName'))).toMatchObject({ op: 'is', value: { text: 'x' } });
    const moved = withField(c, field('companySize'));
    expect(moved.op).toBe('eq');
    expect(moved.value).toEqual({ kind: 'number', text: '' });
  });

  it('adds, updates and removes items anywhere in the tree', () => {
    let root = emptyGroup('and');
    const group = emptyGroup('or');
    root = addItem(root, root.id, group);
    const c = newCondition(field('email'));
    root = addItem(root, group.id, c);
    expect(conditionCount(root)).toBe(1);
    root = updateItem(root, c.id, (item) => ({ ...(item as ConditionDraft), op: 'is_empty' }));
    expect(((root.items[0] as GroupDraft).items[0] as ConditionDraft).op).toBe('is_empty');
    root = updateItem(root, c.id, () => null);
    expect(conditionCount(root)).toBe(0);
  });
});
