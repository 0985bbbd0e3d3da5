/**
 * What the lead table asks the engine, from what is on screen: the open view or list, the
 * builder's filter and the search box. Pure.
 */
import type { FilterNode } from '@sdr/domain';
import type {
  InputOf,
  LeadFieldInfo,
  LeadListDto,
  SavedViewDto,
  SortKey,
  ViewColumn,
} from '../../shared/contract.ts';
import { DEFAULT_COLUMNS, DEFAULT_WIDTHS } from './lead-values.ts';
import { queryKey } from './page-cache.ts';

/** What is open: all leads, a saved view (scoped to a list or not), or a list. */
export type Source =
  | { kind: 'all' }
  | { kind: 'view'; id: string; listId: string | null }
  | { kind: 'list'; id: string };

/** The list the leads shown are scoped to: the open list, or the open view's list. */
export function scopeListId(source: Source): string | null {
  if (source.kind === 'list') return source.id;
  return source.kind === 'view' ? source.listId : null;
}

export type LeadSelectionInput = InputOf<'leads:count'>;
export type LeadQueryInput = Omit<InputOf<'leads:query'>, 'offset' | 'limit'>;

export const MATCH_ALL: FilterNode = { kind: 'and', children: [] };
export const DEFAULT_SORT: SortKey[] = [{ field: 'updatedAt', dir: 'desc' }];

/** Filters ANDed, leaving out the absent and the empty ones. */
export function allOf(...filters: (FilterNode | null | undefined)[]): FilterNode | undefined {
  const parts = filters.filter(
    (f): f is FilterNode => !!f && !(f.kind === 'and' && f.children.length === 0),
  );
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { kind: 'and', children: parts };
}

/**
 * The leads shown: a static list by id, a dynamic list by its filter, plus filter and search. A
 * list not loaded (yet, or deleted since a view was saved) goes by id: the engine decides.
 */
export function selectionFor(
  source: Source,
  lists: readonly LeadListDto[],
  filter: FilterNode | undefined,
  search: string,
): LeadSelectionInput {
  const listId = scopeListId(source);
  const list = listId === null ? undefined : lists.find((l) => l.id === listId);
  const combined = list?.kind === 'dynamic' ? allOf(list.filter, filter) : allOf(filter);
  const text = search.trim();
  const byId = listId !== null && list?.kind !== 'dynamic';
  return {
    ...(combined ? { filter: combined } : {}),
    ...(text ? { search: text.slice(0, 200) } : {}),
    ...(byId ? { listId } : {}),
  };
}

export function queryFor(selection: LeadSelectionInput, sort: readonly SortKey[]): LeadQueryInput {
  return { ...selection, sort: sort.length > 0 ? [...sort] : DEFAULT_SORT };
}

/** The default columns among the fields the engine offers. */
export function defaultColumns(fields: readonly LeadFieldInfo[]): ViewColumn[] {
  const keys = new Set(fields.map((f) => f.key));
  const columns: ViewColumn[] = DEFAULT_COLUMNS.filter((k) => keys.has(k)).map((field) => ({
    field,
    width: DEFAULT_WIDTHS[field] ?? 160,
  }));
  if (columns.length > 0) return columns;
  return fields.slice(0, 6).map((f) => ({ field: f.key, width: 160 }));
}

/** Columns without fields that no longer exist (a custom field removed since the view was saved). */
export function knownColumns(
  columns: readonly ViewColumn[],
  fields: readonly LeadFieldInfo[],
): ViewColumn[] {
  const keys = new Set(fields.map((f) => f.key));
  const known = columns.filter((c) => keys.has(c.field));
  return known.length > 0 ? known : defaultColumns(fields);
}

/** Sort keys on fields that still exist and can be sorted. */
export function knownSort(sort: readonly SortKey[], fields: readonly LeadFieldInfo[]): SortKey[] {
  const sortable = new Set(fields.filter((f) => f.sortable).map((f) => f.key));
  sortable.add('updatedAt');
  return sort.filter((s) => sortable.has(s.field)).slice(0, 3);
}

/** The same filter in one spelling: single-child groups unwrapped, empty "all" groups gone. */
export function normalFilter(filter: FilterNode | null | undefined): FilterNode | null {
  if (!filter) return null;
  if (filter.kind === 'not') {
    const child = normalFilter(filter.child);
    return child ? { kind: 'not', child } : { kind: 'or', children: [] };
  }
  if (filter.kind === 'condition') return filter;
  const children = filter.children
    .map((c) => normalFilter(c))
    .filter((c): c is FilterNode => c !== null || filter.kind === 'or')
    .map((c) => c ?? MATCH_ALL);
  if (children.length === 1) return children[0] ?? null;
  if (children.length === 0 && filter.kind === 'and') return null;
  return { kind: filter.kind, children };
}

/** True when what is on screen differs from the saved view. */
export function viewChanged(
  view: SavedViewDto,
  filter: FilterNode | undefined,
  columns: readonly ViewColumn[],
  sort: readonly SortKey[],
  search = view.search,
): boolean {
  return (
    view.search.trim() !== search.trim() ||
    queryKey(normalFilter(view.filter)) !== queryKey(normalFilter(filter)) ||
    queryKey(view.columns.map((c) => [c.field, c.width ?? null])) !==
      queryKey(columns.map((c) => [c.field, c.width ?? null])) ||
    queryKey(view.sort) !== queryKey(sort)
  );
}

/** Moves a column one place left (-1) or right (+1). */
export function moveColumn(
  columns: readonly ViewColumn[],
  field: string,
  by: -1 | 1,
): ViewColumn[] {
  const from = columns.findIndex((c) => c.field === field);
  const to = from + by;
  if (from < 0 || to < 0 || to >= columns.length) return [...columns];
  const next = [...columns];
  const [moved] = next.splice(from, 1);
  if (moved) next.splice(to, 0, moved);
  return next;
}

/** Moves a column to where another one is (drag and drop). */
export function dropColumn(
  columns: readonly ViewColumn[],
  field: string,
  onto: string,
): ViewColumn[] {
  const from = columns.findIndex((c) => c.field === field);
  const to = columns.findIndex((c) => c.field === onto);
  if (from < 0 || to < 0 || from === to) return [...columns];
  const next = [...columns];
  const [moved] = next.splice(from, 1);
  if (moved) next.splice(to, 0, moved);
  return next;
}

/** Shows or hides a column (a shown column goes at the end). At least one column stays. */
export function toggleColumn(
  columns: readonly ViewColumn[],
  field: string,
  width = DEFAULT_WIDTHS[field] ?? 160,
): ViewColumn[] {
  if (columns.some((c) => c.field === field)) {
    return columns.length > 1 ? columns.filter((c) => c.field !== field) : [...columns];
  }
  return [...columns, { field, width }];
}
