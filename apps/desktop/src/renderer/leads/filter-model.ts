/**
 * The filter builder's model and its translation to and from the filter AST of @sdr/domain. The
 * model holds what the person typed (strings), so a half-typed number or an empty value is not
 * lost; `toFilter` turns it into a `FilterNode`, validated with `checkFilter`, and says which
 * condition each problem belongs to. `fromFilter` opens a saved view's AST in the builder.
 *
 * Shape: a root group (all / any) of conditions and groups; groups hold conditions (one level of
 * nesting, which is what the builder offers). Parts of an AST the builder cannot show (a `not` of
 * a group, deeper nesting) are kept as read-only `raw` items and sent back unchanged.
 */
import { checkFilter, OPERATORS_BY_TYPE } from '@sdr/domain';
import type {
  FilterCatalog,
  FilterFieldType,
  FilterIssue,
  FilterNode,
  FilterOp,
} from '@sdr/domain';
import type { LeadFieldInfo } from '../../shared/contract.ts';

export const OPERATOR_LABELS: Record<FilterOp, string> = {
  is: 'is',
  is_not: 'is not',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  ends_with: 'ends with',
  in: 'is any of',
  not_in: 'is none of',
  contains_any: 'has any of',
  contains_all: 'has all of',
  contains_none: 'has none of',
  eq: 'equals',
  neq: 'does not equal',
  lt: 'is less than',
  lte: 'is at most',
  gt: 'is more than',
  gte: 'is at least',
  before: 'is before',
  after: 'is after',
  on: 'is on',
  between: 'is between',
  in_last: 'is in the last',
  in_next: 'is in the next',
  is_empty: 'is empty',
  is_not_empty: 'is not empty',
  is_true: 'is yes',
  is_false: 'is no',
};

/** Which value editor an operator needs for a field type. */
export type EditorKind =
  | 'none'
  | 'text'
  | 'number'
  | 'numberRange'
  | 'date'
  | 'dateRange'
  | 'relative'
  | 'option'
  | 'list';

export function editorFor(type: FilterFieldType, op: FilterOp): EditorKind {
  switch (op) {
    case 'is_empty':
    case 'is_not_empty':
    case 'is_true':
    case 'is_false':
      return 'none';
    case 'in':
    case 'not_in':
    case 'contains_any':
    case 'contains_all':
    case 'contains_none':
      return 'list';
    case 'in_last':
    case 'in_next':
      return 'relative';
    case 'between':
      return type === 'date' ? 'dateRange' : 'numberRange';
    case 'before':
    case 'after':
    case 'on':
      return 'date';
    case 'eq':
    case 'neq':
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return 'number';
    case 'is':
    case 'is_not':
      return type === 'select' ? 'option' : 'text';
    case 'contains':
    case 'not_contains':
    case 'starts_with':
    case 'ends_with':
      return 'text';
  }
}

export type RelativeUnit = 'days' | 'weeks' | 'months';

/** What the person typed, per editor kind. */
export type DraftValue =
  | { kind: 'none' }
  | { kind: 'text'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'numberRange'; from: string; to: string }
  | { kind: 'date'; text: string }
  | { kind: 'dateRange'; from: string; to: string }
  | { kind: 'relative'; amount: string; unit: RelativeUnit }
  | { kind: 'option'; text: string }
  | { kind: 'list'; items: string[] };

export type ConditionDraft = {
  id: string;
  kind: 'condition';
  field: string;
  op: FilterOp;
  value: DraftValue;
};
export type RawDraft = { id: string; kind: 'raw'; node: FilterNode };
export type GroupDraft = {
  id: string;
  kind: 'group';
  combinator: 'and' | 'or';
  items: (ConditionDraft | GroupDraft | RawDraft)[];
};
export type DraftItem = GroupDraft['items'][number];

let counter = 0;
/** Ids only tell items apart within one model. */
export function newId(): string {
  counter += 1;
  return `f${counter}`;
}

export function emptyGroup(combinator: 'and' | 'or' = 'and'): GroupDraft {
  return { id: newId(), kind: 'group', combinator, items: [] };
}

