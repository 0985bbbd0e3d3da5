/**
 * Compaction (design §10). `lead.y_state` is always the doc's merged state, re-encoded from the
 * garbage-collected in-memory doc on every write, so the doc itself never accumulates history.
 * What grows is the change log: every update's bytes. They are only needed to push recent changes
 * to other instances (catch-up ships rows and states), so `compactChangeLog` drops the bytes of
 * entries older than the retention window — their effect is already in every doc's state, which
 * is written in the same transaction — and the fan-out falls back to the full state for them.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { loggableError } from '../logger.ts';
import { num, queryRows } from './sql.ts';

export interface CompactionResult {
  /** Change-log entries whose update bytes were dropped. */
  readonly entries: number;
  readonly bytesFreed: number;
}

/** Drops the update bytes of change-log entries created before `before`. */
export async function compactChangeLog(db: Db, before: Date): Promise<CompactionResult> {
  const [r] = await queryRows<{ n: unknown; b: unknown }>(
    db,
    sql`with dropped as (
          update change_log c set update = null
          from (select id, length(update) as len from change_log
                where update is not null and created_at < ${before.toISOString()}::timestamptz
                limit 50000) old
          where c.id = old.id
          returning old.len)
        select count(*) as n, coalesce(sum(len), 0) as b from dropped`,
  );
  return { entries: num(r?.n), bytesFreed: num(r?.b) };
}

export interface CompactionJob {
  runOnce(): Promise<CompactionResult>;
  stop(): void;
}

/** Runs `compactChangeLog` every `intervalMs` (0: only on demand) for entries older than `retentionMs`. */
export function startCompactionJob(
  db: Db,
  logger: Logger,
  options: { intervalMs: number; retentionMs: number; now?: () => number },
): CompactionJob {
  const now = options.now ?? Date.now;
  let running: Promise<CompactionResult> | null = null;
  const runOnce = async (): Promise<CompactionResult> => {
    running ??= compactChangeLog(db, new Date(now() - options.retentionMs)).finally(() => {
      running = null;
    });
    return running;
  };
  if (options.intervalMs <= 0) return { runOnce, stop: () => {} };
  const timer = setInterval(() => {
    runOnce().then(
      (r) => {
        if (r.entries > 0) logger.info(r, 'sync change log compacted');
      },
      (err: unknown) => logger.warn({ err: loggableError(err) }, 'sync compaction failed'),
    );
  }, options.intervalMs);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
