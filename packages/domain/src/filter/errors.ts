import type { FilterIssue } from './check.ts';

export type FilterErrorCode = 'invalid_filter' | 'invalid_catalog' | 'invalid_time_zone';

/**
 * Raised by the compilers and the evaluator when given a filter `checkFilter` refuses, a catalog
 * with a column that is not a plain SQL identifier, or an unknown time zone. Validate user input
 * with `checkFilter` first to show its issues where the user typed; this error means a caller
 * skipped that.
 */
export class FilterError extends Error {
  override readonly name = 'FilterError';

  constructor(
    readonly code: FilterErrorCode,
    message: string,
    readonly issues: readonly FilterIssue[] = [],
  ) {
    super(message);
  }
}
