/**
 * A workspace's inbox settings (issue 5): conversation routing, business hours, SLA policies,
 * escalation rules, live-queue weights and shared reply templates; plus a member's notification
 * preferences. Managers edit them in Settings; the server validates them with these schemas at the
 * boundary and stores them per workspace; the pure rules in `@sdr/domain` (`inbox/`) consume the
 * parsed (output) types. Every field has a default, so `InboxSettings.parse({})` is a working
 * configuration (mon-fri 09:00-17:00 UTC, one standard SLA policy, round-robin over nobody yet).
 *
 * The value enums (channel, priority, statuses) come from the inbox entities, so rows and settings
 * share one list.
 */
import { z } from 'zod';
import {
  CHANNELS,
  CONVERSATION_STATUSES,
  MESSAGE_STATUSES,
  NOTIFICATION_CATEGORIES,
  PRIORITIES,
  QUEUE_ITEM_KINDS,
} from './entities/inbox.ts';
import { isIanaTimeZone } from './records/lead.ts';
import { CountryCode } from './scoring-routing.ts';

function unique<T>(list: readonly T[]): boolean {
  return new Set(list).size === list.length;
}

// ---- value enums -------------------------------------------------------------------------------

export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;
export const ConversationStatus = z.enum(CONVERSATION_STATUSES);
export type ConversationStatus = z.infer<typeof ConversationStatus>;
export const MessageStatus = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof MessageStatus>;
export const QueueItemKind = z.enum(QUEUE_ITEM_KINDS);
export type QueueItemKind = z.infer<typeof QueueItemKind>;
export const NotificationCategory = z.enum(NOTIFICATION_CATEGORIES);
export type NotificationCategory = z.infer<typeof NotificationCategory>;

export const SLA_TIMER_KINDS = ['first_response', 'next_response', 'resolution'] as const;
export const SlaTimerKind = z.enum(SLA_TIMER_KINDS);
export type SlaTimerKind = z.infer<typeof SlaTimerKind>;
export const SLA_TIMER_STATES = ['ok', 'warning', 'breached', 'met', 'paused'] as const;
export const SlaTimerState = z.enum(SLA_TIMER_STATES);
export type SlaTimerState = z.infer<typeof SlaTimerState>;

const UserId = z.string().min(1).max(64);
const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'Use letters, digits, "_", "-" or "." (max 64)');
const Label = z.string().trim().min(1, 'Enter a name').max(120);
const Minutes = z.number().int().min(0).max(525_600);
/** An IANA time zone such as `Europe/Berlin` or `UTC`. */
export const IanaTimeZone = z
  .string()
  .trim()
  .max(64)
  .refine(isIanaTimeZone, 'Use an IANA time zone like Europe/Berlin');
/** Wall-clock time `HH:MM` (24 h); `24:00` is allowed as the end of a day. */
export const ClockTime = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'Use HH:MM, 24-hour (e.g. 09:00)');
/** A calendar day `YYYY-MM-DD`. */
export const IsoDay = z
  .string()
  .regex(/^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/, 'Use YYYY-MM-DD');

// ---- routing -----------------------------------------------------------------------------------

export const INBOX_ROUTING_RULES = ['round_robin', 'least_loaded', 'manual'] as const;
export type InboxRoutingRuleKind = (typeof INBOX_ROUTING_RULES)[number];

export const InboxTerritory = z.object({
  countries: z.array(CountryCode).min(1).max(250),
  userIds: z.array(UserId).min(1).max(500).refine(unique, 'People repeat'),
});
export type InboxTerritory = z.infer<typeof InboxTerritory>;

/**
 * Who gets a new conversation (see `@sdr/domain` `chooseAssignee`). `byChannel` and
 * `byTerritory` narrow the candidates (`sdrIds`) before the rule picks; `preferLeadOwner` gives a
 * conversation to the lead's owner when they can take it.
 */
