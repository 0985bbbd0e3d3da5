import { count, getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { schema, type Db } from './schema.ts';

const tables = Object.values(schema) as PgTable[];

/** Row count of every server table, keyed by SQL table name (tests compare before/after). */
export async function countRows(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) {
    const [row] = await db.select({ n: count() }).from(t);
    out[getTableName(t)] = row?.n ?? 0;
  }
  return out;
}

/** SQL names of every server table (for TRUNCATE in tests). */
export function tableNames(): string[] {
  return tables.map((t) => getTableName(t));
}
