/**
 * Applies stored webhook events (`webhook_event` rows with `processed_at` null) asynchronously:
 * incoming Twilio messages → `ingestInboundBatch` per workspace (`ingestInbound` one by one when
 * a batch fails), Twilio status callbacks and SendGrid events →
 * `applyDeliveryStatus` (monotonic: `delivered` is never overwritten by `sent`).
 *
 * Claims batches with `FOR UPDATE SKIP LOCKED` (several processors, on one or many instances,
 * never take the same batch) and counts the attempt in the claim itself, so a crash mid-batch
 * leaves the events to be taken again (handlers are idempotent: inbound dedupes by MessageSid,
 * statuses only move forward). Woken in-process right after an insert commits; polls as a
 * safety net (other instances' inserts, retries). A failed event is retried with exponential
 * backoff counted from its arrival (2 s, 6 s, 14 s, … after `received_at`) and given up after
 * `maxAttempts` (then `processed_at` is set and `last_error` kept). A status callback for a
 * message whose provider id the outbox worker has not stored yet fails as "not found" and is
 * retried the same way.
 *
 * Throughput: batches of `batchSize` (200). The inbound messages of a batch are applied first, one
 * `inboundBatch` (`ingestInboundBatch`: one transaction of set-based statements) per workspace,
 * up to `concurrency` (8) workspaces at once; when a workspace's batch fails as a whole its
 * events are applied one by one, so a poisoned event fails (and is retried) alone. Statuses then
 * run on `concurrency` runners, each taking the events of one message in arrival order (a status
 * for a message stored by this batch finds it). After a full batch the next is claimed at once.
 */
import { mapSendGridEvent, mapTwilioStatus } from '@sdr/domain';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/schema.ts';
import type { DeliveryStatusInput, InboundInput, InboxDeps } from '../inbox/inbox.service.ts';
import { applyDeliveryStatus, ingestInbound } from '../inbox/inbox.service.ts';
import { ingestInboundBatch, runAll, type BatchOutcome } from '../inbox/inbound-batch.service.ts';
import { loggableError, type Logger } from '../logger.ts';
import { num, queryRows } from '../sync/sql.ts';
import { onWebhookStored, type WebhookProvider } from './webhook-store.ts';
import { twilioMediaAttachments } from '../channels/twilio/twilio-media.ts';

export interface WebhookHandlers {
  inbound(input: InboundInput): Promise<unknown>;
  status(input: DeliveryStatusInput): Promise<{ found: boolean }>;
  /**
   * Many inbound messages of one workspace at once: an outcome per input (one that failed fails
   * alone). Throwing fails the whole batch: its events are then applied one by one.
   */
  inboundBatch?(
    workspaceId: string,
    inputs: readonly InboundInput[],
  ): Promise<readonly BatchOutcome[]>;
}

/** CORE's inbox services as handlers. */
export function inboxWebhookHandlers(d: InboxDeps): WebhookHandlers {
  return {
    inbound: (input) => ingestInbound(d, input),
    status: (input) => applyDeliveryStatus(d, input),
    inboundBatch: (workspaceId, inputs) => ingestInboundBatch(d, workspaceId, inputs),
  };
}

export interface WebhookProcessorOptions {
  db: Db;
  handlers: WebhookHandlers;
  logger: Logger;
  batchSize?: number;
  concurrency?: number;
  pollMs?: number;
  maxAttempts?: number;
  clock?: () => number;
}

export interface WebhookProcessor {
  /** Processes until nothing is due (tests). Returns how many events were applied. */
  drain(): Promise<number>;
  wake(): void;
  stop(): Promise<void>;
  readonly stats: { processed: number; failed: number };
}

interface EventRow {
  id: string;
  provider: WebhookProvider;
  event_key: string;
  workspace_id: string | null;
  payload: unknown;
  received_at: unknown;
  attempts: unknown;
}

type Params = Record<string, string | string[]>;
const one = (p: Params, name: string): string | undefined => {
  const v = p[name];
  return Array.isArray(v) ? v[0] : v;
};

class NotYet extends Error {}

