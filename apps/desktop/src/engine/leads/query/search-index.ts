/**
 * Engine-local structures derived from the `lead` table, for the lead query layer: an FTS5 search
 * index, the decoded notes it indexes, the queues that keep both right, and extra indexes for
 * filters and sorts. None of this is in the drizzle migrations: it is derived data, created by
 * idempotent DDL every time the engine opens its database (`ensureLeadQueryStructures`) and
 * rebuilt from the `lead` rows when its version changes (rows in `lead_query_meta`).
 *
 * Search index (`lead_fts`, contentless FTS5, rowid = the lead's rowid):
 * - `name` (first + last), `email`, `phone`, `company`, `notes`;
 * - tokenizer `unicode61 remove_diacritics 2`: case- and diacritics-insensitive ("emile" finds
 *   "Émile"); prefix indexes for 2-3 characters make search-as-you-type fast; `detail=column`
 *   (no positions: smaller and faster, and no phrase queries);
 * - `phone` holds the E.164 digits with the country calling code (`14155550123`), without it
 *   (`4155550123`) and with a trunk 0 instead (`04155550123`). Calling codes are prefix-free
 *   (E.164), so the code is the unique 1-3 digit prefix found in `lead_phone_calling_code`
 *   (filled from libphonenumber-js);
 * - `notes` comes from `lead_notes` (decoded by `notes-indexer.ts`, never on the sync path).
 *
 * Triggers on `lead` queue rowids: inserted, deleted, or with an indexed column changed →
 * `lead_search_dirty` (its FTS row is rewritten in bulk by `flushSearchQueue`, before every
 * search and in the background); inserted with a Yjs state, or `y_state` changed →
 * `lead_search_pending` (its notes must be decoded). Every writer (sync, local edits, the seed)
 * goes through them, so the index cannot drift from the table.
 *
 * Rowids: the FTS rows, notes and queues are keyed by the lead's rowid. `VACUUM` may renumber
 * the rowids of a table without an INTEGER PRIMARY KEY; after one, call `rebuildLeadSearch`.
 */
import type Database from 'better-sqlite3';
import { getCountries, getCountryCallingCode } from 'libphonenumber-js/max';
import { ensureChangeLog } from './count-cache.ts';

/** Bump to drop and rebuild the FTS table and triggers (lead_notes is kept). */
export const SEARCH_INDEX_VERSION = 3;
/** Bump when notes are extracted differently: stored notes are cleared and every doc re-queued. */
export const NOTES_VERSION = 1;

const META_DDL = `CREATE TABLE IF NOT EXISTS lead_query_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`;

// detail=column: no token positions (a third of the size, faster prefix scans); search-text.ts
// ANDs tokens instead of phrase queries, which need positions. Prefix indexes for 2 and 3
// characters (a 1-character prefix would double the index for a query nobody waits for).
const FTS_DDL = `CREATE VIRTUAL TABLE lead_fts USING fts5(
  name, email, phone, company, notes,
  content = '', contentless_delete = 1, detail = column,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
)`;

const SIDE_TABLES_DDL = [
  // Decoded notes of the leads that have any (keyed by the lead's rowid).
  `CREATE TABLE IF NOT EXISTS lead_notes (lead_rowid INTEGER PRIMARY KEY, notes TEXT NOT NULL)`,
  // Leads whose notes must be decoded from their Yjs state (see notes-indexer.ts).
  `CREATE TABLE IF NOT EXISTS lead_search_pending (lead_rowid INTEGER PRIMARY KEY)`,
  // Leads whose FTS row must be rewritten from their columns (inserted, edited, deleted).
  `CREATE TABLE IF NOT EXISTS lead_search_dirty (lead_rowid INTEGER PRIMARY KEY)`,
  `CREATE TABLE IF NOT EXISTS lead_phone_calling_code (code TEXT PRIMARY KEY) WITHOUT ROWID`,
];

