/**
 * Row-level building blocks shared by the inbox writers (inbound/outbound service, conversation
 * commands, the background job): SLA timers of a conversation (domain `slaTimers`), queue items
 * with their rank key (domain `queueRankKey`), notifications, (re)assignment with its history,
 * and the status history. Every helper runs in the caller's transaction and adds the facts it changed to
 * `facts`; the caller stamps and publishes them (`inboxTx`).
 *
 * Queue items carry the lead's score at the time they were (re)ranked, computed here with the
 * workspace's scoring rules over the lead's fields and engagement (`lead-scores.ts`); null when
 * the workspace has no scoring rules.
 */
import { and, eq, inArray, isNull, min, ne, or, sql } from 'drizzle-orm';
import {
  nextSlaDeadline,
  queueRankKey,
  slaTimers,
  snoozePauses,
  type SlaPause,
  type SlaStatusChange,
  type SlaTimer,
} from '@sdr/domain';
import type { InboxSettings, QueueItemKind, SlaTimerValue } from '@sdr/schema';
import {
  conversation,
  conversationAssignment,
  conversationStatusChange,
  membership,
  message,
  notification,
  queueItem,
} from '@sdr/schema/pg';
import type { FactRef } from '../sync/facts.ts';
import type { InboxDeps, Tx } from './inbox.deps.ts';
import { leadScores } from './lead-scores.ts';

export type ConversationRow = typeof conversation.$inferSelect;
export type MessageRow = typeof message.$inferSelect;
export type QueueItemRow = typeof queueItem.$inferSelect;
export type NotificationRow = typeof notification.$inferSelect;

export type StatusChangeReason = (typeof conversationStatusChange.$inferInsert)['reason'];

/** A status change to keep in the conversation's history (nothing when the status stays). */
export interface StatusChange {
  readonly conv: Pick<ConversationRow, 'id' | 'workspaceId' | 'status'>;
  readonly to: ConversationRow['status'];
  readonly snoozedUntil?: number | null;
  /** The member who changed it; null when the server did. */
  readonly byUserId: string | null;
  readonly reason: StatusChangeReason;
}

/** Keeps status changes in the history: one insert for any number of them. */
export async function recordStatusChanges(
  d: Pick<InboxDeps, 'newId'>,
  tx: Tx,
  changes: readonly StatusChange[],
  now: number,
): Promise<void> {
  const rows = changes
    .filter((c) => c.to !== c.conv.status || c.to === 'snoozed')
    .map((c) => ({
      id: d.newId(),
      workspaceId: c.conv.workspaceId,
      conversationId: c.conv.id,
      fromStatus: c.conv.status,
      toStatus: c.to,
      snoozedUntil: c.to === 'snoozed' ? (c.snoozedUntil ?? null) : null,
      byUserId: c.byUserId,
      reason: c.reason,
      createdAt: now,
    }));
  if (rows.length > 0) await tx.insert(conversationStatusChange).values(rows);
}

/** Queue item kinds that belong to a conversation's wait (done once we answer). */
export const RESPONSE_ITEM_KINDS: QueueItemKind[] = ['inbound_message', 'sla_breach'];

