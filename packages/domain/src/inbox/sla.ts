/**
 * SLA timers of a conversation, computed from its facts, the workspace's SLA settings and the
 * clock (an argument). Three timers, each from the first matching policy (`slaPolicyFor`):
 *
 * - `first_response`: from the first inbound message until our first outbound after it
 *   (`firstResponseAt`; without it, `lastOutboundAt` when it is after the first inbound).
 * - `next_response`: once the first response happened, from the first inbound message we have not
 *   answered (`waitingSince`; without it, `lastInboundAt`) until our next outbound. When our last
 *   outbound is after the lead's last inbound, the latest cycle shows as met.
 * - `resolution`: from the first inbound message until the conversation is closed.
 *
 * A conversation that never had an inbound message (we wrote first) has no timers: nobody waits.
 *
 * Pausing and stopping:
 * - **Snoozed** pauses every running timer: time inside `pauses` (`{from, until}`; `until: null`
 *   = still snoozed) does not count, so the due time moves later by the paused (business) time.
 *   While snoozed, a running timer is `paused`; its `dueAt` is the due time if it resumed at
 *   `snoozedUntil` (when given and later than now, so the value is stable), else now. A
 *   conversation with status `snoozed` and no open pause is treated as paused since `now`. An open
 *   pause counts only while the status is `snoozed`. A stopped timer counts pauses up to its stop.
 * - **Closed** stops every timer at `closedAt` (counted only while the status is `closed`; a
 *   reopened conversation runs again). Closing answers the wait: a response timer stopped by
 *   closing is `met` when closed in time, like resolution.
 * - `pending` has no effect (the response timers only run while the lead waits anyway).
 *
 * States: a stopped timer is `met` (stopped at or before due) or `breached` (stopped late; then
 * `stoppedAt` is set, so escalation leaves it alone). A running timer is `breached` after due,
 * `warning` within `warnBeforeMinutes` (wall clock) of due, else `ok`. `remainingMs` is
 * `dueAt - now` (running/paused) or `dueAt - stoppedAt` (stopped), wall clock.
 */
import type {
  BusinessHours,
  Channel,
  ConversationStatus,
  Priority,
  SlaPolicy,
  SlaSettings,
  SlaTimerKind,
  SlaTimerState,
} from '@sdr/schema';
import { addBusinessMs, businessMsBetween, toMs, type Instant } from './business-time.ts';

const MINUTE = 60_000;

export interface SlaPause {
  readonly from: number;
  /** null: still snoozed. */
  readonly until: number | null;
}

/** What the SLA rules read about a conversation (times in epoch ms). */
export interface SlaConversationFacts {
  readonly createdAt: number;
  readonly channel: Channel;
  readonly priority: Priority;
  readonly status: ConversationStatus;
  readonly firstInboundAt: number | null;
  readonly lastInboundAt: number | null;
  readonly lastOutboundAt: number | null;
  /** Our first outbound after the first inbound (exact first-response time). */
  readonly firstResponseAt?: number | null;
  /** The first inbound message not yet answered (start of the next-response wait). */
  readonly waitingSince?: number | null;
  readonly closedAt: number | null;
  /** Snooze periods (see the file header). */
  readonly pauses?: readonly SlaPause[];
  /** When the current snooze ends (if known): a paused timer's `dueAt` assumes it resumes then. */
  readonly snoozedUntil?: number | null;
}

export interface SlaTimer {
  readonly kind: SlaTimerKind;
  readonly policyId: string;
  /** Epoch ms; for a paused timer, the due time if it resumed now. */
  readonly dueAt: number;
  readonly state: SlaTimerState;
  /** Wall-clock ms to due (negative: overdue), measured at `now` or at `stoppedAt`. */
  readonly remainingMs: number;
  readonly startedAt: number;
  /** When the timer stopped (response sent, closed); null while running or paused. */
  readonly stoppedAt: number | null;
}

export interface SlaInputSettings {
  readonly sla: SlaSettings;
  readonly businessHours: BusinessHours;
}

/** The first policy whose `channels` and `priority` (absent or empty: any) match; else null. */
export function slaPolicyFor(
  policies: readonly SlaPolicy[],
  conversation: { readonly channel: Channel; readonly priority: Priority },
): SlaPolicy | null {
  for (const p of policies) {
    if (p.channels && p.channels.length > 0 && !p.channels.includes(conversation.channel)) continue;
    if (p.priority && p.priority.length > 0 && !p.priority.includes(conversation.priority))
      continue;
    return p;
  }
  return null;
}

interface Clock {
  add(t: number, ms: number): number;
  between(a: number, b: number): number;
}

function clockFor(policy: SlaPolicy, hours: BusinessHours): Clock {
  if (!policy.businessHoursOnly) return { add: (t, ms) => t + ms, between: (a, b) => b - a };
  return {
    add: (t, ms) => addBusinessMs(t, ms, hours),
    between: (a, b) => businessMsBetween(a, b, hours),
  };
}

type Deadline =
  | { readonly paused: false; readonly dueAt: number }
  | { readonly paused: true; readonly since: number; readonly remaining: number };

/** Where the clock reaches `target` ms of counted time after `start`, skipping `pauses`. */
function deadline(
  start: number,
  target: number,
  clock: Clock,
  pauses: readonly SlaPause[],
): Deadline {
  let cursor = start;
  let remaining = target;
  for (const p of pauses) {
    if (p.until !== null && p.until <= cursor) continue;
    if (p.from > cursor) {
      const seg = clock.between(cursor, p.from);
      if (seg >= remaining) return { paused: false, dueAt: clock.add(cursor, remaining) };
      remaining -= seg;
    }
    if (p.until === null) return { paused: true, since: Math.max(p.from, cursor), remaining };
    cursor = Math.max(cursor, p.until);
  }
  return { paused: false, dueAt: clock.add(cursor, remaining) };
}

