/**
 * Catch-up mode: a big catch-up (the initial sync of a workspace above all) writes its leads
 * without keeping the derived structures up to date row by row, and brings them up to date once,
 * in bulk, when the catch-up is done.
 *
 * Why: every stored lead fires three INSERT triggers (the search and notes queues of
 * search-index.ts, the change log of count-cache.ts, the score queue of ../score/score-queue.ts)
 * and updates about ten secondary indexes whose keys come in no useful order; each catch-up page
 * is one transaction, so its WAL commit rewrites most index pages again. Measured at 100k leads:
 * ~70 µs per stored lead with all of it, ~20 µs without; a CREATE INDEX afterwards sorts
 * once (~0.1-0.3 s per index at 100k, ~2 s for all of them).
 *
 * - **Begin** (`beforePage`, from the sync client before it stores a page of its first catch-up):
 *   when at least `minBacklog` changes are still to come and the workspace holds no more local
 *   leads than that. In one transaction: the lead INSERT triggers get a guard that skips the
 *   loaded workspace's leads (other workspaces' inserts are queued as usual) and the droppable
 *   indexes are dropped; their SQL is kept in `lead_query_meta` (`catch_up_mode`), so a crash loses
 *   nothing. UPDATE and DELETE triggers stay: a live change or a local edit of a lead stored
 *   meanwhile is queued as usual.
 * - **Meanwhile** queries answer: a search, a count or a read by score first queues and logs the
 *   leads stored since the last such read (`beforeRead`: the workspace's rows above a rowid mark,
 *   one INSERT … SELECT per queue), so cached counts follow them as deltas; the background indexer
 *   and score keeper pause (`paused()`); the page planner is told which indexes are gone, and the
 *   lookups that force an index with `INDEXED BY` check first (the duplicate finder builds its
 *   indexes again on demand, the import's dedupe lookups go without theirs).
 * - **Finish** (`caughtUp`, after the last page; or the sync client stops; or at the next open):
 *   one transaction recreates the triggers and queues every lead of the workspace exactly as the
 *   INSERT triggers would have (search and notes queues, the change log, the score queue with
 *   every fit field), so nothing is missed whichever writer stored a lead meanwhile. Then the
 *   indexes are rebuilt in the background, one per turn of the event loop (the default sort's
 *   and the counts' first, then the search index is brought up to date in chunks, then the
 *   others), while queries answer without them; the notes indexer and the score keeper work off
 *   their queues as usual. At the next open anything left is finished before the query layer
 *   opens.
 */
import type Database from 'better-sqlite3';
import type { Logger } from '../../logger.ts';
import { ALL_FIT_BITS } from '../score/score-queue.ts';
import { createSearchQueue, type SearchQueue } from './search-index.ts';

/** The INSERT triggers on `lead` this mode stands in for (see `requeue`). */
export const LEAD_INSERT_TRIGGERS = ['lead_search_ai', 'lead_change_ai', 'lead_score_ai'] as const;
/** Where a guard goes into one of them: they skip the loaded workspace's leads meanwhile. */
export const INSERT_TRIGGER_HEAD = /AFTER INSERT ON lead\s+BEGIN/i;

/** Rebuilt first: the default sort (leads:list, the leads table) and the counts' index. */
const FIRST_INDEXES = ['lead_q_updated', 'lead_q_facets'];
/** Search index rows rewritten per turn after a catch-up (~0.1 s at a time). */
const FTS_CHUNK = 5000;

const META_KEY = 'catch_up_mode';

interface Saved {
  name: string;
  sql: string;
}

interface State {
  workspaceId: string;
  /** `loading`: triggers guarded, indexes dropped; `indexing`: triggers back, indexes being rebuilt. */
  phase: 'loading' | 'indexing';
  triggers: Saved[];
  indexes: Saved[];
  /** The workspace's leads with a larger rowid were not queued yet by `beforeRead`. */
  mark: number;
  startedAt: number;
}

export interface CatchUpModeOptions {
  log: Logger;
  /** Indexes were dropped or rebuilt (the query layer's page planner looks again). */
  onChanged: () => void;
  /** The derived structures were queued (the background loops have work). */
  onQueued?: () => void;
  /** Pending changes at least this many: catch-up mode (default 20,000). */
  minBacklog?: number;
  /** Pause between two index builds (ms; default 10). */
  gapMs?: number;
}

export class CatchUpMode {
  private state: State | null;
  private timer: NodeJS.Timeout | null = null;
  private searchQueue: SearchQueue | null = null;
  private closed = false;
  private readonly o: Required<Omit<CatchUpModeOptions, 'onQueued'>> &
    Pick<CatchUpModeOptions, 'onQueued'>;