/** The first inbound message not answered yet (start of the next-response wait). */
async function waitingSince(tx: Tx, conv: ConversationRow): Promise<number | null> {
  if (conv.lastInboundAt === null) return null;
  if (conv.lastOutboundAt !== null && conv.lastOutboundAt >= conv.lastInboundAt) return null;
  const [row] = await tx
    .select({ at: min(message.createdAt) })
    .from(message)
    .where(
      and(
        eq(message.conversationId, conv.id),
        eq(message.direction, 'in'),
        eq(message.kind, 'message'),
        conv.lastOutboundAt === null
          ? undefined
          : sql`${message.createdAt} > ${conv.lastOutboundAt}`,
      ),
    );
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

/**
 * Each conversation's changes into and out of `snoozed` (`conversation_status_change`): what
 * `snoozePauses` turns into the SLA's pauses, so snoozed time does not count.
 */
export async function snoozeHistoryOf(
  tx: Tx,
  conversationIds: readonly string[],
): Promise<Map<string, SlaStatusChange[]>> {
  const out = new Map<string, SlaStatusChange[]>();
  if (conversationIds.length === 0) return out;
  const rows = await tx
    .select({
      conversationId: conversationStatusChange.conversationId,
      fromStatus: conversationStatusChange.fromStatus,
      toStatus: conversationStatusChange.toStatus,
      at: conversationStatusChange.createdAt,
    })
    .from(conversationStatusChange)
    .where(
      and(
        inArray(conversationStatusChange.conversationId, [...new Set(conversationIds)]),
        or(
          eq(conversationStatusChange.fromStatus, 'snoozed'),
          eq(conversationStatusChange.toStatus, 'snoozed'),
        ),
      ),
    );
  for (const r of rows) {
    const list = out.get(r.conversationId);
    if (list) list.push(r);
    else out.set(r.conversationId, [r]);
  }
  return out;
}

/** The conversation's SLA timers at `now`, its snoozes (status history) not counted. */
export async function conversationTimers(
  tx: Tx,
  settings: InboxSettings,
  conv: ConversationRow,
  now: number,
): Promise<SlaTimer[]> {
  const history = (await snoozeHistoryOf(tx, [conv.id])).get(conv.id) ?? [];
  return timersOf(settings, conv, await waitingSince(tx, conv), now, snoozePauses(history));
}

/** `conversationTimers` with the wait start and the snoozes already known (the inbound batch reads them in bulk). */
export function timersOf(
  settings: InboxSettings,
  conv: ConversationRow,
  waiting: number | null,
  now: number,
  pauses: readonly SlaPause[],
): SlaTimer[] {
  return slaTimers(
    {
      createdAt: conv.createdAt,
      channel: conv.channel,
      priority: conv.priority,
      status: conv.status,
      firstInboundAt: conv.firstInboundAt,
      lastInboundAt: conv.lastInboundAt,
      lastOutboundAt: conv.lastOutboundAt,
      firstResponseAt: conv.firstResponseAt,
      waitingSince: waiting,
      closedAt: conv.closedAt,
      pauses,
      snoozedUntil: conv.snoozedUntil,
    },
    settings,
    now,
  );
}

export function slaValue(timers: readonly SlaTimer[]): SlaTimerValue[] {
  return timers.map((t) => ({ kind: t.kind, dueAt: t.dueAt, state: t.state }));
}

/**
 * Recomputes and stores the conversation's SLA timers, and re-ranks its open queue items of the
 * response kinds by the new next deadline. Returns the stored row and the timers.
 */
export async function refreshSla(
  d: InboxDeps,
  tx: Tx,
  settings: InboxSettings,
  conv: ConversationRow,
  facts: FactRef[],
): Promise<{ conv: ConversationRow; timers: SlaTimer[] }> {
  const now = d.now();
  const timers = await conversationTimers(tx, settings, conv, now);
  const sla = slaValue(timers);
  let row = conv;
  if (JSON.stringify(sla) !== JSON.stringify(conv.sla)) {
    const [updated] = await tx
      .update(conversation)
      .set({ sla, updatedAt: now })
      .where(eq(conversation.id, conv.id))
      .returning();
    row = updated ?? conv;
    facts.push({ entity: 'conversation', id: conv.id });
  }
  const next = nextSlaDeadline(timers);
  const items = await tx
    .select()
    .from(queueItem)
    .where(
      and(
        eq(queueItem.conversationId, conv.id),
        eq(queueItem.kind, 'inbound_message'),
        ne(queueItem.state, 'done'),
      ),
    );
  // A new message may change the lead's engagement: its score is taken afresh.
  const leadScore =
    items.length === 0
      ? null
      : ((await leadScores(tx, conv.workspaceId, [conv.leadId], now)).get(conv.leadId) ?? null);
  for (const item of items) {
    const dueAt = next?.dueAt ?? null;
    const rankKey = queueRankKey(
      { kind: item.kind, createdAt: item.createdAt, dueAt, channel: item.channel, leadScore },
      settings,
    );
    if (item.dueAt === dueAt && item.rankKey === rankKey && item.leadScore === leadScore) continue;
    await tx
      .update(queueItem)
      .set({ dueAt, rankKey, leadScore, updatedAt: now })
      .where(eq(queueItem.id, item.id));
    facts.push({ entity: 'queueItem', id: item.id });
  }
  return { conv: row, timers };
}

export interface NewQueueItem {
  readonly workspaceId: string;
  readonly kind: QueueItemKind;
  readonly title: string;
  readonly conversationId?: string | null;
  readonly leadId?: string | null;
  readonly taskId?: string | null;
  readonly assigneeId: string | null;
  readonly teamId?: string | null;
  readonly dueAt?: number | null;
  readonly channel?: ConversationRow['channel'] | null;
  /** The lead's score (undefined: `addQueueItem` computes it; null: none). */
  readonly leadScore?: number | null;
}

/** Inserts an open queue item ranked by `queueRankKey`, with its lead's score. */
export async function addQueueItem(
  d: InboxDeps,
  tx: Tx,
  settings: InboxSettings,
  item: NewQueueItem,
  facts: FactRef[],
): Promise<QueueItemRow> {
  const leadScore =
    item.leadScore !== undefined || !item.leadId
      ? (item.leadScore ?? null)
      : ((await leadScores(tx, item.workspaceId, [item.leadId], d.now())).get(item.leadId) ?? null);
  const [row] = await tx
    .insert(queueItem)
    .values(queueItemValues(d, settings, { ...item, leadScore }))
    .returning();
  facts.push({ entity: 'queueItem', id: row!.id });
  return row!;
}

/** The row `addQueueItem` inserts (the inbound batch inserts many in one statement). */
export function queueItemValues(
  d: InboxDeps,
  settings: InboxSettings,
  item: NewQueueItem,
): typeof queueItem.$inferInsert {
  const now = d.now();
  const rankKey = queueRankKey(
    {
      kind: item.kind,
      createdAt: now,
      dueAt: item.dueAt ?? null,
      channel: item.channel ?? null,
      leadScore: item.leadScore ?? null,
    },
    settings,
  );
  return {
    id: d.newId(),
    workspaceId: item.workspaceId,
    kind: item.kind,
    state: 'open',
    conversationId: item.conversationId ?? null,
    leadId: item.leadId ?? null,
    taskId: item.taskId ?? null,
    assigneeId: item.assigneeId,
    teamId: item.teamId ?? null,
    dueAt: item.dueAt ?? null,
    rankKey,
    channel: item.channel ?? null,
    leadScore: item.leadScore ?? null,
    title: item.title,
    createdAt: now,
    updatedAt: now,
  };
}

/** Marks the conversation's open/claimed items of `kinds` done (we answered, it closed). */
export async function completeConversationItems(
  d: InboxDeps,
  tx: Tx,
  conversationId: string,
  kinds: readonly QueueItemKind[],
  facts: FactRef[],
): Promise<void> {
  const now = d.now();
  const done = await tx
    .update(queueItem)
    .set({ state: 'done', doneAt: now, updatedAt: now })
    .where(
      and(
        eq(queueItem.conversationId, conversationId),
        inArray(queueItem.kind, [...kinds]),
        ne(queueItem.state, 'done'),
      ),
    )
    .returning({ id: queueItem.id });
  for (const r of done) facts.push({ entity: 'queueItem', id: r.id });
}

export interface NewNotification {
  readonly workspaceId: string;
  readonly userId: string;
  readonly category: NotificationRow['category'];
  readonly title: string;
  readonly body: string;
  readonly conversationId?: string | null;
  readonly leadId?: string | null;
  readonly queueItemId?: string | null;
}

/**
 * A notification in the member's in-app centre. Preferences, quiet hours and do-not-disturb
 * decide only the OS notification and sound, on the member's engine (`shouldNotify`), so the
 * server always writes the row.
 */
export async function addNotification(
  d: InboxDeps,
  tx: Tx,
  n: NewNotification,
  facts: FactRef[],
): Promise<void> {
  const row = notificationValues(d, n);
  await tx.insert(notification).values(row);
  facts.push({ entity: 'notification', id: row.id });
}

/** The row `addNotification` inserts. */
export function notificationValues(
  d: InboxDeps,
  n: NewNotification,
): typeof notification.$inferInsert & { id: string } {
  const now = d.now();
  return {
    id: d.newId(),
    workspaceId: n.workspaceId,
    userId: n.userId,
    category: n.category,
    title: n.title.slice(0, 200),
    body: n.body.slice(0, 500),
    conversationId: n.conversationId ?? null,
    leadId: n.leadId ?? null,
    queueItemId: n.queueItemId ?? null,
    createdAt: now,
    updatedAt: now,
  };
}

export async function memberTeam(
  tx: Tx,
  workspaceId: string,
  userId: string | null,
): Promise<{ isMember: boolean; team: string | null }> {
  if (userId === null) return { isMember: false, team: null };
  const [m] = await tx
    .select({ team: membership.team })
    .from(membership)
    .where(and(eq(membership.workspaceId, workspaceId), eq(membership.userId, userId)));
  return { isMember: m !== undefined, team: m?.team ?? null };
}

/** Managers and admins of a workspace (escalation `notify_manager`). */
export async function managerIds(tx: Tx, workspaceId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: membership.userId })
    .from(membership)
    .where(
      and(eq(membership.workspaceId, workspaceId), inArray(membership.role, ['manager', 'admin'])),
    )
    .orderBy(membership.createdAt, membership.userId);
  return rows.map((r) => r.userId);
}

