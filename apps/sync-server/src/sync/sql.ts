/** Raw SQL helpers for the sync hot path, over both drivers (postgres.js and PGlite). */
import type { SQL } from 'drizzle-orm';
import type { Db } from '../db/schema.ts';

/** A drizzle database or transaction: anything with `execute`. */
export interface Executor {
  execute: Db['execute'];
}

/** Runs a query and returns its rows, whichever driver is underneath. */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const res: unknown = await db.execute(query);
  return Array.isArray(res) ? (res as T[]) : (res as { rows: T[] }).rows;
}

/** What `queryPrepared` needs of a drizzle postgres.js database or transaction. */
interface PostgresJsExecutor {
  dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } };
  session: { client: { unsafe(text: string, params: unknown[], o: object): Promise<unknown[]> } };
}

function postgresJs(db: Executor): PostgresJsExecutor | null {
  const d = db as Partial<PostgresJsExecutor>;
  return typeof d.dialect?.sqlToQuery === 'function' &&
    typeof d.session?.client?.unsafe === 'function'
    ? (d as PostgresJsExecutor)
    : null;
}

/**
 * `queryRows` as a prepared statement where the driver has them: with postgres.js a statement is
 * parsed and planned once per connection and text, then only bound and run (drizzle runs raw SQL
 * unprepared, so this calls its postgres.js client; a single-row commit batch's statements took
 * ~2x as long planned each time). For statements whose text never changes: the commit batch's,
 * whose rows travel as one JSON parameter. PGlite (in-process) runs them through drizzle.
 */
export async function queryPrepared<T>(db: Executor, query: SQL): Promise<T[]> {
  const pg = postgresJs(db);
  if (!pg) return queryRows<T>(db, query);
  const q = pg.dialect.sqlToQuery(query);
  return (await pg.session.client.unsafe(q.sql, q.params, { prepare: true })) as T[];
}

/** int8 columns come back as strings (postgres.js) or numbers/bigints (PGlite). */
export function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}

/** bytea comes back as a Buffer (postgres.js) or Uint8Array (PGlite); copy into a plain view. */
export function bytes(v: unknown): Uint8Array | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError('expected bytea');
}
