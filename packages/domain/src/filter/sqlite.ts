/**
 * SQLite dialect (the desktop engine). Storage: text/select as TEXT, numbers as INTEGER/REAL,
 * dates as epoch-ms INTEGER, booleans as 0/1, tags as a JSON array in TEXT. Placeholders `?`.
 */
import type { FilterNode } from '@sdr/schema';
import type { FilterCatalog } from './ast.ts';
import {
  compileSql,
  type CompiledFilter,
  type FilterCompileOptions,
  type SqlDialect,
} from './sql.ts';

// A correlated json_each; the alias cannot shadow a catalog column.
const tagRows = (col: string, ps: readonly string[]): string =>
  `FROM json_each(${col}) AS sdr_tag WHERE sdr_tag.type = 'text' AND sdr_tag.value IN (${ps.join(', ')})`;

export const SQLITE_DIALECT: SqlDialect = {
  placeholder: () => '?',
  foldedText: (col) => `lower(${col})`,
  textParam: (p) => p,
  numberParam: (p) => p,
  instant: (ms) => ms,
  instantParam: (p) => p,
  boolIs: (col, value) => `(${col} IS ${value ? 1 : 0})`,
  tagsAny: (col, ps) => `EXISTS (SELECT 1 ${tagRows(col, ps)})`,
  tagsAll: (col, ps, count) =>
    `((SELECT count(DISTINCT sdr_tag.value) ${tagRows(col, ps)}) = ${count})`,
  tagsEmpty: (col) => `(${col} IS NULL OR json_array_length(${col}) = 0)`,
};

/** `{ sql, params }` for `WHERE ${sql}` in SQLite, with `?` placeholders. */
export function compileFilterSqlite(
  ast: FilterNode,
  catalog: FilterCatalog,
  options: FilterCompileOptions,
): CompiledFilter {
  return compileSql(ast, catalog, options, SQLITE_DIALECT);
}
