import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Env } from '../env.ts';
import { schema, type DatabaseKind, type Db } from './schema.ts';

/** An open database and what is needed to migrate and close it. */
export type DatabaseHandle =
  | { kind: 'postgres'; db: Db; client: postgres.Sql; close(): Promise<void> }
  | { kind: 'pglite'; db: Db; client: PGlite; close(): Promise<void> };

export function openPostgres(url: string): DatabaseHandle {
  const client = postgres(url, { max: 10, onnotice: () => {} });
  const db = drizzlePostgres(client, { schema });
  return { kind: 'postgres', db, client, close: () => client.end({ timeout: 5 }) };
}

/** PGlite persisted in `dir`, or in memory when `dir` is undefined. */
export async function openPglite(dir: string | undefined): Promise<DatabaseHandle> {
  if (dir) mkdirSync(dir, { recursive: true });
  const client = dir ? new PGlite(dir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite(client, { schema });
  return { kind: 'pglite', db, client, close: () => client.close() };
}

/** Postgres when `DATABASE_URL` is set, otherwise PGlite persisted under `${DATA_DIR}/pglite`. */
export async function openDatabase(
  env: Pick<Env, 'databaseUrl' | 'dataDir'>,
): Promise<DatabaseHandle> {
  return env.databaseUrl
    ? openPostgres(env.databaseUrl)
    : openPglite(path.join(env.dataDir, 'pglite'));
}

export type { DatabaseKind };
