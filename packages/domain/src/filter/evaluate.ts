/**
 * The in-memory evaluator: the same semantics as the SQL compilers, on plain rows keyed by the
 * catalog's field names. For live counts over rows already in memory and for deciding whether a
 * pushed or edited row belongs to a view. `compileFilterPredicate` resolves dates and folds
 * strings once; call it once per filter, then test many rows.
 */
import type { FilterCondition, FilterNode } from '@sdr/schema';
import type { FilterCatalog, FilterField } from './ast.ts';
import { dateRange, dayBounds, DAY_SHAPE, type InstantRange } from './dates.ts';
import {
  assertValid,
  checkField,
  resolveOptions,
  valueKind,
  type FilterCompileOptions,
} from './sql.ts';
import { distinct, foldCase } from './text.ts';

export type FilterRow = Readonly<Record<string, unknown>>;
export type FilterPredicate = (row: FilterRow) => boolean;

/** Text and select values: NULL/undefined read as ''. */
function asText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return typeof v === 'string' ? v : '';
}

/** Numbers; bigint and numeric strings (as drivers return them) too. */
function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

/** Epoch ms from a number, a `Date` or an ISO string. */
function asInstant(v: unknown): number | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime();
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return asNumber(v);
}

function asBoolean(v: unknown): boolean | null {
  if (v === true || v === 1) return true;
  if (v === false || v === 0) return false;
  return null;
}

/** A tags array, or the array in its JSON text; anything else reads as no tags. */
function tagList(v: unknown): unknown[] {
  let list = v;
  if (typeof v === 'string') {
    try {
      list = JSON.parse(v);
    } catch {
      return [];
    }
  }
  return Array.isArray(list) ? list : [];
}

/** Only string elements are tags (as for jsonb `?|` and `json_each(...).type = 'text'`). */
function asTags(v: unknown): string[] {
  return tagList(v).filter((t): t is string => typeof t === 'string');
}

/** A JSON object (or its text); anything else reads as no object. */
function jsonObject(v: unknown): Record<string, unknown> | null {
  let o = v;
  if (typeof v === 'string') {
    try {
      o = JSON.parse(v);
    } catch {
      return null;
    }
  }
  return typeof o === 'object' && o !== null && !Array.isArray(o)
    ? (o as Record<string, unknown>)
    : null;
}

/**
 * How a condition reads its field from a row: the row's key for a column; for a `jsonKey` field
 * the key of the JSON object under `rowKey`, kept only when it has the field's JSON type (as the
 * SQL `json_type`/`jsonb_typeof` guards do), else null. Day-stored dates stay texts.
 */
function reader(name: string, field: FilterField): (row: FilterRow) => unknown {
  checkField(name, field);
  const kind = valueKind(field);
  const day = (v: unknown) => (typeof v === 'string' && DAY_SHAPE.test(v) ? v : null);
  if (field.jsonKey === undefined) {
    return kind === 'day' ? (row) => day(row[name]) : (row) => row[name];
  }
  const key = field.jsonKey;
  const rowKey = field.rowKey ?? field.column.split('.').at(-1)!;
  const guard: (v: unknown) => unknown = {
    text: (v: unknown) => (typeof v === 'string' ? v : null),
    number: (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null),
    instant: (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null),
    boolean: (v: unknown) => (typeof v === 'boolean' ? v : null),
    array: (v: unknown) => (Array.isArray(v) ? v : null),
    day,
  }[kind];
  return (row) => {
    const o = jsonObject(row[rowKey]);
    return o && Object.hasOwn(o, key) ? guard(o[key]) : null;
  };
}

/** Day texts `lo ≤ d ≤ hi` (see `dayBounds`). */
function inDays(v: unknown, days: { lo?: string; hi?: string }): boolean {
  if (typeof v !== 'string') return false;
  return (days.lo === undefined || v >= days.lo) && (days.hi === undefined || v <= days.hi);
}

function inRange(t: number | null, r: InstantRange): boolean {
  if (t === null) return false;
  if (r.lo && (r.lo.inclusive ? t < r.lo.ms : t <= r.lo.ms)) return false;
  if (r.hi && (r.hi.inclusive ? t > r.hi.ms : t >= r.hi.ms)) return false;
  return true;
}

function isEmpty(field: FilterField, v: unknown): boolean {
  switch (field.type) {
    case 'text':
    case 'select':
      return asText(v) === '';
    case 'tags':
      return tagList(v).length === 0;
    case 'number':
      return asNumber(v) === null;
    case 'date':
      // A day-stored date was read as its text or null (see `reader`).
      return field.dateStorage === 'day' ? v === null || v === undefined : asInstant(v) === null;
    case 'boolean':
      return asBoolean(v) === null;
  }
}

