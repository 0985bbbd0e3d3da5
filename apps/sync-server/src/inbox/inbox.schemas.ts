/**
 * REST shapes of the inbox and the live queue (`/api/v1/conversations`, `/messages`, `/queue`,
 * `/notifications`, `/inbox/settings`). Rows travel as stored (times: ms since epoch), the same
 * columns the engine's fact tables hold. Every command body takes an optional `commandId` (the
 * idempotency key of the engine's command outbox).
 */
import { z } from '@hono/zod-openapi';
import {
  CHANNELS,
  CONVERSATION_STATUSES,
  MESSAGE_DIRECTIONS,
  MESSAGE_KINDS,
  MESSAGE_STATUSES,
  NOTIFICATION_CATEGORIES,
  PRIORITIES,
  QUEUE_ITEM_KINDS,
  QUEUE_ITEM_STATES,
  STATUS_CHANGE_REASONS,
} from '@sdr/schema';

const ms = () => z.number().int();
const Id = z.string().min(1).max(64);
/** Client-chosen ids (messages): ULIDs, UUIDs, ... */
const ClientId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/,
    'Use letters, digits, "_", "-", "." or ":" (max 64)',
  );
export const CommandId = ClientId.optional().openapi({
  description:
    'Idempotency key: repeating a command with the same commandId returns the first answer',
});

export const Attachment = z
  .object({
    fileId: z.string().min(1).max(128),
    name: z.string().min(1).max(255),
    size: z.number().int().min(0),
    contentType: z.string().min(1).max(255),
  })
  .openapi('Attachment');

/** An attachment as messages carry it: provider media may say why it could not be fetched. */
export const MessageAttachment = Attachment.extend({
  unavailable: z
    .string()
    .optional()
    .openapi({
      description:
        'Provider media (`twilio:` file ids) that could not be fetched into the file store, and why; ' +
        'absent while the download is pending and for stored files',
    }),
}).openapi('MessageAttachment');

export const SlaTimerDto = z.object({
  kind: z.enum(['first_response', 'next_response', 'resolution']),
  dueAt: ms(),
  state: z.enum(['ok', 'warning', 'breached', 'met', 'paused']),
});

export const ConversationDto = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    leadId: z.string(),
    channel: z.enum(CHANNELS),
    status: z.enum(CONVERSATION_STATUSES),
    snoozedUntil: ms().nullable(),
    assigneeId: z.string().nullable(),
    teamId: z.string().nullable(),
    priority: z.enum(PRIORITIES),
    labels: z.array(z.string()),
    subject: z.string().nullable(),
    ourAddress: z.string().nullable(),
    leadAddress: z.string().nullable(),
    mailboxId: z.string().nullable(),
    threadKey: z.string().nullable(),
    unreadCount: z.number().int(),
    lastMessageAt: ms().nullable(),
    lastMessagePreview: z.string().nullable(),
    lastInboundAt: ms().nullable(),
    lastOutboundAt: ms().nullable(),
    firstInboundAt: ms().nullable(),
    firstResponseAt: ms().nullable(),
    closedAt: ms().nullable(),
    sla: z.array(SlaTimerDto),
    escalations: z.array(z.string()),
    createdAt: ms(),
    updatedAt: ms(),
    seq: z.number().int(),
  })
  .openapi('Conversation');

export const MessageDto = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    conversationId: z.string(),
    leadId: z.string(),
    channel: z.enum(CHANNELS),
    direction: z.enum(MESSAGE_DIRECTIONS),
    kind: z.enum(MESSAGE_KINDS),
    authorId: z.string().nullable(),
    fromAddress: z.string().nullable(),
    toAddress: z.string().nullable(),
    subject: z.string().nullable(),
    body: z.string(),
    attachments: z.array(MessageAttachment),
    status: z.enum(MESSAGE_STATUSES),
    statusReason: z.string().nullable(),
    providerId: z.string().nullable(),
    emailMessageId: z.string().nullable(),
    inReplyTo: z.string().nullable(),
    references: z.array(z.string()).nullable(),
    sendAt: ms().nullable(),
    sentAt: ms().nullable(),
    deliveredAt: ms().nullable(),
    openedAt: ms().nullable(),
    clickedAt: ms().nullable(),
    mentions: z.array(z.string()).nullable(),
    callDurationS: z.number().int().nullable(),
    callOutcome: z.string().nullable(),
    assigneeId: z.string().nullable(),
    teamId: z.string().nullable(),
    createdAt: ms(),
    updatedAt: ms(),
    seq: z.number().int(),
  })
  .openapi('Message');