function timer(
  kind: SlaTimerKind,
  policy: SlaPolicy,
  minutes: number,
  start: number,
  stop: number | null,
  clock: Clock,
  pauses: readonly SlaPause[],
  now: number,
  warnMs: number,
  resumeAt: number,
): SlaTimer {
  // A stopped timer only counts pauses before its stop (clipped there).
  const counted =
    stop === null
      ? pauses
      : pauses
          .filter((p) => p.from < stop)
          .map((p) => ({ from: p.from, until: p.until === null ? stop : Math.min(p.until, stop) }));
  const d = deadline(start, minutes * MINUTE, clock, counted);
  const base = { kind, policyId: policy.id, startedAt: start };
  if (d.paused) {
    const dueAt = clock.add(Math.max(resumeAt, d.since), d.remaining);
    return { ...base, dueAt, state: 'paused', remainingMs: dueAt - now, stoppedAt: null };
  }
  const { dueAt } = d;
  if (stop !== null) {
    const state = stop <= dueAt ? 'met' : 'breached';
    return { ...base, dueAt, state, remainingMs: dueAt - stop, stoppedAt: stop };
  }
  const remainingMs = dueAt - now;
  const state = remainingMs <= 0 ? 'breached' : remainingMs <= warnMs ? 'warning' : 'ok';
  return { ...base, dueAt, state, remainingMs, stoppedAt: null };
}

function earliest(...ts: (number | null)[]): number | null {
  let out: number | null = null;
  for (const t of ts) if (t !== null && (out === null || t < out)) out = t;
  return out;
}

/** Snooze periods that count: sorted, open ones only while snoozed (one at `now` if none given). */
function effectivePauses(facts: SlaConversationFacts, now: number): SlaPause[] {
  const snoozed = facts.status === 'snoozed';
  const list = (facts.pauses ?? []).filter((p) => p.until !== null || snoozed);
  if (snoozed && !list.some((p) => p.until === null)) list.push({ from: now, until: null });
  return list.sort((a, b) => a.from - b.from);
}

/** The conversation's SLA timers at `now` (empty without a matching policy or inbound message). */
export function slaTimers(
  facts: SlaConversationFacts,
  settings: SlaInputSettings,
  now: Instant,
): SlaTimer[] {
  const at = toMs(now);
  const policy = slaPolicyFor(settings.sla.policies, facts);
  const start = facts.firstInboundAt;
  if (policy === null || start === null) return [];
  const clock = clockFor(policy, settings.businessHours);
  const pauses = effectivePauses(facts, at);
  const warnMs = settings.sla.warnBeforeMinutes * MINUTE;
  const closed = facts.status === 'closed' ? facts.closedAt : null;
  const resumeAt = Math.max(at, facts.status === 'snoozed' ? (facts.snoozedUntil ?? at) : at);
  const out: SlaTimer[] = [];
  const make = (kind: SlaTimerKind, minutes: number | null, from: number, stop: number | null) => {
    if (minutes !== null)
      out.push(timer(kind, policy, minutes, from, stop, clock, pauses, at, warnMs, resumeAt));
  };

  const lastOut = facts.lastOutboundAt;
  const firstResponse =
    facts.firstResponseAt ?? (lastOut !== null && lastOut >= start ? lastOut : null);
  make('first_response', policy.firstResponseMinutes, start, earliest(firstResponse, closed));

  const lastIn = facts.lastInboundAt;
  if (firstResponse !== null && lastIn !== null && lastIn > firstResponse) {
    const answered = lastOut !== null && lastOut >= lastIn ? lastOut : null;
    const waiting = facts.waitingSince ?? lastIn;
    const from = Math.max(firstResponse, Math.min(waiting, lastIn));
    make('next_response', policy.nextResponseMinutes, from, earliest(answered, closed));
  }

  make('resolution', policy.resolutionMinutes, start, closed);
  return out;
}

/** A status change as the SLA needs it (`conversation_status_change`). */
export interface SlaStatusChange {
  readonly fromStatus: string;
  readonly toStatus: string;
  readonly at: number;
}

/**
 * The snoozes a conversation's status history records, as pauses: from each change into
 * `snoozed` to the next change out of it (`until` null while still snoozed). A re-snooze while
 * snoozed (a new time) continues the same pause. Changes in any order; sorted by time here.
 */
export function snoozePauses(history: readonly SlaStatusChange[]): SlaPause[] {
  const out: SlaPause[] = [];
  let from: number | null = null;
  for (const c of [...history].sort((a, b) => a.at - b.at)) {
    if (c.toStatus === 'snoozed') {
      from ??= c.at;
    } else if (from !== null) {
      if (c.at > from) out.push({ from, until: c.at });
      from = null;
    }
  }
  if (from !== null) out.push({ from, until: null });
  return out;
}

/** The most urgent running timer (smallest due among ok/warning/breached), or null. */
export function nextSlaDeadline(timers: readonly SlaTimer[]): SlaTimer | null {
  let best: SlaTimer | null = null;
  for (const t of timers) {
    if (t.stoppedAt !== null || t.state === 'paused' || t.state === 'met') continue;
    if (best === null || t.dueAt < best.dueAt) best = t;
  }
  return best;
}
