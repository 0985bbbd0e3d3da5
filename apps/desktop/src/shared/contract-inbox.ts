/**
 * The inbox, live queue and notifications part of the engine contract (see contract.ts; issue 5).
 *
 * Conversations, messages, queue items and notifications are server-owned facts the engine keeps
 * in SQLite from the sync stream; reads answer from there (offline too). Everything the user does
 * (send, note, assign, snooze, claim, ...) is a **command**: stored in the engine's command outbox
 * first, shown at once (a message "waiting to send", a claim "unconfirmed"), and sent to the
 * server in order when online. A command the server refuses for good stays listed as `failed`
 * (with the reason) until dismissed.
 */
import { z } from 'zod';
import { StoredFileDto } from './contract-import.ts';
import {
  Channel,
  ConversationStatus,
  InboxSettings,
  MessageStatus,
  NotificationCategory,
  NotificationPrefs,
  Priority,
  QueueItemKind,
  ReplyTemplate,
  SlaTimerKind,
  SlaTimerState,
} from '@sdr/schema';

const Id = z.string().min(1).max(64);
const ById = z.object({ id: Id }).strict();
const Ok = z.object({ ok: z.literal(true) });

export const INBOX_VIEWS = ['mine', 'unassigned', 'all'] as const;
/** `mine`: assigned to me; `unassigned`: nobody's; `all`: everything I may see (the team's). */
export const InboxView = z.enum(INBOX_VIEWS);
export type InboxView = z.infer<typeof InboxView>;

export const SlaTimerDto = z.object({
  kind: SlaTimerKind,
  dueAt: z.number(),
  state: SlaTimerState,
});
export type SlaTimerDto = z.infer<typeof SlaTimerDto>;

export const ConversationDto = z.object({
  id: z.string(),
  leadId: z.string(),
  /** The lead's name as the local replica has it ("" when the lead is not synced yet). */
  leadName: z.string(),
  leadCompany: z.string(),
  channel: Channel,
  status: ConversationStatus,
  snoozedUntil: z.number().nullable(),
  assigneeId: z.string().nullable(),
  teamId: z.string().nullable(),
  priority: Priority,
  labels: z.array(z.string()),
  subject: z.string().nullable(),
  leadAddress: z.string().nullable(),
  ourAddress: z.string().nullable(),
  unreadCount: z.number().int(),
  lastMessageAt: z.number().nullable(),
  lastMessagePreview: z.string().nullable(),
  lastInboundAt: z.number().nullable(),
  sla: z.array(SlaTimerDto),
  /** The earliest running SLA deadline (ok / warning / breached), for the countdown. */
  slaDueAt: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** True while commands changing it wait in the outbox (the values shown include them). */
  pending: z.boolean(),
});
export type ConversationDto = z.infer<typeof ConversationDto>;

/**
 * A file attached to a message. `fileId`: the server file store's id (downloadable with
 * `inbox:attachment`); `local:<id>` while it is still only in the engine's file store (a message
 * waiting to be sent); an id with another `scheme:` (`imap:`, `twilio:`) is a file the server did
 * not store (too large, or provider media): metadata only, not downloadable.
 */
export const AttachmentDto = z.object({
  fileId: z.string(),
  name: z.string(),
  size: z.number(),
  contentType: z.string(),
  /** Provider media that could not be fetched, and why (absent while its download is pending). */
  unavailable: z.string().optional(),
});
export type AttachmentDto = z.infer<typeof AttachmentDto>;

/** A file for `inbox:send`: staged in the engine's file store first (web shell `POST /files`). */
export const LocalAttachment = z
  .object({
    /** The engine file store's id (`StoredFileDto.id`). */
    localFileId: Id,
    contentType: z.string().max(200).default('application/octet-stream'),
  })
  .strict();

/** Largest attachment (the server's limit). */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/** Where a message composed here stands locally, before/besides the server's own status. */
export const LocalMessageState = z.enum(['waiting', 'failed']);