/** Events that touch the same conversation (or message) share a key. */
function groupKey(e: EventRow): string {
  if (e.provider === 'twilio_messaging') {
    return `${e.workspace_id}\u0000in\u0000${one(e.payload as Params, 'From') ?? ''}`;
  }
  if (e.provider === 'twilio_status') {
    return `${e.workspace_id}\u0000st\u0000${one(e.payload as Params, 'MessageSid') ?? e.event_key}`;
  }
  const ev = e.payload as Record<string, unknown>;
  const id = typeof ev['sdr_message_id'] === 'string' ? ev['sdr_message_id'] : e.event_key;
  return `${e.workspace_id}\u0000sg\u0000${id}`;
}

/** A Twilio inbound message event as the inbox's input. */
function inboundInput(e: EventRow, workspaceId: string): InboundInput {
  const p = e.payload as Params;
  const from = one(p, 'From') ?? '';
  return {
    workspaceId,
    channel: from.startsWith('whatsapp:') ? 'whatsapp' : 'sms',
    from,
    to: one(p, 'To') ?? '',
    fromName: one(p, 'ProfileName') ?? null,
    body: one(p, 'Body') ?? '',
    attachments: twilioMediaAttachments((name) => one(p, name)),
    providerId: one(p, 'MessageSid') ?? e.event_key,
    receivedAt: num(e.received_at),
  };
}

async function apply(h: WebhookHandlers, e: EventRow): Promise<void> {
  const workspaceId = e.workspace_id;
  if (!workspaceId) throw new Error('event without a workspace');
  const receivedAt = num(e.received_at);
  if (e.provider === 'twilio_messaging') {
    await h.inbound(inboundInput(e, workspaceId));
    return;
  }
  if (e.provider === 'twilio_status') {
    const p = e.payload as Params;
    const status = mapTwilioStatus(one(p, 'MessageStatus') ?? one(p, 'SmsStatus') ?? '');
    if (status === null) return;
    const code = one(p, 'ErrorCode');
    const r = await h.status({
      workspaceId,
      providerId: one(p, 'MessageSid') ?? null,
      status,
      reason: code ? `Twilio error ${code}` : null,
      at: receivedAt,
    });
    if (!r.found) throw new NotYet('message not found (yet)');
    return;
  }
  // SendGrid
  const ev = e.payload as Record<string, unknown>;
  const mapped = mapSendGridEvent(typeof ev['event'] === 'string' ? ev['event'] : '');
  if (!mapped || mapped.temporary) return;
  const messageId = typeof ev['sdr_message_id'] === 'string' ? ev['sdr_message_id'] : null;
  if (!messageId) return;
  const ts = typeof ev['timestamp'] === 'number' ? ev['timestamp'] * 1000 : receivedAt;
  const reason =
    typeof ev['reason'] === 'string'
      ? ev['reason']
      : typeof ev['response'] === 'string'
        ? ev['response']
        : null;
  const r = await h.status({
    workspaceId,
    messageId,
    status: mapped.status,
    reason,
    at: ts,
    engagement:
      mapped.engagement === 'opened' ? 'open' : mapped.engagement === 'clicked' ? 'click' : null,
  });
  if (!r.found) throw new NotYet('message not found (yet)');
}

