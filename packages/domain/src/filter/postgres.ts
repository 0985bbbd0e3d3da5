/**
 * Postgres dialect (the server: campaigns, dynamic lists). Storage: text/select as `text`,
 * numbers as any numeric type, dates as `timestamptz`, booleans as `boolean`, tags as a `jsonb`
 * array. Placeholders `$1..$n`, each cast so the driver need not infer types.
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

const DAY_REGEX = `'^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`;

// jsonb_typeof() names each kind; `->>` gives the text, cast after the type check.
function jsonValue(col: string, key: string, kind: ValueKind): string {
  const json = `(${col} -> '${key}')`;
  const text = `(${col} ->> '${key}')`;
  const type = `jsonb_typeof(${json})`;
  switch (kind) {
    case 'text':
      return `(CASE WHEN ${type} = 'string' THEN ${text} END)`;
    case 'number':
      return `(CASE WHEN ${type} = 'number' THEN ${text}::double precision END)`;
    case 'instant':
      // Epoch ms → timestamptz (microsecond precision: exact for whole milliseconds).
      return `(CASE WHEN ${type} = 'number' THEN to_timestamp(${text}::double precision / 1000) END)`;
    case 'boolean':
      return `(CASE WHEN ${type} = 'boolean' THEN ${text}::boolean END)`;
    case 'array':
      return `(CASE WHEN ${type} = 'array' THEN ${json} END)`;
    case 'day':
      return `(CASE WHEN ${type} = 'string' AND ${text} ~ ${DAY_REGEX} THEN ${text} END)`;
  }
}

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
  jsonValue,
  dayText: (col) => `(CASE WHEN ${col} ~ ${DAY_REGEX} THEN ${col} END)`,
  dayCompare: (expr) => `(${expr} COLLATE "C")`,
};

/** A field's value as a Postgres expression (its quoted column, or its typed JSON key). */
export function postgresFieldValue(name: string, field: FilterField): string {
  return fieldValue(name, field, POSTGRES_DIALECT);
}

/** `{ sql, params }` for `WHERE ${sql}` in Postgres, with `$n` placeholders. */
export function compileFilterPostgres(
  ast: FilterNode,
  catalog: FilterCatalog,
  options: FilterCompileOptions,
): CompiledFilter {
  return compileSql(ast, catalog, options, POSTGRES_DIALECT);
}
