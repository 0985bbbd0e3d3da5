/**
 * Engagement rules: what the lead did recently. A rule counts events of one kind in a sliding
 * window `(now - windowDays, now]`, gives points per event (optionally halved every
 * `halfLifeDays` of age), and caps the magnitude of its total. Events are summed in (at, id)
 * order and each rule's total is rounded, so the result does not depend on input order.
 */
import type { EngagementEventKind, EngagementRule } from '@sdr/schema';
import type { ActivityEvent, EngagementPart, ScoreLine } from './types.ts';

export const DAY_MS = 86_400_000;

const NOUN: Record<EngagementEventKind, [string, string]> = {
  open: ['open', 'opens'],
  click: ['click', 'clicks'],
  reply: ['reply', 'replies'],
  call: ['call', 'calls'],
  meeting: ['meeting', 'meetings'],
};

export function compareEvents(a: ActivityEvent, b: ActivityEvent): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Drops repeated ids (the first occurrence wins) and sorts by (at, id). */
export function normalizeEvents(events: readonly ActivityEvent[]): ActivityEvent[] {
  const seen = new Set<string>();
  const out: ActivityEvent[] = [];
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out.sort(compareEvents);
}

/** The longest window per event kind the rules use; kinds no rule counts are absent. */
export function maxWindows(
  rules: readonly EngagementRule[],
): ReadonlyMap<EngagementEventKind, number> {
  const m = new Map<EngagementEventKind, number>();
  for (const r of rules) m.set(r.event, Math.max(m.get(r.event) ?? 0, r.windowDays * DAY_MS));
  return m;
}

/** Whether an event can count at `now` or later (given a clock that only moves forward). */
export function canStillCount(
  e: ActivityEvent,
  windows: ReadonlyMap<EngagementEventKind, number>,
  now: number,
): boolean {
  const w = windows.get(e.kind);
  return w !== undefined && e.at + w > now;
}

function days(n: number): string {
  return n === 1 ? 'day' : `${Number(n.toFixed(2))} days`;
}

function ruleLine(rule: EngagementRule, counted: readonly ActivityEvent[], now: number): ScoreLine {
  const halfLife = rule.decay ? rule.decay.halfLifeDays * DAY_MS : null;
  let raw = 0;
  for (const e of counted) {
    raw +=
      halfLife === null
        ? rule.pointsPerEvent
        : rule.pointsPerEvent * 0.5 ** ((now - e.at) / halfLife);
  }
  const capped = Math.max(-rule.maxPoints, Math.min(rule.maxPoints, raw));
  const points = Math.round(capped) + 0; // + 0 turns -0 into 0
  const [one, many] = NOUN[rule.event];
  const n = counted.length;
  const each = Number(rule.pointsPerEvent.toFixed(2));
  let reason = `${n} ${n === 1 ? one : many} in the last ${days(rule.windowDays)} × ${each}`;
  if (rule.decay) reason += `, halving every ${days(rule.decay.halfLifeDays)}`;
  if (capped !== raw) reason += `, capped at ${capped}`;
  return { ruleId: rule.id, label: rule.label, points, reason };
}

/** Evaluates the rules over normalised events (see `normalizeEvents`) at `now`. */
export function evaluateEngagement(
  rules: readonly EngagementRule[],
  events: readonly ActivityEvent[],
  now: number,
): EngagementPart {
  const lines: ScoreLine[] = [];
  let points = 0;
  let validUntil: number | null = null;
  const later = (t: number): void => {
    if (t > now && (validUntil === null || t < validUntil)) validUntil = t;
  };
  let decaying = false;
  for (const rule of rules) {
    const w = rule.windowDays * DAY_MS;
    const counted: ActivityEvent[] = [];
    for (const e of events) {
      if (e.kind !== rule.event) continue;
      later(e.at > now ? e.at : e.at + w);
      if (e.at <= now && e.at > now - w) counted.push(e);
    }
    if (counted.length === 0) continue;
    if (rule.decay) decaying = true;
    const line = ruleLine(rule, counted, now);
    lines.push(line);
    points += line.points;
  }
  const windows = maxWindows(rules);
  return {
    points,
    lines,
    events: events.filter((e) => canStillCount(e, windows, now)),
    validUntil: decaying ? now : validUntil,
  };
}