export const InboxRouting = z.object({
  rule: z.enum(INBOX_ROUTING_RULES).default('round_robin'),
  sdrIds: z
    .array(UserId)
    .max(500)
    .refine(unique, 'People repeat')
    .default(() => []),
  /** Max open conversations per person; `defaultCapacity` for people not listed. */
  capacity: z.record(UserId, z.number().int().min(0).max(100_000)).default(() => ({})),
  defaultCapacity: z.number().int().min(0).max(100_000).default(50),
  preferLeadOwner: z.boolean().default(true),
  byChannel: z.partialRecord(Channel, z.array(UserId).max(500)).optional(),
  /** First territory listing the lead's country wins. */
  byTerritory: z.array(InboxTerritory).max(200).optional(),
});
export type InboxRouting = z.infer<typeof InboxRouting>;

// ---- business hours ----------------------------------------------------------------------------

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `start` inclusive, `end` exclusive, same day (`22:00-06:00` is two intervals on two days). */
export const HoursInterval = z
  .object({ start: ClockTime, end: ClockTime })
  .refine((i) => i.start < i.end, 'The end must be after the start (same day)');
export type HoursInterval = z.infer<typeof HoursInterval>;

const DayHours = z.array(HoursInterval).max(12);
const nineToFive = (): HoursInterval[] => [{ start: '09:00', end: '17:00' }];

export const BusinessHours = z
  .object({
    timeZone: IanaTimeZone.default('UTC'),
    weekly: z
      .object({
        mon: DayHours.default(nineToFive),
        tue: DayHours.default(nineToFive),
        wed: DayHours.default(nineToFive),
        thu: DayHours.default(nineToFive),
        fri: DayHours.default(nineToFive),
        sat: DayHours.default(() => []),
        sun: DayHours.default(() => []),
      })
      .prefault({}),
    /** Days off, in the workspace time zone. */
    holidays: z
      .array(IsoDay)
      .max(1000)
      .default(() => []),
  })
  .refine((h) => WEEKDAYS.some((d) => h.weekly[d].length > 0), 'Open at least one day of the week');
export type BusinessHours = z.infer<typeof BusinessHours>;

// ---- SLA ---------------------------------------------------------------------------------------

/**
 * A service level for conversations. The first policy whose `channels` and `priority` (absent or
 * empty: any) match the conversation applies. A `null` target means no such timer.
 */
export const SlaPolicy = z.object({
  id: Id,
  name: Label,
  channels: z.array(Channel).max(CHANNELS.length).optional(),
  priority: z.array(Priority).max(PRIORITIES.length).optional(),
  firstResponseMinutes: Minutes.nullable(),
  nextResponseMinutes: Minutes.nullable(),
  resolutionMinutes: Minutes.nullable(),
  /** Count only business hours (the workspace's `businessHours`); else wall-clock time. */
  businessHoursOnly: z.boolean().default(true),
});
export type SlaPolicy = z.infer<typeof SlaPolicy>;

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  id: 'standard',
  name: 'Standard',
  firstResponseMinutes: 60,
  nextResponseMinutes: 240,
  resolutionMinutes: 3 * 8 * 60,
  businessHoursOnly: true,
};

export const SlaSettings = z.object({
  policies: z
    .array(SlaPolicy)
    .max(100)
    .refine((ps) => unique(ps.map((p) => p.id)), 'Policy ids must be unique')
    .default(() => [DEFAULT_SLA_POLICY]),
  /** A running timer is `warning` when at most this many minutes remain (wall clock). */
  warnBeforeMinutes: Minutes.default(15),
});
export type SlaSettings = z.infer<typeof SlaSettings>;

// ---- escalation --------------------------------------------------------------------------------

export const ESCALATION_ACTIONS = ['notify_manager', 'reassign', 'raise_priority'] as const;
export type EscalationActionKind = (typeof ESCALATION_ACTIONS)[number];

export const EscalationRule = z.object({
  on: SlaTimerKind,
  after: z.enum(['warning', 'breach']),
  actions: z.array(z.enum(ESCALATION_ACTIONS)).min(1).refine(unique, 'Actions repeat'),
});
export type EscalationRule = z.infer<typeof EscalationRule>;

