/**
 * SQL over the engine's inbox tables: the server-owned fact copies (`conversation`, `message`,
 * `queue_item`, `notification`, written only by the sync stream through `FactStore`) and the
 * engine-only command outbox (`inbox_command`). Reads map rows to plain objects (JSON columns
 * parsed); the `Inbox` class layers the optimistic state of unsent commands on top.
 *
 * Commands are ordered by rowid (insertion order; an INTEGER rowid never goes backwards while
 * rows exist), which is the order they are sent in.
 */
import type Database from 'better-sqlite3';
import type { ConversationStatus, NotificationCategory } from '@sdr/schema';
import type { InboxView, ThreadLead } from '../../shared/contract.ts';
import { FactStore } from './fact-store.ts';

export interface ConversationRow {
  id: string;
  leadId: string;
  leadName: string;
  leadCompany: string;
  channel: string;
  status: string;
  snoozedUntil: number | null;
  assigneeId: string | null;
  teamId: string | null;
  priority: string;
  labels: string[];
  subject: string | null;
  leadAddress: string | null;
  ourAddress: string | null;
  unreadCount: number;
  lastMessageAt: number | null;
  lastMessagePreview: string | null;
  lastInboundAt: number | null;
  sla: { kind: string; dueAt: number; state: string }[];
  createdAt: number;
  updatedAt: number;
}

export interface MessageRow {
  id: string;
  conversationId: string;
  leadId: string;
  channel: string;
  direction: string;
  kind: string;
  authorId: string | null;
  fromAddress: string | null;
  toAddress: string | null;
  subject: string | null;
  body: string;
  attachments: {
    fileId: string;
    name: string;
    size: number;
    contentType: string;
    unavailable?: string;
  }[];
  status: string;
  statusReason: string | null;
  sendAt: number | null;
  sentAt: number | null;
  deliveredAt: number | null;
  mentions: string[];
  callDurationS: number | null;
  callOutcome: string | null;
  createdAt: number;
}

export interface QueueItemRow {
  id: string;
  kind: string;
  state: string;
  conversationId: string | null;
  leadId: string | null;
  taskId: string | null;
  assigneeId: string | null;
  teamId: string | null;
  dueAt: number | null;
  rankKey: number;
  pinnedRank: number | null;
  leadScore: number | null;
  channel: string | null;
  claimedBy: string | null;
  claimedAt: number | null;
  title: string;
  leadName: string;
  createdAt: number;
}

export interface NotificationRow {
  id: string;
  userId: string;
  category: NotificationCategory;
  title: string;
  body: string;
  conversationId: string | null;
  leadId: string | null;
  queueItemId: string | null;
  readAt: number | null;
  createdAt: number;
}

export interface CommandRow {
  id: string;
  workspaceId: string;
  kind: string;
  payload: Record<string, unknown>;
  createdAt: number;
  state: 'pending' | 'failed';
  attempts: number;
  error: string | null;
}

export interface ConversationFilter {
  view: InboxView;
  userId: string;
  status?: ConversationStatus[] | undefined;
  channel?: string | undefined;
  priority?: string | undefined;
  label?: string | undefined;
  q?: string | undefined;
  leadId?: string | undefined;
}

type Raw = Record<string, unknown>;

const json = <T>(v: unknown, fallback: T): T => {
  if (typeof v !== 'string') return fallback;
  try {
    return (JSON.parse(v) as T) ?? fallback;
  } catch {
    return fallback;
  }
};
/** A column read as text ('' for null). */
const txt = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : txt(v));

const LEAD_NAME = `trim(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, ''))`;