/**
 * The phone column's text: the E.164 digits (`442079460958`), then the national number
 * (`2079460958`) and the same with a trunk 0 (`02079460958`, as people in most countries dial it),
 * when the calling code is known.
 */
function phoneText(col: string): string {
  const digits = `replace(${col}, '+', '')`;
  const has = (n: number) =>
    `EXISTS (SELECT 1 FROM lead_phone_calling_code WHERE code = substr(${digits}, 1, ${n}))`;
  const national = `CASE
    WHEN ${has(1)} THEN substr(${digits}, 2)
    WHEN ${has(2)} THEN substr(${digits}, 3)
    WHEN ${has(3)} THEN substr(${digits}, 4)
    ELSE NULL END`;
  return `CASE WHEN ${col} = '' THEN '' ELSE ${digits} || coalesce(' ' || (${national}) || ' 0' || (${national}), '') END`;
}

const ftsValues = (row: string, notes: string) =>
  `${row}.rowid, ${row}.first_name || ' ' || ${row}.last_name, ${row}.email, ${phoneText(`${row}.phone`)}, ${row}.company, ${notes}`;

const FTS_COLUMNS = 'rowid, name, email, phone, company, notes';

// Triggers only queue rowids: an FTS5 write inside a trigger runs in a statement savepoint, which
// makes FTS5 flush its pending terms on every row (measured: ~70 µs per inserted lead instead of
// ~10). `flushSearchQueue` re-indexes queued rows in bulk, before every search and in the
// background, so initial sync pays two small B-tree inserts per lead.
// No `OR IGNORE` in these triggers: SQLite lets the firing statement's conflict policy override a
// trigger statement's, and the lead upsert's ON CONFLICT made `INSERT OR IGNORE` fail on a rowid
// already queued (found by a second local edit before the queue was flushed). `WHERE NOT EXISTS`
// cannot be overridden.
const TRIGGERS_DDL = [
  `CREATE TRIGGER lead_search_ai AFTER INSERT ON lead BEGIN
     INSERT INTO lead_search_dirty (lead_rowid) SELECT new.rowid
       WHERE NOT EXISTS (SELECT 1 FROM lead_search_dirty WHERE lead_rowid = new.rowid);
     INSERT INTO lead_search_pending (lead_rowid) SELECT new.rowid
       WHERE new.y_state IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM lead_search_pending WHERE lead_rowid = new.rowid);
   END`,
  `CREATE TRIGGER lead_search_au AFTER UPDATE OF first_name, last_name, email, phone, company ON lead
   WHEN old.first_name IS NOT new.first_name OR old.last_name IS NOT new.last_name
     OR old.email IS NOT new.email OR old.phone IS NOT new.phone OR old.company IS NOT new.company
   BEGIN
     INSERT INTO lead_search_dirty (lead_rowid) SELECT new.rowid
       WHERE NOT EXISTS (SELECT 1 FROM lead_search_dirty WHERE lead_rowid = new.rowid);
   END`,
  `CREATE TRIGGER lead_search_state_au AFTER UPDATE OF y_state ON lead
   WHEN old.y_state IS NOT new.y_state BEGIN
     INSERT INTO lead_search_pending (lead_rowid) SELECT new.rowid
       WHERE NOT EXISTS (SELECT 1 FROM lead_search_pending WHERE lead_rowid = new.rowid);
   END`,
  `CREATE TRIGGER lead_search_ad AFTER DELETE ON lead BEGIN
     INSERT INTO lead_search_dirty (lead_rowid) SELECT old.rowid
       WHERE NOT EXISTS (SELECT 1 FROM lead_search_dirty WHERE lead_rowid = old.rowid);
     DELETE FROM lead_notes WHERE lead_rowid = old.rowid;
     DELETE FROM lead_search_pending WHERE lead_rowid = old.rowid;
   END`,
];
const TRIGGER_NAMES = [
  'lead_search_ai',
  'lead_search_au',
  'lead_search_state_au',
  'lead_search_ad',
];

