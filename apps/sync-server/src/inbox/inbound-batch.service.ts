/**
 * `ingestInboundBatch`: many inbound SMS/WhatsApp messages of one workspace (a webhook processor
 * batch) with the semantics of `ingestInbound` one after the other, in ONE transaction of
 * set-based statements: one dedupe read, one lead read, one conversation read + insert + lock,
 * one message insert, one wait-start read, one conversation update (counters and SLA), one
 * queue-item read + insert, one notification insert and one fact stamp, whatever the batch size.
 * Per conversation only what is rare stays one by one: routing a conversation nobody has yet
 * (`routeConversations`) and re-ranking an open queue item whose deadline moved.
 *
 * Unknown senders get their lead before the transaction (through the authority, as
 * `ingestInbound` does), once per distinct address in the batch. An input that cannot be read
 * (not a phone number, a lead that cannot be created) fails alone; an error inside the
 * transaction fails the whole batch (nothing written), and the caller retries the inputs one by
 * one. Email, auto-replies and bounces (threading by headers, labels) go through `ingestInbound`.
 *
 * The rows end as one-by-one leaves them (inbound-batch.service.test.ts compares the two); the
 * facts are stamped once, so a row changed by several messages of the batch gets one seq.
 */
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { nextSlaDeadline, queueRankKey, snoozePauses } from '@sdr/domain';
import { conversation, lead, message, notification, queueItem } from '@sdr/schema/pg';
import { inboxTx, type InboxDeps, type Tx } from './inbox.deps.ts';
import {
  ingestInbound,
  normaliseAddress,
  preview,
  resolveLead,
  routeConversations,
  threadKeyOf,
  type InboundInput,
  type InboundResult,
  type LeadRowDb,
} from './inbox.service.ts';
import { loadInboxSettings } from './inbox.settings.ts';
import { leadScores } from './lead-scores.ts';
import {
  notificationValues,
  queueItemValues,
  recordStatusChanges,
  slaValue,
  snoozeHistoryOf,
  timersOf,
  type ConversationRow,
  type StatusChange,
} from './inbox.writes.ts';
import type { FactRef } from '../sync/facts.ts';
import { insertJson } from '../db/insert-json.ts';

/** Per input: its result, or the error that input alone failed with. */
export type BatchOutcome = { ok: true; result: InboundResult } | { ok: false; error: unknown };

/** At most this many unknown senders' leads are created at once (the authority batches them). */
const LEAD_CONCURRENCY = 32;

interface Item {
  readonly index: number;
  readonly input: InboundInput;
  readonly address: string;
  readonly threadKey: string;
  leadId?: string;
  createdLead?: boolean;
  messageId?: string;
  conv?: ConversationRow;
}

const leadKey = (address: string) => address; // phones only: email goes one by one
const convKey = (channel: string, threadKey: string) => `${channel}\u0000${threadKey}`;

