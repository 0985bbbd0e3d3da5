/**
 * Fewer WAL checkpoints while a bulk writer (an import) commits transaction after transaction.
 *
 * By default SQLite checkpoints at the first commit that leaves more than 1000 pages (4 MB) in the
 * WAL. A batch of new leads dirties pages of every lead index at random places, so at a million
 * leads nearly every import commit went over that: each one copied its pages into the database
 * file and synced it. Measured on a copy of the benchmark's 1M-lead database, 10k leads
 * committed 100 at a time: 7.2-7.5 s wall, 354-363 µs CPU per lead with the default; 3.5-3.9 s,
 * 266-285 µs with a 25,000-page threshold (a ~100 MB WAL, checkpointed in ~0.3 s); 3.4 s with
 * none at all (but a 4.5 GB WAL for 100k leads). Commits stay durable as before (WAL mode,
 * `synchronous = NORMAL`): a checkpoint only moves committed pages into the main file.
 *
 * `deferCheckpoints` raises the threshold for one connection until every holder released it;
 * the next commit after that checkpoints as usual.
 */
import type Database from 'better-sqlite3';

/** The auto-checkpoint threshold (pages) while a bulk writer holds it. */
export const BULK_AUTOCHECKPOINT_PAGES = 25_000;

const holds = new WeakMap<Database.Database, { count: number; before: number }>();

/** Raises the connection's auto-checkpoint threshold; call the returned function to release. */
export function deferCheckpoints(sqlite: Database.Database): () => void {
  let hold = holds.get(sqlite);
  if (!hold) {
    const before = sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;
    hold = { count: 0, before };
    holds.set(sqlite, hold);
    sqlite.pragma(`wal_autocheckpoint = ${Math.max(before, BULK_AUTOCHECKPOINT_PAGES)}`);
  }
  const h = hold;
  h.count += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    h.count -= 1;
    if (h.count > 0) return;
    holds.delete(sqlite);
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${h.before}`);
  };
}