/** Open conversations per assignee (capacity and least-loaded routing). */
export async function openLoad(tx: Tx, workspaceId: string): Promise<Record<string, number>> {
  const rows = await tx
    .select({ assigneeId: conversation.assigneeId, n: sql<number>`count(*)::int` })
    .from(conversation)
    .where(
      and(
        eq(conversation.workspaceId, workspaceId),
        ne(conversation.status, 'closed'),
        sql`${conversation.assigneeId} is not null`,
      ),
    )
    .groupBy(conversation.assigneeId);
  const out: Record<string, number> = {};
  for (const r of rows) if (r.assigneeId) out[r.assigneeId] = Number(r.n);
  return out;
}

export interface AssignInput {
  readonly toUserId: string | null;
  /** The member who reassigned; null when routing or escalation did. */
  readonly byUserId: string | null;
  readonly note?: string | null;
  readonly reason?: string | null;
  /** Add an `assigned_lead` item when nothing is open (default true; inbound adds its own). */
  readonly addItem?: boolean;
}

/**
 * Gives the conversation to `toUserId` (null: the team queue): the row, its messages (visibility
 * copies), its open queue items move along, the history gets a row, the new assignee gets an
 * `assignment` notification (unless they assigned it to themselves) and, when the conversation
 * has no open work item, an `assigned_lead` queue item. A no-op when the assignee is unchanged.
 */
