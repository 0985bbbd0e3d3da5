/**
 * The signed-in account in local SQLite: one row per server URL, holding the sealed refresh token
 * and the last known `/me` profile. The access token is never written to disk.
 */
import { eq } from 'drizzle-orm';
import { account } from '@sdr/schema/sqlite';
import type { EngineDb } from './db.ts';
import type { Sealed } from './secret-box.ts';

export interface StoredAccount {
  id: string;
  userId: string;
  workspaceId: string;
  refreshToken: Sealed;
  profile: unknown;
}

export interface AccountStore {
  load(): StoredAccount | undefined;
  save(row: StoredAccount): void;
  remove(): void;
}

export function createAccountStore(
  db: EngineDb,
  serverUrl: string,
  now: () => number,
): AccountStore {
  return {
    load() {
      const row = db.select().from(account).where(eq(account.serverUrl, serverUrl)).get();
      if (!row) return undefined;
      return {
        id: row.id,
        userId: row.userId,
        workspaceId: row.workspaceId,
        refreshToken: { data: Buffer.from(row.refreshToken), encrypted: row.refreshTokenEncrypted },
        profile: row.profile,
      };
    },
    save(row) {
      const values = {
        id: row.id,
        serverUrl,
        userId: row.userId,
        workspaceId: row.workspaceId,
        refreshToken: row.refreshToken.data,
        refreshTokenEncrypted: row.refreshToken.encrypted,
        profile: row.profile,
        updatedAt: new Date(now()),
      };
      db.transaction((tx) => {
        tx.delete(account).where(eq(account.serverUrl, serverUrl)).run();
        tx.insert(account).values(values).run();
      });
    },
    remove() {
      db.delete(account).where(eq(account.serverUrl, serverUrl)).run();
    },
  };
}