/**
 * Extra indexes on `lead` for the query layer (names start with `lead_q_`; any other `lead_q_`
 * index, or one whose definition changed, is dropped, so editing this list changes every
 * replica). Every one starts with `workspace_id, deleted` because every query does; name sorts use
 * NOCASE like the ORDER BY; each ends with `id`, the tie-break of every sort, so a page never has
 * to sort a group of equal values (every lead never contacted, a big company) to find its order.
 * "My leads" (owner) reads its rows already in `updated_at` order. Every index costs on every lead
 * write (initial sync above all: ~20 µs each per lead at 100k leads), so dense filters (a status, a
 * country) have none: a page walks the sort index (plan.ts), a count reads `lead_q_facets`.
 */
export const LEAD_QUERY_INDEXES: Readonly<Record<string, string>> = {
  lead_q_updated: 'workspace_id, deleted, updated_at, id',
  lead_q_created: 'workspace_id, deleted, created_at, id',
  lead_q_contacted: 'workspace_id, deleted, last_contacted_at, id',
  lead_q_name: 'workspace_id, deleted, last_name COLLATE NOCASE, first_name COLLATE NOCASE, id',
  lead_q_company: 'workspace_id, deleted, company COLLATE NOCASE, id',
  lead_q_owner: 'workspace_id, deleted, owner_id, updated_at, id',
  // Counts: every column the usual filters read, so a count reads this index instead of the wide
  // rows (each carries its Yjs state). Status and owner first: `status IN (…) AND owner_id = ?`
  // is a range of it.
  lead_q_facets: `workspace_id, deleted, ${[
    'status',
    'owner_id',
    'team',
    'country',
    'industry',
    'source',
    'do_not_contact',
    'consent_email',
    'consent_sms',
    'consent_calls',
    'company_size',
    'created_at',
    'last_contacted_at',
    'tags',
    'custom',
  ].join(', ')}`,
};

/** The columns of `lead_q_facets` (a count reading only these reads that index). */
export const FACET_COLUMNS: ReadonlySet<string> = new Set(
  LEAD_QUERY_INDEXES.lead_q_facets!.split(', '),
);

const indexSql = (name: string, columns: string) => `CREATE INDEX "${name}" ON lead (${columns})`;

function readMeta(sqlite: Database.Database, key: string): string | undefined {
  return sqlite.prepare(`SELECT value FROM lead_query_meta WHERE key = ?`).pluck().get(key) as
    string | undefined;
}

