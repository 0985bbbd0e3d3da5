/**
 * Counts kept up to date from the lead change log, so the count of a saved view after a lead
 * changed costs a look at the changed leads instead of a count over a million rows.
 *
 * - **Change log** (`lead_change_log`, engine-local DDL like search-index.ts): triggers on `lead`
 *   append the rowid of every inserted, updated or deleted lead (one small append per write, also
 *   for other connections' writes); the notes writer appends leads whose notes changed (search
 *   counts read notes). The background indexer prunes what no cached count needs.
 * - **A cached count** keeps the set of matching rowids (a bitmap; built in the same pass as the
 *   count with `group_concat(rowid)`) and the log position it is current at. Asked again, it
 *   re-evaluates only the leads logged since (one query over those rowids) and flips their bits.
 * - **Time**: a filter relative to now moves without writes. When the compiled parameters differ
 *   from the cached ones only by `now` (`in_last`/`in_next` bounds; their day boundaries are part
 *   of the key), the leads whose date lies between the old and the new `now` are re-evaluated too.
 * - Recomputed in full: the first time, when more than `maxDelta` leads changed, when the log was
 *   pruned past the entry, and for selections the log cannot follow (a static list's members, the
 *   engine-computed score): those are cached only until anything is written to the database.
 * - **Across restarts** (`lead_count_saved`): followable entries are saved with their bitmap and
 *   log position (after a full count at once, after deltas by `persist()` from the background
 *   loop and at close), and the log keeps what they need, so the first count of a selection after
 *   the engine starts is a delta from where the last session left it, not a full count (~140 ms
 *   on a million leads). The saved set mirrors the in-memory LRU (evicted and cleared entries go).
 */
import type Database from 'better-sqlite3';
import type { FilterNode } from '@sdr/schema';

/** Bump to drop and recreate the change log's triggers. */
export const CHANGE_LOG_VERSION = 1;

const TRIGGER_NAMES = ['lead_change_ai', 'lead_change_au', 'lead_change_ad'];

