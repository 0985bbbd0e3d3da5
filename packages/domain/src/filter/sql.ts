/**
 * The SQL compiler shared by both dialects. Values only ever travel as bound parameters; the only
 * text from outside that reaches the SQL is the catalog's column names, and only as quoted plain
 * identifiers. Every condition compiles to an expression that is never NULL (two-valued logic),
 * so `NOT` is an exact complement in SQL as in the in-memory evaluator.
 */
import type { FilterCondition, FilterNode } from '@sdr/schema';
import type { FilterCatalog, FilterField } from './ast.ts';
import { checkFilter } from './check.ts';
import { dateRange, dayBounds, isValidTimeZone, type InstantRange } from './dates.ts';
import { FilterError } from './errors.ts';
import { distinct, escapeLike, foldCase } from './text.ts';

export interface FilterCompileOptions {
  /** The instant relative dates ("in the last 7 days") are computed from. */
  readonly now: number | Date;
  /** IANA zone calendar days are read in; default `UTC`. */
  readonly timeZone?: string;
}

/** A boolean SQL expression for a WHERE clause (without `WHERE`) and its bound parameters. */
export interface CompiledFilter {
  readonly sql: string;
  readonly params: unknown[];
}

/** What differs between SQLite and Postgres. `p` arguments are placeholders already. */
export interface SqlDialect {
  placeholder(index: number): string;
  /** ASCII-folded text of a column. */
  foldedText(col: string): string;
  textParam(p: string): string;
  numberParam(p: string): string;
  /** Bound value of an instant. */
  instant(ms: number): unknown;
  instantParam(p: string): string;
  boolIs(col: string, value: boolean): string;
  tagsAny(col: string, ps: readonly string[]): string;
  tagsAll(col: string, ps: readonly string[], count: number): string;
  tagsEmpty(col: string): string;
  /**
   * Key `key` of the JSON object in `col`, as a value of `kind`; NULL when the key is missing,
   * `col` is not an object, or the value has another JSON type (`day`: not `YYYY-MM-DD` text).
   * `key` is a checked plain identifier.
   */
  jsonValue(col: string, key: string, kind: ValueKind): string;
  /** A day-stored text column: itself when it has the shape of a day, else NULL. */
  dayText(col: string): string;
  /** A day text ready for a bytewise comparison with a text parameter. */
  dayCompare(expr: string): string;
}

/**
 * What a field's SQL value is, for reading JSON keys: tags are an array, instants a number of
 * epoch ms (a `timestamptz` once read in Postgres), day dates a text.
 */
export type ValueKind = 'text' | 'number' | 'instant' | 'boolean' | 'array' | 'day';

export function valueKind(field: FilterField): ValueKind {
  switch (field.type) {
    case 'text':
    case 'select':
      return 'text';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'tags':
      return 'array';
    case 'date':
      return field.dateStorage === 'day' ? 'day' : 'instant';
  }
}

const TRUE = '(1 = 1)';
const FALSE = '(1 = 0)';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function quoteColumn(column: string): string {
  const parts = column.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new FilterError('invalid_catalog', `Column "${column}" is not a plain SQL identifier`);
  }
  return parts.map((p) => `"${p}"`).join('.');
}

/** Throws `FilterError('invalid_catalog')` for a field the compilers cannot read safely. */
export function checkField(name: string, field: FilterField): void {
  quoteColumn(field.column);
  if (field.jsonKey !== undefined && !IDENTIFIER.test(field.jsonKey)) {
    throw new FilterError(
      'invalid_catalog',
      `JSON key "${field.jsonKey}" of field "${name}" is not a plain identifier`,
    );
  }
  if (field.dateStorage === 'day' && field.type !== 'date') {
    throw new FilterError('invalid_catalog', `Field "${name}" is not a date but stores days`);
  }
}

/** The SQL expression of a field's value in a dialect (a column, or a typed JSON key). */
export function fieldValue(name: string, field: FilterField, dialect: SqlDialect): string {
  checkField(name, field);
  const col = quoteColumn(field.column);
  const kind = valueKind(field);
  if (field.jsonKey !== undefined) return dialect.jsonValue(col, field.jsonKey, kind);
  return kind === 'day' ? dialect.dayText(col) : col;
}

export function resolveOptions(options: FilterCompileOptions): { now: number; timeZone: string } {
  const now = typeof options.now === 'number' ? options.now : options.now.getTime();
  const timeZone = options.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone))
    throw new FilterError('invalid_time_zone', `Unknown time zone "${timeZone}"`);
  return { now, timeZone };
}

/** Throws `FilterError('invalid_filter')` unless `checkFilter` finds no error. */
export function assertValid(ast: FilterNode, catalog: FilterCatalog): void {
  const errors = checkFilter(ast, catalog).filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    throw new FilterError('invalid_filter', errors.map((e) => e.message).join('; '), errors);
  }
}