  constructor(
    private readonly sqlite: Database.Database,
    options: CatchUpModeOptions,
  ) {
    this.o = { minBacklog: 20_000, gapMs: 10, ...options };
    sqlite.exec(
      `CREATE TABLE IF NOT EXISTS lead_query_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    );
    this.state = this.read();
  }

  /**
   * At open, before the other derived structures are checked: a catch-up mode left by a crash or
   * a shutdown is finished now (triggers, queues and every index, synchronously).
   */
  recover(): void {
    const s = this.state;
    if (!s) return;
    this.o.log.info('finishing a catch-up interrupted by a restart', { phase: s.phase });
    if (s.phase === 'loading') this.finishLoading(s);
    while (this.buildNextIndex()) {
      /* every index, now */
    }
  }

  /** The workspace being loaded, or null. */
  active(): string | null {
    return this.state?.phase === 'loading' ? this.state.workspaceId : null;
  }

  /** Background work waits while leads are loaded. */
  paused(): boolean {
    return this.active() !== null;
  }

  /**
   * The sync client is about to store a page of its first catch-up, with `backlog` changes still
   * to come (this page's included). Begins catch-up mode when worth it.
   */
  beforePage(workspaceId: string, backlog: number): void {
    if (this.closed || !this.sqlite.open) return;
    const s = this.state;
    if (s?.phase === 'loading' && s.workspaceId === workspaceId) return;
    if (backlog < this.o.minBacklog) return;
    if (s?.phase === 'loading') this.caughtUp(s.workspaceId);
    const local = this.sqlite
      .prepare(`SELECT count(*) FROM lead WHERE workspace_id = ?`)
      .pluck()
      .get(workspaceId) as number;
    // Queuing every lead of the workspace at the end must stay small next to the catch-up.
    if (local > backlog) return;
    this.begin(workspaceId);
  }

  /** The catch-up of this workspace is done (or stopped): derived structures are brought up to date. */
  caughtUp(workspaceId: string): void {
    const s = this.state;
    if (!s || s.phase !== 'loading' || s.workspaceId !== workspaceId || !this.sqlite.open) return;
    this.finishLoading(s);
    this.schedule();
  }

  /**
   * A search, a count or a read by score is about to run while leads are loaded: the leads stored
   * since the last call are queued and logged, as the INSERT triggers would have done, so it sees
   * them (and a cached count follows them as deltas).
   */
  beforeRead(): void {
    const s = this.state;
    if (!s || s.phase !== 'loading') return;
    const max = (this.sqlite.prepare(`SELECT max(rowid) FROM lead`).pluck().get() as number) ?? 0;
    if (max <= s.mark) return;
    this.sqlite.transaction(() => {
      this.requeue(s.workspaceId, `rowid > ${s.mark} AND rowid <= ${max} AND`, true);
      s.mark = max;
      this.write(s);
    })();
  }

  /** Stops the background index builds (the engine closes; the next open finishes them). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private begin(workspaceId: string): void {
    const t0 = performance.now();
    const sqlite = this.sqlite;
    const state = sqlite.transaction((): State => {
      const triggers = sqlite
        .prepare(
          `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'lead'
           AND name IN (${LEAD_INSERT_TRIGGERS.map(() => '?').join(', ')})`,
        )
        .all(...LEAD_INSERT_TRIGGERS) as Saved[];
      const indexes = sqlite
        .prepare(
          `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lead'
             AND sql IS NOT NULL AND upper(substr(sql, 1, 13)) <> 'CREATE UNIQUE'`,
        )
        .all() as Saved[];
      const quoted = `'${workspaceId.replace(/'/g, "''")}'`;
      const replaced: Saved[] = [];
      for (const t of triggers) {
        const guarded = t.sql.replace(
          INSERT_TRIGGER_HEAD,
          `AFTER INSERT ON lead WHEN new.workspace_id IS NOT ${quoted} BEGIN`,
        );
        if (guarded === t.sql) continue; // Not in the expected shape: it keeps firing.
        sqlite.exec(`DROP TRIGGER "${t.name}"`);
        sqlite.exec(guarded);
        replaced.push(t);
      }
      for (const i of indexes) sqlite.exec(`DROP INDEX "${i.name}"`);
      const mark = (sqlite.prepare(`SELECT max(rowid) FROM lead`).pluck().get() as number) ?? 0;
      // Indexes an earlier catch-up had still to rebuild stay on the list.
      const pending = this.state?.phase === 'indexing' ? this.state.indexes : [];
      const s: State = {
        workspaceId,
        phase: 'loading',
        triggers: replaced,
        indexes: [...pending.filter((p) => !indexes.some((i) => i.name === p.name)), ...indexes],
        mark,
        startedAt: Date.now(),
      };
      this.write(s);
      return s;
    })();
    this.state = state;
    this.o.onChanged();
    this.o.log.info('catch-up mode: leads stored without derived structures until caught up', {
      triggers: state.triggers.length,
      indexes: state.indexes.length,
      ms: Math.round(performance.now() - t0),
    });
  }

  private finishLoading(s: State): void {
    const t0 = performance.now();
    const sqlite = this.sqlite;
    sqlite.transaction(() => {
      for (const t of s.triggers) {
        sqlite.exec(`DROP TRIGGER IF EXISTS "${t.name}"`);
        sqlite.exec(t.sql);
      }
      this.requeue(s.workspaceId, '', true);
      s.phase = 'indexing';
      this.write(s);
    })();
    this.o.onChanged();
    this.o.onQueued?.();
    this.o.log.info('catch-up mode: triggers back, every lead of the workspace queued', {
      ms: Math.round(performance.now() - t0),
    });
  }

  /**
   * What the INSERT triggers would have done for these leads of the workspace (`range`: a rowid
   * condition ending in AND, or ''): the FTS and notes queues, the score queue with every fit
   * field, and (`log`) the count cache's change log.
   */
  private requeue(workspaceId: string, range: string, log: boolean): void {
    const sqlite = this.sqlite;
    // One pass over the (wide, unindexed meanwhile) rows into a temporary list, then one insert per
    // queue from it.
    sqlite.exec(
      `CREATE TEMP TABLE IF NOT EXISTS catch_up_rows (rid INTEGER PRIMARY KEY, has_state INTEGER NOT NULL)`,
    );
    sqlite.exec(`DELETE FROM temp.catch_up_rows`);
    sqlite
      .prepare(
        `INSERT INTO temp.catch_up_rows (rid, has_state)
         SELECT rowid, y_state IS NOT NULL FROM lead WHERE ${range} workspace_id = ?`,
      )
      .run(workspaceId);
    sqlite.exec(
      `INSERT OR IGNORE INTO lead_search_dirty (lead_rowid) SELECT rid FROM temp.catch_up_rows`,
    );
    sqlite.exec(
      `INSERT OR IGNORE INTO lead_search_pending (lead_rowid)
       SELECT rid FROM temp.catch_up_rows WHERE has_state`,
    );
    sqlite.exec(
      `INSERT INTO lead_score_dirty (lead_rowid, fields) SELECT rid, ${ALL_FIT_BITS} FROM temp.catch_up_rows
       WHERE true ON CONFLICT(lead_rowid) DO UPDATE SET fields = ${ALL_FIT_BITS}`,
    );
    if (log) {
      sqlite.exec(`INSERT INTO lead_change_log (lead_rowid) SELECT rid FROM temp.catch_up_rows`);
    }
    sqlite.exec(`DELETE FROM temp.catch_up_rows`);
  }

  private schedule(): void {
    if (this.closed || this.timer || this.state?.phase !== 'indexing') return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed || !this.sqlite.open) return;
      try {
        if (this.step()) this.schedule();
      } catch (err) {
        this.o.log.warn('rebuilding an index after a catch-up failed; retrying', { err });
        this.timer = setTimeout(() => this.schedule(), 1000);
        this.timer.unref();
      }
    }, this.o.gapMs);
    this.timer.unref();
  }

  /**
   * One piece of the work after a catch-up: the default sort's and the counts' indexes, then the
   * search index in chunks (a search would otherwise flush tens of thousands of rows itself), then
   * the other indexes. False when nothing is left.
   */
  private step(): boolean {
    const s = this.state;
    if (!s || s.phase !== 'indexing') return false;
    if (!s.indexes.some((i) => FIRST_INDEXES.includes(i.name))) {
      this.searchQueue ??= createSearchQueue(this.sqlite);
      if (this.searchQueue.flush(FTS_CHUNK) > 0) return true;
    }
    return this.buildNextIndex();
  }

  /** Builds the next dropped index; false when none is left (catch-up mode is then over). */
  private buildNextIndex(): boolean {
    const s = this.state;
    if (!s || s.phase !== 'indexing') return false;
    const next = s.indexes.find((i) => FIRST_INDEXES.includes(i.name)) ?? s.indexes[0];
    const sqlite = this.sqlite;
    const t0 = performance.now();
    sqlite.transaction(() => {
      if (next) {
        const exists = sqlite
          .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?`)
          .get(next.name);
        // Someone else (custom-indexes.ts) may have built it meanwhile, maybe differently.
        if (!exists) sqlite.exec(next.sql);
        s.indexes = s.indexes.filter((i) => i !== next);
      }
      if (s.indexes.length > 0) this.write(s);
      else sqlite.prepare(`DELETE FROM lead_query_meta WHERE key = ?`).run(META_KEY);
    })();
    if (next) this.o.onChanged();
    if (s.indexes.length > 0) {
      this.o.log.debug('index rebuilt after a catch-up', {
        index: next?.name,
        ms: Math.round(performance.now() - t0),
      });
      return true;
    }
    this.state = null;
    this.o.log.info('catch-up mode over: every index rebuilt', {
      sinceBeginMs: Date.now() - s.startedAt,
    });
    return false;
  }

  private read(): State | null {
    const v = this.sqlite
      .prepare(`SELECT value FROM lead_query_meta WHERE key = ?`)
      .pluck()
      .get(META_KEY) as string | undefined;
    return v ? (JSON.parse(v) as State) : null;
  }

  private write(s: State): void {
    this.sqlite
      .prepare(
        `INSERT INTO lead_query_meta (key, value) VALUES (?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      )
      .run(META_KEY, JSON.stringify(s));
  }
}
