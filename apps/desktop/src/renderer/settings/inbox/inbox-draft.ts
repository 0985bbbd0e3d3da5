/**
 * Pure helpers of the inbox settings editor (Settings → Inbox): the parts and their issue
 * counts, new SLA policies / escalation rules / templates with starting values, per-channel
 * member lists that drop empty entries, and the IANA time zones offered by the picker.
 */
import {
  DEFAULT_SLA_POLICY,
  type EscalationRule,
  type InboxSettings,
  type ReplyTemplate,
  type SlaPolicy,
} from '@sdr/schema';
import { newId, type Issues } from '../leads/draft.ts';

export type InboxPart = 'routing' | 'hours' | 'sla' | 'escalations' | 'queue' | 'templates';

export const INBOX_PARTS: readonly { value: InboxPart; label: string }[] = [
  { value: 'routing', label: 'Routing' },
  { value: 'hours', label: 'Business hours' },
  { value: 'sla', label: 'SLA' },
  { value: 'escalations', label: 'Escalation' },
  { value: 'queue', label: 'Queue' },
  { value: 'templates', label: 'Templates' },
];

/** Which part a settings path belongs to (`businessHours.…` → hours). */
const PART_OF: Record<string, InboxPart> = {
  routing: 'routing',
  businessHours: 'hours',
  sla: 'sla',
  escalations: 'escalations',
  queue: 'queue',
  templates: 'templates',
};

export function inboxIssueCounts(issues: Issues): Record<InboxPart, number> {
  const counts: Record<InboxPart, number> = {
    routing: 0,
    hours: 0,
    sla: 0,
    escalations: 0,
    queue: 0,
    templates: 0,
  };
  for (const path of Object.keys(issues)) {
    const part = PART_OF[path.split('.')[0] ?? ''];
    if (part) counts[part] += 1;
  }
  return counts;
}

export function newSlaPolicy(policies: readonly SlaPolicy[]): SlaPolicy {
  const id = newId(
    'policy',
    policies.map((p) => p.id),
  );
  return { ...DEFAULT_SLA_POLICY, id, name: `Policy ${policies.length + 1}` };
}

export function newEscalation(): EscalationRule {
  return { on: 'first_response', after: 'breach', actions: ['notify_manager'] };
}

export function newTemplate(templates: readonly ReplyTemplate[]): ReplyTemplate {
  const id = newId(
    'template',
    templates.map((t) => t.id),
  );
  return { id, name: `Template ${templates.length + 1}`, body: '', channel: null };
}

/** `byChannel` with one channel's list set (an empty list removes the channel). */
export function withChannelMembers(
  byChannel: InboxSettings['routing']['byChannel'],
  channel: keyof NonNullable<InboxSettings['routing']['byChannel']>,
  ids: string[],
): InboxSettings['routing']['byChannel'] {
  const next = { ...(byChannel ?? {}) };
  if (ids.length > 0) next[channel] = ids;
  else delete next[channel];
  return Object.keys(next).length > 0 ? next : undefined;
}

/** `capacity` with one person's limit set (null: back to the default). */
export function withCapacity(
  capacity: Readonly<Record<string, number>>,
  userId: string,
  limit: number | null,
): Record<string, number> {
  const next = { ...capacity };
  if (limit === null) delete next[userId];
  else next[userId] = limit;
  return next;
}

/** A list toggled: `value` added (at the end) or removed. */
export function toggled<T>(list: readonly T[], value: T, on: boolean): T[] {
  return on
    ? list.includes(value)
      ? [...list]
      : [...list, value]
    : list.filter((v) => v !== value);
}

/** Every IANA time zone this runtime knows (UTC first), for the picker. */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const all = intl.supportedValuesOf?.('timeZone') ?? [];
  return ['UTC', ...all.filter((z) => z !== 'UTC')];
}

/** Time zones matching a search ("berl", "new york", "america/") for the picker's list. */
export function searchTimeZones(zones: readonly string[], q: string, max = 50): string[] {
  const words = q
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ')
    .split(' ')
    .filter(Boolean);
  if (words.length === 0) return zones.slice(0, max);
  return zones
    .filter((z) => {
      const name = z.toLowerCase().replace(/_/g, ' ');
      return words.every((w) => name.includes(w));
    })
    .slice(0, max);
}
