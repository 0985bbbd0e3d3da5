import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { pgTables } from '@sdr/schema/pg';

/** The drizzle schema the server runs on: every Postgres table from `@sdr/schema/pg`. */
export const schema = pgTables;
export type Schema = typeof schema;

/** One database type over both drivers (postgres.js and PGlite). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseKind = 'postgres' | 'pglite';
