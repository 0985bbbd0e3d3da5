/**
 * Reconciliation of in-doubt messages: a message the worker claimed (`sending`) and then lost
 * track of (worker killed, connection lost after the request, 5xx) may or may not have reached
 * the provider. When its channel's sender offers `reconcile` (Twilio does), the worker enqueues a
 * job on `outbox-reconcile` in the same transaction that marks the message in doubt, and this
 * module looks the message up at the provider:
 *
 * - found: the message becomes `sent` (or the provider's later status) with the provider's id,
 *   so its status callbacks apply from then on; nothing is sent again;
 * - not found, and the provider's records are complete for the claim time: the message goes back
 *   to `queued` with ONE new send job (`resend` in its data; its job id is derived, so a second
 *   resend of the same message cannot be enqueued). If that send ends in doubt too, it is looked
 *   up again, but never resent a second time: then it stays in doubt for the user;
 * - unknown (provider unreachable, records not complete yet): the job fails and pg-boss retries
 *   it with backoff (`reconcileRetryDelaySeconds`, `reconcileAttempts`); when the attempts run out
 *   the message stays in doubt for the user.
 *
 * The message is only changed while it is still in doubt (row lock, status re-checked).
 */
import { nextStatus } from '@sdr/domain';
import { conversation, message } from '@sdr/schema/pg';
import { eq, sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import type { Db } from '../db/schema.ts';
import { loggableError, type Logger } from '../logger.ts';
import type { ChangeBus } from '../sync/change-bus.ts';
import { publishFacts, stampFacts } from '../sync/facts.ts';
import type { Fanout } from '../sync/fanout.ts';
import { queryRows } from '../sync/sql.ts';
import {
  bossDbForTransaction,
  derivedJobId,
  OUTBOX_QUEUE,
  RECONCILE_QUEUE,
  type OutboxChannel,
  type SendJobData,
} from './outbox.ts';
import { IN_DOUBT, type ChannelSender, type ReconcileResult } from './sender.ts';

export interface ReconcileJobData {
  workspaceId: string;
  messageId: string;
  channel: OutboxChannel;
  /** The in-doubt send was already the one resend. */
  resent: boolean;
}

export interface ReconcilerDeps {
  db: Db;
  boss: PgBoss;
  senders: Partial<Record<string, ChannelSender>>;
  sync: { db: Db; bus: ChangeBus; fanout: Fanout };
  logger: Logger;
  clock: () => number;
  newId: () => string;
}

export interface ReconcileStats {
  found: number;
  resent: number;
  unresolved: number;
}

type Job = PgBoss.JobWithMetadata<ReconcileJobData>;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const isInDoubt = (status: string, reason: string | null) =>
  status === 'failed' && (reason ?? '').startsWith(IN_DOUBT);

/** The job id of the one resend of a message. */
export const resendJobId = (messageId: string) => derivedJobId(`outbox:${messageId}:resend`);

/**
 * Enqueues the lookup of messages just marked in doubt, in the caller's transaction; only for
 * channels whose sender can reconcile. Idempotent per message and round.
 */
export async function enqueueReconcile(
  boss: PgBoss,
  senders: Partial<Record<string, ChannelSender>>,
  tx: unknown,
  items: ReconcileJobData[],
): Promise<void> {
  for (const item of items) {
    if (!senders[item.channel]?.reconcile) continue;
    await boss.send(RECONCILE_QUEUE, item, {
      id: derivedJobId(`reconcile:${item.messageId}:${item.resent ? 1 : 0}`),
      db: bossDbForTransaction(tx),
    });
  }
}

export function createReconciler(d: ReconcilerDeps) {
  const log = d.logger.child({ component: 'outbox-reconcile' });
  const stats: ReconcileStats = { found: 0, resent: 0, unresolved: 0 };

  /** Locks the message and runs `write` if it is still in doubt; publishes the facts. */
  async function whileInDoubt(
    workspaceId: string,
    messageId: string,
    write: (tx: Tx, now: number) => Promise<void>,
  ): Promise<boolean> {
    const now = d.clock();
    const stamp = await d.db.transaction(async (tx) => {
      const [row] = await queryRows<{ status: string; status_reason: string | null }>(
        tx,
        sql`select status, status_reason from message where id = ${messageId} for update`,
      );
      if (!row || !isInDoubt(row.status, row.status_reason)) return null;
      await write(tx, now);
      return stampFacts(tx, { bus: d.sync.bus, newId: d.newId, now }, workspaceId, [
        { entity: 'message', id: messageId },
      ]);
    });
    if (stamp) await publishFacts(d.sync, stamp);
    return stamp !== null;
  }

  async function found(job: Job, r: Extract<ReconcileResult, { kind: 'found' }>) {
    const status = nextStatus('sending', r.status);
    await whileInDoubt(job.data.workspaceId, job.data.messageId, async (tx, now) => {
      await tx
        .update(message)
        .set({
          status,
          statusReason: r.reason,
          providerId: r.providerId,
          sentAt: sql`coalesce(${message.sentAt}, ${now}::bigint)`,
          updatedAt: now,
        })
        .where(eq(message.id, job.data.messageId));
    });
    stats.found++;
    log.info({ messageId: job.data.messageId, status }, 'in-doubt message found at the provider');
  }

  async function notFound(job: Job) {
    const { workspaceId, messageId, channel } = job.data;
    if (job.data.resent) {
      stats.unresolved++;
      log.warn({ messageId }, 'in-doubt resend not found at the provider: left to the user');
      return;
    }
    const data: SendJobData = { workspaceId, messageId, channel, resend: true };
    const done = await whileInDoubt(workspaceId, messageId, async (tx, now) => {
      await tx
        .update(message)
        .set({ status: 'queued', statusReason: null, updatedAt: now })
        .where(eq(message.id, messageId));
      await d.boss.send(OUTBOX_QUEUE, data, {
        id: resendJobId(messageId),
        db: bossDbForTransaction(tx),
      });
    });
    if (done) {
      stats.resent++;
      log.info({ messageId }, 'in-doubt message not at the provider: sending it once more');
    }
  }

  /** One job: true when finished, false to retry later. */
  async function handle(job: Job): Promise<boolean> {
    const [m] = await d.db.select().from(message).where(eq(message.id, job.data.messageId));
    if (!m || !isInDoubt(m.status, m.statusReason)) return true;
    const sender = d.senders[m.channel];
    const [c] = await d.db.select().from(conversation).where(eq(conversation.id, m.conversationId));
    if (!sender?.reconcile || !c) return true;
    let r: ReconcileResult;
    try {
      r = await sender.reconcile(m, c, { workspaceId: m.workspaceId, now: d.clock(), logger: log });
    } catch (err) {
      r = { kind: 'unknown', reason: err instanceof Error ? err.message : String(err) };
    }
    if (r.kind === 'found') await found(job, r);
    else if (r.kind === 'not_found') await notFound(job);
    else {
      const last = job.retryCount >= job.retryLimit;
      if (last) stats.unresolved++;
      log.warn({ messageId: m.id, reason: r.reason, last }, 'in-doubt message not reconciled yet');
      return false;
    }
    return true;
  }

  /** Fetches and handles one batch; returns how many jobs it took. */
  async function runOnce(batchSize = 20): Promise<number> {
    const jobs = await d.boss.fetch<ReconcileJobData>(RECONCILE_QUEUE, {
      batchSize,
      includeMetadata: true,
    });
    if (jobs.length === 0) return 0;
    const done: string[] = [];
    const retry: string[] = [];
    await Promise.all(
      jobs.map(async (job) => {
        try {
          ((await handle(job)) ? done : retry).push(job.id);
        } catch (err) {
          log.error({ err: loggableError(err), messageId: job.data.messageId }, 'reconcile failed');
          retry.push(job.id);
        }
      }),
    );
    if (done.length > 0) await d.boss.complete(RECONCILE_QUEUE, done);
    if (retry.length > 0) await d.boss.fail(RECONCILE_QUEUE, retry);
    return jobs.length;
  }

  return { stats, runOnce };
}
