import { fileURLToPath } from 'node:url';

/** Folders of the generated migrations, for drizzle's migrators (server: pg, engine: sqlite). */
export const pgMigrationsFolder = fileURLToPath(new URL('../migrations/pg', import.meta.url));
export const sqliteMigrationsFolder = fileURLToPath(
  new URL('../migrations/sqlite', import.meta.url),
);
