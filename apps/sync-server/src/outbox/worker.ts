/**
 * The outbox worker: fetches send jobs from pg-boss in batches and hands each message to its
 * channel's `ChannelSender`, never twice.
 *
 * Per batch (one pg-boss fetch of up to `batchSize` jobs):
 * 0. Read the messages and conversations; the senders' `prepare` does its lookups and returns
 *    headers to store (email: Message-ID, thread, addresses).
 * 1. **Claim** (one transaction): lock the messages (`FOR UPDATE`), move `queued`/`scheduled` to
 *    `sending` with those headers and the fact seq in one UPDATE, log the facts, COMMIT, all
 *    before any provider is called. A message found already in
 *    `sending` was claimed by a worker that died (pg-boss expired its job and handed it out again):
 *    it is **in doubt** and is failed with reason `in_doubt`, never resent automatically (the
 *    user sees "may not have been sent" and decides). `canceled` (a canceled send-later) and
 *    anything else already past sending are skipped.
 * 2. **Send** the claimed messages, `concurrency` at a time.
 * 3. **Record** (as sends complete, one transaction at a time per batch, each taking every outcome
 *    that came in since the previous one started; the first after `flushEvery`): `sent` +
 *    providerId, or `failed` + reason (permanent error,
 *    last attempt, or an ambiguous error: in doubt); a transient error before the last attempt
 *    puts the message back to `queued` and the job is failed so pg-boss retries it with backoff.
 *    Statuses only move forward (`nextStatus`), so a delivery callback that overtook the worker
 *    is kept; an in-doubt mark set meanwhile is replaced by what really happened.
 * 4. Complete the jobs (or fail the retried ones) in pg-boss, in step 3's transaction.
 *
 * A crash between 1 and 3 leaves `sending` + an active job: that is the in-doubt case above.
 *
 * Every in-doubt mark (claim, ambiguous outcome, abandoned-job sweep) also enqueues, in the same
 * transaction, a lookup at the provider when the channel's sender can do one (`reconcile.ts`,
 * run by one more loop here): found → sent with its id; not there → sent once more.
 * `loops` batches run in parallel (fetch the next batch while one is being sent).
 */
