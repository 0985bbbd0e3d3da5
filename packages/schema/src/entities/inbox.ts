import { col, defineEntity } from '../define.ts';

/**
 * The inbox (issue 5): conversations with leads on every channel, their messages, the live queue's
 * work items and per-user notifications, plus the server's provider integrations, mailboxes and
 * raw webhook events.
 *
 * `conversation`, `message`, `queueItem` and `notification` are **server-owned facts** (see
 * ARCHITECTURE.md, Sync): the server is the only writer of these rows. Every change stamps the row
 * with the next workspace change-log seq (`seq`) and appends a `fact` entry to `change_log` in the
 * same transaction, so the change reaches connected clients live and catch-up after any cursor.
 * The engine holds read-only copies (same columns) and changes them only through commands the
 * server executes (send, assign, claim, ...). Times are ms since epoch (bigint) so the rows travel
 * as JSON unchanged.
 */

export const CHANNELS = ['email', 'sms', 'whatsapp', 'call', 'note'] as const;
export type ChannelValue = (typeof CHANNELS)[number];
export const CONVERSATION_STATUSES = ['open', 'pending', 'closed', 'snoozed'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const MESSAGE_DIRECTIONS = ['in', 'out', 'internal'] as const;
/** `message` from/to the lead; `note` internal; `call` a call-log entry; the rest are inbound mail kinds. */
export const MESSAGE_KINDS = ['message', 'note', 'call', 'auto_reply', 'bounce'] as const;
export const MESSAGE_STATUSES = [
  'scheduled',
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'undelivered',
  'bounced',
  'canceled',
  'received',
] as const;
export const QUEUE_ITEM_KINDS = [
  'inbound_message',
  'assigned_lead',
  'sla_breach',
  'task_due',
] as const;
export const QUEUE_ITEM_STATES = ['open', 'claimed', 'done'] as const;
export const NOTIFICATION_CATEGORIES = ['reply', 'assignment', 'sla', 'mention', 'task'] as const;

const fact = {
  workspaceId: col.text().notNull(),
  createdAt: col.bigint().notNull(),
  updatedAt: col.bigint().notNull(),
  /** The workspace change-log seq of the row's last change (catch-up cursor). */
  seq: col.bigint().notNull().default(0),
};

export interface AttachmentValue {
  /** The stored file's id (server file store). */
  fileId: string;
  name: string;
  size: number;
  contentType: string;
  /**
   * Provider media that could not be fetched into the file store (a permanent failure, or the
   * retries ran out): why, for the thread to show instead of "downloading". Absent otherwise.
   */
  unavailable?: string;
}

export interface SlaTimerValue {
  kind: 'first_response' | 'next_response' | 'resolution';
  dueAt: number;
  state: 'ok' | 'warning' | 'breached' | 'met' | 'paused';
}

/** A thread with one lead on one channel (email: one per thread root; SMS/WhatsApp: one per number pair). */
export const conversation = defineEntity(
  'conversation',
  {
    id: col.id(),
    leadId: col.text().notNull(),
    channel: col.enum(CHANNELS).notNull(),
    status: col.enum(CONVERSATION_STATUSES).notNull().default('open'),
    snoozedUntil: col.bigint(),
    assigneeId: col.text(),
    teamId: col.text(),
    priority: col.enum(PRIORITIES).notNull().default('normal'),
    labels: col.json<string[]>().notNull(),
    subject: col.text(),
    /** Our side: the Twilio number (`+E164`, `whatsapp:+E164`) or the mailbox address. */
    ourAddress: col.text(),
    /** The lead's side: phone (E.164) or email address. */
    leadAddress: col.text(),
    mailboxId: col.text(),
    /** Email: the normalised Message-ID of the thread's root; SMS/WhatsApp: `<our>|<lead>`. */
    threadKey: col.text(),
    /** Inbound messages the assignee has not read. */
    unreadCount: col.integer().notNull().default(0),
    lastMessageAt: col.bigint(),
    lastMessagePreview: col.text(),
    lastInboundAt: col.bigint(),
    lastOutboundAt: col.bigint(),
    firstInboundAt: col.bigint(),
    firstResponseAt: col.bigint(),
    closedAt: col.bigint(),
    /** The SLA timers as last computed by the server (the engine recomputes remaining time). */
    sla: col.json<SlaTimerValue[]>().notNull(),
    /** Escalation keys already acted on (each fires once). */
    escalations: col.json<string[]>().notNull(),
    ...fact,
  },
  {
    indexes: [
      { name: 'conversation_ws_seq_ix', columns: ['workspaceId', 'seq'] },
      {
        name: 'conversation_ws_thread_uq',
        columns: ['workspaceId', 'channel', 'threadKey'],
        unique: true,
      },
      { name: 'conversation_ws_lead_ix', columns: ['workspaceId', 'leadId'] },
      { name: 'conversation_ws_assignee_ix', columns: ['workspaceId', 'assigneeId', 'status'] },
      { name: 'conversation_ws_last_ix', columns: ['workspaceId', 'lastMessageAt'] },
    ],
  },
);

/** One item of a conversation: a message to/from the lead, an internal note or a call-log entry. */
export const message = defineEntity(
  'message',
  {
    /** Chosen by the writer (the engine for composed messages): sending the same id twice is a no-op. */
    id: col.id(),
    conversationId: col.text().notNull(),
    leadId: col.text().notNull(),
    channel: col.enum(CHANNELS).notNull(),
    direction: col.enum(MESSAGE_DIRECTIONS).notNull(),
    kind: col.enum(MESSAGE_KINDS).notNull().default('message'),
    /** The member who wrote it (outbound, notes, calls); null for inbound and server writers. */
    authorId: col.text(),
    fromAddress: col.text(),
    toAddress: col.text(),
    subject: col.text(),
    body: col.text().notNull(),
    attachments: col.json<AttachmentValue[]>().notNull(),
    status: col.enum(MESSAGE_STATUSES).notNull(),
    /** Why it failed/bounced, or what a provider said. */
    statusReason: col.text(),
    /** The provider's id: Twilio MessageSid, the SMTP Message-ID of a sent email, ... */
    providerId: col.text(),
    /** Email: normalised Message-ID, In-Reply-To and References of this message. */
    emailMessageId: col.text(),
    inReplyTo: col.text(),
    references: col.json<string[]>(),
    /** Send later: not handed to the provider before this time. */
    sendAt: col.bigint(),
    sentAt: col.bigint(),
    deliveredAt: col.bigint(),
    openedAt: col.bigint(),
    clickedAt: col.bigint(),
    /** Member ids mentioned in a note. */
    mentions: col.json<string[]>(),
    callDurationS: col.integer(),
    callOutcome: col.text(),
    /** Copied from the conversation at write time: who may see the message (visibility). */
    assigneeId: col.text(),
    teamId: col.text(),
    ...fact,
  },
  {
    indexes: [
      { name: 'message_ws_seq_ix', columns: ['workspaceId', 'seq'] },
      { name: 'message_conversation_ix', columns: ['conversationId', 'createdAt'] },
      { name: 'message_ws_lead_ix', columns: ['workspaceId', 'leadId', 'createdAt'] },
      { name: 'message_ws_provider_uq', columns: ['workspaceId', 'providerId'], unique: true },
      { name: 'message_ws_email_id_ix', columns: ['workspaceId', 'emailMessageId'] },
    ],
  },
);

/** A unit of work in the live queue. `rankKey` is the priority (smaller first; see @sdr/domain). */
export const queueItem = defineEntity(
  'queueItem',
  {
    id: col.id(),
    kind: col.enum(QUEUE_ITEM_KINDS).notNull(),
    state: col.enum(QUEUE_ITEM_STATES).notNull().default('open'),
    conversationId: col.text(),
    leadId: col.text(),
    taskId: col.text(),
    /** Whose queue it is in; null: the team's shared queue. */
    assigneeId: col.text(),
    teamId: col.text(),
    /** The deadline the item works towards (SLA due, task due), ms. */
    dueAt: col.bigint(),
    /** Effective deadline from `queueRankKey` (now-independent: an index lookup finds the next). */
    rankKey: col.bigint().notNull(),
    /** Manager ordering: pinned items come first, lower rank first. */
    pinnedRank: col.integer(),
    /** Inputs of the priority (for the explanation): lead score, channel. */
    leadScore: col.integer(),
    channel: col.enum(CHANNELS),
    claimedBy: col.text(),
    claimedAt: col.bigint(),
    doneAt: col.bigint(),
    title: col.text().notNull(),
    ...fact,
  },
  {
    indexes: [
      { name: 'queue_item_ws_seq_ix', columns: ['workspaceId', 'seq'] },
      {
        // "Next": ws + open, in (pin, rank, id) order: the scan stops at the first row that is
        // mine or the team's (no sort; id breaks ties), see apps/sync-server queue-next.sql.ts.
        name: 'queue_item_next_ix',
        columns: ['workspaceId', 'state', 'pinnedRank', 'rankKey', 'id'],
      },
      { name: 'queue_item_conversation_ix', columns: ['conversationId'] },
    ],
  },
);

/** A notification for one member (in-app centre; the engine raises the OS notification). */
export const notification = defineEntity(
  'notification',
  {
    id: col.id(),
    userId: col.text().notNull(),
    category: col.enum(NOTIFICATION_CATEGORIES).notNull(),
    title: col.text().notNull(),
    body: col.text().notNull(),
    conversationId: col.text(),
    leadId: col.text(),
    queueItemId: col.text(),
    readAt: col.bigint(),
    ...fact,
  },
  {
    indexes: [
      { name: 'notification_ws_seq_ix', columns: ['workspaceId', 'seq'] },
      { name: 'notification_user_ix', columns: ['userId', 'createdAt'] },
    ],
  },
);

/** Server: who a conversation was assigned to, by whom, with a note (assignment history). */
export const conversationAssignment = defineEntity(
  'conversationAssignment',
  {
    id: col.id(),
    workspaceId: col.text().notNull(),
    conversationId: col.text().notNull(),
    fromUserId: col.text(),
    toUserId: col.text(),
    /** The member who reassigned; null when routing rules did. */
    byUserId: col.text(),
    note: col.text(),
    reason: col.text(),
    createdAt: col.bigint().notNull(),
  },
  {
    placement: 'server',
    indexes: [
      { name: 'conversation_assignment_conv_ix', columns: ['conversationId', 'createdAt'] },
    ],
  },
);

/** Why a conversation's status changed (`conversationStatusChange.reason`). */
export const STATUS_CHANGE_REASONS = ['manual', 'snooze_ended', 'reply'] as const;

/**
 * Server: a conversation's status history: who closed, snoozed (until when) or reopened it, or
 * that the snooze ended or a reply reopened it (`byUserId` null: the server did).
 */
export const conversationStatusChange = defineEntity(
  'conversationStatusChange',
  {
    id: col.id(),
    workspaceId: col.text().notNull(),
    conversationId: col.text().notNull(),
    fromStatus: col.enum(CONVERSATION_STATUSES).notNull(),
    toStatus: col.enum(CONVERSATION_STATUSES).notNull(),
    /** With `toStatus` snoozed: until when. */
    snoozedUntil: col.bigint(),
    byUserId: col.text(),
    reason: col.enum(STATUS_CHANGE_REASONS).notNull(),
    createdAt: col.bigint().notNull(),
  },
  {
    placement: 'server',
    indexes: [
      { name: 'conversation_status_change_conv_ix', columns: ['conversationId', 'createdAt'] },
    ],
  },
);

/** Server: a workspace's inbox settings (routing, SLA, business hours, escalation, templates). */
export const workspaceInboxSettings = defineEntity(
  'workspaceInboxSettings',
  {
    workspaceId: col.id().references('workspace'),
    settings: col.json<Record<string, unknown>>().notNull(),
    /** Round-robin cursor of conversation routing. */
    routingState: col.json<Record<string, unknown>>(),
    updatedAt: col.bigint().notNull(),
    updatedBy: col.text(),
  },
  { placement: 'server' },
);

/**
 * Server: a member's notification preferences (`NotificationPrefs`: per category, quiet hours,
 * do-not-disturb), one row per user, so they follow the user to every device (engines read them
 * on connect and send changes through their command outbox). The server may weigh them too.
 */
export const userNotificationPrefs = defineEntity(
  'userNotificationPrefs',
  {
    userId: col.id().references('user'),
    prefs: col.json<Record<string, unknown>>().notNull(),
    updatedAt: col.bigint().notNull(),
  },
  { placement: 'server' },
);

/** Server: a workspace's Twilio account (SMS and WhatsApp). The token is encrypted at rest. */
export const twilioIntegration = defineEntity(
  'twilioIntegration',
  {
    workspaceId: col.id().references('workspace'),
    accountSid: col.text().notNull().unique(),
    authTokenEnc: col.text().notNull(),
    /** Our numbers, E.164 (`+1...`) or `whatsapp:+1...`. */
    phoneNumbers: col.json<string[]>().notNull(),
    updatedAt: col.bigint().notNull(),
  },
  { placement: 'server' },
);

/** Server: a workspace's SendGrid event webhook verification key (ECDSA public key, base64 DER). */
export const sendgridIntegration = defineEntity(
  'sendgridIntegration',
  {
    workspaceId: col.id().references('workspace'),
    publicKey: col.text().notNull(),
    updatedAt: col.bigint().notNull(),
  },
  { placement: 'server' },
);

/** Server: a member's mailbox (IMAP in, SMTP out). Passwords are encrypted at rest. */
export const mailbox = defineEntity(
  'mailbox',
  {
    id: col.id(),
    workspaceId: col.text().notNull().references('workspace'),
    userId: col.text().notNull(),
    address: col.text().notNull(),
    displayName: col.text(),
    imapHost: col.text().notNull(),
    imapPort: col.integer().notNull(),
    imapSecure: col.boolean().notNull(),
    imapUser: col.text().notNull(),
    smtpHost: col.text().notNull(),
    smtpPort: col.integer().notNull(),
    smtpSecure: col.boolean().notNull(),
    smtpUser: col.text().notNull(),
    /** `{ imapPassword, smtpPassword }`, encrypted (see apps/sync-server secret box). */
    secretEnc: col.text().notNull(),
    imapUidValidity: col.bigint(),
    imapLastUid: col.bigint().notNull().default(0),
    status: col
      .enum(['active', 'error', 'disabled'] as const)
      .notNull()
      .default('active'),
    lastError: col.text(),
    createdAt: col.bigint().notNull(),
    updatedAt: col.bigint().notNull(),
  },
  {
    placement: 'server',
    indexes: [
      { name: 'mailbox_ws_user_ix', columns: ['workspaceId', 'userId'] },
      { name: 'mailbox_ws_address_uq', columns: ['workspaceId', 'address'], unique: true },
    ],
  },
);

/**
 * Server: a provider's webhook request as received (after its signature was verified). The unique
 * `(provider, eventKey)` makes a replay a no-op (`INSERT ... ON CONFLICT DO NOTHING`); the row is
 * also the processing job: `processedAt` null until the async processor has applied it.
 */
export const webhookEvent = defineEntity(
  'webhookEvent',
  {
    id: col.id(),
    provider: col
      .enum(['twilio_messaging', 'twilio_status', 'sendgrid', 'email_imap'] as const)
      .notNull(),
    eventKey: col.text().notNull(),
    workspaceId: col.text(),
    payload: col.json<unknown>().notNull(),
    receivedAt: col.bigint().notNull(),
    processedAt: col.bigint(),
    attempts: col.integer().notNull().default(0),
    lastError: col.text(),
  },
  {
    placement: 'server',
    indexes: [
      { name: 'webhook_event_key_uq', columns: ['provider', 'eventKey'], unique: true },
      { name: 'webhook_event_pending_ix', columns: ['processedAt', 'receivedAt'] },
    ],
  },
);

/**
 * Server: a file attached to a message (uploaded by a member or received with an inbound email /
 * MMS). The bytes live in the row (`bytea`, at most 20 MB, see apps/sync-server/src/files), so
 * every server instance reads them from the shared database without a shared disk.
 */
export const storedFile = defineEntity(
  'storedFile',
  {
    id: col.id(),
    workspaceId: col.text().notNull().references('workspace'),
    name: col.text().notNull(),
    contentType: col.text().notNull(),
    size: col.integer().notNull(),
    /** Hex SHA-256 of the bytes. */
    sha256: col.text().notNull(),
    /** The member who uploaded it; null for files received from a provider. */
    createdBy: col.text(),
    createdAt: col.bigint().notNull(),
    bytes: col.bytes().notNull(),
  },
  {
    placement: 'server',
    indexes: [{ name: 'stored_file_ws_ix', columns: ['workspaceId', 'createdAt'] }],
  },
);

/**
 * Server: the answer of an inbox REST command sent with a `commandId` (the engine's outbox id).
 * A repeat of the same command id in the workspace returns the stored answer instead of running
 * again, so an engine resending after a crash or a lost response changes nothing twice.
 */
export const commandResult = defineEntity(
  'commandResult',
  {
    id: col.id(),
    workspaceId: col.text().notNull(),
    commandId: col.text().notNull(),
    userId: col.text().notNull(),
    /** What ran (`conversation.assign`, `queue.next`, ...): a repeat under another kind is a 409. */
    kind: col.text().notNull(),
    status: col.integer().notNull(),
    response: col.json<unknown>().notNull(),
    createdAt: col.bigint().notNull(),
  },
  {
    placement: 'server',
    indexes: [
      { name: 'command_result_ws_cmd_uq', columns: ['workspaceId', 'commandId'], unique: true },
      { name: 'command_result_created_ix', columns: ['createdAt'] },
    ],
  },
);

/**
 * Engine: commands for the server written while offline or not yet confirmed (send a message,
 * assign, change status, claim a queue item, ...). Sent in order, each with its `id` as the
 * idempotency key, so a resend after a crash is a no-op on the server.
 */
export const inboxCommand = defineEntity(
  'inboxCommand',
  {
    id: col.id(),
    workspaceId: col.text().notNull(),
    kind: col.text().notNull(),
    payload: col.json<unknown>().notNull(),
    createdAt: col.bigint().notNull(),
    state: col
      .enum(['pending', 'failed'] as const)
      .notNull()
      .default('pending'),
    attempts: col.integer().notNull().default(0),
    error: col.text(),
  },
  {
    placement: 'client',
    indexes: [{ name: 'inbox_command_ws_ix', columns: ['workspaceId', 'createdAt'] }],
  },
);
