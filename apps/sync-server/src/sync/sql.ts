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