export function emptyValue(kind: EditorKind): DraftValue {
  switch (kind) {
    case 'none':
      return { kind };
    case 'text':
    case 'number':
    case 'date':
    case 'option':
      return { kind, text: '' };
    case 'numberRange':
    case 'dateRange':
      return { kind, from: '', to: '' };
    case 'relative':
      return { kind, amount: '7', unit: 'days' };
    case 'list':
      return { kind, items: [] };
  }
}

/** A new condition on `field`, with its type's first operator. */
export function newCondition(field: LeadFieldInfo): ConditionDraft {
  const op = OPERATORS_BY_TYPE[field.type][0] ?? 'is_not_empty';
  return {
    id: newId(),
    kind: 'condition',
    field: field.key,
    op,
    value: emptyValue(editorFor(field.type, op)),
  };
}

/** The value kept when the operator changes: what still fits the new editor. */
export function convertValue(value: DraftValue, to: EditorKind): DraftValue {
  if (value.kind === to) return value;
  const single = 'text' in value ? value.text : value.kind === 'list' ? (value.items[0] ?? '') : '';
  switch (to) {
    case 'text':
    case 'number':
    case 'date':
    case 'option':
      return { kind: to, text: single };
    case 'list':
      return { kind: 'list', items: single === '' ? [] : [single] };
    case 'numberRange':
    case 'dateRange':
      return { kind: to, from: single, to: '' };
    case 'relative':
    case 'none':
      return emptyValue(to);
  }
}

/** Changes a condition's field (keeping the operator when the new type allows it). */
export function withField(cond: ConditionDraft, field: LeadFieldInfo): ConditionDraft {
  const ops = OPERATORS_BY_TYPE[field.type];
  const op = ops.includes(cond.op) ? cond.op : (ops[0] ?? 'is_not_empty');
  const kind = editorFor(field.type, op);
  const sameType = kind === cond.value.kind;
  return { ...cond, field: field.key, op, value: sameType ? cond.value : emptyValue(kind) };
}

export function withOp(cond: ConditionDraft, type: FilterFieldType, op: FilterOp): ConditionDraft {
  return { ...cond, op, value: convertValue(cond.value, editorFor(type, op)) };
}

/** The catalog `checkFilter` reads, from the engine's field list. */
export function catalogOf(fields: readonly LeadFieldInfo[]): FilterCatalog {
  const catalog: Record<string, FilterCatalog[string]> = {};
  for (const field of fields) {
    catalog[field.key] = {
      type: field.type,
      // Only the SQL compilers read the column; it just has to be a plain identifier.
      column: field.key.replace(/[^A-Za-z0-9_]/g, '_'),
      label: field.label,
      ...(field.options ? { options: field.options.map((o) => o.value) } : {}),
    };
  }
  return catalog;
}

export type BuildResult = {
  /** The AST (undefined: no conditions, i.e. every lead); only set when there are no errors. */
  filter: FilterNode | undefined;
  ok: boolean;
  /** Item id → what is wrong with it. */
  errors: Record<string, string>;
  warnings: Record<string, string>;
};