import { nextStatus } from '@sdr/domain';
import type { MessageStatus } from '@sdr/schema';
import { conversation, message } from '@sdr/schema/pg';
import { sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import type { Db } from '../db/schema.ts';
import { fastUlid } from '../fast-ulid.ts';
import { loggableError, type Logger } from '../logger.ts';
import type { ChangeBus } from '../sync/change-bus.ts';
import {
  logFacts,
  publishFacts,
  reserveFactSeqs,
  stampFacts,
  type FactStamp,
} from '../sync/facts.ts';
import type { Fanout } from '../sync/fanout.ts';
import { queryPrepared, queryRows } from '../sync/sql.ts';
import {
  bossDbForTransaction,
  type BossDb,
  OUTBOX_QUEUE,
  onOutboxEnqueued,
  type OutboxChannel,
  type SendJobData,
} from './outbox.ts';
import { createReconciler, enqueueReconcile, type ReconcileStats } from './reconcile.ts';
import {
  IN_DOUBT,
  SendError,
  type ChannelSender,
  type ConversationRow,
  type MessageRow,
  type SendResult,
  type StoredHeaders,
} from './sender.ts';

export interface OutboxWorkerOptions {
  db: Db;
  boss: PgBoss;
  senders: Partial<Record<string, ChannelSender>>;
  sync: { db: Db; bus: ChangeBus; fanout: Fanout };
  logger: Logger;
  /** Jobs per fetch (default 100). */
  batchSize?: number;
  /** Sends in flight per batch (default 20). */
  concurrency?: number;
  /** Batches processed in parallel (default 2). */
  loops?: number;
  /**
   * Outcomes that start a record transaction (default 25); one in flight per batch, and it takes
   * every outcome in at its start, so groups grow when the database is the slower side.
   */
  flushEvery?: number;
  /** Idle poll interval (ms, default 500). */
  pollMs?: number;
  /** How often jobs abandoned by a dead worker are expired here (ms, default 5000; 0 = never). */
  expireEveryMs?: number;
  clock?: () => number;
  newId?: () => string;
}

export interface OutboxWorkerStats {
  sent: number;
  failed: number;
  inDoubt: number;
  retried: number;
  skipped: number;
}

export interface OutboxWorker {
  readonly stats: OutboxWorkerStats;
  /** In-doubt messages found at the provider, resent, or left to the user. */
  readonly reconcileStats: ReconcileStats;
  /** Wake the loops now (new jobs committed). */
  wake(): void;
  /** Stops fetching and waits for the batches in flight. */
  stop(): Promise<void>;
}

type Job = PgBoss.JobWithMetadata<SendJobData>;

interface Outcome {
  job: Job;
  messageId: string;
  workspaceId: string;
  kind: 'sent' | 'failed' | 'retry' | 'in_doubt';
  result?: SendResult;
  reason?: string;
}

/** A message row's new status (and what comes with it), written with its fact seq. */
interface RowChange {
  id: string;
  workspaceId: string;
  status: MessageStatus;
  /** The new status reason; undefined keeps the current one. */
  reason?: string | null;
  providerId?: string | null;
  sentAt?: number | null;
  /** A sender's headers (`prepare`), stored with the claim. */
  headers?: StoredHeaders | undefined;
}

/**
 * pg-boss 10's `complete` / `fail` of outbox jobs on `db` (the caller's transaction). Its runtime
 * signature is `(name, ids, data, options)`; its typings drop `data` for id lists, which would
 * hand `{ db }` over as the data and run on pg-boss's own pool.
 */
function finishJobs(
  boss: PgBoss,
  how: 'complete' | 'fail',
  ids: string[],
  db: BossDb,
): Promise<unknown> {
  const b = boss as unknown as Record<
    typeof how,
    (name: string, ids: string[], data: null, options: { db: BossDb }) => Promise<unknown>
  >;
  return b[how](OUTBOX_QUEUE, ids, null, { db });
}

/**
 * `ids` as an array for `col = any(…)` (one JSON parameter: the statement's text is the same for
 * any batch). `= any(array(…))` is an index scan of the ids; `in (select json_array_elements_text
 * …)` let the planner (guessing 100 rows from the function) hash-join a scan of the whole table,
 * which it did at a few thousand rows: every claim, record and read of a batch read every message.
 */
const idsArray = (ids: readonly string[]) =>
  sql`array(select json_array_elements_text(${JSON.stringify(ids)}::text::json))`;

export function startOutboxWorker(o: OutboxWorkerOptions): OutboxWorker {
  const batchSize = o.batchSize ?? 100;
  const concurrency = o.concurrency ?? 20;
  const loops = o.loops ?? 2;
  const pollMs = o.pollMs ?? 500;
  const flushEvery = o.flushEvery ?? 25;
  const clock = o.clock ?? Date.now;
  const newId = o.newId ?? fastUlid;
  const log = o.logger.child({ component: 'outbox' });
  const stats: OutboxWorkerStats = { sent: 0, failed: 0, inDoubt: 0, retried: 0, skipped: 0 };
  let stopped = false;
  let wakeAll: (() => void)[] = [];
  const wake = () => {
    const w = wakeAll;
    wakeAll = [];
    for (const f of w) f();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      wakeAll.push(done);
    });
  const unsubscribe = onOutboxEnqueued(o.db, wake);
  const reconciler = createReconciler({ ...o, clock, newId });
  const inDoubtLookups = (
    tx: unknown,
    items: { workspaceId: string; messageId: string; channel: string; resent: boolean }[],
  ) =>
    enqueueReconcile(
      o.boss,
      o.senders,
      tx,
      items.map((x) => ({ ...x, channel: x.channel as OutboxChannel })),
    );

  async function stampAndCommit(
    tx: Parameters<Parameters<Db['transaction']>[0]>[0],
    byWorkspace: Map<string, string[]>,
    now: number,
  ): Promise<FactStamp[]> {
    const stamps: FactStamp[] = [];
    for (const [workspaceId, ids] of byWorkspace) {
      stamps.push(
        await stampFacts(
          tx,
          { bus: o.sync.bus, newId, now },
          workspaceId,
          ids.map((id) => ({ entity: 'message' as const, id })),
        ),
      );
    }
    return stamps;
  }

  /**
   * Writes the changes in ONE statement that also sets each row's fact seq (one new row version
   * per message instead of a status update and a seq update), then their change-log entries.
   */
  async function applyChanges(
    tx: Parameters<Parameters<Db['transaction']>[0]>[0],
    changes: readonly RowChange[],
    now: number,
  ): Promise<FactStamp[]> {
    const byWorkspace = new Map<string, Map<string, RowChange>>();
    for (const c of changes) {
      const list = byWorkspace.get(c.workspaceId) ?? new Map<string, RowChange>();
      list.set(c.id, c);
      byWorkspace.set(c.workspaceId, list);
    }
    const rows: Record<string, unknown>[] = [];
    const stamped: [string, { entity: 'message'; id: string; seq: number }[]][] = [];
    for (const [workspaceId, list] of byWorkspace) {
      const first = await reserveFactSeqs(tx, workspaceId, list.size);
      const refs = [...list.values()].map((c, i) => {
        rows.push({
          id: c.id,
          status: c.status,
          keep_reason: c.reason === undefined,
          reason: c.reason ?? null,
          provider_id: c.providerId ?? null,
          sent_at: c.sentAt ?? null,
          seq: first + i,
          headers: c.headers !== undefined,
          email_message_id: c.headers?.emailMessageId ?? null,
          in_reply_to: c.headers?.inReplyTo ?? null,
          refs: c.headers?.references ?? null,
          from_address: c.headers?.fromAddress ?? null,
          to_address: c.headers?.toAddress ?? null,
          subject: c.headers?.subject ?? null,
        });
        return { entity: 'message' as const, id: c.id, seq: first + i };
      });
      stamped.push([workspaceId, refs]);
    }
    if (rows.length === 0) return [];
    // `v` is read once (a CTE); the ids drive an index scan of `message` (see `idsArray`).
    await queryPrepared(
      tx,
      sql`with v as materialized (
            select * from json_to_recordset(${JSON.stringify(rows)}::text::json) as v(
              id text, status text, keep_reason boolean, reason text, provider_id text,
              sent_at bigint, seq bigint, headers boolean, email_message_id text,
              in_reply_to text, refs jsonb, from_address text, to_address text, subject text))
          update message m set
            status = v.status,
            status_reason = case when v.keep_reason then m.status_reason else v.reason end,
            provider_id = coalesce(v.provider_id, m.provider_id),
            sent_at = coalesce(m.sent_at, v.sent_at),
            seq = v.seq,
            email_message_id = case when v.headers then v.email_message_id else m.email_message_id end,
            in_reply_to = case when v.headers then v.in_reply_to else m.in_reply_to end,
            "references" = case when v.headers then v.refs else m."references" end,
            from_address = case when v.headers then v.from_address else m.from_address end,
            to_address = case when v.headers then v.to_address else m.to_address end,
            subject = case when v.headers then v.subject else m.subject end,
            updated_at = ${now}::bigint
          from v
          where m.id = any(array(select id from v)) and m.id = v.id`,
    );
    const stamps: FactStamp[] = [];
    for (const [workspaceId, refs] of stamped) {
      stamps.push(await logFacts(tx, { bus: o.sync.bus, newId, now }, workspaceId, refs));
    }
    return stamps;
  }

  const publish = async (stamps: FactStamp[]) => {
    for (const s of stamps) await publishFacts(o.sync, s);
  };

  /** Step 1: claim. Returns the claimed messages and the jobs already finished. */
  async function claim(jobs: Job[], now: number, headers: Map<string, StoredHeaders>) {
    const ids = [...new Set(jobs.map((j) => j.data.messageId))];
    return o.db.transaction(async (tx) => {
      const rows = await queryPrepared<{
        id: string;
        workspace_id: string;
        status: MessageStatus;
        channel: string;
      }>(
        tx,
        sql`select id, workspace_id, status, channel from message
            where id = any(${idsArray(ids)}) order by id for update`,
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      const toClaim: string[] = [];
      const inDoubt: string[] = [];
      const changes: RowChange[] = [];
      for (const id of ids) {
        const r = byId.get(id);
        if (!r) continue;
        if (r.status === 'queued' || r.status === 'scheduled') {
          toClaim.push(id);
          changes.push({
            id,
            workspaceId: r.workspace_id,
            status: 'sending',
            headers: headers.get(id),
          });
        } else if (r.status === 'sending') {
          inDoubt.push(id);
          changes.push({ id, workspaceId: r.workspace_id, status: 'failed', reason: IN_DOUBT });
        }
      }
      if (inDoubt.length > 0) {
        const resent = new Set(jobs.filter((j) => j.data.resend).map((j) => j.data.messageId));
        await inDoubtLookups(
          tx,
          inDoubt.map((id) => ({
            workspaceId: byId.get(id)!.workspace_id,
            messageId: id,
            channel: byId.get(id)!.channel,
            resent: resent.has(id),
          })),
        );
      }
      const stamps = await applyChanges(tx, changes, now);
      return { claimed: new Set(toClaim), inDoubt: new Set(inDoubt), stamps };
    });
  }

  async function sendOne(
    job: Job,
    m: MessageRow,
    c: ConversationRow | undefined,
    now: number,
  ): Promise<Outcome> {
    const base = { job, messageId: m.id, workspaceId: m.workspaceId };
    const sender = o.senders[m.channel];
    if (!sender) return { ...base, kind: 'failed', reason: `no sender for channel ${m.channel}` };
    if (!c) return { ...base, kind: 'failed', reason: 'conversation not found' };
    try {
      const result = await sender.send(m, c, { workspaceId: m.workspaceId, now, logger: log });
      return { ...base, kind: 'sent', result };
    } catch (err) {
      const e =
        err instanceof SendError
          ? err
          : new SendError(err instanceof Error ? err.message : String(err), {
              permanent: false,
              ambiguous: true,
              cause: err,
            });
      log.warn(
        { messageId: m.id, permanent: e.permanent, ambiguous: e.ambiguous, err: loggableError(e) },
        'send failed',
      );
      if (e.permanent) return { ...base, kind: 'failed', reason: e.reason };
      if (e.ambiguous) return { ...base, kind: 'in_doubt', reason: `${IN_DOUBT}: ${e.reason}` };
      const lastAttempt = job.retryCount >= job.retryLimit;
      return lastAttempt
        ? { ...base, kind: 'failed', reason: e.reason }
        : { ...base, kind: 'retry', reason: e.reason };
    }
  }

  /** Step 3: the outcomes in one transaction. */
  async function record(outcomes: Outcome[], now: number): Promise<FactStamp[]> {
    if (outcomes.length === 0) return [];
    return o.db.transaction(async (tx) => {
      const ids = outcomes.map((x) => x.messageId);
      const rows = await queryPrepared<{
        id: string;
        status: MessageStatus;
        status_reason: string;
      }>(
        tx,
        sql`select id, status, status_reason from message
            where id = any(${idsArray(ids)}) order by id for update`,
      );
      const current = new Map(rows.map((r) => [r.id, r]));
      const changes: RowChange[] = [];
      const lookups: Parameters<typeof inDoubtLookups>[1] = [];
      for (const x of outcomes) {
        const cur = current.get(x.messageId);
        if (!cur) continue;
        // What the worker knows replaces `sending` and an in-doubt mark; otherwise forward only.
        const base: MessageStatus =
          cur.status === 'failed' && cur.status_reason === IN_DOUBT ? 'sending' : cur.status;
        let status: MessageStatus;
        let reason: string | null = null;
        let providerId: string | null = null;
        let sentAt: number | null = null;
        if (x.kind === 'sent') {
          status = nextStatus(base, x.result!.status);
          providerId = x.result!.providerId;
          sentAt = now;
        } else if (x.kind === 'retry') {
          if (base !== 'sending') continue;
          status = 'queued';
          reason = x.reason ?? null;
        } else {
          status = nextStatus(base, 'failed');
          reason = x.reason ?? null;
        }
        if (status === cur.status && x.kind !== 'sent' && x.kind !== 'retry') continue;
        changes.push({
          id: x.messageId,
          workspaceId: x.workspaceId,
          status,
          reason,
          providerId,
          sentAt,
        });
        if (x.kind === 'in_doubt' && status === 'failed') {
          const { data } = x.job;
          lookups.push({ ...data, resent: data.resend === true });
        }
      }
      await inDoubtLookups(tx, lookups);
      const stamps = await applyChanges(tx, changes, now);
      // Step 4 in the same transaction: a job is finished exactly when its outcome is stored.
      const db = bossDbForTransaction(tx);
      const complete = outcomes.filter((x) => x.kind !== 'retry').map((x) => x.job.id);
      if (complete.length > 0) await finishJobs(o.boss, 'complete', complete, db);
      const retry = outcomes.filter((x) => x.kind === 'retry').map((x) => x.job.id);
      if (retry.length > 0) await finishJobs(o.boss, 'fail', retry, db);
      return stamps;
    });
  }

  async function processBatch(jobs: Job[]): Promise<void> {
    const now = clock();
    // The rows are read before the claim (what a send needs of a queued message does not change;
    // the claim decides under lock), so the senders' headers go into the claim's UPDATE.
    const ids = [...new Set(jobs.map((j) => j.data.messageId))];
    const messages = await o.db
      .select()
      .from(message)
      .where(sql`${message.id} = any(${idsArray(ids)})`);
    const convIds = [...new Set(messages.map((m) => m.conversationId))];
    const convs = await o.db
      .select()
      .from(conversation)
      .where(sql`${conversation.id} = any(${idsArray(convIds)})`);
    const convById = new Map(convs.map((c) => [c.id, c]));
    const headers = await prepareSenders(
      messages.filter((m) => m.status === 'queued' || m.status === 'scheduled'),
      convById,
      now,
    );
    const { claimed, inDoubt, stamps } = await claim(jobs, now, headers);
    await publish(stamps);
    stats.inDoubt += inDoubt.size;
    for (const id of inDoubt) log.warn({ messageId: id }, 'message in doubt after a worker crash');
    const claimedJobs = jobs.filter((j) => claimed.has(j.data.messageId));
    const finished = jobs.filter((j) => !claimed.has(j.data.messageId));
    stats.skipped += finished.length - inDoubt.size;
    // Once claimed, a duplicate job of the same message (not possible with derived job ids, but
    // cheap to guard) must not send again.
    const seen = new Set<string>();
    const work = claimedJobs.filter((j) => {
      if (seen.has(j.data.messageId)) {
        finished.push(j);
        return false;
      }
      seen.add(j.data.messageId);
      return true;
    });
    if (finished.length > 0) {
      await o.boss.complete(
        OUTBOX_QUEUE,
        finished.map((j) => j.id),
      );
    }
    if (work.length === 0) return;
    // Outcomes are recorded in groups as they come in (not once per batch), so a crash leaves
    // only the sends of the last moments in doubt. One settle runs at a time and takes everything
    // pending when it starts (group commit): no queue of small transactions behind a slow one.
    let pending: Outcome[] = [];
    let chain: Promise<void> = Promise.resolve();
    let queued = false;
    const flush = (): Promise<void> => {
      if (!queued) {
        queued = true;
        chain = chain.then(() => {
          queued = false;
          const group = pending;
          pending = [];
          return group.length > 0 ? settle(group) : undefined;
        });
      }
      return chain;
    };
    const byId = new Map(
      messages.map((m) => [m.id, { ...m, status: 'sending' as const, ...headers.get(m.id) }]),
    );
    let next = 0;
    const runners = Array.from({ length: Math.min(concurrency, work.length) }, async () => {
      while (next < work.length) {
        const job = work[next++]!;
        const m = byId.get(job.data.messageId);
        if (!m) continue;
        // Await first: `pending` is replaced by flush() meanwhile.
        const outcome = await sendOne(job, m, convById.get(m.conversationId), now);
        pending.push(outcome);
        if (pending.length >= flushEvery) flush().catch(() => {});
      }
    });
    await Promise.all(runners);
    await flush();
  }

  /**
   * Batch lookups of the senders that offer them (a failure only means per-message lookups);
   * returns the headers to store with the claim.
   */
  async function prepareSenders(
    messages: MessageRow[],
    convById: Map<string, ConversationRow>,
    now: number,
  ): Promise<Map<string, StoredHeaders>> {
    const headers = new Map<string, StoredHeaders>();
    const bySender = new Map<
      ChannelSender,
      { message: MessageRow; conversation: ConversationRow }[]
    >();
    for (const m of messages) {
      const sender = o.senders[m.channel];
      const c = convById.get(m.conversationId);
      if (!sender?.prepare || !c) continue;
      const list = bySender.get(sender) ?? [];
      list.push({ message: m, conversation: c });
      bySender.set(sender, list);
    }
    await Promise.all(
      [...bySender].map(([sender, items]) =>
        sender.prepare!(items, { now, logger: log }).then(
          (h) => {
            for (const [id, x] of h ?? []) headers.set(id, x);
          },
          (err: unknown) =>
            log.warn({ err: loggableError(err) }, 'batch preparation failed; sending one by one'),
        ),
      ),
    );
    return headers;
  }

  /** Step 3 + 4 for a group of outcomes, then the facts to this instance's sockets. */
  async function settle(outcomes: Outcome[]): Promise<void> {
    const recorded = await record(outcomes, clock());
    await publish(recorded);
    for (const x of outcomes) {
      if (x.kind === 'sent') stats.sent++;
      else if (x.kind === 'failed') stats.failed++;
      else if (x.kind === 'in_doubt') stats.inDoubt++;
      else stats.retried++;
    }
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let jobs: Job[] = [];
      try {
        jobs = await o.boss.fetch<SendJobData>(OUTBOX_QUEUE, {
          batchSize,
          includeMetadata: true,
          priority: false,
        });
      } catch (err) {
        log.error({ err: loggableError(err) }, 'outbox fetch failed');
      }
      if (jobs.length === 0) {
        await sleep(pollMs);
        continue;
      }
      try {
        await processBatch(jobs);
      } catch (err) {
        // The jobs stay active; pg-boss expires them and they come back (messages claimed by
        // this batch are then in doubt, which is the safe side).
        log.error({ err: loggableError(err), jobs: jobs.length }, 'outbox batch failed');
        await sleep(pollMs);
      }
    }
  }

  /** Jobs of dead workers: expire them here too (pg-boss maintenance may run elsewhere/rarely). */
  const expireEveryMs = o.expireEveryMs ?? 5000;
  /**
   * A job whose retries ran out while its worker was dead ends `failed` in pg-boss without being
   * handed out again: its message would stay `sending`. Those messages are in doubt too.
   */
  async function sweepAbandoned(): Promise<void> {
    const now = clock();
    const stamps = await o.db.transaction(async (tx) => {
      const rows = await queryRows<{
        id: string;
        workspace_id: string;
        channel: string;
        resend: string | null;
      }>(
        tx,
        sql`update message m set status = 'failed', status_reason = ${IN_DOUBT}, updated_at = ${now}
            from pgboss.job j
            where j.name = ${OUTBOX_QUEUE} and j.state = 'failed'
              and j.completed_on > now() - interval '2 days'
              and m.id = j.data->>'messageId' and m.status = 'sending'
            returning m.id, m.workspace_id, m.channel, j.data->>'resend' as resend`,
      );
      await inDoubtLookups(
        tx,
        rows.map((r) => ({
          workspaceId: r.workspace_id,
          messageId: r.id,
          channel: r.channel,
          resent: r.resend === 'true',
        })),
      );
      const changed = new Map<string, string[]>();
      for (const r of rows)
        changed.set(r.workspace_id, [...(changed.get(r.workspace_id) ?? []), r.id]);
      stats.inDoubt += rows.length;
      return stampAndCommit(tx, changed, now);
    });
    await publish(stamps);
  }
  const expireTimer =
    expireEveryMs > 0
      ? setInterval(() => {
          void (async () => {
            await (o.boss as unknown as { expire(): Promise<void> }).expire();
            await sweepAbandoned();
          })().catch((err: unknown) =>
            log.warn({ err: loggableError(err) }, 'outbox maintenance failed'),
          );
        }, expireEveryMs)
      : null;
  expireTimer?.unref();

  async function reconcileLoop(): Promise<void> {
    while (!stopped) {
      let n = 0;
      try {
        n = await reconciler.runOnce();
      } catch (err) {
        log.error({ err: loggableError(err) }, 'outbox reconcile batch failed');
      }
      if (n === 0) await sleep(Math.max(pollMs, 250));
    }
  }

  const running = [...Array.from({ length: loops }, () => loop()), reconcileLoop()];
  return {
    stats,
    reconcileStats: reconciler.stats,
    wake,
    async stop() {
      stopped = true;
      if (expireTimer) clearInterval(expireTimer);
      unsubscribe();
      wake();
      await Promise.all(running);
    },
  };
}