// ---- queue -------------------------------------------------------------------------------------

/**
 * Live-queue priority (see `@sdr/domain` `queueRankKey`): an item's effective deadline is its due
 * time (or `createdAt + kindDeadlineMinutes[kind]`), minus `scoreWeightMinutes * score / 100`,
 * minus the channel's bonus. Smaller is more urgent.
 */
export const QueueWeights = z.object({
  scoreWeightMinutes: z.number().min(0).max(10_080).default(20),
  channelBonusMinutes: z
    .partialRecord(Channel, z.number().min(-10_080).max(10_080))
    .default(() => ({ call: 10, sms: 5, whatsapp: 5 })),
  /** Deadline of items without a due time, counted from their creation. */
  kindDeadlineMinutes: z
    .partialRecord(QueueItemKind, Minutes)
    .default(() => ({ inbound_message: 60, assigned_lead: 240, sla_breach: 0, task_due: 0 })),
});
export type QueueWeights = z.infer<typeof QueueWeights>;

// ---- templates ---------------------------------------------------------------------------------

/** A workspace-shared snippet; `{{lead.firstName | "there"}}` placeholders (`renderTemplate`). */
export const ReplyTemplate = z.object({
  id: Id,
  name: Label,
  body: z.string().max(20_000),
  /** Offered on this channel only; absent/null: every channel. */
  channel: Channel.nullable().optional(),
});
export type ReplyTemplate = z.infer<typeof ReplyTemplate>;

// ---- all together ------------------------------------------------------------------------------

export const InboxSettings = z.object({
  routing: InboxRouting.prefault({}),
  businessHours: BusinessHours.prefault({}),
  sla: SlaSettings.prefault({}),
  escalations: z
    .array(EscalationRule)
    .max(50)
    .default((): EscalationRule[] => [
      { on: 'first_response', after: 'breach', actions: ['notify_manager'] },
    ]),
  queue: QueueWeights.prefault({}),
  templates: z
    .array(ReplyTemplate)
    .max(500)
    .refine((ts) => unique(ts.map((t) => t.id)), 'Template ids must be unique')
    .default(() => []),
});
export type InboxSettings = z.infer<typeof InboxSettings>;
/** What a client sends (every part optional, defaults filled in by `InboxSettings.parse`). */
export type InboxSettingsInput = z.input<typeof InboxSettings>;

export const DEFAULT_INBOX_SETTINGS: InboxSettings = InboxSettings.parse({});

// ---- notification preferences (per member) -----------------------------------------------------

/** How a member hears about one category; `sound` defaults differ per category. */
const channelsFor = (sound: boolean) =>
  z.object({
    inApp: z.boolean().default(true),
    os: z.boolean().default(true),
    sound: z.boolean().default(sound),
  });
export const NotificationChannels = channelsFor(true);
export type NotificationChannels = z.infer<typeof NotificationChannels>;

/** `start`-`end` in `timeZone`; crosses midnight when `start > end`; `start == end`: none. */
export const QuietHours = z.object({
  start: ClockTime,
  end: ClockTime,
  timeZone: IanaTimeZone,
});
export type QuietHours = z.infer<typeof QuietHours>;

const channelsDefault = (sound: boolean) => channelsFor(sound).prefault({});

export const NotificationPrefs = z.object({
  categories: z
    .object({
      reply: channelsDefault(true),
      assignment: channelsDefault(true),
      sla: channelsDefault(true),
      mention: channelsDefault(true),
      task: channelsDefault(false),
    })
    .prefault({}),
  quietHours: QuietHours.nullable().default(null),
  /** Epoch ms; OS notifications and sounds are off until then. */
  doNotDisturbUntil: z.number().int().min(0).nullable().default(null),
});
export type NotificationPrefs = z.infer<typeof NotificationPrefs>;

export const DEFAULT_NOTIFICATION_PREFS: NotificationPrefs = NotificationPrefs.parse({});
