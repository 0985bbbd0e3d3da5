/**
 * The filter AST (its zod schema is `FilterNode` in `@sdr/schema`), the field catalog that gives
 * it meaning, which operators each field type allows, and small builders for code and tests.
 */
import type {
  FilterCondition,
  FilterFieldType,
  FilterNode,
  FilterOp,
  RelativeDate,
} from '@sdr/schema';

export type { FilterCondition, FilterFieldType, FilterNode, FilterOp, RelativeDate };

/**
 * One filterable field. `column` is the SQL column (optionally qualified: `l.first_name`); the
 * compilers quote it. Storage per type is fixed by the dialect (see README): text/select as text,
 * number as a numeric column, date as epoch ms (SQLite) or `timestamptz` (Postgres), boolean as
 * 0/1 (SQLite) or `boolean` (Postgres), tags as a JSON array text (SQLite) or `jsonb` (Postgres).
 */
export interface FilterField {
  readonly type: FilterFieldType;
  readonly column: string;
  /** What the filter builder shows. */
  readonly label?: string;
  /** For `select`: the allowed option keys; a value outside them is reported by `checkFilter`. */
  readonly options?: readonly string[];
  /**
   * The value is this key of a JSON object stored in `column` (custom fields: `{ type: 'number',
   * column: 'custom', jsonKey: 'budget' }`): `json_extract` in SQLite (a JSON text column), `->`
   * and `->>` in Postgres (a `jsonb` column). A plain identifier. A value of the wrong JSON type
   * (a string in a number field) reads as empty, the same in SQL and in memory.
   */
  readonly jsonKey?: string;
  /**
   * How a `date` field is stored. `instant` (default): epoch ms (SQLite) or `timestamptz`
   * (Postgres), or a JSON number of epoch ms under `jsonKey`. `day`: a calendar day text
   * `YYYY-MM-DD` (custom date fields), which means the first instant of that day in the
   * filter's time zone; any other text reads as empty.
   */
  readonly dateStorage?: 'instant' | 'day';
  /**
   * In-memory rows only, for `jsonKey` fields: the row key holding the JSON object (an object or
   * its JSON text). Default: the last part of `column` (`custom` for `l.custom`).
   */
  readonly rowKey?: string;
}

/** Field name (as used in the AST and in in-memory rows) → field. */
export type FilterCatalog = Readonly<Record<string, FilterField>>;

/** Which operators each field type allows, in the order a filter builder should offer them. */
export const OPERATORS_BY_TYPE: { readonly [T in FilterFieldType]: readonly FilterOp[] } = {
  text: [
    'is',
    'is_not',
    'contains',
    'not_contains',
    'starts_with',
    'ends_with',
    'in',
    'not_in',
    'is_empty',
    'is_not_empty',
  ],
  number: ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between', 'is_empty', 'is_not_empty'],
  date: ['before', 'after', 'on', 'between', 'in_last', 'in_next', 'is_empty', 'is_not_empty'],
  boolean: ['is_true', 'is_false', 'is_empty', 'is_not_empty'],
  select: ['is', 'is_not', 'in', 'not_in', 'is_empty', 'is_not_empty'],
  tags: ['contains_any', 'contains_all', 'contains_none', 'is_empty', 'is_not_empty'],
};

export function operatorAllowed(type: FilterFieldType, op: FilterOp): boolean {
  return OPERATORS_BY_TYPE[type].includes(op);
}

/** Matches every row. */
export const MATCH_ALL: FilterNode = { kind: 'and', children: [] };

export function and(...children: FilterNode[]): FilterNode {
  return { kind: 'and', children };
}

export function or(...children: FilterNode[]): FilterNode {
  return { kind: 'or', children };
}

export function not(child: FilterNode): FilterNode {
  return { kind: 'not', child };
}

type ConditionOf<O extends FilterOp, C = FilterCondition> = C extends { op: infer P }
  ? O extends P
    ? C
    : never
  : never;
type ValueOf<O extends FilterOp> = ConditionOf<O> extends { value: infer V } ? V : undefined;

/** `where('email', 'contains', '@acme')`, `where('phone', 'is_empty')`. */
export function where<O extends FilterOp>(
  field: string,
  op: O,
  ...value: ValueOf<O> extends undefined ? [] : [ValueOf<O>]
): FilterNode {
  const node =
    value.length === 0
      ? { kind: 'condition', field, op }
      : { kind: 'condition', field, op, value: value[0] };
  return node as FilterNode;
}