export const MessageDto = z.object({
  id: z.string(),
  conversationId: z.string(),
  leadId: z.string(),
  channel: Channel,
  direction: z.enum(['in', 'out', 'internal']),
  kind: z.enum(['message', 'note', 'call', 'auto_reply', 'bounce']),
  authorId: z.string().nullable(),
  fromAddress: z.string().nullable(),
  toAddress: z.string().nullable(),
  subject: z.string().nullable(),
  body: z.string(),
  attachments: z.array(AttachmentDto),
  status: MessageStatus,
  statusReason: z.string().nullable(),
  sendAt: z.number().nullable(),
  sentAt: z.number().nullable(),
  deliveredAt: z.number().nullable(),
  mentions: z.array(z.string()),
  callDurationS: z.number().nullable(),
  callOutcome: z.string().nullable(),
  createdAt: z.number(),
  /** `waiting`: composed here, in the command outbox; `failed`: the server refused it. */
  local: LocalMessageState.nullable(),
  localError: z.string().nullable(),
});
export type MessageDto = z.infer<typeof MessageDto>;

export const ThreadLead = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  company: z.string(),
  title: z.string(),
  email: z.string(),
  phone: z.string(),
  country: z.string(),
  ownerId: z.string().nullable(),
});
export type ThreadLead = z.infer<typeof ThreadLead>;

/** A lead's whole history: every conversation on every channel, messages in time order. */
export const ThreadDto = z.object({
  leadId: z.string(),
  lead: ThreadLead.nullable(),
  conversations: z.array(ConversationDto),
  messages: z.array(MessageDto),
});
export type ThreadDto = z.infer<typeof ThreadDto>;

export const ConversationQuery = z
  .object({
    view: InboxView.default('mine'),
    /** Empty or absent: open, pending and snoozed (everything not closed). */
    status: z.array(ConversationStatus).max(4).optional(),
    channel: Channel.optional(),
    priority: Priority.optional(),
    label: z.string().max(120).optional(),
    q: z.string().max(200).optional(),
    leadId: Id.optional(),
    limit: z.number().int().min(1).max(500).default(100),
    offset: z.number().int().min(0).default(0),
  })
  .strict();
export type ConversationQuery = z.input<typeof ConversationQuery>;

export const ViewCount = z.object({
  /** Conversations not closed. */
  conversations: z.number().int(),
  /** Of those, with unread messages. */
  unread: z.number().int(),
});
export const InboxCounts = z.object({
  views: z.object({ mine: ViewCount, unassigned: ViewCount, all: ViewCount }),
  /** Labels in use (for the label filter). */
  labels: z.array(z.string()),
  /** Commands waiting for the server, and commands it refused (not dismissed yet). */
  pendingCommands: z.number().int(),
  failedCommands: z.number().int(),
});
export type InboxCounts = z.infer<typeof InboxCounts>;

export const ClaimState = z.enum(['open', 'mine', 'other', 'unconfirmed', 'refused']);
export type ClaimState = z.infer<typeof ClaimState>;

export const QueueItemDto = z.object({
  id: z.string(),
  kind: QueueItemKind,
  state: z.enum(['open', 'claimed', 'done']),
  conversationId: z.string().nullable(),
  leadId: z.string().nullable(),
  taskId: z.string().nullable(),
  assigneeId: z.string().nullable(),
  dueAt: z.number().nullable(),
  rankKey: z.number(),
  pinnedRank: z.number().nullable(),
  leadScore: z.number().nullable(),
  channel: Channel.nullable(),
  claimedBy: z.string().nullable(),
  title: z.string(),
  leadName: z.string(),
  createdAt: z.number(),
  /** `explainPriority` lines (the hover tooltip). */
  explanation: z.array(z.string()),
  /** `unconfirmed`: claimed here, the server has not answered; `refused`: it said no. */
  claim: ClaimState,
  claimError: z.string().nullable(),
});
export type QueueItemDto = z.infer<typeof QueueItemDto>;

export const TeamMemberLoad = z.object({
  userId: z.string().nullable(),
  openConversations: z.number().int(),
  unread: z.number().int(),
  queueItems: z.number().int(),
  breaches: z.number().int(),
});
export type TeamMemberLoad = z.infer<typeof TeamMemberLoad>;

/** A member's load in the manager's team view (`queue:team`). */
export const TeamLoadDto = TeamMemberLoad.extend({
  /** Known when the server answered (`GET /queue/team`); null from the local computation. */
  name: z.string().nullable(),
  capacity: z.number().int().nullable(),
  claimedItems: z.number().int().nullable(),
});
export type TeamLoadDto = z.infer<typeof TeamLoadDto>;

