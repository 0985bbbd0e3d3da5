/**
 * Postgres dialect (the server: campaigns, dynamic lists). Storage: text/select as `text`,
 * numbers as any numeric type, dates as `timestamptz`, booleans as `boolean`, tags as a `jsonb`
 * array. Placeholders `$1..$n`, each cast so the driver need not infer types.
 */
import type { FilterNode } from '@sdr/schema';
import type { FilterCatalog } from './ast.ts';
import {
  compileSql,
  type CompiledFilter,
  type FilterCompileOptions,
  type SqlDialect,
} from './sql.ts';

export const POSTGRES_DIALECT: SqlDialect = {
  placeholder: (index) => `$${index}`,
  // The "C" collation makes lower() ASCII-only, like SQLite's, whatever the database's locale.
  foldedText: (col) => `lower(${col} COLLATE "C")`,
  textParam: (p) => `${p}::text`,
  numberParam: (p) => `${p}::double precision`,
  instant: (ms) => new Date(ms).toISOString(),
  instantParam: (p) => `${p}::timestamptz`,
  boolIs: (col, value) => `(${col} IS ${value ? 'TRUE' : 'FALSE'})`,
  tagsAny: (col, ps) => `(${col} IS NOT NULL AND ${col} ?| ARRAY[${ps.join(', ')}])`,
  tagsAll: (col, ps) => `(${col} IS NOT NULL AND ${col} ?& ARRAY[${ps.join(', ')}])`,
  tagsEmpty: (col) => `(${col} IS NULL OR ${col} = '[]'::jsonb)`,
};

/** `{ sql, params }` for `WHERE ${sql}` in Postgres, with `$n` placeholders. */
export function compileFilterPostgres(
  ast: FilterNode,
  catalog: FilterCatalog,
  options: FilterCompileOptions,
): CompiledFilter {
  return compileSql(ast, catalog, options, POSTGRES_DIALECT);
}
