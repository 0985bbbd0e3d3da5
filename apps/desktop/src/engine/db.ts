/**
 * The engine's local SQLite database: better-sqlite3 in WAL mode, drizzle on top, migrations from
 * `@sdr/schema` applied at open. One file per data dir: `${dataDir}/engine.sqlite`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { sqliteMigrationsFolder } from '@sdr/schema/migrations';
import { account, localSetting, membership, user, workspace } from '@sdr/schema/sqlite';

export const schema = { account, localSetting, membership, user, workspace };
export type EngineDb = BetterSQLite3Database<typeof schema>;

export interface OpenedDb {
  db: EngineDb;
  /** The better-sqlite3 handle under drizzle, for prepared statements on hot paths. */
  sqlite: Database.Database;
  file: string;
  close: () => void;
}

export function openDb(dataDir: string): OpenedDb {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'engine.sqlite');
  const sqlite = new Database(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: sqliteMigrationsFolder });
    return { db, sqlite, file, close: () => sqlite.close() };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}