type Converted = { node: FilterNode } | { error: string };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseNumber(text: string): number | null {
  const trimmed = text.trim().replace(/,/g, '');
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

function conditionNode(draft: ConditionDraft, type: FilterFieldType | undefined): Converted {
  if (!type) return { error: 'This field no longer exists' };
  const base = { kind: 'condition' as const, field: draft.field };
  const value = draft.value;
  const op = draft.op;
  const node = (v?: unknown): Converted => ({
    node: (v === undefined ? { ...base, op } : { ...base, op, value: v }) as FilterNode,
  });
  switch (value.kind) {
    case 'none':
      return node();
    case 'text':
      return value.text === '' ? { error: 'Enter a value' } : node(value.text);
    case 'option':
      return value.text === '' ? { error: 'Choose a value' } : node(value.text);
    case 'number': {
      const n = parseNumber(value.text);
      return n === null ? { error: 'Enter a number' } : node(n);
    }
    case 'numberRange': {
      const from = parseNumber(value.from);
      const to = parseNumber(value.to);
      return from === null || to === null ? { error: 'Enter two numbers' } : node([from, to]);
    }
    case 'date':
      return DAY.test(value.text) ? node(value.text) : { error: 'Pick a date' };
    case 'dateRange':
      return DAY.test(value.from) && DAY.test(value.to)
        ? node([value.from, value.to])
        : { error: 'Pick two dates' };
    case 'relative': {
      const amount = parseNumber(value.amount);
      return amount === null || !Number.isInteger(amount) || amount < 1
        ? { error: 'Enter a whole number of at least 1' }
        : node({ amount, unit: value.unit });
    }
    case 'list':
      return value.items.length === 0 ? { error: 'Add at least one value' } : node(value.items);
  }
}

/**
 * The AST of a model and every problem, keyed by item id: conversion problems (no value, not a
 * number) and then `checkFilter`'s issues, placed on the condition their path points to. Empty
 * groups are left out (an empty "any" group would match nothing).
 */
export function toFilter(root: GroupDraft, fields: readonly LeadFieldInfo[]): BuildResult {
  const types = new Map(fields.map((f) => [f.key, f.type]));
  const errors: Record<string, string> = {};
  const warnings: Record<string, string> = {};
  /** AST path (as joined string) → item id, to place `checkFilter`'s issues. */
  const idAt = new Map<string, string>();

  function group(draft: GroupDraft, path: (string | number)[]): FilterNode | null {
    const children: FilterNode[] = [];
    for (const item of draft.items) {
      const childPath = [...path, 'children', children.length];
      let node: FilterNode | null;
      if (item.kind === 'group') node = group(item, childPath);
      else if (item.kind === 'raw') node = item.node;
      else {
        const converted = conditionNode(item, types.get(item.field));
        if ('error' in converted) {
          errors[item.id] = converted.error;
          node = null;
        } else node = converted.node;
      }
      if (node) {
        idAt.set(childPath.join('/'), item.id);
        children.push(node);
      }
    }
    if (children.length === 0) return null;
    return { kind: draft.combinator, children };
  }

  const built = group(root, []);
  if (built) idAt.set('', root.id);
  const issues: FilterIssue[] = built ? checkFilter(built, catalogOf(fields)) : [];
  for (const issue of issues) {
    const id = ownerOf(issue.path, idAt) ?? root.id;
    const target = issue.severity === 'error' ? errors : warnings;
    target[id] ??= issue.message;
  }
  const ok = Object.keys(errors).length === 0;
  return { filter: ok && built ? built : undefined, ok, errors, warnings };
}

/** The deepest item whose AST path is a prefix of `path`. */
function ownerOf(
  path: readonly (string | number)[],
  idAt: Map<string, string>,
): string | undefined {
  for (let n = path.length; n >= 0; n -= 1) {
    const id = idAt.get(path.slice(0, n).join('/'));
    if (id) return id;
  }
  return undefined;
}

const NEGATION: Partial<Record<FilterOp, FilterOp>> = {
  is: 'is_not',
  is_not: 'is',
  contains: 'not_contains',
  not_contains: 'contains',
  in: 'not_in',
  not_in: 'in',
  contains_any: 'contains_none',
  contains_none: 'contains_any',
  is_empty: 'is_not_empty',
  is_not_empty: 'is_empty',
  eq: 'neq',
  neq: 'eq',
};

function draftValue(kind: EditorKind, value: unknown): DraftValue | null {
  switch (kind) {
    case 'none':
      return { kind };
    case 'text':
    case 'option':
    case 'date':
      return typeof value === 'string' ? { kind, text: value } : null;
    case 'number':
      return typeof value === 'number' ? { kind, text: String(value) } : null;
    case 'numberRange':
    case 'dateRange':
      return Array.isArray(value) && value.length === 2
        ? { kind, from: String(value[0]), to: String(value[1]) }
        : null;
    case 'relative': {
      const v = value as { amount?: unknown; unit?: unknown } | null;
      return v && typeof v.amount === 'number' && typeof v.unit === 'string'
        ? { kind, amount: String(v.amount), unit: v.unit as RelativeUnit }
        : null;
    }
    case 'list': {
      if (!Array.isArray(value)) return null;
      const items = value.filter((x): x is string => typeof x === 'string');
      return items.length === value.length ? { kind, items } : null;
    }
  }
}

function conditionDraft(
  node: FilterNode,
  types: Map<string, FilterFieldType>,
): ConditionDraft | null {
  if (node.kind !== 'condition') return null;
  const type = types.get(node.field);
  if (!type || !OPERATORS_BY_TYPE[type].includes(node.op)) return null;
  const kind = editorFor(type, node.op);
  // Instants (not plain days) have no editor: keep them raw.
  const value = draftValue(kind, 'value' in node ? node.value : undefined);
  if (!value) return null;
  if (value.kind === 'date' && !DAY.test(value.text)) return null;
  if (value.kind === 'dateRange' && !(DAY.test(value.from) && DAY.test(value.to))) return null;
  return { id: newId(), kind: 'condition', field: node.field, op: node.op, value };
}

/** Opens an AST in the builder. Anything it cannot show becomes a read-only raw item. */
export function fromFilter(
  node: FilterNode | null | undefined,
  fields: readonly LeadFieldInfo[],
): GroupDraft {
  const types = new Map(fields.map((f) => [f.key, f.type]));
  const root = emptyGroup('and');
  if (!node) return root;

  function item(n: FilterNode, depth: number): DraftItem {
    if (n.kind === 'and' || n.kind === 'or') {
      if (depth >= 1) return { id: newId(), kind: 'raw', node: n };
      return {
        id: newId(),
        kind: 'group',
        combinator: n.kind,
        items: n.children.map((c) => item(c, depth + 1)),
      };
    }
    if (n.kind === 'not') {
      const child = n.child;
      const negated = child.kind === 'condition' ? NEGATION[child.op] : undefined;
      if (child.kind === 'condition' && negated) {
        const flipped: unknown = { ...child, op: negated };
        const draft = conditionDraft(flipped as FilterNode, types);
        if (draft) return draft;
      }
      return { id: newId(), kind: 'raw', node: n };
    }
    return conditionDraft(n, types) ?? { id: newId(), kind: 'raw', node: n };
  }

  if (node.kind === 'and' || node.kind === 'or') {
    root.combinator = node.kind;
    root.items = node.children.map((c) => item(c, 0));
  } else root.items = [item(node, 0)];
  return root;
}

/** How many conditions (and raw parts) the model holds. */
export function conditionCount(root: GroupDraft): number {
  let n = 0;
  for (const item of root.items) n += item.kind === 'group' ? conditionCount(item) : 1;
  return n;
}

/** A short human description of a raw AST part, e.g. `not (status is new or …)`. */
export function describeNode(node: FilterNode, labels: Map<string, string>): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.children.map((c) => describeNode(c, labels)).join(` ${node.kind} `)})`;
    case 'not':
      return `not ${describeNode(node.child, labels)}`;
    case 'condition': {
      const label = labels.get(node.field) ?? node.field;
      const value = 'value' in node ? ` ${JSON.stringify(node.value)}` : '';
      return `${label} ${OPERATOR_LABELS[node.op]}${value}`;
    }
  }
}

/** Replaces the item with `id` anywhere in the tree (`null` removes it). */
export function updateItem(
  root: GroupDraft,
  id: string,
  change: (item: DraftItem) => DraftItem | null,
): GroupDraft {
  const items: DraftItem[] = [];
  for (const item of root.items) {
    if (item.id === id) {
      const next = change(item);
      if (next) items.push(next);
    } else if (item.kind === 'group') items.push(updateItem(item, id, change));
    else items.push(item);
  }
  return { ...root, items };
}

/** Adds `item` at the end of the group with `groupId`. */
export function addItem(root: GroupDraft, groupId: string, item: DraftItem): GroupDraft {
  if (root.id === groupId) return { ...root, items: [...root.items, item] };
  return {
    ...root,
    items: root.items.map((child) =>
      child.kind === 'group' ? addItem(child, groupId, item) : child,
    ),
  };
}
