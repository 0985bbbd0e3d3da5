/**
 * Live-queue priority. Every work item gets an **effective deadline** (`queueRankKey`, epoch ms,
 * smaller = more urgent) that does not depend on the clock, so the server stores it in an indexed
 * column (`queueItem.rankKey`) and "next item" is an index lookup; it changes only when the item's
 * inputs change (a new SLA due time, a score change, settings change).
 *
 *   rankKey = base − scoreWeightMinutes × clamp(score, 0, 100) / 100 − channelBonusMinutes[channel]
 *   base    = dueAt (SLA due time, task due time) ?? createdAt + kindDeadlineMinutes[kind]
 *
 * A manager pin (`pinnedRank`) sorts before every unpinned item, lower pin first
 * (`compareQueueItems`; in SQL: `pinnedRank IS NULL, pinnedRank, rankKey, id`). Ties break by
 * `id`, so the order is total and the same on every replica. `explainPriority` turns the terms
 * into lines for a hover tooltip (the only function here that reads the clock).
 */
import type { Channel, QueueItemKind, QueueWeights, SlaTimerKind } from '@sdr/schema';
import { toMs, type Instant } from './business-time.ts';
import { dueText, formatDuration } from './duration.ts';

const MINUTE = 60_000;

export interface QueueRankInput {
  readonly kind: QueueItemKind;
  readonly createdAt: number;
  /** The SLA due time (inbound messages, breaches) or the task's due time; ms. */
  readonly dueAt?: number | null;
  /** Which SLA timer `dueAt` comes from (for the explanation). */
  readonly slaKind?: SlaTimerKind | null;
  readonly leadScore?: number | null;
  readonly channel?: Channel | null;
  readonly pinnedRank?: number | null;
}

export interface QueueOrderItem {
  readonly rankKey: number;
  readonly pinnedRank?: number | null;
  readonly id?: string;
}

export interface QueueSettings {
  readonly queue: QueueWeights;
}

const DEFAULT_KIND_MINUTES: Record<QueueItemKind, number> = {
  inbound_message: 60,
  assigned_lead: 240,
  sla_breach: 0,
  task_due: 0,
};

function baseDeadline(item: QueueRankInput, weights: QueueWeights): number {
  if (item.dueAt !== null && item.dueAt !== undefined) return item.dueAt;
  const minutes = weights.kindDeadlineMinutes[item.kind] ?? DEFAULT_KIND_MINUTES[item.kind];
  return item.createdAt + minutes * MINUTE;
}

function scoreBonusMs(item: QueueRankInput, weights: QueueWeights): number {
  const score = item.leadScore;
  if (score === null || score === undefined || !Number.isFinite(score)) return 0;
  const clamped = Math.min(100, Math.max(0, score));
  return (weights.scoreWeightMinutes * clamped * MINUTE) / 100;
}

function channelBonusMs(item: QueueRankInput, weights: QueueWeights): number {
  if (!item.channel) return 0;
  return (weights.channelBonusMinutes[item.channel] ?? 0) * MINUTE;
}

/** The item's effective deadline (integer epoch ms; smaller = more urgent). */
export function queueRankKey(item: QueueRankInput, settings: QueueSettings): number {
  const w = settings.queue;
  return Math.round(baseDeadline(item, w) - scoreBonusMs(item, w) - channelBonusMs(item, w));
}

/** Pinned first (lower pin first), then rank key, then id. For `Array.prototype.sort`. */
export function compareQueueItems(a: QueueOrderItem, b: QueueOrderItem): number {
  const pa = a.pinnedRank ?? null;
  const pb = b.pinnedRank ?? null;
  if (pa !== null || pb !== null) {
    if (pa === null) return 1;
    if (pb === null) return -1;
    if (pa !== pb) return pa - pb;
  }
  if (a.rankKey !== b.rankKey) return a.rankKey < b.rankKey ? -1 : 1;
  const ia = a.id ?? '';
  const ib = b.id ?? '';
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

const SLA_LABEL: Record<SlaTimerKind, string> = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
};
const CHANNEL_LABEL: Record<Channel, string> = {
  email: 'Email',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  call: 'Call',
  note: 'Note',
};
const KIND_LABEL: Record<QueueItemKind, string> = {
  inbound_message: 'New message',
  assigned_lead: 'Assigned lead',
  sla_breach: 'SLA breach',
  task_due: 'Task',
};

function shift(ms: number): string {
  return ms >= 0 ? `${formatDuration(ms)} earlier` : `${formatDuration(ms)} later`;
}

/** Human lines explaining the item's place, e.g. "SLA first response due in 12 min". */
export function explainPriority(
  item: QueueRankInput,
  settings: QueueSettings,
  now: Instant,
): string[] {
  const w = settings.queue;
  const at = toMs(now);
  const lines: string[] = [];
  if (item.pinnedRank !== null && item.pinnedRank !== undefined) {
    lines.push(`Pinned by a manager #${item.pinnedRank}`);
  }
  const base = baseDeadline(item, w);
  if (item.dueAt !== null && item.dueAt !== undefined) {
    if (item.slaKind) lines.push(`SLA ${SLA_LABEL[item.slaKind]} ${dueText(base - at)}`);
    else if (item.kind === 'task_due') lines.push(`Task ${dueText(base - at)}`);
    else lines.push(`${KIND_LABEL[item.kind]} ${dueText(base - at)}`);
  } else {
    const minutes = w.kindDeadlineMinutes[item.kind] ?? DEFAULT_KIND_MINUTES[item.kind];
    lines.push(
      `${KIND_LABEL[item.kind]} waiting ${formatDuration(Math.max(0, at - item.createdAt))} ` +
        `(aim: within ${formatDuration(minutes * MINUTE)})`,
    );
  }
  const score = scoreBonusMs(item, w);
  if (score !== 0) lines.push(`Lead score ${Math.round(item.leadScore ?? 0)}: ${shift(score)}`);
  const channel = channelBonusMs(item, w);
  if (channel !== 0 && item.channel)
    lines.push(`${CHANNEL_LABEL[item.channel]}: ${shift(channel)}`);
  return lines;
}