function conversationRow(r: Raw): ConversationRow {
  return {
    id: String(r.id),
    leadId: String(r.lead_id),
    leadName: txt(r.lead_name),
    leadCompany: txt(r.lead_company),
    channel: String(r.channel),
    status: String(r.status),
    snoozedUntil: num(r.snoozed_until),
    assigneeId: str(r.assignee_id),
    teamId: str(r.team_id),
    priority: String(r.priority),
    labels: json<string[]>(r.labels, []),
    subject: str(r.subject),
    leadAddress: str(r.lead_address),
    ourAddress: str(r.our_address),
    unreadCount: Number(r.unread_count ?? 0),
    lastMessageAt: num(r.last_message_at),
    lastMessagePreview: str(r.last_message_preview),
    lastInboundAt: num(r.last_inbound_at),
    sla: json<ConversationRow['sla']>(r.sla, []),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function messageRow(r: Raw): MessageRow {
  return {
    id: String(r.id),
    conversationId: String(r.conversation_id),
    leadId: String(r.lead_id),
    channel: String(r.channel),
    direction: String(r.direction),
    kind: String(r.kind),
    authorId: str(r.author_id),
    fromAddress: str(r.from_address),
    toAddress: str(r.to_address),
    subject: str(r.subject),
    body: txt(r.body),
    attachments: json<MessageRow['attachments']>(r.attachments, []),
    status: String(r.status),
    statusReason: str(r.status_reason),
    sendAt: num(r.send_at),
    sentAt: num(r.sent_at),
    deliveredAt: num(r.delivered_at),
    mentions: json<string[]>(r.mentions, []),
    callDurationS: num(r.call_duration_s),
    callOutcome: str(r.call_outcome),
    createdAt: Number(r.created_at),
  };
}

function queueRow(r: Raw): QueueItemRow {
  return {
    id: String(r.id),
    kind: String(r.kind),
    state: String(r.state),
    conversationId: str(r.conversation_id),
    leadId: str(r.lead_id),
    taskId: str(r.task_id),
    assigneeId: str(r.assignee_id),
    teamId: str(r.team_id),
    dueAt: num(r.due_at),
    rankKey: Number(r.rank_key),
    pinnedRank: num(r.pinned_rank),
    leadScore: num(r.lead_score),
    channel: str(r.channel),
    claimedBy: str(r.claimed_by),
    claimedAt: num(r.claimed_at),
    title: txt(r.title),
    leadName: txt(r.lead_name),
    createdAt: Number(r.created_at),
  };
}

function notificationRow(r: Raw): NotificationRow {
  return {
    id: String(r.id),
    userId: String(r.user_id),
    category: String(r.category) as NotificationCategory,
    title: String(r.title),
    body: String(r.body),
    conversationId: str(r.conversation_id),
    leadId: str(r.lead_id),
    queueItemId: str(r.queue_item_id),
    readAt: num(r.read_at),
    createdAt: Number(r.created_at),
  };
}

function commandRow(r: Raw): CommandRow {
  return {
    id: String(r.id),
    workspaceId: String(r.workspace_id),
    kind: String(r.kind),
    payload: json<Record<string, unknown>>(r.payload, {}),
    createdAt: Number(r.created_at),
    state: r.state === 'failed' ? 'failed' : 'pending',
    attempts: Number(r.attempts ?? 0),
    error: str(r.error),
  };
}

/** `%` and `_` typed by the user match themselves. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Conversations marked read by a command not sent yet count as read. */
const PENDING_READ = `c.id IN (SELECT json_extract(payload, '$.conversationId') FROM inbox_command
  WHERE workspace_id = c.workspace_id AND kind = 'markRead' AND state = 'pending')`;

export function createInboxStore(sqlite: Database.Database) {
  const facts = new FactStore(sqlite);
  const cache = new Map<string, Database.Statement>();
  const stmt = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = sqlite.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };

  function where(ws: string, f: ConversationFilter): { sql: string; params: unknown[] } {
    const parts = ['c.workspace_id = ?'];
    const params: unknown[] = [ws];
    if (f.view === 'mine') {
      parts.push('c.assignee_id = ?');
      params.push(f.userId);
    } else if (f.view === 'unassigned') parts.push('c.assignee_id IS NULL');
    if (f.status && f.status.length > 0) {
      parts.push(`c.status IN (${f.status.map(() => '?').join(', ')})`);
      params.push(...f.status);
    } else parts.push(`c.status <> 'closed'`);
    if (f.channel) {
      parts.push('c.channel = ?');
      params.push(f.channel);
    }
    if (f.priority) {
      parts.push('c.priority = ?');
      params.push(f.priority);
    }
    if (f.label) {
      parts.push('EXISTS (SELECT 1 FROM json_each(c.labels) WHERE value = ?)');
      params.push(f.label);
    }
    if (f.leadId) {
      parts.push('c.lead_id = ?');
      params.push(f.leadId);
    }
    const q = f.q?.trim();
    if (q) {
      const p = likePattern(q);
      parts.push(
        `(c.last_message_preview LIKE ? ESCAPE '\\' OR c.subject LIKE ? ESCAPE '\\'
          OR c.lead_address LIKE ? ESCAPE '\\' OR ${LEAD_NAME} LIKE ? ESCAPE '\\'
          OR l.company LIKE ? ESCAPE '\\' OR l.email LIKE ? ESCAPE '\\')`,
      );
      params.push(p, p, p, p, p, p);
    }
    return { sql: parts.join(' AND '), params };
  }

  const SELECT_CONVERSATION = `SELECT c.*, ${LEAD_NAME} AS lead_name, coalesce(l.company, '') AS lead_company
    FROM conversation c LEFT JOIN lead l ON l.id = c.lead_id`;

  return {
    tx<T>(fn: () => T): T {
      return sqlite.transaction(fn)();
    },

    conversations(
      ws: string,
      f: ConversationFilter,
      limit: number,
      offset: number,
    ): { items: ConversationRow[]; total: number } {
      const w = where(ws, f);
      const items = (
        stmt(
          `${SELECT_CONVERSATION} WHERE ${w.sql}
           ORDER BY c.last_message_at IS NULL, c.last_message_at DESC, c.id DESC LIMIT ? OFFSET ?`,
        ).all(...w.params, limit, offset) as Raw[]
      ).map(conversationRow);
      const total = Number(
        (
          stmt(
            `SELECT count(*) AS n FROM conversation c LEFT JOIN lead l ON l.id = c.lead_id WHERE ${w.sql}`,
          ).get(...w.params) as { n: number }
        ).n,
      );
      return { items, total };
    },

    conversation(ws: string, id: string): ConversationRow | null {
      const r = stmt(`${SELECT_CONVERSATION} WHERE c.workspace_id = ? AND c.id = ?`).get(ws, id) as
        Raw | undefined;
      return r ? conversationRow(r) : null;
    },

    conversationsOfLead(ws: string, leadId: string): ConversationRow[] {
      return (
        stmt(
          `${SELECT_CONVERSATION} WHERE c.workspace_id = ? AND c.lead_id = ?
           ORDER BY c.last_message_at IS NULL, c.last_message_at DESC, c.id`,
        ).all(ws, leadId) as Raw[]
      ).map(conversationRow);
    },

    /** Conversations not closed, and those with unread messages, per view. */
    viewCounts(ws: string, userId: string) {
      const r = stmt(
        `SELECT
           sum(c.assignee_id = ?) AS mine,
           sum(c.assignee_id = ? AND c.unread_count > 0 AND NOT (${PENDING_READ})) AS mine_unread,
           sum(c.assignee_id IS NULL) AS unassigned,
           sum(c.assignee_id IS NULL AND c.unread_count > 0 AND NOT (${PENDING_READ})) AS unassigned_unread,
           count(*) AS all_n,
           sum(c.unread_count > 0 AND NOT (${PENDING_READ})) AS all_unread
         FROM conversation c WHERE c.workspace_id = ? AND c.status <> 'closed'`,
      ).get(userId, userId, ws) as Record<string, number | null>;
      const n = (k: string) => Number(r[k] ?? 0);
      return {
        mine: { conversations: n('mine'), unread: n('mine_unread') },
        unassigned: { conversations: n('unassigned'), unread: n('unassigned_unread') },
        all: { conversations: n('all_n'), unread: n('all_unread') },
      };
    },

    labels(ws: string): string[] {
      return stmt(
        `SELECT DISTINCT j.value FROM conversation c, json_each(c.labels) j
         WHERE c.workspace_id = ? ORDER BY j.value LIMIT 200`,
      )
        .pluck()
        .all(ws) as string[];
    },

    /** The lead's fields the thread header and template variables use (null: not synced yet). */
    lead(ws: string, id: string): ThreadLead | null {
      const r = stmt(
        `SELECT id, first_name, last_name, company, title, email, phone, country, owner_id
         FROM lead WHERE workspace_id = ? AND id = ? AND deleted = 0`,
      ).get(ws, id) as Raw | undefined;
      if (!r) return null;
      return {
        id: String(r.id),
        firstName: txt(r.first_name),
        lastName: txt(r.last_name),
        company: txt(r.company),
        title: txt(r.title),
        email: txt(r.email),
        phone: txt(r.phone),
        country: txt(r.country),
        ownerId: str(r.owner_id),
      };
    },

    messagesOfLead(ws: string, leadId: string): MessageRow[] {
      return (
        stmt(
          `SELECT * FROM message WHERE workspace_id = ? AND lead_id = ? ORDER BY created_at, id`,
        ).all(ws, leadId) as Raw[]
      ).map(messageRow);
    },

    messageExists(ws: string, id: string): boolean {
      return (
        stmt(`SELECT 1 FROM message WHERE workspace_id = ? AND id = ?`).get(ws, id) !== undefined
      );
    },

    /** Messages of the workspace carrying the attachment `fileId`. */
    messagesWithAttachment(ws: string, fileId: string): MessageRow[] {
      return (
        stmt(
          `SELECT m.* FROM message m, json_each(m.attachments) a
           WHERE m.workspace_id = ? AND json_extract(a.value, '$.fileId') = ? LIMIT 5`,
        ).all(ws, fileId) as Raw[]
      ).map(messageRow);
    },

    message(ws: string, id: string): MessageRow | null {
      const r = stmt(`SELECT * FROM message WHERE workspace_id = ? AND id = ?`).get(ws, id) as
        Raw | undefined;
      return r ? messageRow(r) : null;
    },

    /** Queue items not done (with the lead's name). */
    queueItems(ws: string): QueueItemRow[] {
      return (
        stmt(
          `SELECT q.*, ${LEAD_NAME} AS lead_name FROM queue_item q LEFT JOIN lead l ON l.id = q.lead_id
           WHERE q.workspace_id = ? AND q.state <> 'done'`,
        ).all(ws) as Raw[]
      ).map(queueRow);
    },

    queueItem(ws: string, id: string): QueueItemRow | null {
      const r = stmt(
        `SELECT q.*, ${LEAD_NAME} AS lead_name FROM queue_item q LEFT JOIN lead l ON l.id = q.lead_id
         WHERE q.workspace_id = ? AND q.id = ?`,
      ).get(ws, id) as Raw | undefined;
      return r ? queueRow(r) : null;
    },

    /** Open conversations, unread ones and SLA timers per assignee (the manager's team view). */
    conversationsForLoad(ws: string): ConversationRow[] {
      return (
        stmt(
          `${SELECT_CONVERSATION} WHERE c.workspace_id = ? AND c.status IN ('open', 'pending')`,
        ).all(ws) as Raw[]
      ).map(conversationRow);
    },

    notifications(ws: string, userId: string, limit: number): NotificationRow[] {
      return (
        stmt(
          `SELECT * FROM notification WHERE workspace_id = ? AND user_id = ?
           ORDER BY created_at DESC, id DESC LIMIT ?`,
        ).all(ws, userId, limit) as Raw[]
      ).map(notificationRow);
    },

    unreadNotifications(ws: string, userId: string): NotificationRow[] {
      return (
        stmt(
          `SELECT * FROM notification WHERE workspace_id = ? AND user_id = ? AND read_at IS NULL`,
        ).all(ws, userId) as Raw[]
      ).map(notificationRow);
    },

    // ---- commands ----

    addCommand(c: Omit<CommandRow, 'state' | 'attempts' | 'error'>): void {
      stmt(
        `INSERT INTO inbox_command (id, workspace_id, kind, payload, created_at, state, attempts)
         VALUES (?, ?, ?, ?, ?, 'pending', 0)`,
      ).run(c.id, c.workspaceId, c.kind, JSON.stringify(c.payload), c.createdAt);
    },

    /** Every command of the workspace, in sending order. */
    commands(ws: string): CommandRow[] {
      return (
        stmt(`SELECT * FROM inbox_command WHERE workspace_id = ? ORDER BY rowid`).all(ws) as Raw[]
      ).map(commandRow);
    },

    nextPending(ws: string): CommandRow | null {
      const r = stmt(
        `SELECT * FROM inbox_command WHERE workspace_id = ? AND state = 'pending' ORDER BY rowid LIMIT 1`,
      ).get(ws) as Raw | undefined;
      return r ? commandRow(r) : null;
    },

    command(id: string): CommandRow | null {
      const r = stmt(`SELECT * FROM inbox_command WHERE id = ?`).get(id) as Raw | undefined;
      return r ? commandRow(r) : null;
    },

    removeCommand(id: string): void {
      stmt(`DELETE FROM inbox_command WHERE id = ?`).run(id);
    },

    failCommand(id: string, error: string): void {
      stmt(
        `UPDATE inbox_command SET state = 'failed', error = ?, attempts = attempts + 1 WHERE id = ?`,
      ).run(error, id);
    },

    /** Replaces a pending command's payload (e.g. a send whose files were uploaded meanwhile). */
    setCommandPayload(id: string, payload: Record<string, unknown>): void {
      stmt(`UPDATE inbox_command SET payload = ? WHERE id = ?`).run(JSON.stringify(payload), id);
    },

    retried(id: string, error: string): void {
      stmt(`UPDATE inbox_command SET attempts = attempts + 1, error = ? WHERE id = ?`).run(
        error,
        id,
      );
    },

    /**
     * A row a REST answer returned (e.g. a conversation just started), stored as the sync
     * stream would store its fact (the stream's copy replaces it when it comes; never older).
     */
    applyFact(ws: string, entity: 'conversation', row: Record<string, unknown>): boolean {
      const r = facts.apply(ws, entity, String(row.id), row);
      return r !== null && !('error' in r);
    },

    // ---- local settings (JSON values) ----

    getSetting(key: string): unknown {
      const v = stmt(`SELECT value FROM local_setting WHERE key = ?`).pluck().get(key);
      return typeof v === 'string' ? json<unknown>(v, undefined) : undefined;
    },

    setSetting(key: string, value: unknown): void {
      stmt(
        `INSERT INTO local_setting (key, value) VALUES (?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      ).run(key, JSON.stringify(value));
    },

    /** The workspace's inbox facts and commands go (another user's, or a sign-out). */
    wipe(ws: string): void {
      for (const table of [
        'conversation',
        'message',
        'queue_item',
        'notification',
        'inbox_command',
      ])
        stmt(`DELETE FROM ${table} WHERE workspace_id = ?`).run(ws);
    },
  };
}

export type InboxStore = ReturnType<typeof createInboxStore>;
