/**
 * The lead filter AST: one plain-JSON tree shared by the filter builder, saved views, dynamic
 * lists, the desktop engine (compiled to SQLite) and the server (compiled to Postgres). This file
 * only says what a well-formed tree looks like; which operators suit which field, and what they
 * mean, live in `@sdr/domain` (`packages/domain/src/filter/README.md`).
 *
 * Shape checks here are field-agnostic: an operator's value shape is fixed by the operator alone.
 */
import { z } from 'zod';

export const FILTER_FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'select', 'tags'] as const;
export type FilterFieldType = (typeof FILTER_FIELD_TYPES)[number];

export const RELATIVE_DATE_UNITS = ['days', 'weeks', 'months'] as const;
export type RelativeDateUnit = (typeof RELATIVE_DATE_UNITS)[number];

/** Operators whose value is one string. */
export const STRING_OPS = [
  'is',
  'is_not',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
] as const;
/** Operators whose value is a list of strings. */
export const LIST_OPS = ['in', 'not_in', 'contains_any', 'contains_all', 'contains_none'] as const;
/** Operators whose value is one number. */
export const NUMBER_OPS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte'] as const;
/** Operators whose value is one date operand (`on` takes a calendar day only). */
export const DATE_OPS = ['before', 'after', 'on'] as const;
/** Operators whose value is `{ amount, unit }`. */
export const RELATIVE_OPS = ['in_last', 'in_next'] as const;
/** Operators without a value. */
export const VALUELESS_OPS = ['is_empty', 'is_not_empty', 'is_true', 'is_false'] as const;

export const FILTER_OPS = [
  ...STRING_OPS,
  ...LIST_OPS,
  ...NUMBER_OPS,
  ...DATE_OPS,
  ...RELATIVE_OPS,
  ...VALUELESS_OPS,
  'between',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** Longest string and list a condition may carry, and the most conditions one filter may hold. */
export const FILTER_LIMITS = { string: 1000, list: 1000, nodes: 500, depth: 16 } as const;

/** `2024-05-31`: a calendar day, read in the filter's time zone. */
export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** `2024-05-31T09:30:00Z`, `2024-05-31T09:30:00.250+02:00`: an instant. */
export const INSTANT_PATTERN =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

// Postgres text cannot hold NUL, and lone surrogates do not survive UTF-8: refuse both up front.
// eslint-disable-next-line no-control-regex
const UNSENDABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const FilterString = z
  .string()
  .max(FILTER_LIMITS.string)
  .refine((s) => !UNSENDABLE.test(s), 'Text cannot contain NUL characters or broken Unicode');
export const FilterStringList = z.array(FilterString).max(FILTER_LIMITS.list);
export const DateOperand = z
  .string()
  .refine(
    (s) => DAY_PATTERN.test(s) || INSTANT_PATTERN.test(s),
    'Use YYYY-MM-DD or an ISO instant',
  );
export const RelativeDate = z.strictObject({
  amount: z.number().int().min(1).max(10_000),
  unit: z.enum(RELATIVE_DATE_UNITS),
});
export type RelativeDate = z.infer<typeof RelativeDate>;

const field = z.string().min(1).max(100);
const condition = { kind: z.literal('condition'), field };

export const FilterCondition = z.discriminatedUnion('op', [
  z.strictObject({ ...condition, op: z.enum(STRING_OPS), value: FilterString }),
  z.strictObject({ ...condition, op: z.enum(LIST_OPS), value: FilterStringList }),
  z.strictObject({ ...condition, op: z.enum(NUMBER_OPS), value: z.number() }),
  z.strictObject({ ...condition, op: z.enum(['before', 'after']), value: DateOperand }),
  z.strictObject({
    ...condition,
    op: z.literal('on'),
    value: z.string().regex(DAY_PATTERN, 'Use YYYY-MM-DD'),
  }),
  z.strictObject({ ...condition, op: z.enum(RELATIVE_OPS), value: RelativeDate }),
  z.strictObject({
    ...condition,
    op: z.literal('between'),
    value: z.union([z.tuple([z.number(), z.number()]), z.tuple([DateOperand, DateOperand])]),
  }),
  z.strictObject({ ...condition, op: z.enum(VALUELESS_OPS) }),
]);
export type FilterCondition = z.infer<typeof FilterCondition>;

export interface FilterGroup {
  kind: 'and' | 'or';
  children: FilterNode[];
}
export interface FilterNot {
  kind: 'not';
  child: FilterNode;
}
export type FilterNode = FilterGroup | FilterNot | FilterCondition;

export const FilterNode: z.ZodType<FilterNode> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.enum(['and', 'or']),
      children: z.array(FilterNode).max(FILTER_LIMITS.nodes),
    }),
    z.strictObject({ kind: z.literal('not'), child: FilterNode }),
    FilterCondition,
  ]),
);