export async function assignConversation(
  d: InboxDeps,
  tx: Tx,
  settings: InboxSettings,
  conv: ConversationRow,
  a: AssignInput,
  facts: FactRef[],
): Promise<ConversationRow> {
  if (conv.assigneeId === a.toUserId) return conv;
  const now = d.now();
  const { team } = await memberTeam(tx, conv.workspaceId, a.toUserId);
  const [row] = await tx
    .update(conversation)
    .set({ assigneeId: a.toUserId, teamId: team, updatedAt: now })
    .where(eq(conversation.id, conv.id))
    .returning();
  facts.push({ entity: 'conversation', id: conv.id });
  const msgs = await tx
    .update(message)
    .set({ assigneeId: a.toUserId, teamId: team, updatedAt: now })
    .where(eq(message.conversationId, conv.id))
    .returning({ id: message.id });
  for (const m of msgs) facts.push({ entity: 'message', id: m.id });
  // Open items follow the conversation; a claimed one stays with whoever works it.
  const moved = await tx
    .update(queueItem)
    .set({ assigneeId: a.toUserId, teamId: team, updatedAt: now })
    .where(
      and(
        eq(queueItem.conversationId, conv.id),
        eq(queueItem.state, 'open'),
        or(isNull(queueItem.assigneeId), ne(queueItem.assigneeId, a.toUserId ?? '')),
      ),
    )
    .returning({ id: queueItem.id });
  for (const m of moved) facts.push({ entity: 'queueItem', id: m.id });
  await tx.insert(conversationAssignment).values({
    id: d.newId(),
    workspaceId: conv.workspaceId,
    conversationId: conv.id,
    fromUserId: conv.assigneeId,
    toUserId: a.toUserId,
    byUserId: a.byUserId,
    note: a.note ?? null,
    reason: a.reason ?? null,
    createdAt: now,
  });
  if (a.toUserId !== null) {
    const [open] = await tx
      .select({ id: queueItem.id })
      .from(queueItem)
      .where(and(eq(queueItem.conversationId, conv.id), ne(queueItem.state, 'done')))
      .limit(1);
    let queueItemId: string | null = open?.id ?? null;
    if (!open && a.addItem !== false) {
      const item = await addQueueItem(
        d,
        tx,
        settings,
        {
          workspaceId: conv.workspaceId,
          kind: 'assigned_lead',
          title: `Assigned: ${conv.subject ?? conv.leadAddress ?? 'conversation'}`,
          conversationId: conv.id,
          leadId: conv.leadId,
          assigneeId: a.toUserId,
          teamId: team,
          channel: conv.channel,
        },
        facts,
      );
      queueItemId = item.id;
    }
    if (a.toUserId !== a.byUserId) {
      await addNotification(
        d,
        tx,
        {
          workspaceId: conv.workspaceId,
          userId: a.toUserId,
          category: 'assignment',
          title: 'Conversation assigned to you',
          body: a.note ?? a.reason ?? conv.lastMessagePreview ?? '',
          conversationId: conv.id,
          leadId: conv.leadId,
          queueItemId,
        },
        facts,
      );
    }
  }
  return row!;
}