export const TeamView = z.object({
  /** `server`: `GET /api/v1/queue/team` (online); `local`: computed from the local copies. */
  source: z.enum(['server', 'local']),
  members: z.array(TeamLoadDto),
});
export type TeamView = z.infer<typeof TeamView>;

/** The workspace's inbox settings as the engine has them. */
export const InboxSettingsDto = z.object({
  settings: InboxSettings,
  updatedAt: z.number().nullable(),
  updatedBy: z.string().nullable(),
  /** `server`: just read from it; `cache`: as last synced (offline); `defaults`: never synced. */
  source: z.enum(['server', 'cache', 'defaults']),
  /**
   * My last save while it is in the command outbox (`pending`: `settings` shows it, not sent yet)
   * or after the server refused it (`failed`, with its reason; `settings` is the server's).
   */
  save: z
    .object({
      commandId: z.string(),
      state: z.enum(['pending', 'failed']),
      error: z.string().nullable(),
    })
    .nullable(),
});
export type InboxSettingsDto = z.infer<typeof InboxSettingsDto>;

/** Where a conversation can be started from: our Twilio numbers, my mailboxes. */
export const InboxChannelsDto = z.object({
  sms: z.array(z.string()),
  whatsapp: z.array(z.string()),
  email: z.array(z.string()),
  /** `server`: just read; `cache`: as last read (offline); `none`: never read. */
  source: z.enum(['server', 'cache', 'none']),
});
export type InboxChannelsDto = z.infer<typeof InboxChannelsDto>;

export const StartableChannel = z.enum(['email', 'sms', 'whatsapp']);
export type StartableChannel = z.infer<typeof StartableChannel>;

export const NotificationDto = z.object({
  id: z.string(),
  category: NotificationCategory,
  title: z.string(),
  body: z.string(),
  conversationId: z.string().nullable(),
  leadId: z.string().nullable(),
  queueItemId: z.string().nullable(),
  readAt: z.number().nullable(),
  createdAt: z.number(),
});
export type NotificationDto = z.infer<typeof NotificationDto>;

export const InboxCommandDto = z.object({
  id: z.string(),
  kind: z.string(),
  state: z.enum(['pending', 'failed']),
  attempts: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.number(),
  /** What it is about (conversation, queue item). */
  target: z.string().nullable(),
});
export type InboxCommandDto = z.infer<typeof InboxCommandDto>;

export const Snippet = z.object({
  id: Id,
  name: z.string().trim().min(1, 'Give it a name').max(120),
  body: z.string().max(20_000),
});
export type Snippet = z.infer<typeof Snippet>;

const Body = z.string().max(100_000);

export const SendInput = z
  .object({
    conversationId: Id,
    /** Client-chosen message id (the idempotency key); the engine makes one when absent. */
    id: Id.optional(),
    kind: z.enum(['message', 'note', 'call']).default('message'),
    body: Body,
    subject: z.string().max(998).optional(),
    /** Send later: the server hands it to the provider at this time (ms). */
    sendAt: z.number().int().positive().optional(),
    mentions: z.array(Id).max(100).optional(),
    callDurationS: z.number().int().min(0).max(86_400).optional(),
    callOutcome: z.string().max(200).optional(),
    /** Files to send with it (uploaded to the server before the message is posted). */
    attachments: z.array(LocalAttachment).max(10).optional(),
    /**
     * Messages: send from this one of our numbers / my mailboxes (`inbox:channels`); absent: the
     * conversation's own address. The server checks it belongs to the workspace / to me.
     */
    from: z.string().trim().min(1).max(320).optional(),
  })
  .strict()
  .refine((s) => s.kind === 'call' || s.body.trim() !== '' || (s.attachments ?? []).length > 0, {
    message: 'Write something first',
    path: ['body'],
  });

export const ConversationPatch = z
  .object({
    conversationId: Id,
    status: ConversationStatus.optional(),
    /** With `status: 'snoozed'`: when it reopens (ms). */
    snoozedUntil: z.number().int().positive().nullable().optional(),
    priority: Priority.optional(),
    labels: z.array(z.string().trim().min(1).max(120)).max(50).optional(),
  })
  .strict()
  .refine((p) => p.status !== 'snoozed' || (p.snoozedUntil ?? null) !== null, {
    message: 'Pick when it comes back',
    path: ['snoozedUntil'],
  });

