/**
 * The queue that keeps `lead_score` (an entity of @sdr/schema, migration 0008) up to date with the
 * `lead` rows, like the search queue of `../query/search-index.ts`: triggers on `lead` only queue
 * rowids, and the score keeper (`score-keeper.ts`) drains the queue in bulk. Every writer (local
 * edits, imports, sync pages and live changes, bulk jobs, merges, the seed) goes through them.
 *
 * `lead_score_dirty (lead_rowid, fields)`: `fields` is a bitmask of the fit fields that changed
 * since the lead was last scored (`FIT_FIELD_BITS`); an inserted lead is queued with every bit
 * (unknown: score it from scratch). A change to no fit field queues nothing. A deleted lead's
 * entry is dropped; its `lead_score` row goes by the foreign key's cascade. A `message` that
 * engagement rules count (a call, a reply, an open or click of ours) queues its lead with
 * `ENGAGEMENT_BIT` when it arrives, changes or goes.
 *
 * No `OR IGNORE` in the triggers (see search-index.ts: the lead upsert's conflict policy would
 * override it); `WHERE NOT EXISTS` cannot be overridden. The triggers are engine-local DDL,
 * created idempotently at every open and recreated when `SCORE_QUEUE_VERSION` changes.
 */
import type Database from 'better-sqlite3';
import type { FitField } from '@sdr/domain';

/** Bump to drop and recreate the queue's triggers. */
export const SCORE_QUEUE_VERSION = 2;

/** Bit of each fit field in `lead_score_dirty.fields`, and its `lead` column. */
export const FIT_FIELD_BITS: readonly { field: FitField; column: string; bit: number }[] = [
  { field: 'title', column: 'title', bit: 1 },
  { field: 'industry', column: 'industry', bit: 2 },
  { field: 'companySize', column: 'company_size', bit: 4 },
  { field: 'country', column: 'country', bit: 8 },
];
export const ALL_FIT_BITS = FIT_FIELD_BITS.reduce((mask, f) => mask | f.bit, 0);
/** The lead's engagement may have changed (a message that counts came, changed or went). */
export const ENGAGEMENT_BIT = 16;

/**
 * A `message` row (alias `m`, or `new` / `old` in a trigger) that engagement rules count: a call,
 * an inbound message, or one of ours opened or clicked (`engagementEventsOf` in @sdr/domain).
 */
export const countsForEngagement = (m: string) =>
  `(${m}.kind = 'call' OR (${m}.direction = 'in' AND ${m}.kind = 'message') OR ${m}.opened_at IS NOT NULL OR ${m}.clicked_at IS NOT NULL)`;

/** The fit fields of a mask; undefined for "all" (an insert: nothing to compare with). */
export function changedFieldsOf(mask: number): FitField[] | undefined {
  if ((mask & ALL_FIT_BITS) === ALL_FIT_BITS) return undefined;
  return FIT_FIELD_BITS.filter((f) => (mask & f.bit) !== 0).map((f) => f.field);
}

const META_DDL = `CREATE TABLE IF NOT EXISTS lead_query_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`;
const QUEUE_DDL = `CREATE TABLE IF NOT EXISTS lead_score_dirty (
  lead_rowid INTEGER PRIMARY KEY, fields INTEGER NOT NULL)`;

const changed = (c: string) => `old.${c} IS NOT new.${c}`;
const mask = FIT_FIELD_BITS.map((f) => `((${changed(f.column)}) * ${f.bit})`).join(' | ');

