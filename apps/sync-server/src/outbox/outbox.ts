/**
 * The durable outbox (issue 5): every outbound message (SMS, WhatsApp, email; later campaigns) is
 * a pg-boss 10 job in the same Postgres as the message row, written in the SAME transaction as
 * the row (`enqueueSend(tx, …)`), so a message exists exactly when its send job exists.
 *
 * pg-boss runs on both drivers of the server:
 * - Postgres (`DATABASE_URL`): pg-boss opens its own small `pg` pool from the connection string;
 *   `enqueueSend` runs its insert on the caller's postgres.js transaction connection.
 * - PGlite (embedded): pg-boss gets a `db: { executeSql }` adapter over the one PGlite instance
 *   (multi-statement texts without parameters go through `exec`, the rest through `query`).
 *
 * One job per message: the job id is a UUID derived from the message id, and pg-boss inserts with
 * `ON CONFLICT DO NOTHING`, so enqueueing a message twice is a no-op. The worker (`worker.ts`)
 * claims the message row before calling the provider, which is what makes sends at-most-once.
 */
import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import PgBoss from 'pg-boss';
import type { DatabaseHandle } from '../db/open.ts';
import type { Db } from '../db/schema.ts';

/** pg-boss queue of message sends. */
export const OUTBOX_QUEUE = 'outbox-send';
/** pg-boss queue of in-doubt messages to look up at their provider (`reconcile.ts`). */
export const RECONCILE_QUEUE = 'outbox-reconcile';

/** pg-boss's database interface (`db` option and `send(…, { db })`). */
export interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** The channels the outbox sends on. */
export type OutboxChannel = 'sms' | 'whatsapp' | 'email';

export interface EnqueueSendInput {
  workspaceId: string;
  messageId: string;
  channel: OutboxChannel;
  /** Send later: ms since epoch; absent or in the past = as soon as possible. */
  sendAt?: number | null;
}

/** The job's data (kept small: the worker reads the message row). */
export interface SendJobData {
  workspaceId: string;
  messageId: string;
  channel: OutboxChannel;
  /** Set on the one send after a reconciliation found nothing at the provider. */
  resend?: true;
}

export interface OutboxSettings {
  /** Attempts for transient provider errors (pg-boss retryLimit + 1). Default 5. */
  maxAttempts?: number;
  /** First retry delay in seconds, doubled each time (pg-boss retryBackoff). Default 5. */
  retryDelaySeconds?: number;
  /**
   * How long a fetched job may stay active before pg-boss expires it (a worker crashed) and hands
   * it out again; the next worker then finds the message `sending` (in doubt). Must exceed the
   * time a worker needs for one batch (provider timeouts × batch / concurrency). Default 120 s.
   */
  expireInSeconds?: number;
  /** First delay before an in-doubt lookup is retried (s, doubled each time). Default 30. */
  reconcileRetryDelaySeconds?: number;
  /** Lookups of one in-doubt message before it is left to the user. Default 12. */
  reconcileAttempts?: number;
}

/** The job id of a message's send: a UUID (v4 layout) from SHA-256 of the message id. */
export function sendJobId(messageId: string): string {
  return derivedJobId(`outbox:${messageId}`);
}

/** A UUID (v4 layout) from SHA-256 of `key`: the same key gives the same pg-boss job id. */
export function derivedJobId(key: string): string {
  const h = createHash('sha256').update(key).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** postgres.js serialises unknown-typed values with String(): objects must be JSON first. */
function pgValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v)) {
    return JSON.stringify(v);
  }
  return v;
}

interface PostgresJsLike {
  unsafe(text: string, values?: unknown[]): Promise<unknown[]>;
}
interface PgliteLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * pg-boss's `db` over a drizzle transaction (either driver): the raw driver connection of the
 * transaction, so pg-boss's positional SQL runs unchanged inside it. Reads drizzle's session
 * (`tx.session.client`), the one place this module depends on drizzle internals.
 */
export function bossDbForTransaction(tx: unknown): BossDb {
  const client = (tx as { session?: { client?: unknown } }).session?.client;
  if (client && typeof (client as PostgresJsLike).unsafe === 'function') {
    const c = client as PostgresJsLike;
    return {
      async executeSql(text, values = []) {
        const rows = await c.unsafe(text, values.map(pgValue));
        return { rows: [...rows] };
      },
    };
  }
  if (client && typeof (client as PgliteLike).query === 'function') {
    const c = client as PgliteLike;
    return { executeSql: (text, values) => c.query(text, values ?? []) };
  }
  throw new TypeError('enqueueSend: not a drizzle transaction of postgres.js or PGlite');
}

/** pg-boss's `db` over a PGlite instance (outside transactions). */
export function bossDbForPglite(pg: PGlite): BossDb {
  return {
    async executeSql(text, values) {
      if (!values || values.length === 0) {
        // pg-boss's `locked()` plans are several statements (BEGIN; lock; …; COMMIT).
        const results = await pg.exec(text);
        return results.at(-1) ?? { rows: [] };
      }
      return pg.query(text, values);
    },
  };
}

