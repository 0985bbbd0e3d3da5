import { sql } from 'drizzle-orm';
import type { Db } from './schema.ts';

/** Runs a query and returns its rows, whichever driver is underneath (postgres.js or PGlite). */
async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const res: unknown = await db.execute(query);
  return (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
}

/** Names of every table in the `public` schema, i.e. everything the migrations created. */
export async function tableNames(db: Db): Promise<string[]> {
  const list = await rows<{ name: string }>(
    db,
    sql`select tablename as name from pg_tables where schemaname = 'public' order by tablename`,
  );
  return list.map((r) => r.name);
}

/** Row count of every table in the database, keyed by table name (tests compare before/after). */
export async function countRows(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of await tableNames(db)) {
    const [row] = await rows<{ n: number | string }>(
      db,
      sql.raw(`select count(*) as n from "${name}"`),
    );
    out[name] = Number(row?.n ?? 0);
  }
  return out;
}

/** Empties every table (tests only). */
export async function truncateAll(db: Db): Promise<void> {
  const names = await tableNames(db);
  if (names.length === 0) return;
  await db.execute(sql.raw(`TRUNCATE TABLE ${names.map((n) => `"${n}"`).join(', ')} CASCADE`));
}
