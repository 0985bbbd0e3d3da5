/**
 * Pure helpers of the Inbox and Queue areas: labels, SLA countdown text, snooze choices, template
 * variables for the composer, a message's status line and the inbox keyboard (j/k, Enter, r, e,
 * s; the key after `g` belongs to the app's area shortcuts). Unit-tested in `model.test.ts`.
 */
import { formatDuration, type TemplateVars } from '@sdr/domain';
import type {
  AttachmentDto,
  ConversationDto,
  HistoryEntryDto,
  MessageDto,
  ThreadLead,
} from '../../shared/contract.ts';

export const CHANNEL_LABELS: Record<ConversationDto['channel'], string> = {
  email: 'Email',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  call: 'Call',
  note: 'Note',
};
export const STATUS_LABELS: Record<ConversationDto['status'], string> = {
  open: 'Open',
  pending: 'Pending',
  closed: 'Closed',
  snoozed: 'Snoozed',
};
export const PRIORITY_LABELS: Record<ConversationDto['priority'], string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};

/** "12 min left" / "5 min overdue"; tone for colouring. */
export function slaText(
  dueAt: number | null,
  now: number,
): { text: string; tone: 'ok' | 'warning' | 'breached' } | null {
  if (dueAt === null) return null;
  const left = dueAt - now;
  if (left < 0) return { text: `${formatDuration(left)} overdue`, tone: 'breached' };
  return { text: `${formatDuration(left)} left`, tone: left <= 15 * 60_000 ? 'warning' : 'ok' };
}

/** Snooze choices from now: in an hour, tomorrow 09:00, next Monday 09:00 (local time). */
export function snoozeChoices(now: number): { label: string; at: number }[] {
  const d = new Date(now);
  const tomorrow = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 9, 0, 0, 0);
  const toMonday = (8 - d.getDay()) % 7 || 7;
  const monday = new Date(d.getFullYear(), d.getMonth(), d.getDate() + toMonday, 9, 0, 0, 0);
  return [
    { label: 'In 1 hour', at: now + 3_600_000 },
    { label: 'In 3 hours', at: now + 3 * 3_600_000 },
    { label: 'Tomorrow 09:00', at: tomorrow.getTime() },
    { label: 'Next Monday 09:00', at: monday.getTime() },
  ];
}

/** `YYYY-MM-DDTHH:MM` for a `datetime-local` input, in local time. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A `datetime-local` value back to ms (null when empty or invalid). */
export function fromLocalInput(value: string): number | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** The composer's template variables (`{{lead.firstName}}`, `{{user.name}}`, ...). */
export function templateVars(
  lead: ThreadLead | null,
  me: { name: string; email: string },
  workspaceName: string,
): TemplateVars {
  const first = me.name.trim().split(/\s+/)[0] ?? '';
  return {
    lead: lead
      ? {
          firstName: lead.firstName,
          lastName: lead.lastName,
          fullName: `${lead.firstName} ${lead.lastName}`.trim(),
          company: lead.company,
          title: lead.title,
          email: lead.email,
          phone: lead.phone,
          country: lead.country,
        }
      : {},
    user: { name: me.name, firstName: first, email: me.email },
    workspace: { name: workspaceName },
  };
}

/** The small line under a message: where it stands. */
export function messageStatusText(m: MessageDto, time: (ms: number) => string): string {
  if (m.local === 'waiting') {
    if (m.status === 'canceled') return 'Cancelling…';
    return m.sendAt ? `Waiting to send (scheduled ${time(m.sendAt)})` : 'Waiting to send';
  }
  if (m.local === 'failed') return `Not sent: ${m.localError ?? 'refused by the server'}`;
  if (m.direction === 'in') return m.kind === 'message' ? 'Received' : labelOf(m.kind);
  if (m.direction === 'internal') return m.kind === 'call' ? 'Call logged' : 'Internal note';
  switch (m.status) {
    case 'scheduled':
      return m.sendAt ? `Scheduled for ${time(m.sendAt)}` : 'Scheduled';
    case 'queued':
    case 'sending':
      return 'Sending…';
    case 'sent':
      return 'Sent';
    case 'delivered':
      return 'Delivered';
    case 'read':
      return 'Read';
    case 'failed':
    case 'undelivered':
    case 'bounced':
      return `${labelOf(m.status)}${m.statusReason ? `: ${m.statusReason}` : ''}`;
    case 'canceled':
      return 'Cancelled';
    case 'received':
      return 'Received';
  }
}