/** The queue options pg-boss stores with the queue (and copies into each job). */
export function queueOptions(s: OutboxSettings = {}) {
  const maxAttempts = s.maxAttempts ?? 5;
  return {
    retryLimit: Math.max(0, maxAttempts - 1),
    retryDelay: s.retryDelaySeconds ?? 5,
    retryBackoff: true,
    expireInSeconds: s.expireInSeconds ?? 120,
  };
}

export interface StartBossOptions extends OutboxSettings {
  /** Run pg-boss maintenance (expire, archive) in this process. Default true. */
  supervise?: boolean;
  maintenanceIntervalSeconds?: number;
  /** Connections of pg-boss's own pool (Postgres only). Default 4. */
  poolSize?: number;
  /** Where pg-boss's background errors (maintenance, pool) go; default: dropped. */
  onError?: (err: unknown) => void;
}

/**
 * Starts pg-boss on the server's database (creates/migrates its `pgboss` schema) and creates the
 * outbox queue. Postgres: own `pg` pool from `url`; PGlite: the adapter over the instance.
 */
export async function startBoss(
  target: { kind: 'postgres'; url: string } | { kind: 'pglite'; client: PGlite },
  o: StartBossOptions = {},
): Promise<PgBoss> {
  const common = {
    schedule: false,
    supervise: o.supervise ?? true,
    migrate: true,
    maintenanceIntervalSeconds: o.maintenanceIntervalSeconds ?? 30,
  };
  const boss =
    target.kind === 'postgres'
      ? new PgBoss({ ...common, connectionString: target.url, max: o.poolSize ?? 4 })
      : new PgBoss({ ...common, db: bossDbForPglite(target.client) });
  // pg-boss emits 'error' for failed maintenance; without a listener it would throw.
  boss.on('error', (err) => o.onError?.(err));
  await boss.start();
  await ensureOutboxQueue(boss, o);
  return boss;
}

/** The reconcile queue's options: retried with backoff while the provider cannot tell. */
export function reconcileQueueOptions(s: OutboxSettings = {}) {
  return {
    retryLimit: Math.max(0, (s.reconcileAttempts ?? 12) - 1),
    retryDelay: s.reconcileRetryDelaySeconds ?? 30,
    retryBackoff: true,
    expireInSeconds: s.expireInSeconds ?? 120,
  };
}

/** Creates the queues, or updates their retry/expiry settings. */
export async function ensureOutboxQueue(boss: PgBoss, o: OutboxSettings = {}): Promise<void> {
  for (const [name, opts] of [
    [OUTBOX_QUEUE, queueOptions(o)],
    [RECONCILE_QUEUE, reconcileQueueOptions(o)],
  ] as const) {
    await boss.createQueue(name, { name, policy: 'standard', ...opts });
    await boss.updateQueue(name, { name, policy: 'standard', ...opts });
  }
}

/** pg-boss for a server database handle (see `startBoss`). */
export function startBossFor(
  handle: DatabaseHandle,
  url: string | undefined,
  o: StartBossOptions = {},
): Promise<PgBoss> {
  if (handle.kind === 'pglite') return startBoss({ kind: 'pglite', client: handle.client }, o);
  if (!url) throw new Error('startBossFor: the Postgres URL is required');
  return startBoss({ kind: 'postgres', url }, o);
}

/** Wakes in-process workers soon after an enqueue (they also poll). */
const wakers = new WeakMap<object, Set<() => void>>();

export function onOutboxEnqueued(db: Db, wake: () => void): () => void {
  let set = wakers.get(db);
  if (!set) wakers.set(db, (set = new Set()));
  set.add(wake);
  return () => set.delete(wake);
}

export interface Outbox {
  /**
   * Enqueues the send of a message inside the caller's drizzle transaction (`tx`), so the job
   * commits (or rolls back) with the message row. Idempotent per message id.
   */
  enqueueSend(tx: unknown, input: EnqueueSendInput): Promise<void>;
}

/** The outbox's enqueue side for `boss` (any process; the worker may run elsewhere). */
export function createOutbox(boss: PgBoss, db?: Db, o: OutboxSettings = {}): Outbox {
  const opts = queueOptions(o);
  return {
    async enqueueSend(tx, input) {
      const data: SendJobData = {
        workspaceId: input.workspaceId,
        messageId: input.messageId,
        channel: input.channel,
      };
      await boss.send(OUTBOX_QUEUE, data, {
        id: sendJobId(input.messageId),
        db: bossDbForTransaction(tx),
        ...(input.sendAt != null && input.sendAt > Date.now()
          ? { startAfter: new Date(input.sendAt) }
          : {}),
        retryLimit: opts.retryLimit,
        retryDelay: opts.retryDelay,
        retryBackoff: opts.retryBackoff,
        expireInSeconds: opts.expireInSeconds,
      });
      // The transaction has not committed yet: wake workers a little later (they poll anyway).
      const set = db ? wakers.get(db) : undefined;
      if (set && set.size > 0) {
        for (const delay of [5, 50]) {
          setTimeout(() => {
            for (const wake of set) wake();
          }, delay).unref();
        }
      }
    },
  };
}
