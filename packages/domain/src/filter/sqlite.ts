/**
 * SQLite dialect (the desktop engine). Storage: text/select as TEXT, numbers as INTEGER/REAL,
 * dates as epoch-ms INTEGER, booleans as 0/1, tags as a JSON array in TEXT. Placeholders `?`.
 */
import type { FilterNode } from '@sdr/schema';
import type { FilterCatalog, FilterField } from './ast.ts';
import {
  compileSql,
  fieldValue,
  type CompiledFilter,
  type FilterCompileOptions,
  type SqlDialect,
  type ValueKind,
} from './sql.ts';

const DAY_GLOB = `'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'`;

// json_type() names of each kind (json_type of true/false is 'true'/'false').
function jsonValue(col: string, key: string, kind: ValueKind): string {
  const path = `'$."${key}"'`;
  const type = `json_type(${col}, ${path})`;
  const value = `json_extract(${col}, ${path})`;
  switch (kind) {
    case 'text':
      return `(CASE WHEN ${type} = 'text' THEN ${value} END)`;
    case 'number':
    case 'instant':
      return `(CASE WHEN ${type} IN ('integer', 'real') THEN ${value} END)`;
    case 'boolean':
      return `(CASE ${type} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`;
    case 'array':
      return `(CASE WHEN ${type} = 'array' THEN ${value} END)`;
    case 'day':
      return `(CASE WHEN ${type} = 'text' AND ${value} GLOB ${DAY_GLOB} THEN ${value} END)`;
  }
}

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
  jsonValue,
  dayText: (col) => `(CASE WHEN ${col} GLOB ${DAY_GLOB} THEN ${col} END)`,
  dayCompare: (expr) => expr,
};

/**
 * A field's value as a SQLite expression (its quoted column, or its typed JSON key), for ORDER
 * BY and projections next to a compiled filter.
 */
export function sqliteFieldValue(name: string, field: FilterField): string {
  return fieldValue(name, field, SQLITE_DIALECT);
}

/** `{ sql, params }` for `WHERE ${sql}` in SQLite, with `?` placeholders. */
export function compileFilterSqlite(
  ast: FilterNode,
  catalog: FilterCatalog,
  options: FilterCompileOptions,
): CompiledFilter {
  return compileSql(ast, catalog, options, SQLITE_DIALECT);
}
