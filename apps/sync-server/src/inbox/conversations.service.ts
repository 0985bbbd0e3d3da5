/**
 * Conversation reads and commands over REST: list (filters, search, unread counts), one
 * conversation, its messages, starting a conversation with a lead, assignment (with a note, into
 * the history), status/snooze/priority/labels, mark read, cancel a scheduled send, assignment
 * history, notifications, inbox settings.
 *
 * Who may do what (roles from @sdr/domain `roleAtLeast`):
 * - Seeing: a conversation follows the lead visibility rule applied to its assignee (`canSeeFact`):
 *   managers and admins see all; SDRs under `team`/`own` see their own, their team's (team) and
 *   unassigned ones. A conversation the caller cannot see is 404.
 * - Working (send, call log, status, snooze, priority, labels, read): managers and admins on any
 *   conversation; SDRs on their own and unassigned ones (others' are read-only to them: 403).
 *   Internal notes: anyone who sees the conversation (that is how colleagues are @mentioned).
 * - Assigning: managers and admins to any member (or back to the team queue); SDRs may only take
 *   an unassigned conversation themselves or hand their own back to the team queue.
 * - Settings: every member reads them (the engine shows timers and templates); managers and
 *   admins change them.
 */
import { and, desc, eq, ilike, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import {
  canSeeFact,
  nextStatus,
  roleAtLeast,
  type LeadVisibilityPolicy,
  type Viewer,
} from '@sdr/domain';
import { InboxSettings } from '@sdr/schema';
import {
  conversation,
  conversationAssignment,
  conversationStatusChange,
  lead,
  message,
  notification,
} from '@sdr/schema/pg';
import type { AuthContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { runCommand } from './inbox.command.ts';
import type { InboxDeps, Tx } from './inbox.deps.ts';
import { createOutbound, type OutboundInput, type OutboundResult } from './inbox.service.ts';
import { loadInboxSettings, saveInboxSettings } from './inbox.settings.ts';
import { checkedOurAddress, defaultOurAddress } from './our-address.ts';
import {
  assignConversation,
  completeConversationItems,
  memberTeam,
  recordStatusChanges,
  refreshSla,
  type ConversationRow,
} from './inbox.writes.ts';
import type { HistoryEntry } from './inbox.schemas.ts';

// ---- access ------------------------------------------------------------------------------------

export interface Access {
  readonly viewer: Viewer;
  readonly policy: LeadVisibilityPolicy;
}

export async function accessOf(d: InboxDeps, auth: AuthContext): Promise<Access> {
  const viewer = await d.sync.visibility.viewer(auth.workspaceId, auth.userId, auth.role);
  const policy = await d.sync.visibility.policy(auth.workspaceId);
  return { viewer, policy };
}

/** SQL for "assignee visible to the viewer" over a table with `assigneeId` (mirrors `canSeeFact`). */
export function visibleAssignee(
  a: Access,
  column: typeof conversation.assigneeId,
): SQL | undefined {
  if (a.viewer.role !== 'sdr' || a.policy === 'all') return undefined;
  const who = a.policy === 'team' ? [...a.viewer.teamUserIds, a.viewer.userId] : [a.viewer.userId];
  return or(isNull(column), inArray(column, who));
}

export function canSeeConversation(a: Access, conv: { assigneeId: string | null }): boolean {
  return canSeeFact(a.viewer, 'conversation', { assigneeId: conv.assigneeId }, a.policy);
}

/** Whether the caller may work the conversation (see the file header). */
export function canWork(auth: AuthContext, conv: { assigneeId: string | null }): boolean {
  return (
    roleAtLeast(auth.role, 'manager') || conv.assigneeId === null || conv.assigneeId === auth.userId
  );
}

/** The conversation (locked with `lock`) when the caller may see it; else 404. */
export async function loadConversation(
  db: InboxDeps['db'] | Tx,
  auth: AuthContext,
  a: Access,
  id: string,
  lock = false,
): Promise<ConversationRow> {
  const q = db
    .select()
    .from(conversation)
    .where(and(eq(conversation.id, id), eq(conversation.workspaceId, auth.workspaceId)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row || !canSeeConversation(a, row)) throw new ApiError('not_found', 'No such conversation.');
  return row;
}

function mustWork(auth: AuthContext, conv: ConversationRow): void {
  if (!canWork(auth, conv)) {
    throw new ApiError(
      'forbidden',
      'This conversation is assigned to someone else; only they, managers and admins may change it.',
    );
  }
}

function parseCursor(cursor: string | undefined): { t: number; id: string } | null {
  if (!cursor) return null;
  const i = cursor.indexOf(':');
  const t = Number(cursor.slice(0, i));
  if (i <= 0 || !Number.isFinite(t)) {
    throw new ApiError('invalid_input', 'Bad cursor.', {
      issues: [{ path: 'cursor', message: 'use the nextCursor of the previous page' }],
    });
  }
  return { t, id: cursor.slice(i + 1) };
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

// ---- reads -------------------------------------------------------------------------------------

export interface ListConversationsFilter {
  mine?: boolean | undefined;
  unassigned?: boolean | undefined;
  team?: boolean | undefined;
  channel?: ConversationRow['channel'] | undefined;
  status?: ConversationRow['status'] | undefined;
  priority?: ConversationRow['priority'] | undefined;
  label?: string | undefined;
  q?: string | undefined;
  leadId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function listConversations(
  d: InboxDeps,
  auth: AuthContext,
  f: ListConversationsFilter,
) {
  const a = await accessOf(d, auth);
  const ws = eq(conversation.workspaceId, auth.workspaceId);
  const visible = visibleAssignee(a, conversation.assigneeId);
  const at = sql<number>`coalesce(${conversation.lastMessageAt}, ${conversation.createdAt})`;
  const whose: SQL[] = [];
  if (f.mine) whose.push(eq(conversation.assigneeId, auth.userId));
  if (f.unassigned) whose.push(isNull(conversation.assigneeId));
  if (f.team) {
    const team = [...a.viewer.teamUserIds, auth.userId];
    whose.push(inArray(conversation.assigneeId, team));
  }
  let search: SQL | undefined;
  if (f.q) {
    const p = `%${likeEscape(f.q)}%`;
    const leads = d.db
      .select({ id: lead.id })
      .from(lead)
      .where(
        and(
          eq(lead.workspaceId, auth.workspaceId),
          or(
            ilike(lead.firstName, p),
            ilike(lead.lastName, p),
            ilike(lead.company, p),
            ilike(lead.email, p),
            ilike(lead.phone, p),
          ),
        ),
      );
    search = or(
      ilike(conversation.subject, p),
      ilike(conversation.lastMessagePreview, p),
      ilike(conversation.leadAddress, p),
      inArray(conversation.leadId, leads),
    );
  }
  const c = parseCursor(f.cursor);
  const rows = await d.db
    .select()
    .from(conversation)
    .where(
      and(
        ws,
        visible,
        whose.length > 0 ? or(...whose) : undefined,
        f.channel ? eq(conversation.channel, f.channel) : undefined,
        f.status ? eq(conversation.status, f.status) : undefined,
        f.priority ? eq(conversation.priority, f.priority) : undefined,
        f.label ? sql`${conversation.labels} @> ${JSON.stringify([f.label])}::jsonb` : undefined,
        f.leadId ? eq(conversation.leadId, f.leadId) : undefined,
        search,
        c ? sql`(${at}, ${conversation.id}) < (${c.t}::bigint, ${c.id})` : undefined,
      ),
    )
    .orderBy(desc(at), desc(conversation.id))
    .limit(f.limit);
  const [u] = await d.db
    .select({
      total: sql<number>`coalesce(sum(${conversation.unreadCount}), 0)::int`,
      mine: sql<number>`coalesce(sum(${conversation.unreadCount}) filter (where ${conversation.assigneeId} = ${auth.userId}), 0)::int`,
      unassigned: sql<number>`coalesce(sum(${conversation.unreadCount}) filter (where ${conversation.assigneeId} is null), 0)::int`,
    })
    .from(conversation)
    .where(and(ws, visible, ne(conversation.status, 'closed')));
  const last = rows.at(-1);
  return {
    items: rows,
    nextCursor:
      rows.length === f.limit && last ? `${last.lastMessageAt ?? last.createdAt}:${last.id}` : null,
    unread: {
      total: Number(u?.total ?? 0),
      mine: Number(u?.mine ?? 0),
      unassigned: Number(u?.unassigned ?? 0),
    },
  };
}

export async function getConversation(d: InboxDeps, auth: AuthContext, id: string) {
  return loadConversation(d.db, auth, await accessOf(d, auth), id);
}

export async function listMessages(
  d: InboxDeps,
  auth: AuthContext,
  id: string,
  q: { limit: number; before?: string | undefined },
) {
  await getConversation(d, auth, id);
  const c = parseCursor(q.before);
  const rows = await d.db
    .select()
    .from(message)
    .where(
      and(
        eq(message.conversationId, id),
        eq(message.workspaceId, auth.workspaceId),
        c ? sql`(${message.createdAt}, ${message.id}) < (${c.t}::bigint, ${c.id})` : undefined,
      ),
    )
    .orderBy(desc(message.createdAt), desc(message.id))
    .limit(q.limit);
  const last = rows.at(-1);
  return {
    items: rows,
    nextBefore: rows.length === q.limit && last ? `${last.createdAt}:${last.id}` : null,
  };
}

export async function listAssignments(d: InboxDeps, auth: AuthContext, id: string) {
  await getConversation(d, auth, id);
  const items = await d.db
    .select()
    .from(conversationAssignment)
    .where(
      and(
        eq(conversationAssignment.conversationId, id),
        eq(conversationAssignment.workspaceId, auth.workspaceId),
      ),
    )
    .orderBy(conversationAssignment.createdAt, conversationAssignment.id);
  return { items };
}

/** Assignments and status changes (snoozes, closes, reopens) together, oldest first. */
export async function conversationHistory(
  d: InboxDeps,
  auth: AuthContext,
  id: string,
): Promise<{ items: HistoryEntry[] }> {
  const { items: assignments } = await listAssignments(d, auth, id);
  const statuses = await d.db
    .select()
    .from(conversationStatusChange)
    .where(
      and(
        eq(conversationStatusChange.conversationId, id),
        eq(conversationStatusChange.workspaceId, auth.workspaceId),
      ),
    )
    .orderBy(conversationStatusChange.createdAt, conversationStatusChange.id);
  const items: HistoryEntry[] = [
    ...assignments.map(({ createdAt, workspaceId: _w, conversationId: _c, ...a }) => ({
      kind: 'assignment' as const,
      at: createdAt,
      ...a,
    })),
    ...statuses.map(({ createdAt, workspaceId: _w, conversationId: _c, ...c }) => ({
      kind: 'status' as const,
      at: createdAt,
      ...c,
    })),
  ];
  // Stable: within one millisecond assignments (listed first) stay before status changes.
  return { items: items.sort((a, b) => a.at - b.at) };
}

// ---- commands ----------------------------------------------------------------------------------

/** POST messages: a message, note or call log (idempotent by the client's message id). */
export async function postMessage(
  d: InboxDeps,
  auth: AuthContext,
  conversationId: string,
  body: Omit<OutboundInput, 'workspaceId' | 'userId' | 'conversationId' | 'fromAddress'> & {
    /** Our number / my mailbox to send from (checked); absent: the conversation's. */
    from?: string | undefined;
  },
): Promise<OutboundResult> {
  const a = await accessOf(d, auth);
  const conv = await loadConversation(d.db, auth, a, conversationId);
  if (body.kind !== 'note') mustWork(auth, conv);
  if (body.mentions && body.kind !== 'note') {
    throw new ApiError('invalid_input', 'Only notes mention members.', {
      issues: [{ path: 'mentions', message: 'only for kind "note"' }],
    });
  }
  const { from, ...rest } = body;
  if (from !== undefined && body.kind !== 'message') {
    throw new ApiError('invalid_input', 'Only messages are sent from an address.', {
      issues: [{ path: 'from', message: 'only for kind "message"' }],
    });
  }
  const ours = from ? await checkedOurAddress(d.db, auth, conv.channel, from, 'from') : null;
  return createOutbound(d, {
    ...rest,
    ...(ours ? { fromAddress: ours.address } : {}),
    workspaceId: auth.workspaceId,
    userId: auth.userId,
    conversationId,
  });
}

/**
 * Starts a conversation with a lead on a channel (assigned to the caller). SMS/WhatsApp between
 * the same two numbers is one conversation: an existing one is returned. Email starts a new thread.
 */
export async function startConversation(
  d: InboxDeps,
  auth: AuthContext,
  leadId: string,
  body: {
    channel: ConversationRow['channel'];
    ourAddress?: string | undefined;
    subject?: string | undefined;
    commandId?: string | undefined;
  },
): Promise<ConversationRow> {
  const a = await accessOf(d, auth);
  const [l] = await d.db
    .select()
    .from(lead)
    .where(
      and(eq(lead.id, leadId), eq(lead.workspaceId, auth.workspaceId), eq(lead.deleted, false)),
    );
  if (!l || !(await d.sync.visibility.canSee(a.viewer, auth.workspaceId, l.ownerId))) {
    throw new ApiError('not_found', 'No such lead.');
  }
  const ch = body.channel;
  const leadAddress = ch === 'email' ? l.email : ch === 'sms' || ch === 'whatsapp' ? l.phone : null;
  if ((ch === 'email' || ch === 'sms' || ch === 'whatsapp') && !leadAddress) {
    throw new ApiError('invalid_input', `The lead has no ${ch === 'email' ? 'email' : 'phone'}.`, {
      issues: [
        { path: 'channel', message: `the lead has no ${ch === 'email' ? 'email' : 'phone'}` },
      ],
    });
  }
  return runCommand(
    d,
    auth,
    { kind: 'conversation.start', commandId: body.commandId },
    async (tx, facts) => {
      const now = d.now();
      let ourAddress: string | null = null;
      let mailboxId: string | null = null;
      if (ch === 'email' || ch === 'sms' || ch === 'whatsapp') {
        const ours = body.ourAddress
          ? await checkedOurAddress(tx, auth, ch, body.ourAddress, 'ourAddress')
          : await defaultOurAddress(tx, auth, ch);
        ourAddress = ours.address;
        mailboxId = ours.mailboxId;
      } else if (body.ourAddress) {
        await checkedOurAddress(tx, auth, ch, body.ourAddress, 'ourAddress');
      }
      const id = d.newId();
      const threadKey =
        ch === 'sms' || ch === 'whatsapp' ? `${ourAddress ?? ''}|${leadAddress}` : `new:${id}`;
      const [ins] = await tx
        .insert(conversation)
        .values({
          id,
          workspaceId: auth.workspaceId,
          leadId,
          channel: ch,
          status: 'open',
          labels: [],
          subject: body.subject ?? null,
          ourAddress,
          leadAddress,
          mailboxId,
          threadKey,
          sla: [],
          escalations: [],
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (!ins) {
        const [existing] = await tx
          .select()
          .from(conversation)
          .where(
            and(
              eq(conversation.workspaceId, auth.workspaceId),
              eq(conversation.channel, ch),
              eq(conversation.threadKey, threadKey),
            ),
          );
        if (!existing || !canSeeConversation(a, existing)) {
          throw new ApiError('conflict', 'A conversation on these numbers already exists.');
        }
        return existing;
      }
      facts.push({ entity: 'conversation', id });
      const { settings } = await loadInboxSettings(tx, auth.workspaceId);
      return assignConversation(
        d,
        tx,
        settings,
        ins,
        {
          toUserId: auth.userId,
          byUserId: auth.userId,
          reason: 'Started the conversation',
          addItem: false,
        },
        facts,
      );
    },
  );
}

export async function assign(
  d: InboxDeps,
  auth: AuthContext,
  id: string,
  body: { assigneeId: string | null; note?: string | undefined; commandId?: string | undefined },
): Promise<ConversationRow> {
  const a = await accessOf(d, auth);
  return runCommand(
    d,
    auth,
    { kind: 'conversation.assign', commandId: body.commandId },
    async (tx, facts) => {
      const conv = await loadConversation(tx, auth, a, id, true);
      const to = body.assigneeId;
      if (!roleAtLeast(auth.role, 'manager')) {
        const take =
          to === auth.userId && (conv.assigneeId === null || conv.assigneeId === auth.userId);
        const giveBack = to === null && conv.assigneeId === auth.userId;
        if (!take && !giveBack) {
          throw new ApiError(
            'forbidden',
            'SDRs may take unassigned conversations or hand their own back; managers assign others.',
          );
        }
      }
      if (to !== null && !(await memberTeam(tx, auth.workspaceId, to)).isMember) {
        throw new ApiError('invalid_input', 'The assignee is not a member of this workspace.', {
          issues: [{ path: 'assigneeId', message: 'not a member of this workspace' }],
        });
      }
      const { settings } = await loadInboxSettings(tx, auth.workspaceId);
      return assignConversation(
        d,
        tx,
        settings,
        conv,
        {
          toUserId: to,
          byUserId: auth.userId,
          note: body.note ?? null,
          reason: 'Assigned by hand',
        },
        facts,
      );
    },
  );
}

export async function patchConversation(
  d: InboxDeps,
  auth: AuthContext,
  id: string,
  body: {
    status?: ConversationRow['status'] | undefined;
    snoozedUntil?: number | null | undefined;
    priority?: ConversationRow['priority'] | undefined;
    labels?: string[] | undefined;
    commandId?: string | undefined;
  },
): Promise<ConversationRow> {
  const a = await accessOf(d, auth);
  return runCommand(
    d,
    auth,
    { kind: 'conversation.patch', commandId: body.commandId },
    async (tx, facts) => {
      const conv = await loadConversation(tx, auth, a, id, true);
      mustWork(auth, conv);
      const now = d.now();
      const set: Partial<ConversationRow> = { updatedAt: now };
      let status = body.status;
      if (status === undefined && typeof body.snoozedUntil === 'number') status = 'snoozed';
      if (status === 'snoozed') {
        if (typeof body.snoozedUntil !== 'number' || body.snoozedUntil <= now) {
          throw new ApiError('invalid_input', 'Snooze until a time in the future.', {
            issues: [{ path: 'snoozedUntil', message: 'must be in the future' }],
          });
        }
        set.status = 'snoozed';
        set.snoozedUntil = body.snoozedUntil;
      } else if (status !== undefined) {
        set.status = status;
        set.snoozedUntil = null;
        if (status === 'closed') set.closedAt = conv.status === 'closed' ? conv.closedAt : now;
        else set.closedAt = null;
      }
      if (body.priority !== undefined) set.priority = body.priority;
      if (body.labels !== undefined) set.labels = [...new Set(body.labels)];
      if (set.status !== undefined) {
        const snoozedUntil = set.snoozedUntil ?? null;
        await recordStatusChanges(
          d,
          tx,
          [{ conv, to: set.status, snoozedUntil, byUserId: auth.userId, reason: 'manual' }],
          now,
        );
      }
      const [updated] = await tx
        .update(conversation)
        .set(set)
        .where(eq(conversation.id, conv.id))
        .returning();
      facts.push({ entity: 'conversation', id: conv.id });
      if (set.status === 'closed') {
        await completeConversationItems(
          d,
          tx,
          conv.id,
          ['inbound_message', 'sla_breach', 'assigned_lead'],
          facts,
        );
      }
      const { settings } = await loadInboxSettings(tx, auth.workspaceId);
      return (await refreshSla(d, tx, settings, updated!, facts)).conv;
    },
  );
}

export async function markRead(
  d: InboxDeps,
  auth: AuthContext,
  id: string,
  body: { commandId?: string | undefined },
): Promise<ConversationRow> {
  const a = await accessOf(d, auth);
  return runCommand(
    d,
    auth,
    { kind: 'conversation.read', commandId: body.commandId },
    async (tx, facts) => {
      const conv = await loadConversation(tx, auth, a, id, true);
      mustWork(auth, conv);
      if (conv.unreadCount === 0) return conv;
      const [updated] = await tx
        .update(conversation)
        .set({ unreadCount: 0, updatedAt: d.now() })
        .where(eq(conversation.id, conv.id))
        .returning();
      facts.push({ entity: 'conversation', id: conv.id });
      return updated!;
    },
  );
}

/** Cancels a send-later message that has not gone out (author, managers, admins). */
export async function cancelMessage(
  d: InboxDeps,
  auth: AuthContext,
  messageId: string,
  body: { commandId?: string | undefined },
) {
  const a = await accessOf(d, auth);
  return runCommand(
    d,
    auth,
    { kind: 'message.cancel', commandId: body.commandId },
    async (tx, facts) => {
      const [m] = await tx
        .select()
        .from(message)
        .where(and(eq(message.id, messageId), eq(message.workspaceId, auth.workspaceId)))
        .for('update');
      if (!m) throw new ApiError('not_found', 'No such message.');
      await loadConversation(tx, auth, a, m.conversationId);
      if (m.authorId !== auth.userId && !roleAtLeast(auth.role, 'manager')) {
        throw new ApiError('forbidden', 'Only the author, managers and admins cancel a message.');
      }
      if (m.status === 'canceled') return m;
      const status = nextStatus(m.status, 'canceled');
      if (m.direction !== 'out' || m.kind !== 'message' || status !== 'canceled') {
        throw new ApiError('conflict', `The message is ${m.status}; it can no longer be canceled.`);
      }
      const [updated] = await tx
        .update(message)
        .set({ status, updatedAt: d.now() })
        .where(eq(message.id, m.id))
        .returning();
      facts.push({ entity: 'message', id: m.id });
      return updated!;
    },
  );
}

// ---- notifications -----------------------------------------------------------------------------

export async function listNotifications(
  d: InboxDeps,
  auth: AuthContext,
  q: { unread?: boolean | undefined; limit: number; before?: string | undefined },
) {
  const c = parseCursor(q.before);
  const mine = and(
    eq(notification.workspaceId, auth.workspaceId),
    eq(notification.userId, auth.userId),
  );
  const rows = await d.db
    .select()
    .from(notification)
    .where(
      and(
        mine,
        q.unread ? isNull(notification.readAt) : undefined,
        c
          ? sql`(${notification.createdAt}, ${notification.id}) < (${c.t}::bigint, ${c.id})`
          : undefined,
      ),
    )
    .orderBy(desc(notification.createdAt), desc(notification.id))
    .limit(q.limit);
  const [u] = await d.db
    .select({ n: sql<number>`count(*)::int` })
    .from(notification)
    .where(and(mine, isNull(notification.readAt)));
  const last = rows.at(-1);
  return {
    items: rows,
    nextBefore: rows.length === q.limit && last ? `${last.createdAt}:${last.id}` : null,
    unreadCount: Number(u?.n ?? 0),
  };
}

export async function readNotifications(
  d: InboxDeps,
  auth: AuthContext,
  body: { ids?: string[] | undefined; all?: boolean | undefined; commandId?: string | undefined },
) {
  return runCommand(
    d,
    auth,
    { kind: 'notifications.read', commandId: body.commandId },
    async (tx, facts) => {
      const now = d.now();
      const rows = await tx
        .update(notification)
        .set({ readAt: now, updatedAt: now })
        .where(
          and(
            eq(notification.workspaceId, auth.workspaceId),
            eq(notification.userId, auth.userId),
            isNull(notification.readAt),
            body.all ? undefined : inArray(notification.id, body.ids ?? []),
          ),
        )
        .returning({ id: notification.id });
      for (const r of rows) facts.push({ entity: 'notification', id: r.id });
      return { updated: rows.length };
    },
  );
}

// ---- settings ----------------------------------------------------------------------------------

export async function getSettings(d: InboxDeps, auth: AuthContext) {
  return loadInboxSettings(d.db, auth.workspaceId);
}

/** Replaces the settings; with a `commandId` (the engine's outbox) a resend changes nothing. */
export async function putSettings(
  d: InboxDeps,
  auth: AuthContext,
  body: unknown,
  commandId?: string,
) {
  if (!roleAtLeast(auth.role, 'manager')) {
    throw new ApiError('forbidden', 'Only managers and admins change inbox settings.');
  }
  const parsed = InboxSettings.safeParse(body);
  if (!parsed.success) {
    throw new ApiError('invalid_input', 'The settings are not valid.', {
      issues: parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.'),
        message: i.message,
      })),
    });
  }
  return runCommand(d, auth, { kind: 'inbox.settings', commandId }, async (tx) => {
    await saveInboxSettings(tx, auth.workspaceId, parsed.data, auth.userId, d.now());
    return loadInboxSettings(tx, auth.workspaceId);
  });
}