/** Creates the change log and its triggers (idempotent; recreated when the version changes). */
export function ensureChangeLog(sqlite: Database.Database): void {
  sqlite.transaction(() => {
    sqlite.exec(
      `CREATE TABLE IF NOT EXISTS lead_query_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    );
    sqlite.exec(
      `CREATE TABLE IF NOT EXISTS lead_change_log (seq INTEGER PRIMARY KEY, lead_rowid INTEGER NOT NULL)`,
    );
    const version = sqlite
      .prepare(`SELECT value FROM lead_query_meta WHERE key = 'change_log_version'`)
      .pluck()
      .get();
    const present = sqlite
      .prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?, ?)`)
      .pluck()
      .get(...TRIGGER_NAMES);
    if (version === String(CHANGE_LOG_VERSION) && present === TRIGGER_NAMES.length) return;
    for (const name of TRIGGER_NAMES) sqlite.exec(`DROP TRIGGER IF EXISTS ${name}`);
    // Plain appends (no conflict is possible on a new seq, so no OR clause to be overridden).
    sqlite.exec(`CREATE TRIGGER lead_change_ai AFTER INSERT ON lead BEGIN
      INSERT INTO lead_change_log (lead_rowid) VALUES (new.rowid); END`);
    sqlite.exec(`CREATE TRIGGER lead_change_au AFTER UPDATE ON lead BEGIN
      INSERT INTO lead_change_log (lead_rowid) VALUES (new.rowid); END`);
    sqlite.exec(`CREATE TRIGGER lead_change_ad AFTER DELETE ON lead BEGIN
      INSERT INTO lead_change_log (lead_rowid) VALUES (old.rowid); END`);
    sqlite
      .prepare(
        `INSERT INTO lead_query_meta (key, value) VALUES ('change_log_version', ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      )
      .run(String(CHANGE_LOG_VERSION));
  })();
}

/** What a count needs from the query layer: its compiled selection, now and then. */
export interface CountQuery {
  /** Identifies the selection (workspace, filter, search, list, settings, today's date). */
  key: string;
  /**
   * FROM for the full count (may force a covering index); asked only for a full count (choosing
   * it may sample the table: a count brought up to date skips that).
   */
  countFrom: () => string;
  /** FROM for re-evaluating a few rowids (looked up by rowid: NOT INDEXED is added). */
  from: string;
  where: string;
  /**
   * The same condition for a few rowids: a search as a per-row FTS lookup (`MATCH … AND rowid =
   * l.rowid`) rather than the set of every match. Same parameters as `where`.
   */
  deltaWhere: string;
  params: readonly unknown[];
  /** The selection's date conditions relative to now, as value expressions (see `nowColumns`). */
  nowColumns: readonly string[];
  workspaceId: string;
  /** False when only "nothing was written" can keep it (static lists, scores). */
  followable: boolean;
}

interface Entry {
  from: string;
  where: string;
  params: readonly unknown[];
  bits: Uint32Array;
  count: number;
  /** Last change-log seq applied. */
  seq: number;
  /** For unfollowable entries: the database version it was counted at. */
  version: string;
  now: number;
}

export interface CountCacheOptions {
  /** More changed leads than this: recount in full (default 20,000). */
  maxDelta?: number;
  /** Cached selections (default 32; each holds a bitmap of max rowid / 8 bytes). */
  size?: number;
  /** Save counts for the next session and start from saved ones (default true). */
  persist?: boolean;
}

interface SavedRow {
  from_sql: string;
  where_sql: string;
  params: string;
  bits: Buffer;
  count: number;
  seq: number;
  now: number;
}

export function createCountCache(sqlite: Database.Database, o: CountCacheOptions = {}) {
  const maxDelta = o.maxDelta ?? 20_000;
  const size = o.size ?? 32;
  const saving = o.persist ?? true;
  const entries = new Map<string, Entry>();
  /** Keys whose entry moved since it was saved. */
  const dirty = new Set<string>();
  const stats = { full: 0, delta: 0, unchanged: 0, restored: 0 };
  sqlite.exec(`CREATE TABLE IF NOT EXISTS lead_count_saved (
    key TEXT PRIMARY KEY, from_sql TEXT NOT NULL, where_sql TEXT NOT NULL, params TEXT NOT NULL,
    bits BLOB NOT NULL, count INTEGER NOT NULL, seq INTEGER NOT NULL, now INTEGER NOT NULL)`);
  const loadSaved = sqlite.prepare(
    `SELECT from_sql, where_sql, params, bits, count, seq, now FROM lead_count_saved WHERE key = ?`,
  );
  const saveRow = sqlite.prepare(
    `INSERT OR REPLACE INTO lead_count_saved (key, from_sql, where_sql, params, bits, count, seq, now)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const dropSaved = sqlite.prepare(`DELETE FROM lead_count_saved WHERE key = ?`);
  const minSavedSeq = sqlite.prepare(`SELECT min(seq) FROM lead_count_saved`).pluck();
  // Saved entries too far behind to be brought up to date, and beyond the newest 2 × size.
  const dropStale = sqlite.prepare(
    `DELETE FROM lead_count_saved WHERE seq < ? OR key NOT IN
       (SELECT key FROM lead_count_saved ORDER BY now DESC LIMIT ?)`,
  );
  const lastSeq = sqlite.prepare(`SELECT coalesce(max(seq), 0) FROM lead_change_log`).pluck();
  const firstSeq = sqlite.prepare(`SELECT coalesce(min(seq), 0) FROM lead_change_log`).pluck();
  const changedSince = sqlite
    .prepare(`SELECT DISTINCT lead_rowid FROM lead_change_log WHERE seq > ? AND seq <= ?`)
    .pluck();
  const countSince = sqlite
    .prepare(`SELECT count(*) FROM lead_change_log WHERE seq > ? AND seq <= ?`)
    .pluck();
  const totalChanges = sqlite.prepare('SELECT total_changes()').pluck();
  const prune = sqlite.prepare(`DELETE FROM lead_change_log WHERE seq < ?`);
  const statements = new Map<string, Database.Statement>();
  const stmt = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = sqlite.prepare(sql);
      if (statements.size > 200) statements.clear();
      statements.set(sql, s);
    }
    return s;
  };
  const version = () =>
    `${totalChanges.get() as number}:${sqlite.pragma('data_version', { simple: true }) as number}`;

  const setBit = (bits: Uint32Array, r: number) => {
    bits[r >>> 5] = bits[r >>> 5]! | (1 << (r & 31));
  };
  const hasBit = (bits: Uint32Array, r: number) =>
    r >>> 5 < bits.length && (bits[r >>> 5]! & (1 << (r & 31))) !== 0;

  /** Counts in full, building the bitmap in the same pass. */
  const full = (q: CountQuery, now: number): Entry => {
    stats.full += 1;
    const seq = lastSeq.get() as number;
    const text = stmt(`SELECT group_concat(l.rowid) FROM ${q.countFrom()} WHERE ${q.where}`)
      .pluck()
      .get(...q.params) as string | null;
    let bits = new Uint32Array(1024);
    let count = 0;
    if (text) {
      let r = 0;
      const flush = () => {
        if (r >>> 5 >= bits.length) {
          const grown = new Uint32Array(Math.max(bits.length * 2, (r >>> 5) + 1));
          grown.set(bits);
          bits = grown;
        }
        setBit(bits, r);
        count += 1;
        r = 0;
      };
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 44) flush();
        else r = r * 10 + (c - 48);
      }
      flush();
    }
    return {
      from: q.from,
      where: q.where,
      params: q.params,
      bits,
      count,
      seq,
      version: version(),
      now,
    };
  };

  /** Brings an entry up to date with the leads changed (or crossed by time) since; false: recount. */
  const advance = (e: Entry, q: CountQuery, now: number): boolean => {
    const seq = lastSeq.get() as number;
    const sameParams = JSON.stringify(q.params) === JSON.stringify(e.params);
    if (seq === e.seq && sameParams) {
      stats.unchanged += 1;
      return true;
    }
    if (e.seq < (firstSeq.get() as number) - 1) return false; // pruned past it (rows were lost)
    if ((countSince.get(e.seq, seq) as number) > maxDelta * 4) return false;
    const changed = new Set(changedSince.all(e.seq, seq) as number[]);
    if (!sameParams) {
      // Only `now` moved (the key holds the day): leads dated between the two nows may cross.
      const lo = Math.min(e.now, now);
      const hi = Math.max(e.now, now);
      for (const col of q.nowColumns) {
        const crossed = stmt(
          // `deleted IN (0, 1)`: the date's index starts with workspace_id, deleted.
          `SELECT l.rowid FROM lead AS l
           WHERE l.workspace_id = ? AND l.deleted IN (0, 1) AND ${col} >= ? AND ${col} <= ?`,
        )
          .pluck()
          .all(q.workspaceId, lo, hi) as number[];
        for (const r of crossed) changed.add(r);
      }
    }
    if (changed.size > maxDelta) return false;
    if (changed.size > 0) {
      const ids = JSON.stringify([...changed]);
      const matching = new Set(
        stmt(
          `SELECT l.rowid FROM ${q.from.replace('lead AS l', 'lead AS l NOT INDEXED')} WHERE ${q.deltaWhere} AND l.rowid IN (SELECT value FROM json_each(?))`,
        )
          .pluck()
          .all(...q.params, ids) as number[],
      );
      for (const r of changed) {
        const was = hasBit(e.bits, r);
        const is = matching.has(r);
        if (was === is) continue;
        if (is) {
          if (r >>> 5 >= e.bits.length) {
            const grown = new Uint32Array(Math.max(e.bits.length * 2, (r >>> 5) + 1));
            grown.set(e.bits);
            e.bits = grown;
          }
          setBit(e.bits, r);
          e.count += 1;
        } else {
          e.bits[r >>> 5] = e.bits[r >>> 5]! & ~(1 << (r & 31));
          e.count -= 1;
        }
      }
    }
    e.seq = seq;
    e.params = q.params;
    e.now = now;
    e.version = version();
    stats.delta += 1;
    return true;
  };

  const save = (key: string, e: Entry) => {
    if (!saving) return;
    const bits = Buffer.from(e.bits.buffer, e.bits.byteOffset, e.bits.byteLength);
    saveRow.run(key, e.from, e.where, JSON.stringify(e.params), bits, e.count, e.seq, e.now);
    dirty.delete(key);
  };
  const persist = () => {
    if (!saving || dirty.size === 0) return;
    sqlite.transaction(() => {
      for (const key of dirty) {
        const e = entries.get(key);
        if (e) save(key, e);
      }
      dirty.clear();
    })();
  };
  /** The entry the last session saved for this selection (null when none fits). */
  const restore = (q: CountQuery): Entry | null => {
    if (!saving || !q.followable) return null;
    const row = loadSaved.get(q.key) as SavedRow | undefined;
    if (!row) return null;
    // Another compiler's SQL, or a log position the log never reached (a rebuilt database).
    if (row.from_sql !== q.from || row.where_sql !== q.where || row.seq > (lastSeq.get() as number))
      return null;
    const words = new Uint32Array(Math.max(1024, Math.ceil(row.bits.byteLength / 4)));
    new Uint8Array(words.buffer).set(row.bits);
    stats.restored += 1;
    return {
      from: row.from_sql,
      where: row.where_sql,
      params: JSON.parse(row.params) as unknown[],
      bits: words,
      count: row.count,
      seq: row.seq,
      version: '',
      now: row.now,
    };
  };
  const remember = (key: string, e: Entry) => {
    entries.delete(key);
    entries.set(key, e);
    if (entries.size > size) {
      const oldest = entries.keys().next().value!;
      entries.delete(oldest);
      dirty.delete(oldest);
      if (saving) dropSaved.run(oldest);
    }
  };

  return {
    count(q: CountQuery, now: number): number {
      const hit = entries.get(q.key) ?? restore(q) ?? undefined;
      if (hit && hit.from === q.from && hit.where === q.where) {
        remember(q.key, hit);
        if (q.followable ? advance(hit, q, now) : hit.version === version()) {
          if (q.followable) dirty.add(q.key);
          return hit.count;
        }
      }
      const e = full(q, now);
      remember(q.key, e);
      if (q.followable) save(q.key, e);
      return e.count;
    },

    /** Saves the entries that moved since they were saved (background loop, close). */
    persist,

    /**
     * Drops the log rows no cached count needs, saved ones included (all of them without cached
     * counts). Saves moved entries first, so saved positions are the in-memory ones.
     */
    prune(): number {
      persist();
      if (saving) dropStale.run((lastSeq.get() as number) - maxDelta * 4, size * 2);
      // The last row stays: a new row's seq is max + 1, so seqs never go back.
      let keep = lastSeq.get() as number;
      for (const e of entries.values()) keep = Math.min(keep, e.seq);
      const saved = minSavedSeq.get() as number | null;
      if (saved !== null) keep = Math.min(keep, saved);
      return prune.run(keep).changes;
    },

    /** Forgets every cached count, saved ones too. */
    clear(): void {
      entries.clear();
      dirty.clear();
      if (saving) sqlite.exec(`DELETE FROM lead_count_saved`);
    },

    /** How counts were answered: counted in full, brought up to date, or unchanged. */
    stats(): Readonly<typeof stats> {
      return { ...stats };
    },
  };
}

export type CountCache = ReturnType<typeof createCountCache>;

/** Fields of a filter's conditions relative to now on dates stored as instants. */
export function relativeDateFields(filter: FilterNode | undefined): string[] {
  const out = new Set<string>();
  const walk = (n: FilterNode) => {
    if (n.kind === 'and' || n.kind === 'or') n.children.forEach(walk);
    else if (n.kind === 'not') walk(n.child);
    else if (n.kind === 'condition' && (n.op === 'in_last' || n.op === 'in_next')) out.add(n.field);
  };
  if (filter) walk(filter);
  return [...out];
}
