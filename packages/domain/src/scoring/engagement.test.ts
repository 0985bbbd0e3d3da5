import { describe, expect, it } from 'vitest';
import type { EngagementRule, ScoringConfig } from '@sdr/schema';
import { DAY_MS, evaluateEngagement, normalizeEvents } from './engagement.ts';
import { scoreLead, scoreLeadState } from './score.ts';
import type { ActivityEvent } from './types.ts';

const NOW = Date.UTC(2025, 5, 1, 12);
const ago = (days: number): number => NOW - days * DAY_MS;
let seq = 0;
const ev = (kind: ActivityEvent['kind'], at: number, id = `e${++seq}`): ActivityEvent => ({
  id,
  kind,
  at,
});

const replies: EngagementRule = {
  id: 'replies',
  label: 'Replied',
  event: 'reply',
  windowDays: 30,
  pointsPerEvent: 10,
  maxPoints: 25,
};
const opens: EngagementRule = {
  id: 'opens',
  label: 'Opened',
  event: 'open',
  windowDays: 7,
  pointsPerEvent: 1,
  maxPoints: 5,
};
const decaying: EngagementRule = {
  ...replies,
  id: 'decay',
  maxPoints: 1000,
  decay: { halfLifeDays: 10 },
};
const unsubscribes: EngagementRule = {
  id: 'neg',
  label: 'Bounced',
  event: 'click',
  windowDays: 30,
  pointsPerEvent: -8,
  maxPoints: 20,
};

const points = (rule: EngagementRule, events: ActivityEvent[]): number | undefined =>
  evaluateEngagement([rule], normalizeEvents(events), NOW).lines[0]?.points;

describe('engagement rules', () => {
  it.each([
    { name: 'one reply', rule: replies, events: [ev('reply', ago(1))], pts: 10 },
    {
      name: 'two replies',
      rule: replies,
      events: [ev('reply', ago(1)), ev('reply', ago(29))],
      pts: 20,
    },
    { name: 'capped', rule: replies, events: [1, 2, 3].map((d) => ev('reply', ago(d))), pts: 25 },
    { name: 'other kinds ignored', rule: replies, events: [ev('open', ago(1))], pts: undefined },
    { name: 'no events', rule: replies, events: [], pts: undefined },
    { name: 'event at now counts', rule: replies, events: [ev('reply', NOW)], pts: 10 },
    {
      name: 'window start excluded',
      rule: replies,
      events: [ev('reply', ago(30))],
      pts: undefined,
    },
    { name: 'just inside window', rule: replies, events: [ev('reply', ago(30) + 1)], pts: 10 },
    { name: 'future event ignored', rule: replies, events: [ev('reply', NOW + 1)], pts: undefined },
    {
      name: 'duplicate id once',
      rule: replies,
      events: [ev('reply', ago(1), 'x'), ev('reply', ago(1), 'x')],
      pts: 10,
    },
    { name: 'decay: age 0', rule: decaying, events: [ev('reply', NOW)], pts: 10 },
    { name: 'decay: one half-life', rule: decaying, events: [ev('reply', ago(10))], pts: 5 },
    { name: 'decay: two half-lives', rule: decaying, events: [ev('reply', ago(20))], pts: 3 },
    {
      name: 'decay: sums',
      rule: decaying,
      events: [ev('reply', ago(10)), ev('reply', ago(10))],
      pts: 10,
    },
    { name: 'negative', rule: unsubscribes, events: [ev('click', ago(2))], pts: -8 },
    {
      name: 'negative capped',
      rule: unsubscribes,
      events: [1, 2, 3].map((d) => ev('click', ago(d))),
      pts: -20,
    },
  ])('$name → $pts', ({ rule, events, pts }) => {
    expect(points(rule, events)).toBe(pts);
  });

  it('explains count, window, points, decay and cap', () => {
    const capped = evaluateEngagement(
      [replies],
      [1, 2, 3].map((d) => ev('reply', ago(d))),
      NOW,
    );
    expect(capped.lines[0]?.reason).toBe('3 replies in the last 30 days × 10, capped at 25');
    const decayed = evaluateEngagement([decaying], [ev('reply', ago(10))], NOW);
    expect(decayed.lines[0]?.reason).toBe(
      '1 reply in the last 30 days × 10, halving every 10 days',
    );
  });

  it('does not depend on input order', () => {
    const events = [
      ev('reply', ago(3)),
      ev('reply', ago(1)),
      ev('reply', ago(2)),
      ev('open', ago(1)),
    ];
    const a = evaluateEngagement([decaying, opens], normalizeEvents(events), NOW);
    const b = evaluateEngagement([decaying, opens], normalizeEvents([...events].reverse()), NOW);
    expect(b).toEqual(a);
  });

  it('keeps events that may still count and says when the points change next', () => {
    const past = ev('open', ago(10)); // outside every window: dropped
    const recent = ev('reply', ago(29)); // leaves the window in one day
    const future = ev('open', NOW + 3_600_000); // enters in an hour
    const part = evaluateEngagement([replies, opens], normalizeEvents([past, recent, future]), NOW);
    expect(part.events).toEqual([recent, future]);
    expect(part.validUntil).toBe(NOW + 3_600_000);
    expect(evaluateEngagement([replies], [recent], NOW).validUntil).toBe(ago(29) + 30 * DAY_MS);
    expect(evaluateEngagement([replies], [], NOW).validUntil).toBeNull();
    expect(evaluateEngagement([decaying], [recent], NOW).validUntil).toBe(NOW);
  });
});

describe('scoreLead', () => {
  const config: ScoringConfig = {
    fit: [
      { id: 'vp', label: 'VP or above', kind: 'seniority', levels: ['c-level', 'vp'], points: 20 },
      { id: 'dach', label: 'DACH', kind: 'country', anyOf: ['DE', 'AT', 'CH'], points: 10 },
      { id: 'gov', label: 'Government', kind: 'industry', anyOf: ['Government'], points: -30 },
    ],
    engagement: [replies, opens],
  };

  it('adds fit and engagement and explains every contributing rule', () => {
    const lead = { title: 'VP Sales', country: 'DE', industry: 'Software' };
    const activity = [ev('reply', ago(2)), ev('open', ago(1)), ev('open', ago(3))];
    expect(scoreLead(lead, activity, config, { now: NOW })).toEqual({
      score: 42,
      breakdown: [
        { ruleId: 'vp', label: 'VP or above', points: 20, reason: 'Title "VP Sales" is vp level' },
        { ruleId: 'dach', label: 'DACH', points: 10, reason: 'Country is DE' },
        {
          ruleId: 'replies',
          label: 'Replied',
          points: 10,
          reason: '1 reply in the last 30 days × 10',
        },
        { ruleId: 'opens', label: 'Opened', points: 2, reason: '2 opens in the last 7 days × 1' },
      ],
    });
  });

  it('can go negative and is zero with nothing to go on', () => {
    expect(scoreLead({ industry: 'government' }, [], config, { now: NOW }).score).toBe(-30);
    expect(scoreLead({}, [], config, { now: NOW })).toEqual({ score: 0, breakdown: [] });
    expect(scoreLead({ title: 'CEO' }, [], { fit: [], engagement: [] }, { now: NOW }).score).toBe(
      0,
    );
  });

  it('is deterministic', () => {
    const lead = { title: 'CEO', country: 'CH' };
    const activity = [ev('reply', ago(5))];
    const a = scoreLeadState(lead, activity, config, { now: NOW });
    expect(scoreLeadState(lead, activity, config, { now: NOW })).toEqual(a);
  });
});
