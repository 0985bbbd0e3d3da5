export { can, roleAtLeast } from './permissions.ts';
export type { Permission } from './permissions.ts';
export { DEFAULT_BACKOFF, reconnectDelayMs } from './sync/backoff.ts';
export type { BackoffOptions } from './sync/backoff.ts';
export { compareVersions, isReadOnlyClient } from './sync/client-version.ts';
export { FIELD_PERMISSIONS, fieldWriteCheck } from './sync/field-permissions.ts';
export { canSeeLead, LEAD_VISIBILITY_POLICIES, visibilityChange } from './sync/visibility.ts';
export type {
  LeadOwnership,
  LeadVisibilityPolicy,
  Viewer,
  VisibilityChange,
} from './sync/visibility.ts';
// The lead filter: AST helpers, validation, SQL compilers, in-memory evaluator (filter/README.md).
export {
  and,
  MATCH_ALL,
  not,
  OPERATORS_BY_TYPE,
  operatorAllowed,
  or,
  where,
} from './filter/ast.ts';
export type { FilterCatalog, FilterField } from './filter/ast.ts';
export { checkFilter, parseFilter } from './filter/check.ts';
export type {
  FilterIssue,
  FilterIssueCode,
  FilterIssuePath,
  ParsedFilter,
} from './filter/check.ts';
export { FilterError } from './filter/errors.ts';
export type { FilterErrorCode } from './filter/errors.ts';
export { compileFilterPredicate, matchesFilter } from './filter/evaluate.ts';
export type { FilterPredicate, FilterRow } from './filter/evaluate.ts';
export { compileFilterPostgres } from './filter/postgres.ts';
export type { CompiledFilter, FilterCompileOptions } from './filter/sql.ts';
export { compileFilterSqlite } from './filter/sqlite.ts';
