/**
 * `checkFilter`: validates an untrusted filter (a saved view from disk, an API body) against a
 * field catalog and returns every issue with its path in the tree. Never throws: depth and size
 * are bounded before anything recursive runs.
 */
import { FILTER_LIMITS, FILTER_OPS, FilterCondition } from '@sdr/schema';
import type { FilterFieldType, FilterNode, FilterOp } from '@sdr/schema';
import { operatorAllowed, type FilterCatalog, type FilterField } from './ast.ts';
import { parseDay, parseInstant } from './dates.ts';

export type FilterIssueCode =
  | 'invalid_shape'
  | 'too_complex'
  | 'unknown_field'
  | 'operator_not_allowed'
  | 'invalid_value'
  | 'unknown_option';

export type FilterIssuePath = readonly (string | number)[];

export interface FilterIssue {
  readonly code: FilterIssueCode;
  /** `warning` issues (a select value that is no longer an option) do not stop compilation. */
  readonly severity: 'error' | 'warning';
  readonly path: FilterIssuePath;
  readonly message: string;
  readonly field?: string;
  readonly op?: string;
}

export type ParsedFilter =
  { ok: true; filter: FilterNode; warnings: FilterIssue[] } | { ok: false; issues: FilterIssue[] };

/** Every issue of `input` against `catalog`; an empty list means it compiles. */
export function checkFilter(input: unknown, catalog: FilterCatalog): FilterIssue[] {
  const ctx: Walk = { catalog, issues: [], nodes: 0 };
  walk(input, [], 0, ctx);
  return ctx.issues;
}

/** `checkFilter` for boundaries: the typed filter when no issue is an error. */
export function parseFilter(input: unknown, catalog: FilterCatalog): ParsedFilter {
  const issues = checkFilter(input, catalog);
  if (issues.some((i) => i.severity === 'error')) return { ok: false, issues };
  return { ok: true, filter: input as FilterNode, warnings: issues };
}

interface Walk {
  readonly catalog: FilterCatalog;
  readonly issues: FilterIssue[];
  nodes: number;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function error(
  ctx: Walk,
  code: FilterIssueCode,
  path: FilterIssuePath,
  message: string,
  extra: Partial<FilterIssue> = {},
): void {
  ctx.issues.push({ code, severity: 'error', path, message, ...extra });
}

function extraKeys(ctx: Walk, node: Obj, allowed: readonly string[], path: FilterIssuePath): void {
  for (const key of Object.keys(node)) {
    if (!allowed.includes(key))
      error(ctx, 'invalid_shape', [...path, key], `Unexpected key "${key}"`);
  }
}

function walk(node: unknown, path: FilterIssuePath, depth: number, ctx: Walk): void {
  ctx.nodes += 1;
  if (ctx.nodes > FILTER_LIMITS.nodes) {
    if (ctx.nodes === FILTER_LIMITS.nodes + 1) {
      error(
        ctx,
        'too_complex',
        path,
        `A filter holds at most ${FILTER_LIMITS.nodes} conditions and groups`,
      );
    }
    return;
  }
  if (depth > FILTER_LIMITS.depth) {
    error(ctx, 'too_complex', path, `Groups nest at most ${FILTER_LIMITS.depth} deep`);
    return;
  }
  if (!isObject(node)) {
    error(ctx, 'invalid_shape', path, 'Expected a group or a condition');
    return;
  }
  switch (node.kind) {
    case 'and':
    case 'or': {
      extraKeys(ctx, node, ['kind', 'children'], path);
      if (!Array.isArray(node.children)) {
        error(ctx, 'invalid_shape', [...path, 'children'], 'A group needs a list of children');
        return;
      }
      const children: unknown[] = node.children;
      for (let i = 0; i < children.length && ctx.nodes <= FILTER_LIMITS.nodes; i++) {
        walk(children[i], [...path, 'children', i], depth + 1, ctx);
      }
      return;
    }
    case 'not':
      extraKeys(ctx, node, ['kind', 'child'], path);
      walk(node.child, [...path, 'child'], depth + 1, ctx);
      return;
    case 'condition':
      checkCondition(node, path, ctx);
      return;
    default:
      error(ctx, 'invalid_shape', [...path, 'kind'], 'Expected "and", "or", "not" or "condition"');
  }
}

const TYPE_NAMES: Record<FilterFieldType, string> = {
  text: 'a text',
  number: 'a number',
  date: 'a date',
  boolean: 'a yes/no',
  select: 'a choice',
  tags: 'a tags',
};

function checkCondition(node: Obj, path: FilterIssuePath, ctx: Walk): void {
  const { field, op } = node;
  if (typeof field !== 'string') {
    error(ctx, 'invalid_shape', [...path, 'field'], 'A condition needs a field name');
    return;
  }
  const def = Object.hasOwn(ctx.catalog, field) ? ctx.catalog[field] : undefined;
  if (!def) {
    error(ctx, 'unknown_field', [...path, 'field'], `Unknown field "${field}"`, { field });
    return;
  }
  if (typeof op !== 'string' || !(FILTER_OPS as readonly string[]).includes(op)) {
    error(ctx, 'operator_not_allowed', [...path, 'op'], 'Unknown operator', { field });
    return;
  }
  if (!operatorAllowed(def.type, op as FilterOp)) {
    const message = `"${op}" does not apply to ${TYPE_NAMES[def.type]} field`;
    error(ctx, 'operator_not_allowed', [...path, 'op'], message, { field, op });
    return;
  }
  const parsed = FilterCondition.safeParse(node);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const onValue =
        issue.path[0] === 'value' ||
        (issue.code === 'unrecognized_keys' && issue.keys.includes('value'));
      const at = [...path, ...issue.path.filter((p) => typeof p !== 'symbol')];
      error(ctx, onValue ? 'invalid_value' : 'invalid_shape', at, issue.message, { field, op });
    }
    return;
  }
  checkValue(parsed.data, def, path, ctx);
}

function validDateOperand(s: string): boolean {
  return parseDay(s) !== null || parseInstant(s) !== null;
}

function checkValue(
  cond: FilterCondition,
  def: FilterField,
  path: FilterIssuePath,
  ctx: Walk,
): void {
  const at = [...path, 'value'];
  const extra = { field: cond.field, op: cond.op };
  const badDate = 'Not a real date (years 1000 to 9998)';
  if (def.type === 'number' && cond.op === 'between' && typeof cond.value[0] !== 'number') {
    error(ctx, 'invalid_value', at, 'Use two numbers', extra);
  }
  if (def.type === 'date') {
    if (cond.op === 'between') {
      const [from, to] = cond.value;
      if (typeof from !== 'string' || typeof to !== 'string')
        error(ctx, 'invalid_value', at, 'Use two dates', extra);
      else if (!validDateOperand(from) || !validDateOperand(to))
        error(ctx, 'invalid_value', at, badDate, extra);
    }
    if (
      (cond.op === 'before' || cond.op === 'after' || cond.op === 'on') &&
      !validDateOperand(cond.value)
    ) {
      error(ctx, 'invalid_value', at, badDate, extra);
    }
  }
  if (def.type === 'select' && def.options) {
    const values =
      cond.op === 'is' || cond.op === 'is_not'
        ? [cond.value]
        : cond.op === 'in' || cond.op === 'not_in'
          ? cond.value
          : [];
    for (const value of values) {
      if (value !== '' && !def.options.includes(value)) {
        ctx.issues.push({
          code: 'unknown_option',
          severity: 'warning',
          path: at,
          message: `"${value}" is not an option of this field`,
          ...extra,
        });
      }
    }
  }
}
