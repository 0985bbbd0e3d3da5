/**
 * The background search indexer. Notes live only in each lead's Y.Doc, and initial sync stores
 * docs without decoding them (one INSERT per lead), so the triggers of search-index.ts only queue
 * the lead in `lead_search_pending`; this indexer decodes queued docs in small batches between
 * other work and stores their notes (which rewrites their FTS row). A lead edited locally or
 * changed remotely is indexed at once (`changed(ids)`, fed by the engine's `leads:changed`
 * events); a one-second poll catches writers that report nothing. The same loop flushes the FTS
 * rewrites queued in `lead_search_dirty`, and runs `PRAGMA optimize` once a big backlog (an
 * initial sync) is done, so the query planner has statistics for the new rows.
 */
import type Database from 'better-sqlite3';
import { loadRecordDoc, notesOf } from '@sdr/schema/sync';
import type { Logger } from '../../logger.ts';
import { createNotesWriter, createSearchQueue } from './search-index.ts';

export interface NotesIndexerOptions {
  log: Logger;
  /** Docs per batch while the engine is idle / busy answering requests. */
  batch?: { idle: number; busy: number };
  /** Pause between batches (ms). */
  gapMs?: number;
  /** How often an empty queue is looked at again (ms). */
  pollMs?: number;
  /** How long after a request the engine counts as busy (ms). */
  busyMs?: number;
  /** Leads indexed after which `PRAGMA optimize` runs when the queue empties. */
  optimizeAfter?: number;
  /**
   * Other housekeeping, run on every turn of the loop (the query layer's: log pruning, custom-field
   * indexes); `idle` when nothing was queued and nobody queried for `idleMs`.
   */
  maintenance?: (idle: boolean) => void;
  /** Quiet time after which the engine counts as idle for slow housekeeping (default 5 s). */
  idleMs?: number;
  /** True while the loop must wait (catch-up mode: leads are being loaded). */
  paused?: () => boolean;
}

/**
 * The next queued docs. CROSS JOIN: the queue drives the loop (without statistics on the queue
 * SQLite's planner scanned every lead and sorted them, on every turn of the loop, an empty queue
 * included: most of an import's CPU time in a profile at 100k leads).
 */
export const NEXT_PENDING_SQL = `SELECT l.rowid AS rowid, l.id AS id, l.y_state AS y_state
  FROM lead_search_pending p CROSS JOIN lead l ON l.rowid = p.lead_rowid
  ORDER BY p.lead_rowid LIMIT ?`;

interface PendingRow {
  rowid: number;
  id: string;
  y_state: Buffer | null;
}

/** A stored doc's notes ('' when it has none or cannot be decoded). */
export function notesOfState(id: string, state: Uint8Array | null): string {
  if (!state) return '';
  const doc = loadRecordDoc(`lead:${id}`, [state]);
  try {
    return notesOf(doc).toJSON();
  } finally {
    doc.destroy();
  }
}

export class NotesIndexer {
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private lastActivity = 0;
  private indexedSinceOptimize = 0;
  private readonly write;
  private readonly searchQueue;
  private readonly nextPending;
  private readonly pendingOf;
  private readonly anyPending;
  private readonly countPending;
  private readonly o: Required<Omit<NotesIndexerOptions, 'log'>> & { log: Logger };

  constructor(
    private readonly sqlite: Database.Database,
    options: NotesIndexerOptions,
  ) {
    this.o = {
      batch: { idle: 500, busy: 50 },
      gapMs: 10,
      pollMs: 1000,
      busyMs: 250,
      optimizeAfter: 10_000,
      maintenance: () => undefined,
      idleMs: 5000,
      paused: () => false,
      ...options,
    };
    this.write = createNotesWriter(sqlite);
    this.searchQueue = createSearchQueue(sqlite);
    this.nextPending = sqlite.prepare(NEXT_PENDING_SQL);
    this.pendingOf = (count: number) =>
      sqlite.prepare(
        `SELECT l.rowid AS rowid, l.id AS id, l.y_state AS y_state
         FROM lead l JOIN lead_search_pending p ON p.lead_rowid = l.rowid
         WHERE l.id IN (${Array(count).fill('?').join(', ')})`,
      );
    this.anyPending = sqlite.prepare(`SELECT 1 FROM lead_search_pending LIMIT 1`).pluck();
    this.countPending = sqlite.prepare(`SELECT count(*) FROM lead_search_pending`).pluck();
  }

  /** Starts the background loop. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The engine is answering requests: index in smaller batches for a while. */
  noteActivity(): void {
    this.lastActivity = performance.now();
  }

  /** Docs waiting to be decoded. */
  pending(): number {
    return this.countPending.get() as number;
  }

  /**
   * Leads changed (ids; null: many, e.g. a wipe or a bulk write): index the named ones now and
   * let the loop run soon for the rest.
   */
  changed(ids: readonly string[] | null): void {
    if (this.stopped || !this.sqlite.open) return;
    if (ids && ids.length > 0 && ids.length <= 200) {
      try {
        this.index(this.pendingOf(ids.length).all(...ids) as PendingRow[]);
        this.searchQueue.flush(5000);
      } catch (err) {
        this.o.log.warn('indexing changed leads failed', { err });
      }
    }
    this.schedule(0);
  }

  /**
   * One batch (tests and the loop): decodes up to `limit` queued docs and flushes queued FTS
   * rewrites; returns how many rows of either it took off the queues.
   */
  runBatch(limit: number): number {
    const rows = this.nextPending.all(limit) as PendingRow[];
    this.index(rows);
    return rows.length + this.searchQueue.flush(Math.max(limit, 1000));
  }

  /** Indexes everything queued (tests, benchmarks). */
  drain(): number {
    let total = 0;
    for (let n = this.runBatch(1000); n > 0; n = this.runBatch(1000)) total += n;
    return total;
  }

  private index(rows: readonly PendingRow[]): void {
    if (rows.length === 0) return;
    const decoded = rows.map((r) => {
      let notes = '';
      try {
        notes = notesOfState(r.id, r.y_state);
      } catch (err) {
        this.o.log.warn('a lead doc could not be decoded for search; indexed without notes', {
          leadId: r.id,
          err,
        });
      }
      return { rowid: r.rowid, notes };
    });
    this.sqlite.transaction(() => {
      for (const d of decoded) this.write(d.rowid, d.notes);
    })();
    this.indexedSinceOptimize += rows.length;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = null;
    if (this.stopped) return;
    if (!this.sqlite.open) {
      this.stop();
      return;
    }
    if (this.o.paused()) {
      this.schedule(this.o.pollMs);
      return;
    }
    try {
      const quiet = performance.now() - this.lastActivity;
      const done = this.runBatch(quiet < this.o.busyMs ? this.o.batch.busy : this.o.batch.idle);
      this.o.maintenance(done === 0 && quiet >= this.o.idleMs);
      if (done > 0) {
        this.schedule(this.o.gapMs);
        return;
      }
      if (
        this.indexedSinceOptimize >= this.o.optimizeAfter &&
        this.anyPending.get() === undefined
      ) {
        this.indexedSinceOptimize = 0;
        this.sqlite.pragma('optimize');
      }
    } catch (err) {
      this.o.log.warn('search indexing batch failed; retrying later', { err });
    }
    this.schedule(this.o.pollMs);
  }
}