const TRIGGERS_DDL = [
  `CREATE TRIGGER lead_score_ai AFTER INSERT ON lead BEGIN
     INSERT INTO lead_score_dirty (lead_rowid, fields) SELECT new.rowid, ${ALL_FIT_BITS}
       WHERE NOT EXISTS (SELECT 1 FROM lead_score_dirty WHERE lead_rowid = new.rowid);
   END`,
  `CREATE TRIGGER lead_score_au AFTER UPDATE OF ${FIT_FIELD_BITS.map((f) => f.column).join(', ')} ON lead
   WHEN ${FIT_FIELD_BITS.map((f) => changed(f.column)).join(' OR ')}
   BEGIN
     UPDATE lead_score_dirty SET fields = fields | (${mask}) WHERE lead_rowid = new.rowid;
     INSERT INTO lead_score_dirty (lead_rowid, fields) SELECT new.rowid, (${mask})
       WHERE NOT EXISTS (SELECT 1 FROM lead_score_dirty WHERE lead_rowid = new.rowid);
   END`,
  `CREATE TRIGGER lead_score_ad AFTER DELETE ON lead BEGIN
     DELETE FROM lead_score_dirty WHERE lead_rowid = old.rowid;
   END`,
];
/** Queues the lead of message `m` (`new` or `old`) with the engagement bit. */
const queueLeadOf = (m: string) => `
     UPDATE lead_score_dirty SET fields = fields | ${ENGAGEMENT_BIT}
       WHERE lead_rowid = (SELECT rowid FROM lead WHERE id = ${m}.lead_id);
     INSERT INTO lead_score_dirty (lead_rowid, fields)
       SELECT l.rowid, ${ENGAGEMENT_BIT} FROM lead l WHERE l.id = ${m}.lead_id
         AND NOT EXISTS (SELECT 1 FROM lead_score_dirty WHERE lead_rowid = l.rowid);`;

// Messages (server-owned facts, written by the sync stream) that count for engagement queue their
// lead when they arrive, change what counts, or go.
const ENGAGEMENT_COLUMNS = 'lead_id, kind, direction, opened_at, clicked_at';
TRIGGERS_DDL.push(
  `CREATE TRIGGER lead_score_message_ai AFTER INSERT ON message
   WHEN ${countsForEngagement('new')} BEGIN ${queueLeadOf('new')} END`,
  `CREATE TRIGGER lead_score_message_au AFTER UPDATE OF ${ENGAGEMENT_COLUMNS} ON message
   WHEN ${ENGAGEMENT_COLUMNS.split(', ')
     .map((c) => changed(c))
     .join(' OR ')}
   BEGIN ${queueLeadOf('new')} ${queueLeadOf('old')} END`,
  `CREATE TRIGGER lead_score_message_ad AFTER DELETE ON message
   WHEN ${countsForEngagement('old')} BEGIN ${queueLeadOf('old')} END`,
);
const TRIGGER_NAMES = [
  'lead_score_ai',
  'lead_score_au',
  'lead_score_ad',
  'lead_score_message_ai',
  'lead_score_message_au',
  'lead_score_message_ad',
];

/**
 * Creates the queue and its triggers, or recreates the triggers after a version change. Leads
 * already stored are not queued here: they are scored by the keeper's full rescore, which runs for
 * a workspace whose scores were never computed with its current configuration.
 */
export function ensureScoreQueue(sqlite: Database.Database): { created: boolean } {
  let created = false;
  sqlite.transaction(() => {
    sqlite.exec(META_DDL);
    sqlite.exec(QUEUE_DDL);
    const version = sqlite
      .prepare(`SELECT value FROM lead_query_meta WHERE key = 'score_queue_version'`)
      .pluck()
      .get() as string | undefined;
    const present = sqlite
      .prepare(
        `SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (${TRIGGER_NAMES.map(() => '?').join(', ')})`,
      )
      .pluck()
      .get(...TRIGGER_NAMES) as number;
    if (version === String(SCORE_QUEUE_VERSION) && present === TRIGGER_NAMES.length) return;
    for (const name of TRIGGER_NAMES) sqlite.exec(`DROP TRIGGER IF EXISTS ${name}`);
    for (const ddl of TRIGGERS_DDL) sqlite.exec(ddl);
    sqlite
      .prepare(
        `INSERT INTO lead_query_meta (key, value) VALUES ('score_queue_version', ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      )
      .run(String(SCORE_QUEUE_VERSION));
    created = true;
  })();
  return { created };
}
