/**
 * `insertJson`: many rows as ONE statement parameter,
 * `insert into t (cols) select cols from json_populate_recordset(null::t, $1::text::json) …`
 * (the parameter is text: no driver-side JSON serializer touches it).
 *
 * Drizzle's `.values(rows)` binds one parameter per row and column and checks and maps each one
 * (200 inbound messages × 23 columns: 4,600 parameters, the largest share of the webhook
 * processor's JavaScript time). Here the rows are one JSON text that Postgres reads itself, and
 * the statement text depends only on the table and columns, so it is prepared once per
 * connection (`queryPrepared`).
 *
 * The columns are the keys the rows set (undefined counts as not set); a column no row sets gets
 * its default, as with drizzle. Values go as their JSON: fine for text, numbers, booleans, enums
 * and json/jsonb columns; not for Date or bytea columns (not accepted here by type).
 */
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { queryPrepared, type Executor } from '../sync/sql.ts';

type JsonValue = string | number | boolean | null | readonly unknown[] | Record<string, unknown>;

export interface InsertJsonOptions {
  /** `on conflict do nothing` (any unique constraint). */
  onConflictDoNothing?: boolean;
  /** Columns (database names) to return from the inserted rows. */
  returning?: readonly string[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function insertJsonQuery<T extends PgTable>(
  table: T,
  rows: readonly Partial<Record<keyof T['$inferInsert'], JsonValue | undefined>>[],
  o: InsertJsonOptions = {},
): SQL {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const used = new Set<string>();
  for (const row of rows) {
    for (const key in row) if (row[key as keyof typeof row] !== undefined) used.add(key);
  }
  const keys = Object.keys(columns).filter((k) => used.has(k));
  for (const k of used) if (!(k in columns)) throw new Error(`insertJson: no column ${k}`);
  const names = keys.map((k) => quote(columns[k]!.name));
  const json = JSON.stringify(
    rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const k of keys) out[columns[k]!.name] = row[k as keyof typeof row] ?? null;
      return out;
    }),
  );
  const t = quote(getTableName(table));
  const list = names.join(', ');
  return sql`${sql.raw(`insert into ${t} (${list}) select ${list} from json_populate_recordset(null::${t}, `)}${json}${sql.raw(
    `::text::json)${o.onConflictDoNothing ? ' on conflict do nothing' : ''}${
      o.returning?.length ? ` returning ${o.returning.map(quote).join(', ')}` : ''
    }`,
  )}`;
}

/** Inserts the rows in one statement; returns the `returning` columns of those inserted. */
export function insertJson<R, T extends PgTable = PgTable>(
  db: Executor,
  table: T,
  rows: readonly Partial<Record<keyof T['$inferInsert'], JsonValue | undefined>>[],
  o: InsertJsonOptions = {},
): Promise<R[]> {
  if (rows.length === 0) return Promise.resolve([]);
  return queryPrepared<R>(db, insertJsonQuery(table, rows, o));
}