const CommandAnswer = z.object({ commandId: z.string() });

/**
 * A conversation's history (`GET /conversations/{id}/history`): assignments, and status changes
 * by a member (`reason` manual) or by the server (`snooze_ended`, `reply`; `byUserId` null).
 */
export const HistoryEntryDto = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('assignment'),
    id: z.string(),
    at: z.number(),
    fromUserId: z.string().nullable(),
    toUserId: z.string().nullable(),
    byUserId: z.string().nullable(),
    note: z.string().nullable(),
    reason: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('status'),
    id: z.string(),
    at: z.number(),
    fromStatus: ConversationStatus,
    toStatus: ConversationStatus,
    snoozedUntil: z.number().nullable(),
    byUserId: z.string().nullable(),
    reason: z.enum(['manual', 'snooze_ended', 'reply']),
  }),
]);
export type HistoryEntryDto = z.infer<typeof HistoryEntryDto>;
export const HistoryDto = z.object({ items: z.array(HistoryEntryDto) });
export type HistoryDto = z.infer<typeof HistoryDto>;

export const inboxChannels = {
  'inbox:conversations': {
    input: ConversationQuery,
    output: z.object({ items: z.array(ConversationDto), total: z.number().int() }),
  },
  'inbox:counts': { input: z.object({}).strict(), output: InboxCounts },
  /** A lead's whole history; by conversation (its lead's) or by lead. */
  'inbox:thread': {
    input: z
      .object({ conversationId: Id.optional(), leadId: Id.optional() })
      .strict()
      .refine((t) => t.conversationId || t.leadId, 'Name a conversation or a lead'),
    output: ThreadDto,
  },
  'inbox:send': {
    input: SendInput,
    output: z.object({ commandId: z.string(), messageId: z.string() }),
  },
  /**
   * A message's attachment for download: the engine fetches it from the server (online; cached in
   * its file store) and answers where the web shell serves it (`url`, `/files/<id>`).
   */
  'inbox:attachment': {
    input: z.object({ fileId: z.string().min(1).max(2000) }).strict(),
    output: StoredFileDto,
  },
  /** Cancels a scheduled (send later) message, or drops one still waiting in the outbox. */
  'inbox:cancelMessage': { input: z.object({ messageId: Id }).strict(), output: CommandAnswer },
  'inbox:assign': {
    input: z
      .object({
        conversationId: Id,
        assigneeId: Id.nullable(),
        note: z.string().max(2000).optional(),
      })
      .strict(),
    output: CommandAnswer,
  },
  'inbox:update': { input: ConversationPatch, output: CommandAnswer },
  /** Assignments and status changes (snoozes, closes, reopens), oldest first; online only. */
  'inbox:history': { input: z.object({ conversationId: Id }).strict(), output: HistoryDto },
  'inbox:markRead': { input: z.object({ conversationId: Id }).strict(), output: CommandAnswer },
  /**
   * Presence: the conversation the renderer shows (null: none) and whether I am composing in it.
   * The engine joins that conversation's awareness room while online and emits `inbox:presence`.
   */
  'inbox:view': {
    input: z.object({ conversationId: Id.nullable(), typing: z.boolean().default(false) }).strict(),
    output: Ok,
  },
  /** Commands not confirmed yet and commands the server refused. */
  'inbox:commands': { input: z.object({}).strict(), output: z.array(InboxCommandDto) },
  /** Forgets a refused command (its optimistic state goes with it). */
  'inbox:dismissCommand': { input: ById, output: Ok },
  /** Workspace reply templates (inbox settings, cached) and my personal snippets. */
  'inbox:templates': {
    input: z.object({}).strict(),
    output: z.object({ workspace: z.array(ReplyTemplate), personal: z.array(Snippet) }),
  },
  'inbox:saveSnippets': {
    input: z.object({ snippets: z.array(Snippet).max(200) }).strict(),
    output: z.array(Snippet),
  },
  /** My queue (or, for managers, `team: true`: everyone's), in priority order. */
  'queue:list': {
    input: z.object({ team: z.boolean().default(false) }).strict(),
    output: z.array(QueueItemDto),
  },
  /** Takes the top item (server-authoritative; offline: unconfirmed until the server answers). */
  'queue:next': {
    input: z.object({}).strict(),
    output: z.object({ commandId: z.string().nullable(), itemId: z.string().nullable() }),
  },
  'queue:claim': { input: ById, output: CommandAnswer },
  'queue:release': { input: ById, output: CommandAnswer },
  'queue:complete': { input: ById, output: CommandAnswer },
  /** Managers: pin these items first, in this order. */
  'queue:reorder': {
    input: z.object({ itemIds: z.array(Id).min(1).max(500) }).strict(),
    output: CommandAnswer,
  },
  /**
   * Managers: load per member (open conversations vs capacity, queue items, claimed, SLA
   * breaches): the server's view when online, else computed from the local copies.
   */
  'queue:team': { input: z.object({}).strict(), output: TeamView },
  /** The workspace's inbox settings: fresh from the server when online, else the cached copy. */
  'inbox:settings': { input: z.object({}).strict(), output: InboxSettingsDto },
  /**
   * Managers/admins: replace them (`invalid_input` issues by path). Queued in the command outbox
   * (shown at once as `save.state: 'pending'`), sent when online; a refusal shows as `failed`.
   */
  'inbox:saveSettings': { input: InboxSettings, output: InboxSettingsDto },
  /** Our Twilio numbers and my mailboxes (read when online, cached). */
  'inbox:channels': { input: z.object({}).strict(), output: InboxChannelsDto },
  /**
   * Starts (or, SMS/WhatsApp on the same numbers, finds) a conversation with a lead on a channel,
   * assigned to me (online only). The conversation is stored locally at once.
   */
  'inbox:startConversation': {
    input: z
      .object({
        leadId: Id,
        channel: StartableChannel,
        subject: z.string().max(998).optional(),
        /** One of `inbox:channels` for this channel; absent: the server's default. */
        from: z.string().trim().min(1).max(320).optional(),
      })
      .strict(),
    output: ConversationDto,
  },
  'notifications:list': {
    input: z.object({ limit: z.number().int().min(1).max(200).default(50) }).strict(),
    output: z.object({ items: z.array(NotificationDto), unread: z.number().int() }),
  },
  /** Marks these (or, without ids, all of mine) read. */
  'notifications:markRead': {
    input: z.object({ ids: z.array(Id).max(500).optional() }).strict(),
    output: CommandAnswer,
  },
  /** My notification preferences (the server's, read when online; as last read offline). */
  'notifications:getPrefs': { input: z.object({}).strict(), output: NotificationPrefs },
  /** Applied here at once; sent to the server through the command outbox (offline too). */
  'notifications:setPrefs': { input: NotificationPrefs, output: NotificationPrefs },
} as const;