export function startWebhookProcessor(o: WebhookProcessorOptions): WebhookProcessor {
  const batchSize = o.batchSize ?? 200;
  const concurrency = o.concurrency ?? 8;
  const pollMs = o.pollMs ?? 1000;
  const maxAttempts = o.maxAttempts ?? 12;
  const clock = o.clock ?? Date.now;
  const log = o.logger.child({ component: 'webhooks' });
  const stats = { processed: 0, failed: 0 };
  let stopped = false;
  let pendingWake = false;
  let wakeFn: (() => void) | null = null;
  const wake = () => {
    pendingWake = true;
    wakeFn?.();
  };
  const unsubscribe = onWebhookStored(o.db, wake);

  /** Claims and applies one batch; returns how many events it claimed. */
  async function once(): Promise<number> {
    const now = clock();
    const rows = await queryRows<EventRow>(
      o.db,
      sql`update webhook_event e set attempts = e.attempts + 1
          where e.id in (
            select id from webhook_event
            where processed_at is null
              and received_at + (power(2, attempts + 1)::bigint - 2) * 1000 <= ${now}
            order by received_at
            limit ${batchSize}
            for update skip locked)
          returning e.id, e.provider, e.event_key, e.workspace_id, e.payload, e.received_at, e.attempts`,
    );
    if (rows.length === 0) return 0;
    rows.sort((a, b) => num(a.received_at) - num(b.received_at));
    const done: string[] = [];
    const failed: { id: string; error: string; dead: boolean }[] = [];
    const fail = (e: EventRow, err: unknown) => {
      const error = err instanceof Error ? err.message : String(err);
      const dead = num(e.attempts) >= maxAttempts;
      failed.push({ id: e.id, error, dead });
      if (!(err instanceof NotYet) || dead) {
        log.warn(
          { eventId: e.id, provider: e.provider, dead, err: loggableError(err) },
          'webhook event failed',
        );
      }
    };
    const applyOne = async (e: EventRow) => {
      try {
        await apply(o.handlers, e);
        done.push(e.id);
      } catch (err) {
        fail(e, err);
      }
    };
    // Inbound messages first, one batch per workspace (so a status callback for a message stored
    // in this batch finds it); a batch that fails as a whole is applied one by one.
    const batchInbound = o.handlers.inboundBatch?.bind(o.handlers);
    const inbound = new Map<string, EventRow[]>();
    const rest: EventRow[] = [];
    for (const e of rows) {
      if (batchInbound && e.provider === 'twilio_messaging' && e.workspace_id) {
        const list = inbound.get(e.workspace_id);
        if (list) list.push(e);
        else inbound.set(e.workspace_id, [e]);
      } else rest.push(e);
    }
    await runAll([...inbound], concurrency, async ([workspaceId, events]) => {
      let outcomes: readonly BatchOutcome[];
      try {
        outcomes = await batchInbound!(
          workspaceId,
          events.map((e) => inboundInput(e, workspaceId)),
        );
      } catch (err) {
        log.warn(
          { workspaceId, events: events.length, err: loggableError(err) },
          'inbound batch failed: applying its events one by one',
        );
        for (const e of events) await applyOne(e);
        return;
      }
      events.forEach((e, i) => {
        const r = outcomes[i];
        if (r?.ok) done.push(e.id);
        else fail(e, r ? r.error : new Error('no outcome'));
      });
    });
    // The rest: one group per sender (or message), applied in order by one runner.
    const groups = new Map<string, EventRow[]>();
    for (const e of rest) {
      const k = groupKey(e);
      const g = groups.get(k);
      if (g) g.push(e);
      else groups.set(k, [e]);
    }
    await runAll([...groups.values()], concurrency, async (group) => {
      for (const e of group) await applyOne(e);
    });
    const at = clock();
    if (done.length > 0) {
      await o.db.execute(
        sql`update webhook_event set processed_at = ${at}, last_error = null
            where id in (${sql.join(
              done.map((id) => sql`${id}`),
              sql`, `,
            )})`,
      );
    }
    for (const f of failed) {
      await o.db.execute(
        sql`update webhook_event set last_error = ${f.error.slice(0, 1000)},
              processed_at = ${f.dead ? at : null}
            where id = ${f.id}`,
      );
    }
    stats.processed += done.length;
    stats.failed += failed.length;
    return rows.length;
  }

  let running: Promise<number> | null = null;
  const runOnce = () => (running ??= once().finally(() => (running = null)));

  async function loop(): Promise<void> {
    while (!stopped) {
      pendingWake = false;
      let n = 0;
      try {
        n = await runOnce();
      } catch (err) {
        log.error({ err: loggableError(err) }, 'webhook processing failed');
      }
      if (n > 0 || pendingWake || stopped) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, pollMs);
        function done() {
          clearTimeout(t);
          wakeFn = null;
          resolve();
        }
        wakeFn = done;
      });
    }
  }
  const loopDone = loop();

  return {
    stats,
    wake,
    async drain() {
      let total = 0;
      for (;;) {
        const n = await runOnce();
        if (n === 0) return total;
        total += n;
      }
    },
    async stop() {
      stopped = true;
      unsubscribe();
      wakeFn?.();
      await loopDone;
      await running;
    },
  };
}