export function compileSql(
  ast: FilterNode,
  catalog: FilterCatalog,
  options: FilterCompileOptions,
  dialect: SqlDialect,
): CompiledFilter {
  assertValid(ast, catalog);
  const { now, timeZone } = resolveOptions(options);
  const params: unknown[] = [];
  const bind = (value: unknown): string => {
    params.push(value);
    return dialect.placeholder(params.length);
  };

  const join = (parts: string[], glue: 'AND' | 'OR'): string => {
    if (parts.length === 0) return glue === 'AND' ? TRUE : FALSE;
    return parts.length === 1 ? (parts[0] as string) : `(${parts.join(` ${glue} `)})`;
  };
  const negate = (sql: string): string => `(NOT ${sql})`;

  const range = (col: string, field: FilterField, r: InstantRange): string => {
    const parts = [`${col} IS NOT NULL`];
    if (valueKind(field) === 'day') {
      const days = dayBounds(r, timeZone);
      const text = dialect.dayCompare(col);
      if (days.lo) parts.push(`${text} >= ${dialect.textParam(bind(days.lo))}`);
      if (days.hi) parts.push(`${text} <= ${dialect.textParam(bind(days.hi))}`);
      return join(parts, 'AND');
    }
    if (r.lo)
      parts.push(
        `${col} ${r.lo.inclusive ? '>=' : '>'} ${dialect.instantParam(bind(dialect.instant(r.lo.ms)))}`,
      );
    if (r.hi)
      parts.push(
        `${col} ${r.hi.inclusive ? '<=' : '<'} ${dialect.instantParam(bind(dialect.instant(r.hi.ms)))}`,
      );
    return join(parts, 'AND');
  };

  const strings = (
    col: string,
    field: FilterField,
    op: 'is' | 'in',
    values: readonly string[],
  ): string => {
    const fold = field.type === 'text';
    const wanted = distinct(values.map((v) => (fold ? foldCase(v) : v)));
    const nonEmpty = wanted.filter((v) => v !== '');
    const target = fold ? dialect.foldedText(col) : col;
    const parts: string[] = [];
    if (nonEmpty.length > 0) {
      const ps = nonEmpty.map((v) => dialect.textParam(bind(v)));
      const test =
        op === 'is' && ps.length === 1 ? `${target} = ${ps[0]}` : `${target} IN (${ps.join(', ')})`;
      parts.push(`(${col} IS NOT NULL AND ${test})`);
    }
    if (nonEmpty.length < wanted.length) parts.push(`(${col} IS NULL OR ${col} = '')`);
    return join(parts, 'OR');
  };

  const like = (col: string, needle: string, before: string, after: string): string => {
    const folded = foldCase(needle);
    if (folded === '') return TRUE;
    const p = dialect.textParam(bind(`${before}${escapeLike(folded)}${after}`));
    return `(${col} IS NOT NULL AND ${dialect.foldedText(col)} LIKE ${p} ESCAPE '\\')`;
  };

  const condition = (cond: FilterCondition): string => {
    const field = catalog[cond.field] as FilterField;
    const col = fieldValue(cond.field, field, dialect);
    const num = (v: number): string => dialect.numberParam(bind(v));
    switch (cond.op) {
      case 'is':
        return strings(col, field, 'is', [cond.value]);
      case 'is_not':
        return negate(strings(col, field, 'is', [cond.value]));
      case 'in':
        return strings(col, field, 'in', cond.value);
      case 'not_in':
        return negate(strings(col, field, 'in', cond.value));
      case 'contains':
        return like(col, cond.value, '%', '%');
      case 'not_contains':
        return negate(like(col, cond.value, '%', '%'));
      case 'starts_with':
        return like(col, cond.value, '', '%');
      case 'ends_with':
        return like(col, cond.value, '%', '');
      case 'eq':
        return `(${col} IS NOT NULL AND ${col} = ${num(cond.value)})`;
      case 'neq':
        return negate(`(${col} IS NOT NULL AND ${col} = ${num(cond.value)})`);
      case 'lt':
        return `(${col} IS NOT NULL AND ${col} < ${num(cond.value)})`;
      case 'lte':
        return `(${col} IS NOT NULL AND ${col} <= ${num(cond.value)})`;
      case 'gt':
        return `(${col} IS NOT NULL AND ${col} > ${num(cond.value)})`;
      case 'gte':
        return `(${col} IS NOT NULL AND ${col} >= ${num(cond.value)})`;
      case 'between': {
        const [from, to] = cond.value;
        if (typeof from === 'number' && typeof to === 'number') {
          return `(${col} IS NOT NULL AND ${col} >= ${num(from)} AND ${col} <= ${num(to)})`;
        }
        return range(col, field, dateRange(cond, now, timeZone));
      }
      case 'before':
      case 'after':
      case 'on':
      case 'in_last':
      case 'in_next':
        return range(col, field, dateRange(cond, now, timeZone));
      case 'is_true':
        return dialect.boolIs(col, true);
      case 'is_false':
        return dialect.boolIs(col, false);
      case 'contains_any':
      case 'contains_none': {
        const tags = distinct(cond.value);
        const any =
          tags.length === 0
            ? FALSE
            : dialect.tagsAny(
                col,
                tags.map((t) => dialect.textParam(bind(t))),
              );
        return cond.op === 'contains_any' ? any : negate(any);
      }
      case 'contains_all': {
        const tags = distinct(cond.value);
        if (tags.length === 0) return TRUE;
        return dialect.tagsAll(
          col,
          tags.map((t) => dialect.textParam(bind(t))),
          tags.length,
        );
      }
      case 'is_empty':
      case 'is_not_empty': {
        const empty = emptiness(field, col, dialect);
        return cond.op === 'is_empty' ? empty : negate(empty);
      }
    }
  };

  const node = (n: FilterNode): string => {
    switch (n.kind) {
      case 'and':
        return join(n.children.map(node), 'AND');
      case 'or':
        return join(n.children.map(node), 'OR');
      case 'not':
        return negate(node(n.child));
      case 'condition':
        return condition(n);
    }
  };

  return { sql: node(ast), params };
}

function emptiness(field: FilterField, col: string, dialect: SqlDialect): string {
  switch (field.type) {
    case 'text':
    case 'select':
      return `(${col} IS NULL OR ${col} = '')`;
    case 'tags':
      return dialect.tagsEmpty(col);
    case 'number':
    case 'date':
    case 'boolean':
      return `(${col} IS NULL)`;
  }
}