function conditionPredicate(
  cond: FilterCondition,
  field: FilterField,
  now: number,
  timeZone: string,
): FilterPredicate {
  const get = reader(cond.field, field);
  const text =
    field.type === 'text'
      ? (row: FilterRow) => foldCase(asText(get(row)))
      : (row: FilterRow) => asText(get(row));
  const norm = field.type === 'text' ? foldCase : (s: string) => s;
  const num = (row: FilterRow) => asNumber(get(row));
  const dated = (r: InstantRange): FilterPredicate => {
    if (valueKind(field) === 'day') {
      const days = dayBounds(r, timeZone);
      return (row) => inDays(get(row), days);
    }
    return (row) => inRange(asInstant(get(row)), r);
  };
  const not =
    (p: FilterPredicate): FilterPredicate =>
    (row) =>
      !p(row);
  switch (cond.op) {
    case 'is':
    case 'is_not': {
      const want = norm(cond.value);
      const p: FilterPredicate = (row) => text(row) === want;
      return cond.op === 'is' ? p : not(p);
    }
    case 'in':
    case 'not_in': {
      const set = new Set(cond.value.map(norm));
      const p: FilterPredicate = (row) => set.has(text(row));
      return cond.op === 'in' ? p : not(p);
    }
    case 'contains':
    case 'not_contains': {
      const needle = foldCase(cond.value);
      const p: FilterPredicate = (row) => text(row).includes(needle);
      return cond.op === 'contains' ? p : not(p);
    }
    case 'starts_with': {
      const needle = foldCase(cond.value);
      return (row) => text(row).startsWith(needle);
    }
    case 'ends_with': {
      const needle = foldCase(cond.value);
      return (row) => text(row).endsWith(needle);
    }
    case 'eq':
      return (row) => num(row) === cond.value;
    case 'neq':
      return (row) => num(row) !== cond.value;
    case 'lt':
      return (row) => (num(row) ?? Number.NaN) < cond.value;
    case 'lte':
      return (row) => (num(row) ?? Number.NaN) <= cond.value;
    case 'gt':
      return (row) => (num(row) ?? Number.NaN) > cond.value;
    case 'gte':
      return (row) => (num(row) ?? Number.NaN) >= cond.value;
    case 'between': {
      const [from, to] = cond.value;
      if (typeof from === 'number' && typeof to === 'number') {
        return (row) => {
          const n = num(row);
          return n !== null && n >= from && n <= to;
        };
      }
      return dated(dateRange(cond, now, timeZone));
    }
    case 'before':
    case 'after':
    case 'on':
    case 'in_last':
    case 'in_next':
      return dated(dateRange(cond, now, timeZone));
    case 'is_true':
      return (row) => asBoolean(get(row)) === true;
    case 'is_false':
      return (row) => asBoolean(get(row)) === false;
    case 'contains_any':
    case 'contains_none': {
      const wanted = new Set(cond.value);
      const p: FilterPredicate = (row) => asTags(get(row)).some((t) => wanted.has(t));
      return cond.op === 'contains_any' ? p : not(p);
    }
    case 'contains_all': {
      const wanted = distinct(cond.value);
      return (row) => {
        const tags = new Set(asTags(get(row)));
        return wanted.every((t) => tags.has(t));
      };
    }
    case 'is_empty':
      return (row) => isEmpty(field, get(row));
    case 'is_not_empty':
      return (row) => !isEmpty(field, get(row));
  }
}

/** A predicate over rows keyed by field name. Throws `FilterError` like the compilers. */
export function compileFilterPredicate(
  ast: FilterNode,
  catalog: FilterCatalog,
  options: FilterCompileOptions,
): FilterPredicate {
  assertValid(ast, catalog);
  const { now, timeZone } = resolveOptions(options);
  const build = (n: FilterNode): FilterPredicate => {
    switch (n.kind) {
      case 'and': {
        const ps = n.children.map(build);
        return (row) => ps.every((p) => p(row));
      }
      case 'or': {
        const ps = n.children.map(build);
        return (row) => ps.some((p) => p(row));
      }
      case 'not': {
        const p = build(n.child);
        return (row) => !p(row);
      }
      case 'condition':
        return conditionPredicate(n, catalog[n.field] as FilterField, now, timeZone);
    }
  };
  return build(ast);
}

/** Whether one row matches; prefer `compileFilterPredicate` for many rows. */
export function matchesFilter(
  ast: FilterNode,
  catalog: FilterCatalog,
  row: FilterRow,
  options: FilterCompileOptions,
): boolean {
  return compileFilterPredicate(ast, catalog, options)(row);
}