/** Runs `fn` over `items` with at most `n` at once. */
export async function runAll<T>(
  items: readonly T[],
  n: number,
  fn: (t: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function ingestInboundBatch(
  d: InboxDeps,
  workspaceId: string,
  inputs: readonly InboundInput[],
): Promise<BatchOutcome[]> {
  const out: (BatchOutcome | undefined)[] = inputs.map(() => undefined);
  const single: number[] = [];
  const items: Item[] = [];
  const firstByProvider = new Map<string, number>();
  const repeats: [number, number][] = [];
  inputs.forEach((input, index) => {
    if (input.workspaceId !== workspaceId) {
      out[index] = { ok: false, error: new Error('input of another workspace') };
    } else if (input.channel === 'email' || (input.kind ?? 'message') !== 'message') {
      single.push(index);
    } else if (firstByProvider.has(input.providerId)) {
      repeats.push([index, firstByProvider.get(input.providerId)!]);
    } else {
      firstByProvider.set(input.providerId, index);
      try {
        const address = normaliseAddress(input.channel, input.from);
        items.push({ index, input, address, threadKey: threadKeyOf(input, address) });
      } catch (error) {
        out[index] = { ok: false, error };
      }
    }
  });

  // Stored before (a replay, or a concurrent processor): nothing to write.
  let fresh = await markDuplicates(d, workspaceId, items, out);
  if (fresh.length > 0) {
    fresh = await attachLeads(d, workspaceId, fresh, out);
  }
  if (fresh.length > 0) {
    const written = await inboxTx(d, workspaceId, (tx, facts) =>
      writeBatch(d, tx, workspaceId, fresh, facts),
    );
    for (const i of fresh) {
      out[i.index] = written.has(i.index)
        ? {
            ok: true,
            result: {
              messageId: i.messageId!,
              conversationId: i.conv!.id,
              leadId: i.conv!.leadId,
              duplicate: false,
              createdLead: i.createdLead ?? false,
            },
          }
        : undefined;
    }
    // Lost a race with a concurrent copy: the stored one is the answer.
    const raced = await markDuplicates(
      d,
      workspaceId,
      fresh.filter((i) => out[i.index] === undefined),
      out,
    );
    for (const i of raced) out[i.index] = { ok: false, error: new Error('message vanished') };
  }
  for (const [index, first] of repeats) {
    const f = out[first];
    out[index] =
      f?.ok && f.result.messageId !== null
        ? { ok: true, result: { ...f.result, duplicate: true, createdLead: false } }
        : (f ?? { ok: false, error: new Error('not processed') });
  }
  for (const index of single) {
    try {
      out[index] = { ok: true, result: await ingestInbound(d, inputs[index]!) };
    } catch (error) {
      out[index] = { ok: false, error };
    }
  }
  return out.map((o) => o ?? { ok: false, error: new Error('not processed') });
}

/** Sets the outcome of the items whose message is stored already; returns the others. */
async function markDuplicates(
  d: InboxDeps,
  workspaceId: string,
  items: readonly Item[],
  out: (BatchOutcome | undefined)[],
): Promise<Item[]> {
  if (items.length === 0) return [];
  const stored = await d.db
    .select({
      id: message.id,
      providerId: message.providerId,
      conversationId: message.conversationId,
      leadId: message.leadId,
    })
    .from(message)
    .where(
      and(
        eq(message.workspaceId, workspaceId),
        inArray(
          message.providerId,
          items.map((i) => i.input.providerId),
        ),
      ),
    );
  const byProvider = new Map(stored.map((m) => [m.providerId, m]));
  return items.filter((i) => {
    const m = byProvider.get(i.input.providerId);
    if (m) out[i.index] = duplicate(m);
    return !m;
  });
}

function duplicate(m: { id: string; conversationId: string; leadId: string | null }): BatchOutcome {
  return {
    ok: true,
    result: {
      messageId: m.id,
      conversationId: m.conversationId,
      leadId: m.leadId,
      duplicate: true,
      createdLead: false,
    },
  };
}

/**
 * Sets each item's lead: one read for every address, then one `resolveLead` per unknown address
 * (a few at once). Returns the items that have a lead; the others' outcomes are their errors.
 */
async function attachLeads(
  d: InboxDeps,
  workspaceId: string,
  items: readonly Item[],
  out: (BatchOutcome | undefined)[],
): Promise<Item[]> {
  const addresses = [...new Set(items.map((i) => leadKey(i.address)))];
  const rows = await d.db
    .select({ id: lead.id, phone: lead.phone })
    .from(lead)
    .where(
      and(
        eq(lead.workspaceId, workspaceId),
        inArray(lead.phone, addresses),
        eq(lead.deleted, false),
      ),
    )
    .orderBy(lead.seq, lead.id);
  const found = new Map<string, { id: string; created: boolean } | Error>();
  for (const r of rows)
    if (r.phone && !found.has(r.phone)) found.set(r.phone, { id: r.id, created: false });
  const unknown = addresses.filter((a) => !found.has(a));
  await runAll(unknown, LEAD_CONCURRENCY, async (address) => {
    const first = items.find((i) => leadKey(i.address) === address)!;
    try {
      const r = await resolveLead(d, first.input, address);
      found.set(address, r ? { id: r.lead.id, created: r.created } : new Error('no lead'));
    } catch (error) {
      found.set(address, error instanceof Error ? error : new Error(String(error)));
    }
  });
  const createdFor = new Set<string>();
  return items.filter((i) => {
    const l = found.get(leadKey(i.address))!;
    if (l instanceof Error) {
      out[i.index] = { ok: false, error: l };
      return false;
    }
    i.leadId = l.id;
    // Like one by one: only the first message from a new lead reports creating it.
    i.createdLead = l.created && !createdFor.has(l.id);
    if (l.created) createdFor.add(l.id);
    return true;
  });
}

/** The transaction: returns the indexes whose message it stored (the rest were raced copies). */
async function writeBatch(
  d: InboxDeps,
  tx: Tx,
  ws: string,
  items: readonly Item[],
  facts: FactRef[],
): Promise<Set<number>> {
  const { settings } = await loadInboxSettings(tx, ws);
  const now = d.now();

  // Conversations: find, create the missing ones (sorted: concurrent batches insert in one order),
  // then lock them all in id order.
  const keys = new Map<string, Item>();
  for (const i of items) {
    const k = convKey(i.input.channel, i.threadKey);
    if (!keys.has(k)) keys.set(k, i);
  }
  const findConvs = async (threadKeys: string[]) =>
    threadKeys.length === 0
      ? []
      : tx
          .select({
            id: conversation.id,
            channel: conversation.channel,
            threadKey: conversation.threadKey,
          })
          .from(conversation)
          .where(
            and(eq(conversation.workspaceId, ws), inArray(conversation.threadKey, threadKeys)),
          );
  const idByKey = new Map<string, string>();
  const remember = (rows: { id: string; channel: string; threadKey: string | null }[]) => {
    for (const r of rows) {
      const k = convKey(r.channel, r.threadKey ?? '');
      if (keys.has(k)) idByKey.set(k, r.id);
    }
  };
  remember(await findConvs([...new Set(items.map((i) => i.threadKey))]));
  const missing = [...keys].filter(([k]) => !idByKey.has(k)).sort(([a], [b]) => (a < b ? -1 : 1));
  if (missing.length > 0) {
    remember(
      await tx
        .insert(conversation)
        .values(
          missing.map(([, i]) => ({
            id: d.newId(),
            workspaceId: ws,
            leadId: i.leadId!,
            channel: i.input.channel,
            status: 'open' as const,
            labels: [],
            subject: i.input.subject ?? null,
            ourAddress: i.input.to,
            leadAddress: i.address,
            mailboxId: i.input.mailboxId ?? null,
            threadKey: i.threadKey,
            sla: [],
            escalations: [],
            createdAt: now,
            updatedAt: now,
          })),
        )
        .onConflictDoNothing()
        .returning({
          id: conversation.id,
          channel: conversation.channel,
          threadKey: conversation.threadKey,
        }),
    );
    const still = missing.filter(([k]) => !idByKey.has(k)).map(([, i]) => i.threadKey);
    remember(await findConvs(still)); // created concurrently
  }
  const ids = [...new Set(idByKey.values())].sort();
  const locked = await tx
    .select()
    .from(conversation)
    .where(inArray(conversation.id, ids))
    .orderBy(conversation.id)
    .for('update');
  const convs = new Map(locked.map((c) => [c.id, c]));
  for (const i of items) {
    const c = convs.get(idByKey.get(convKey(i.input.channel, i.threadKey)) ?? '');
    if (!c) throw new Error('Conversation vanished.');
    i.conv = c;
    i.messageId = d.newId();
  }

  // Messages: one insert; a copy a concurrent batch stored first is skipped.
  // One JSON parameter, not one per row and column (db/insert-json.ts).
  const inserted = await insertJson<{ id: string }>(
    tx,
    message,
    items.map((i) => ({
      id: i.messageId!,
      workspaceId: ws,
      conversationId: i.conv!.id,
      leadId: i.conv!.leadId,
      channel: i.input.channel,
      direction: 'in' as const,
      kind: 'message' as const,
      authorId: null,
      fromAddress: i.input.from,
      toAddress: i.input.to,
      subject: i.input.subject ?? null,
      body: i.input.body,
      attachments: [...(i.input.attachments ?? [])],
      status: 'received' as const,
      providerId: i.input.providerId,
      emailMessageId: null,
      inReplyTo: null,
      references: null,
      assigneeId: i.conv!.assigneeId,
      teamId: i.conv!.teamId,
      createdAt: i.input.receivedAt,
      updatedAt: now,
    })),
    { onConflictDoNothing: true, returning: ['id'] },
  );
  const storedIds = new Set(inserted.map((m) => m.id));
  const stored = items.filter((i) => storedIds.has(i.messageId!));
  for (const i of stored) facts.push({ entity: 'message', id: i.messageId! });

  // Per conversation, in arrival order: the counters as one-by-one would leave them.
  const byConv = new Map<string, Item[]>();
  for (const i of stored) {
    const list = byConv.get(i.conv!.id);
    if (list) list.push(i);
    else byConv.set(i.conv!.id, [i]);
  }
  if (byConv.size === 0) return new Set();
  const waiting = await waitStarts(tx, [...byConv.keys()]);
  const snoozes = await snoozeHistoryOf(tx, [...byConv.keys()]);
  const updated: ConversationRow[] = [];
  const reopened: StatusChange[] = [];
  const due = new Map<string, number | null>();
  for (const [id, list] of byConv) {
    let c = convs.get(id)!;
    for (const i of list) {
      const at = i.input.receivedAt;
      const reopen = c.status === 'closed' || c.status === 'snoozed';
      if (reopen) reopened.push({ conv: c, to: 'open', byUserId: null, reason: 'reply' });
      if (reopen && c.status === 'snoozed') {
        // The snooze ends now (its status change is written after the loop).
        snoozes.set(id, [
          ...(snoozes.get(id) ?? []),
          { fromStatus: 'snoozed', toStatus: 'open', at: now },
        ]);
      }
      c = {
        ...c,
        unreadCount: c.unreadCount + 1,
        lastMessageAt: Math.max(c.lastMessageAt ?? 0, at),
        lastMessagePreview: preview(i.input.body),
        lastInboundAt: Math.max(c.lastInboundAt ?? 0, at),
        firstInboundAt: c.firstInboundAt ?? at,
        ...(reopen ? { status: 'open' as const, closedAt: null, snoozedUntil: null } : {}),
        updatedAt: now,
      };
    }
    const wait =
      c.lastInboundAt === null || (c.lastOutboundAt !== null && c.lastOutboundAt >= c.lastInboundAt)
        ? null
        : (waiting.get(id) ?? null);
    const timers = timersOf(settings, c, wait, now, snoozePauses(snoozes.get(id) ?? []));
    c = { ...c, sla: slaValue(timers) };
    due.set(id, nextSlaDeadline(timers)?.dueAt ?? null);
    updated.push(c);
    facts.push({ entity: 'conversation', id });
  }
  await recordStatusChanges(d, tx, reopened, now);
  await tx.execute(sql`update conversation c set
      unread_count = v.unread_count, last_message_at = v.last_message_at,
      last_message_preview = v.last_message_preview, last_inbound_at = v.last_inbound_at,
      first_inbound_at = v.first_inbound_at, status = v.status, closed_at = v.closed_at,
      snoozed_until = v.snoozed_until, sla = v.sla, updated_at = v.updated_at
    from (values ${sql.join(
      updated.map(
        (c) =>
          sql`(${c.id}, ${c.unreadCount}::int, ${c.lastMessageAt}::bigint, ${c.lastMessagePreview}::text,
               ${c.lastInboundAt}::bigint, ${c.firstInboundAt}::bigint, ${c.status}::text,
               ${c.closedAt}::bigint, ${c.snoozedUntil}::bigint, ${JSON.stringify(c.sla)}::jsonb,
               ${c.updatedAt}::bigint)`,
      ),
      sql`, `,
    )}) as v(id, unread_count, last_message_at, last_message_preview, last_inbound_at,
             first_inbound_at, status, closed_at, snoozed_until, sla, updated_at)
    where c.id = v.id`);
  for (const c of updated) convs.set(c.id, c);

  // Routing: the conversations nobody has (their lead's owner and country read at once).
  const unassigned = updated.filter((c) => c.assigneeId === null);
  if (unassigned.length > 0) {
    const leads = await tx
      .select({ id: lead.id, ownerId: lead.ownerId, country: lead.country })
      .from(lead)
      .where(inArray(lead.id, [...new Set(unassigned.map((c) => c.leadId))]));
    const leadById = new Map<string, Pick<LeadRowDb, 'ownerId' | 'country'>>(
      leads.map((l) => [l.id, l]),
    );
    const routed = await routeConversations(
      d,
      tx,
      unassigned.map((c) => ({ conv: c, lead: leadById.get(c.leadId) ?? null })),
      facts,
    );
    for (const c of routed) convs.set(c.id, c);
  }

  await itemsAndNotifications(d, tx, settings, byConv, convs, due, facts);
  return new Set(stored.map((i) => i.index));
}

/** Per conversation: the first inbound message not answered yet (one read for the batch). */
async function waitStarts(tx: Tx, ids: string[]): Promise<Map<string, number>> {
  const rows = await tx
    .select({ id: message.conversationId, at: sql<unknown>`min(${message.createdAt})` })
    .from(message)
    .innerJoin(conversation, eq(conversation.id, message.conversationId))
    .where(
      and(
        inArray(message.conversationId, ids),
        eq(message.direction, 'in'),
        eq(message.kind, 'message'),
        sql`(${conversation.lastOutboundAt} is null or ${message.createdAt} > ${conversation.lastOutboundAt})`,
      ),
    )
    .groupBy(message.conversationId);
  return new Map(rows.filter((r) => r.at !== null).map((r) => [r.id, Number(r.at)]));
}

/**
 * The response queue item of each conversation (re-ranked by the new deadline, or added when
 * none is open) and one `reply` notification per stored message for the assignee.
 */
async function itemsAndNotifications(
  d: InboxDeps,
  tx: Tx,
  settings: Parameters<typeof timersOf>[0],
  byConv: Map<string, Item[]>,
  convs: Map<string, ConversationRow>,
  due: Map<string, number | null>,
  facts: FactRef[],
): Promise<void> {
  const now = d.now();
  const open = await tx
    .select()
    .from(queueItem)
    .where(
      and(
        inArray(queueItem.conversationId, [...byConv.keys()]),
        eq(queueItem.kind, 'inbound_message'),
        ne(queueItem.state, 'done'),
      ),
    );
  // Scores of the batch's leads, with the new messages counted as engagement.
  const convList = [...byConv.keys()].map((id) => convs.get(id)!);
  const scores =
    convList.length === 0
      ? new Map<string, number>()
      : await leadScores(
          tx,
          convList[0]!.workspaceId,
          convList.map((c) => c.leadId),
          now,
        );
  const itemOf = new Map<string, string>();
  const newItems: (typeof queueItem.$inferInsert)[] = [];
  const notes: (typeof notification.$inferInsert)[] = [];
  for (const [id, list] of byConv) {
    const c = convs.get(id)!;
    const dueAt = due.get(id) ?? null;
    const mine = open.filter((q) => q.conversationId === id);
    const leadScore = scores.get(c.leadId) ?? null;
    for (const q of mine) {
      const rankKey = queueRankKey(
        { kind: q.kind, createdAt: q.createdAt, dueAt, channel: q.channel, leadScore },
        settings,
      );
      if (q.dueAt === dueAt && q.rankKey === rankKey && q.leadScore === leadScore) continue;
      await tx
        .update(queueItem)
        .set({ dueAt, rankKey, leadScore, updatedAt: now })
        .where(eq(queueItem.id, q.id));
      facts.push({ entity: 'queueItem', id: q.id });
    }
    const whoOf = (i: Item) => i.input.fromName?.trim() || c.leadAddress || 'lead';
    if (mine[0]) {
      itemOf.set(id, mine[0].id);
    } else {
      const row = queueItemValues(d, settings, {
        workspaceId: c.workspaceId,
        kind: 'inbound_message',
        title: `New message from ${whoOf(list[0]!)}`,
        conversationId: id,
        leadId: c.leadId,
        assigneeId: c.assigneeId,
        teamId: c.teamId,
        dueAt,
        channel: c.channel,
        leadScore,
      });
      newItems.push(row);
      itemOf.set(id, row.id);
      facts.push({ entity: 'queueItem', id: row.id });
    }
    if (c.assigneeId === null) continue;
    for (const i of list) {
      const n = notificationValues(d, {
        workspaceId: c.workspaceId,
        userId: c.assigneeId,
        category: 'reply',
        title: `${whoOf(i)} replied`,
        body: preview(i.input.body),
        conversationId: id,
        leadId: c.leadId,
        queueItemId: itemOf.get(id) ?? null,
      });
      notes.push(n);
      facts.push({ entity: 'notification', id: n.id });
    }
  }
  if (newItems.length > 0) await tx.insert(queueItem).values(newItems);
  await insertJson(tx, notification, notes);
}
