/**
 * The installation's Yjs client id (one per installation, `localSetting` key
 * `sync.installationClientId`) and its outbox sequence. The id is regenerated when the local docs
 * are wiped (records/README.md rule 6): a wiped replica must never reuse its old clocks.
 */
import { webcrypto } from 'node:crypto';
import type Database from 'better-sqlite3';
import { isInstallationClientId, newInstallationClientId } from '@sdr/schema/sync';

export const CLIENT_ID_KEY = 'sync.installationClientId';
const CLIENT_SEQ_KEY = 'sync.lastClientSeq';

const randomUint32 = (): number => webcrypto.getRandomValues(new Uint32Array(1))[0]!;

export function createInstallation(sqlite: Database.Database, random = randomUint32) {
  const get = sqlite.prepare(`SELECT value FROM local_setting WHERE key = ?`).pluck();
  const set = sqlite.prepare(
    `INSERT INTO local_setting (key, value) VALUES (?, ?)
     ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
  );
  const read = (key: string): unknown => {
    const raw = get.get(key) as string | undefined;
    return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
  };

  return {
    /** The stable client id, created on first use. */
    clientId(): number {
      const stored = read(CLIENT_ID_KEY);
      if (typeof stored === 'number' && isInstallationClientId(stored)) return stored;
      const id = newInstallationClientId(random);
      set.run(CLIENT_ID_KEY, JSON.stringify(id));
      return id;
    },
    /** A new id after the local docs were wiped. */
    regenerateClientId(): number {
      const id = newInstallationClientId(random);
      set.run(CLIENT_ID_KEY, JSON.stringify(id));
      return id;
    },
    /** The next outbox sequence (monotonic for the installation's lifetime; call in the edit's transaction). */
    nextClientSeq(floor: number): number {
      const last = read(CLIENT_SEQ_KEY);
      const next = Math.max(typeof last === 'number' ? last : 0, floor) + 1;
      set.run(CLIENT_SEQ_KEY, JSON.stringify(next));
      return next;
    },
  };
}

export type Installation = ReturnType<typeof createInstallation>;