export const QueueItemDto = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    kind: z.enum(QUEUE_ITEM_KINDS),
    state: z.enum(QUEUE_ITEM_STATES),
    conversationId: z.string().nullable(),
    leadId: z.string().nullable(),
    taskId: z.string().nullable(),
    assigneeId: z.string().nullable(),
    teamId: z.string().nullable(),
    dueAt: ms().nullable(),
    rankKey: ms(),
    pinnedRank: z.number().int().nullable(),
    leadScore: z.number().int().nullable(),
    channel: z.enum(CHANNELS).nullable(),
    claimedBy: z.string().nullable(),
    claimedAt: ms().nullable(),
    doneAt: ms().nullable(),
    title: z.string(),
    createdAt: ms(),
    updatedAt: ms(),
    seq: z.number().int(),
  })
  .openapi('QueueItem');

export const NotificationDto = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    userId: z.string(),
    category: z.enum(NOTIFICATION_CATEGORIES),
    title: z.string(),
    body: z.string(),
    conversationId: z.string().nullable(),
    leadId: z.string().nullable(),
    queueItemId: z.string().nullable(),
    readAt: ms().nullable(),
    createdAt: ms(),
    updatedAt: ms(),
    seq: z.number().int(),
  })
  .openapi('Notification');

export const AssignmentDto = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    fromUserId: z.string().nullable(),
    toUserId: z.string().nullable(),
    byUserId: z.string().nullable(),
    note: z.string().nullable(),
    reason: z.string().nullable(),
    createdAt: ms(),
  })
  .openapi('ConversationAssignment');

// ---- conversations -----------------------------------------------------------------------------

const bool = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true'));

export const ListConversationsQuery = z.object({
  mine: bool,
  unassigned: bool,
  team: bool,
  channel: z.enum(CHANNELS).optional(),
  status: z.enum(CONVERSATION_STATUSES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  label: z.string().min(1).max(120).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  leadId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
});

export const ConversationList = z
  .object({
    items: z.array(ConversationDto),
    nextCursor: z.string().nullable(),
    unread: z.object({
      /** Unread inbound messages in conversations assigned to the caller. */
      mine: z.number().int(),
      unassigned: z.number().int(),
      /** Over every conversation the caller may see. */
      total: z.number().int(),
    }),
  })
  .openapi('ConversationList');

export const ListMessagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** `nextBefore` of the previous page (older messages). */
  before: z.string().max(200).optional(),
});

export const MessageList = z
  .object({ items: z.array(MessageDto), nextBefore: z.string().nullable() })
  .openapi('MessageList');

export const PostMessageInput = z
  .object({
    id: ClientId.openapi({ description: 'Client-chosen message id: sending it twice is a no-op' }),
    kind: z.enum(['message', 'note', 'call']).default('message'),
    body: z.string().max(100_000),
    subject: z.string().max(998).nullable().optional(),
    attachments: z.array(Attachment).max(20).optional(),
    sendAt: ms().min(0).nullable().optional().openapi({ description: 'Send later (ms)' }),
    mentions: z.array(Id).max(100).optional(),
    callDurationS: z.number().int().min(0).max(86_400).nullable().optional(),
    callOutcome: z.string().max(200).nullable().optional(),
    from: z.string().trim().min(1).max(320).optional().openapi({
      description:
        "Messages: send from this workspace Twilio number / caller's mailbox (default: the conversation's)",
    }),
    commandId: CommandId,
  })
  .strict()
  .refine((v) => v.kind !== 'message' || v.body.trim() !== '' || (v.attachments ?? []).length > 0, {
    message: 'Write a message or attach a file',
    path: ['body'],
  })
  .openapi('PostMessageInput');

export const PostMessageResult = z
  .object({ message: MessageDto, duplicate: z.boolean() })
  .openapi('PostMessageResult');

export const StartConversationInput = z
  .object({
    channel: z.enum(CHANNELS),
    /** Our side: a workspace Twilio number / your mailbox (checked); default: the first number / your first mailbox. */
    ourAddress: z.string().min(1).max(320).optional(),
    subject: z.string().max(998).optional(),
    commandId: CommandId,
  })
  .strict()
  .openapi('StartConversationInput');

export const AssignInput = z
  .object({
    assigneeId: Id.nullable().openapi({ description: 'null: back to the team queue' }),
    note: z.string().max(2000).optional(),
    commandId: CommandId,
  })
  .strict()
  .openapi('AssignInput');

export const PatchConversationInput = z
  .object({
    status: z.enum(CONVERSATION_STATUSES).optional(),
    snoozedUntil: ms().min(0).nullable().optional(),
    priority: z.enum(PRIORITIES).optional(),
    labels: z.array(z.string().trim().min(1).max(120)).max(50).optional(),
    commandId: CommandId,
  })
  .strict()
  .refine(
    (v) => Object.keys(v).some((k) => k !== 'commandId'),
    'Change at least one of status, snoozedUntil, priority, labels',
  )
  .refine((v) => v.status !== 'snoozed' || typeof v.snoozedUntil === 'number', {
    message: 'Snoozing needs snoozedUntil',
    path: ['snoozedUntil'],
  })
  .openapi('PatchConversationInput');