export const inboxEvents = {
  /**
   * Inbox data changed (a fact from the server, a local command): reload what is shown.
   * `conversationIds: null` means many.
   */
  'inbox:changed': z.object({
    conversationIds: z.array(z.string()).nullable(),
    queue: z.boolean(),
    notifications: z.boolean(),
  }),
  /**
   * A new notification for me arrived live. `os`: show a desktop notification (in Electron the
   * engine already did; the web shell shows it with the Web Notifications API); `sound`: play one.
   */
  'notifications:new': z.object({
    notification: NotificationDto,
    os: z.boolean(),
    sound: z.boolean(),
    /** True when the engine raised the OS notification itself (Electron). */
    shown: z.boolean(),
  }),
  /** The inbox settings changed (saved here, or read fresh from the server and different). */
  'inbox:settingsChanged': InboxSettingsDto,
  /** My notification preferences changed (saved on another device, or a save here refused). */
  'notifications:prefsChanged': NotificationPrefs,
  /** The server refused a command for good (it is listed as failed until dismissed). */
  'inbox:commandFailed': z.object({
    id: z.string(),
    kind: z.string(),
    message: z.string(),
    target: z.string().nullable(),
  }),
  /** Who else is viewing the conversation I view (other users; empty when nobody or offline). */
  'inbox:presence': z.object({
    conversationId: z.string(),
    viewers: z.array(z.object({ userId: z.string(), name: z.string(), typing: z.boolean() })),
  }),
  /** Electron: a notification was clicked; open what it is about. */
  'notifications:open': z.object({
    conversationId: z.string().nullable(),
    queueItemId: z.string().nullable(),
  }),
} as const;
