/**
 * Message delivery status as a monotonic state machine. Provider callbacks arrive late, twice and
 * out of order (Twilio may post `sent` after `delivered`); `nextStatus(current, incoming)` keeps
 * the further of the two along one total order, so the result is the same whatever order the
 * callbacks arrive in (it is a max: commutative, associative, idempotent).
 *
 *   received < scheduled < queued < canceled < sending < sent
 *            < failed < undelivered < delivered < bounced < read
 *
 * - `canceled` (a canceled send-later) beats `scheduled`/`queued`, but once the provider reports
 *   `sending`/`sent` the message went out and the cancel lost the race.
 * - Failures beat progress (`sent` → `failed`), but `delivered` beats `failed`/`undelivered`: a
 *   delivery receipt is evidence the message arrived; the two are exclusive finals at Twilio, so
 *   both arriving means a stale or wrong failure.
 * - `bounced` beats `delivered`: for email "delivered" means the receiving server accepted it, and
 *   an asynchronous bounce (DSN) can follow.
 * - `read` (a read receipt) beats everything: the lead saw it.
 * - `received` is the inbound status; it is the bottom, so mixing directions is the caller's bug.
 *
 * Also: Twilio `MessageStatus` and SendGrid event types mapped to our statuses and engagement
 * flags.
 */
import type { MessageStatus } from '@sdr/schema';

export const MESSAGE_STATUS_ORDER: readonly MessageStatus[] = [
  'received',
  'scheduled',
  'queued',
  'canceled',
  'sending',
  'sent',
  'failed',
  'undelivered',
  'delivered',
  'bounced',
  'read',
];

const RANK = new Map<MessageStatus, number>(MESSAGE_STATUS_ORDER.map((s, i) => [s, i]));

function rank(status: MessageStatus): number {
  return RANK.get(status) ?? -1;
}

/** The status after `incoming` arrives for a message in `current` (never moves backwards). */
export function nextStatus(current: MessageStatus, incoming: MessageStatus | null): MessageStatus {
  if (incoming === null) return current;
  return rank(incoming) > rank(current) ? incoming : current;
}

/** Whether `incoming` changes `current` (i.e. the callback is not stale). */
export function statusAdvances(current: MessageStatus, incoming: MessageStatus | null): boolean {
  return incoming !== null && rank(incoming) > rank(current);
}

/** Statuses after which only a later, stronger report can change anything. */
export function isFinalStatus(status: MessageStatus): boolean {
  return (
    status === 'delivered' ||
    status === 'read' ||
    status === 'failed' ||
    status === 'undelivered' ||
    status === 'bounced' ||
    status === 'canceled' ||
    status === 'received'
  );
}

export function isFailureStatus(status: MessageStatus): boolean {
  return status === 'failed' || status === 'undelivered' || status === 'bounced';
}

const TWILIO: Readonly<Record<string, MessageStatus>> = {
  accepted: 'queued',
  scheduled: 'scheduled',
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  partially_delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  read: 'read',
  canceled: 'canceled',
  receiving: 'received',
  received: 'received',
};

/** Twilio `MessageStatus` / `SmsStatus` → our status; null for values we do not know. */
export function mapTwilioStatus(value: string): MessageStatus | null {
  const key = value.trim().toLowerCase();
  return Object.hasOwn(TWILIO, key) ? (TWILIO[key] ?? null) : null;
}

export type EngagementFlag = 'opened' | 'clicked' | 'spam_report' | 'unsubscribed';

export interface ProviderEvent {
  /** Status to merge with `nextStatus`; null when the event carries none. */
  readonly status: MessageStatus | null;
  readonly engagement: EngagementFlag | null;
  /** A temporary problem the provider retries (SendGrid `deferred`). */
  readonly temporary: boolean;
}

const SENDGRID: Readonly<Record<string, ProviderEvent>> = {
  processed: { status: 'sent', engagement: null, temporary: false },
  deferred: { status: 'sent', engagement: null, temporary: true },
  delivered: { status: 'delivered', engagement: null, temporary: false },
  bounce: { status: 'bounced', engagement: null, temporary: false },
  blocked: { status: 'bounced', engagement: null, temporary: false },
  dropped: { status: 'failed', engagement: null, temporary: false },
  // Engagement proves delivery; opens are not read receipts (image proxies open every mail).
  open: { status: 'delivered', engagement: 'opened', temporary: false },
  click: { status: 'delivered', engagement: 'clicked', temporary: false },
  spamreport: { status: 'delivered', engagement: 'spam_report', temporary: false },
  unsubscribe: { status: null, engagement: 'unsubscribed', temporary: false },
  group_unsubscribe: { status: null, engagement: 'unsubscribed', temporary: false },
};

/**
 * A SendGrid event webhook `event` → status and engagement flag; null for events we ignore
 * (`group_resubscribe`, unknown). `processed`/`deferred` mean SendGrid has the message (our
 * `sent`); `dropped` means it will never send it (`failed`); `bounce` (and `blocked`) → `bounced`.
 */
export function mapSendGridEvent(event: string): ProviderEvent | null {
  const key = event.trim().toLowerCase();
  return Object.hasOwn(SENDGRID, key) ? (SENDGRID[key] ?? null) : null;
}