function labelOf(v: string): string {
  const s = v.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export type InboxCommand =
  | { type: 'move'; delta: 1 | -1 }
  | { type: 'open' }
  | { type: 'reply' }
  | { type: 'close' }
  | { type: 'snooze' }
  | { type: 'search' };

export type InboxKeyPress = {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  at: number;
  /** True when the key goes to a text field (no shortcut then). */
  typing: boolean;
};

/**
 * One line of a conversation's history. `who` names a member ("Me" for me); `at` formats a time.
 * A change without a member was the server's: routing rules, the end of a snooze, a reply.
 */
export function historyText(
  e: HistoryEntryDto,
  who: (userId: string) => string,
  at: (ms: number) => string,
): string {
  if (e.kind === 'assignment') {
    const to = e.toUserId === null ? 'nobody (unassigned)' : who(e.toUserId);
    const by = e.byUserId === null ? 'Routing' : who(e.byUserId);
    const text = `${by} assigned it to ${to}`;
    return e.note ? `${text}: “${e.note}”` : text;
  }
  if (e.reason === 'snooze_ended') return 'Back from snooze (the snooze time came)';
  if (e.reason === 'reply') {
    return `Reopened by the lead's reply (it was ${STATUS_LABELS[e.fromStatus].toLowerCase()})`;
  }
  const by = e.byUserId === null ? 'The server' : who(e.byUserId);
  switch (e.toStatus) {
    case 'snoozed':
      return e.snoozedUntil === null
        ? `${by} snoozed it`
        : `${by} snoozed it until ${at(e.snoozedUntil)}`;
    case 'closed':
      return `${by} closed it`;
    case 'open':
      return `${by} reopened it`;
    case 'pending':
      return `${by} set it to pending`;
  }
}

/** Downloadable: a server file id (no scheme) or a file still in the engine (`local:`). */
export function canDownload(fileId: string): boolean {
  return fileId.startsWith('local:') || !fileId.includes(':');
}

/**
 * What a thread says about an attachment it cannot offer as a download: provider media still
 * being fetched, provider media that could not be fetched (and why), or a file over the server's
 * limit. Null for a file that can be downloaded.
 */
export function attachmentNote(a: AttachmentDto): { text: string; error: boolean } | null {
  if (canDownload(a.fileId)) return null;
  if (a.unavailable) return { text: `Not available. ${a.unavailable}`, error: true };
  if (a.fileId.startsWith('twilio:')) return { text: 'Fetching from the provider…', error: false };
  return { text: 'Too large to keep', error: false };
}

/** j/k (and arrows), Enter/o, r, e, s, `/`; nothing while typing, nothing right after `g`. */
export function createInboxKeys(sequenceTimeoutMs = 1500) {
  let gAt: number | null = null;
  return function press(event: InboxKeyPress): InboxCommand | null {
    if (event.typing || event.ctrlKey || event.metaKey || event.altKey) return null;
    const afterG = gAt !== null && event.at - gAt <= sequenceTimeoutMs;
    gAt = event.key === 'g' ? event.at : null;
    if (afterG) return null;
    switch (event.key) {
      case 'j':
      case 'ArrowDown':
        return { type: 'move', delta: 1 };
      case 'k':
      case 'ArrowUp':
        return { type: 'move', delta: -1 };
      case 'Enter':
      case 'o':
        return { type: 'open' };
      case 'r':
        return { type: 'reply' };
      case 'e':
        return { type: 'close' };
      case 's':
        return { type: 'snooze' };
      case '/':
        return { type: 'search' };
      default:
        return null;
    }
  };
}