export const CommandBody = z.object({ commandId: CommandId }).strict().openapi('CommandBody');

export const AssignmentList = z
  .object({ items: z.array(AssignmentDto) })
  .openapi('ConversationAssignmentList');

const HistoryAssignment = z
  .object({
    kind: z.literal('assignment'),
    id: z.string(),
    at: ms(),
    fromUserId: z.string().nullable(),
    toUserId: z.string().nullable(),
    byUserId: z.string().nullable().openapi({ description: 'null: routing rules assigned it' }),
    note: z.string().nullable(),
    reason: z.string().nullable(),
  })
  .openapi('ConversationHistoryAssignment');

const HistoryStatus = z
  .object({
    kind: z.literal('status'),
    id: z.string(),
    at: ms(),
    fromStatus: z.enum(CONVERSATION_STATUSES),
    toStatus: z.enum(CONVERSATION_STATUSES),
    snoozedUntil: ms().nullable().openapi({ description: 'With toStatus snoozed: until when' }),
    byUserId: z.string().nullable().openapi({ description: 'null: the server changed it' }),
    reason: z.enum(STATUS_CHANGE_REASONS).openapi({
      description: 'manual: a member; snooze_ended: the snooze time came; reply: the lead wrote',
    }),
  })
  .openapi('ConversationHistoryStatus');

export const HistoryEntry = z.discriminatedUnion('kind', [HistoryAssignment, HistoryStatus]);
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const HistoryList = z
  .object({ items: z.array(HistoryEntry) })
  .openapi('ConversationHistory');

// ---- queue -------------------------------------------------------------------------------------

export const QueueNextResult = z
  .object({ item: QueueItemDto.nullable() })
  .openapi('QueueNextResult');

export const QueueItemResult = z.object({ item: QueueItemDto }).openapi('QueueItemResult');

export const QueueListQuery = z.object({
  /** `mine`: own and unassigned team items (default); `all`: everyone's (managers). */
  scope: z.enum(['mine', 'all']).default('mine'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const QueueList = z.object({ items: z.array(QueueItemDto) }).openapi('QueueItemList');

export const QueueOrderInput = z
  .object({
    /** Pinned first in this order (pinnedRank 1, 2, ...). */
    order: z.array(Id).max(500),
    /** Items to unpin. */
    unpin: z.array(Id).max(500).optional(),
    commandId: CommandId,
  })
  .strict()
  .refine((v) => new Set(v.order).size === v.order.length, 'Items repeat')
  .openapi('QueueOrderInput');

export const TeamMemberLoad = z.object({
  userId: z.string(),
  name: z.string(),
  role: z.string(),
  openConversations: z.number().int(),
  capacity: z.number().int(),
  openItems: z.number().int(),
  claimedItems: z.number().int(),
  breaches: z.number().int(),
});

export const TeamView = z
  .object({
    members: z.array(TeamMemberLoad),
    unassigned: z.object({
      openConversations: z.number().int(),
      openItems: z.number().int(),
      breaches: z.number().int(),
    }),
  })
  .openapi('QueueTeamView');

// ---- notifications -----------------------------------------------------------------------------

export const ListNotificationsQuery = z.object({
  unread: bool,
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** `nextBefore` of the previous page. */
  before: z.string().max(200).optional(),
});

export const NotificationList = z
  .object({
    items: z.array(NotificationDto),
    nextBefore: z.string().nullable(),
    unreadCount: z.number().int(),
  })
  .openapi('NotificationList');

export const ReadNotificationsInput = z
  .object({
    ids: z.array(Id).max(1000).optional(),
    /** Mark every notification read. */
    all: z.boolean().optional(),
    commandId: CommandId,
  })
  .strict()
  .refine((v) => v.all === true || (v.ids ?? []).length > 0, 'Give ids or all: true')
  .openapi('ReadNotificationsInput');

export const ReadResult = z.object({ updated: z.number().int() }).openapi('ReadResult');

// ---- settings ----------------------------------------------------------------------------------

export const InboxSettingsResponse = z
  .object({
    settings: z.record(z.string(), z.unknown()),
    updatedAt: ms().nullable(),
    updatedBy: z.string().nullable(),
  })
  .openapi('InboxSettingsResponse');

export const NotificationPrefsResponse = z
  .object({
    prefs: z.record(z.string(), z.unknown()),
    /** When they were last saved; null: never (the defaults). */
    updatedAt: ms().nullable(),
  })
  .openapi('NotificationPrefsResponse');
