import { col, defineEntity } from '../define.ts';

/**
 * Client-only state of the desktop engine. `account` holds the signed-in session for one server;
 * `localSetting` is a small key/value store (theme, installation id, ...).
 */
export const account = defineEntity(
  'account',
  {
    id: col.id(),
    serverUrl: col.text().notNull(),
    userId: col.text().notNull(),
    workspaceId: col.text().notNull(),
    /** The refresh token, encrypted by the OS keychain (safeStorage) when one is available. */
    refreshToken: col.bytes().notNull(),
    refreshTokenEncrypted: col.boolean().notNull().default(false),
    /** Last known `/me` payload, so the app can open offline. */
    profile: col.json<unknown>().notNull(),
    updatedAt: col.timestamp().notNull().defaultNow(),
  },
  { placement: 'client' },
);

export const localSetting = defineEntity(
  'localSetting',
  {
    key: col.id(),
    value: col.json<unknown>().notNull(),
  },
  { placement: 'client' },
);