function writeMeta(sqlite: Database.Database, key: string, value: string): void {
  sqlite
    .prepare(
      `INSERT INTO lead_query_meta (key, value) VALUES (?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    )
    .run(key, value);
}

function tableExists(sqlite: Database.Database, name: string): boolean {
  return (
    sqlite
      .prepare(`SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?`)
      .get(name) !== undefined
  );
}

/** Every country calling code libphonenumber-js knows ('1', '44', '353', ...). */
export function callingCodes(): string[] {
  return [...new Set(getCountries().map((c) => getCountryCallingCode(c)))].sort();
}

export interface EnsureResult {
  /** The FTS table was (re)built from the lead rows. */
  rebuilt: boolean;
  /** Stored notes were cleared and every doc queued again. */
  notesRequeued: boolean;
  /** Indexes created (names). */
  created: string[];
  /** Stale `lead_q_` indexes dropped. */
  dropped: string[];
}

/**
 * Creates or upgrades everything above; cheap when it is all there (a few reads). Runs in one
 * transaction. A first run on a big replica builds the FTS table and the indexes (seconds).
 */
export function ensureLeadQueryStructures(sqlite: Database.Database): EnsureResult {
  const result: EnsureResult = { rebuilt: false, notesRequeued: false, created: [], dropped: [] };
  ensureChangeLog(sqlite);
  sqlite.transaction(() => {
    sqlite.exec(META_DDL);
    for (const ddl of SIDE_TABLES_DDL) sqlite.exec(ddl);
    const codes = sqlite.prepare(`SELECT count(*) FROM lead_phone_calling_code`).pluck().get();
    if (codes === 0) {
      const insert = sqlite.prepare(`INSERT OR IGNORE INTO lead_phone_calling_code VALUES (?)`);
      for (const code of callingCodes()) insert.run(code);
    }

    if (readMeta(sqlite, 'notes_version') !== String(NOTES_VERSION)) {
      sqlite.exec(`DELETE FROM lead_notes`);
      sqlite.exec(
        `INSERT OR IGNORE INTO lead_search_pending (lead_rowid)
         SELECT rowid FROM lead WHERE y_state IS NOT NULL`,
      );
      writeMeta(sqlite, 'notes_version', String(NOTES_VERSION));
      // The FTS rows carry the old notes: rebuild them too.
      writeMeta(sqlite, 'search_index_version', '');
      result.notesRequeued = true;
    }

    if (
      readMeta(sqlite, 'search_index_version') !== String(SEARCH_INDEX_VERSION) ||
      !tableExists(sqlite, 'lead_fts')
    ) {
      buildFts(sqlite);
      writeMeta(sqlite, 'search_index_version', String(SEARCH_INDEX_VERSION));
      result.rebuilt = true;
    }

    const existing = new Map(
      (
        sqlite
          .prepare(
            `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lead'
             AND substr(name, 1, 7) = 'lead_q_'`,
          )
          .all() as { name: string; sql: string }[]
      ).map((r) => [r.name, r.sql]),
    );
    for (const [name, sql] of existing) {
      const columns = Object.hasOwn(LEAD_QUERY_INDEXES, name) ? LEAD_QUERY_INDEXES[name] : null;
      if (columns === null || columns === undefined || sql !== indexSql(name, columns)) {
        sqlite.exec(`DROP INDEX "${name}"`);
        existing.delete(name);
        result.dropped.push(name);
      }
    }
    for (const [name, columns] of Object.entries(LEAD_QUERY_INDEXES)) {
      if (existing.has(name)) continue;
      sqlite.exec(indexSql(name, columns));
      result.created.push(name);
    }
  })();
  return result;
}

function buildFts(sqlite: Database.Database): void {
  for (const name of TRIGGER_NAMES) sqlite.exec(`DROP TRIGGER IF EXISTS ${name}`);
  sqlite.exec(`DROP TABLE IF EXISTS lead_fts`);
  sqlite.exec(FTS_DDL);
  sqlite.exec(
    `INSERT INTO lead_fts (${FTS_COLUMNS})
     SELECT ${ftsValues('l', `coalesce(n.notes, '')`)}
     FROM lead l LEFT JOIN lead_notes n ON n.lead_rowid = l.rowid`,
  );
  sqlite.exec(`DELETE FROM lead_search_dirty`);
  for (const ddl of TRIGGERS_DDL) sqlite.exec(ddl);
}

/** Rebuilds the FTS table from the lead rows and the stored notes (after a VACUUM, for one). */
export function rebuildLeadSearch(sqlite: Database.Database): void {
  sqlite.transaction(() => buildFts(sqlite))();
}

export interface SearchQueue {
  /** Queued FTS rewrites (cheap: counts an integer-keyed table). */
  dirty(): number;
  /**
   * Rewrites the FTS rows of up to `limit` queued leads (all when omitted), in one transaction;
   * returns how many were taken off the queue.
   */
  flush(limit?: number): number;
}

/**
 * Re-indexes the queued leads up to a rowid. CROSS JOIN keeps the queue as the outer loop: with
 * `lead` analysed and the queue not (it was empty), SQLite walked `lead` by rowid up to the
 * cutoff and probed the queue for each row, every lead below it (~1.1 s per flush of 1000 at a
 * million leads: the 100 s of background work after a 100k import). Exported for its plan test.
 */
export const SEARCH_FLUSH_SQL = `INSERT INTO lead_fts (${FTS_COLUMNS})
  SELECT ${ftsValues('l', `coalesce(n.notes, '')`)}
  FROM lead_search_dirty d CROSS JOIN lead l ON l.rowid = d.lead_rowid
  LEFT JOIN lead_notes n ON n.lead_rowid = d.lead_rowid
  WHERE d.lead_rowid <= ?`;

/** Bulk FTS maintenance for the rows the triggers queued (see the top of this file). */
export function createSearchQueue(sqlite: Database.Database): SearchQueue {
  const count = sqlite.prepare(`SELECT count(*) FROM lead_search_dirty`).pluck();
  const any = sqlite.prepare(`SELECT 1 FROM lead_search_dirty LIMIT 1`).pluck();
  const cutoff = sqlite
    .prepare(`SELECT lead_rowid FROM lead_search_dirty ORDER BY lead_rowid LIMIT 1 OFFSET ?`)
    .pluck();
  const del = sqlite.prepare(
    `DELETE FROM lead_fts WHERE rowid IN (SELECT lead_rowid FROM lead_search_dirty WHERE lead_rowid <= ?)`,
  );
  const ins = sqlite.prepare(SEARCH_FLUSH_SQL);
  const done = sqlite.prepare(`DELETE FROM lead_search_dirty WHERE lead_rowid <= ?`);
  const flush = sqlite.transaction((limit: number | undefined): number => {
    const last =
      limit === undefined
        ? Number.MAX_SAFE_INTEGER
        : ((cutoff.get(limit - 1) as number | undefined) ?? Number.MAX_SAFE_INTEGER);
    del.run(last);
    ins.run(last);
    return done.run(last).changes;
  });
  return {
    dirty: () => count.get() as number,
    flush(limit) {
      if (any.get() === undefined) return 0;
      return flush(limit);
    },
  };
}

/**
 * Stores one lead's decoded notes and rewrites its FTS row (the notes indexer is the only writer
 * of `lead_notes` besides the seed). Returns false when the lead is gone.
 */
export function createNotesWriter(sqlite: Database.Database) {
  const row = sqlite.prepare(`SELECT ${ftsValues('l', '?')} FROM lead l WHERE l.rowid = ?`);
  const delFts = sqlite.prepare(`DELETE FROM lead_fts WHERE rowid = ?`);
  const insFts = sqlite.prepare(`INSERT INTO lead_fts (${FTS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`);
  const current = sqlite.prepare(`SELECT notes FROM lead_notes WHERE lead_rowid = ?`).pluck();
  const putNotes = sqlite.prepare(
    `INSERT INTO lead_notes (lead_rowid, notes) VALUES (?, ?)
     ON CONFLICT(lead_rowid) DO UPDATE SET notes = excluded.notes`,
  );
  const delNotes = sqlite.prepare(`DELETE FROM lead_notes WHERE lead_rowid = ?`);
  const done = sqlite.prepare(`DELETE FROM lead_search_pending WHERE lead_rowid = ?`);
  const queued = sqlite.prepare(`SELECT 1 FROM lead_search_dirty WHERE lead_rowid = ?`).pluck();
  // Search counts read notes: cached counts re-evaluate this lead (count-cache.ts).
  const logged = sqlite.prepare(`INSERT INTO lead_change_log (lead_rowid) VALUES (?)`);
  return (rowid: number, notes: string): boolean => {
    done.run(rowid);
    const before = (current.get(rowid) as string | undefined) ?? '';
    if (before === notes) return true;
    const values = row.raw().get(notes, rowid) as unknown[] | undefined;
    if (!values) return false;
    if (notes === '') delNotes.run(rowid);
    else putNotes.run(rowid, notes);
    logged.run(rowid);
    // A queued row is rewritten (with these notes) by the next flush.
    if (queued.get(rowid) === undefined) {
      delFts.run(rowid);
      insFts.run(...values);
    }
    return true;
  };
}
