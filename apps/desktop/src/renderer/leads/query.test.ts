import { describe, expect, it } from 'vitest';
import type { FilterNode } from '@sdr/domain';
import type { LeadFieldInfo, LeadListDto, SavedViewDto } from '../../shared/contract.ts';
import {
  allOf,
  defaultColumns,
  dropColumn,
  knownColumns,
  knownSort,
  moveColumn,
  queryFor,
  selectionFor,
  toggleColumn,
  viewChanged,
} from './query.ts';

const byStatus: FilterNode = { kind: 'condition', field: 'status', op: 'is', value: 'new' };
const vip: FilterNode = { kind: 'condition', field: 'tags', op: 'contains_any', value: ['vip'] };
const lists: LeadListDto[] = [
  { id: 's', name: 'Static', kind: 'static', filter: null, ownerId: 'u', updatedAt: 1 },
  { id: 'd', name: 'Dynamic', kind: 'dynamic', filter: vip, ownerId: 'u', updatedAt: 1 },
];
const field = (key: string, sortable = true) =>
  ({ key, label: key, type: 'text', custom: false, sortable, editable: true }) as LeadFieldInfo;

describe('selectionFor', () => {
  it('scopes an open view to its list: a static one by id, a dynamic one by its filter', () => {
    const view = (listId: string | null) => ({ kind: 'view' as const, id: 'v', listId });
    expect(selectionFor(view('s'), lists, byStatus, 'ada')).toEqual({
      filter: byStatus,
      search: 'ada',
      listId: 's',
    });
    expect(selectionFor(view('d'), lists, byStatus, '')).toEqual({
      filter: { kind: 'and', children: [vip, byStatus] },
    });
    expect(selectionFor(view(null), lists, undefined, '')).toEqual({});
    // A list not loaded (or deleted since): by id, the engine decides.
    expect(selectionFor(view('gone'), lists, undefined, '')).toEqual({ listId: 'gone' });
  });

  it('all leads: the filter and the trimmed search', () => {
    expect(selectionFor({ kind: 'all' }, lists, byStatus, '  ada ')).toEqual({
      filter: byStatus,
      search: 'ada',
    });
    expect(selectionFor({ kind: 'all' }, lists, undefined, '')).toEqual({});
  });

  it('a static list by id, a dynamic list by its filter ANDed with the builder', () => {
    expect(selectionFor({ kind: 'list', id: 's' }, lists, byStatus, '')).toEqual({
      filter: byStatus,
      listId: 's',
    });
    expect(selectionFor({ kind: 'list', id: 'd' }, lists, byStatus, '')).toEqual({
      filter: { kind: 'and', children: [vip, byStatus] },
    });
    expect(selectionFor({ kind: 'list', id: 'd' }, lists, undefined, '')).toEqual({ filter: vip });
  });

  it('allOf drops empty groups', () => {
    expect(allOf({ kind: 'and', children: [] }, undefined)).toBeUndefined();
    expect(allOf({ kind: 'and', children: [] }, vip)).toEqual(vip);
  });

  it('queryFor sorts by last update when no sort is chosen', () => {
    expect(queryFor({}, [])).toEqual({ sort: [{ field: 'updatedAt', dir: 'desc' }] });
  });
});

describe('columns', () => {
  const cols = [{ field: 'a' }, { field: 'b' }, { field: 'c' }];
  it('move, drop and toggle', () => {
    expect(moveColumn(cols, 'b', -1).map((c) => c.field)).toEqual(['b', 'a', 'c']);
    expect(moveColumn(cols, 'a', -1).map((c) => c.field)).toEqual(['a', 'b', 'c']);
    expect(dropColumn(cols, 'a', 'c').map((c) => c.field)).toEqual(['b', 'c', 'a']);
    expect(toggleColumn(cols, 'b').map((c) => c.field)).toEqual(['a', 'c']);
    expect(toggleColumn(cols, 'd', 100)).toContainEqual({ field: 'd', width: 100 });
    expect(toggleColumn([{ field: 'a' }], 'a')).toEqual([{ field: 'a' }]);
  });

  it('defaults and unknown fields', () => {
    const fields = [field('email'), field('firstName'), field('custom.x', false)];
    expect(defaultColumns(fields).map((c) => c.field)).toEqual(['firstName', 'email']);
    expect(knownColumns([{ field: 'gone' }, { field: 'email' }], fields)).toEqual([
      { field: 'email' },
    ]);
    expect(knownColumns([{ field: 'gone' }], fields).map((c) => c.field)).toEqual([
      'firstName',
      'email',
    ]);
    expect(
      knownSort(
        [
          { field: 'custom.x', dir: 'asc' },
          { field: 'email', dir: 'desc' },
        ],
        fields,
      ),
    ).toEqual([{ field: 'email', dir: 'desc' }]);
  });

  it('viewChanged compares filter, columns, sort and search', () => {
    const view: SavedViewDto = {
      id: 'v',
      name: 'V',
      scope: 'personal',
      ownerId: 'u',
      filter: { kind: 'and', children: [byStatus] },
      columns: [{ field: 'email', width: 200 }],
      sort: [],
      search: 'pricing',
      listId: null,
      pinned: true,
      updatedAt: 1,
    };
    const cols = [{ field: 'email', width: 200 }];
    expect(viewChanged(view, byStatus, cols, [], ' pricing ')).toBe(false);
    expect(viewChanged(view, byStatus, cols, [], 'renewal')).toBe(true);
    expect(viewChanged(view, byStatus, [{ field: 'email', width: 200 }], [])).toBe(false);
    expect(viewChanged(view, vip, [{ field: 'email', width: 200 }], [])).toBe(true);
    expect(viewChanged(view, byStatus, [{ field: 'email', width: 210 }], [])).toBe(true);
    expect(
      viewChanged(
        view,
        byStatus,
        [{ field: 'email', width: 200 }],
        [{ field: 'email', dir: 'asc' }],
      ),
    ).toBe(true);
  });
});
