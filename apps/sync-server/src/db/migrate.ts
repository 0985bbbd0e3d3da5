import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { pgMigrationsFolder } from '@sdr/schema/migrations';
import type { DatabaseHandle } from './open.ts';
import type { Schema } from './schema.ts';

/** Applies the committed Postgres migrations from `@sdr/schema` (idempotent). */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  const config = { migrationsFolder: pgMigrationsFolder };
  switch (handle.kind) {
    case 'postgres':
      await migratePostgres(handle.db as PostgresJsDatabase<Schema>, config);
      return;
    case 'pglite':
      await migratePglite(handle.db as PgliteDatabase<Schema>, config);
      return;
  }
}
