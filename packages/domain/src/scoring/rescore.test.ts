import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ENGAGEMENT_EVENT_KINDS,
  type EngagementRule,
  type FitRule,
  type ScoringConfig,
} from '@sdr/schema';
import { DAY_MS } from './engagement.ts';
import { planRescore, rescore } from './rescore.ts';
import { scoreLeadState } from './score.ts';
import type { ActivityEvent, ScoreState, ScoringLead } from './types.ts';

const NOW = Date.UTC(2025, 0, 15, 9);
const config: ScoringConfig = {
  fit: [
    {
      id: 'dir',
      label: 'Director+',
      kind: 'seniority',
      levels: ['c-level', 'vp', 'director'],
      points: 15,
    },
    { id: 'us', label: 'US', kind: 'country', anyOf: ['US'], points: 5 },
  ],
  engagement: [
    {
      id: 'r',
      label: 'Replies',
      event: 'reply',
      windowDays: 10,
      pointsPerEvent: 10,
      maxPoints: 30,
    },
  ],
};
const lead: ScoringLead = { title: 'Director of Sales', country: 'US', industry: 'Retail' };
const reply = (id: string, at: number): ActivityEvent => ({ id, kind: 'reply', at });

function stripClock(s: ScoreState): Omit<ScoreState, 'computedAt'> {
  const { computedAt: _ignored, ...rest } = s;
  return rest;
}

describe('rescore', () => {
  const prev = scoreLeadState(lead, [reply('a', NOW - DAY_MS)], config, { now: NOW });

  it('recomputes nothing for a field no rule reads', () => {
    const r = rescore(
      prev,
      { lead: { ...lead, industry: 'Banking' }, changedFields: ['industry', 'email'], now: NOW },
      config,
    );
    expect(r).toEqual({ ok: true, state: prev, recomputed: { fit: false, engagement: false } });
    if (r.ok) expect(r.state).toBe(prev);
  });

  it('recomputes only fit for a fit field', () => {
    const r = rescore(
      prev,
      { lead: { ...lead, title: 'Intern' }, changedFields: ['title'], now: NOW },
      config,
    );
    expect(r.ok && r.recomputed).toEqual({ fit: true, engagement: false });
    expect(r.ok && r.state.score).toBe(15);
    expect(r.ok && r.state.engagement).toBe(prev.engagement);
  });

  it('recomputes fit when the changed fields are unknown', () => {
    expect(planRescore(prev, { lead, now: NOW }, config)).toMatchObject({
      fit: true,
      engagement: false,
    });
  });

  it('recomputes engagement for a new event that counts, not for one that cannot', () => {
    const counts = planRescore(
      prev,
      { lead, changedFields: [], newEvents: [reply('b', NOW)], now: NOW },
      config,
    );
    expect(counts).toMatchObject({ kind: 'partial', fit: false, engagement: true });
    const noRule = { id: 'o', kind: 'open', at: NOW } as const;
    const tooOld = reply('c', NOW - 11 * DAY_MS);
    const known = reply('a', NOW - DAY_MS);
    const plan = planRescore(
      prev,
      { lead, changedFields: [], newEvents: [noRule, tooOld, known], now: NOW },
      config,
    );
    expect(plan).toMatchObject({ kind: 'partial', fit: false, engagement: false, newEvents: [] });
  });

  it('recomputes engagement when time crosses validUntil, not before', () => {
    expect(prev.engagement.validUntil).toBe(NOW + 9 * DAY_MS);
    const before = rescore(prev, { lead, changedFields: [], now: NOW + 9 * DAY_MS - 1 }, config);
    expect(before.ok && before.state).toBe(prev);
    const after = rescore(prev, { lead, changedFields: [], now: NOW + 9 * DAY_MS }, config);
    expect(after.ok && after.recomputed.engagement).toBe(true);
    expect(after.ok && after.state.score).toBe(20);
    expect(after.ok && after.state.engagement.events).toEqual([]);
  });

  it('asks for a full recomputation when the configuration changed or the clock went back', () => {
    const changed = { ...config, fit: [] };
    expect(rescore(prev, { lead, now: NOW }, changed)).toEqual({
      ok: false,
      reason: 'config-changed',
    });
    expect(rescore(prev, { lead, now: NOW - 1 }, config)).toEqual({
      ok: false,
      reason: 'clock-went-back',
    });
    const reordered: ScoringConfig = {
      engagement: config.engagement,
      fit: config.fit.map((r) => ({ ...r })),
    };
    expect(rescore(prev, { lead, changedFields: [], now: NOW }, reordered).ok).toBe(true);
  });
});

// ---- property: incremental === full ------------------------------------------------------------

const fitPool: FitRule[] = [
  { id: 'f-title', label: 't', kind: 'title', match: 'word', anyOf: ['sales', 'vp'], points: 7 },
  { id: 'f-sen', label: 's', kind: 'seniority', levels: ['c-level', 'director'], points: 11 },
  { id: 'f-ind', label: 'i', kind: 'industry', anyOf: ['Software'], points: -4 },
  { id: 'f-size', label: 'z', kind: 'companySize', min: 50, max: 500, points: 6 },
  { id: 'f-ctry', label: 'c', kind: 'country', anyOf: ['US', 'DE'], points: 3 },
];

const engagementRule = (i: number): fc.Arbitrary<EngagementRule> =>
  fc.record(
    {
      id: fc.constant(`e${i}`),
      label: fc.constant(`rule ${i}`),
      event: fc.constantFrom(...ENGAGEMENT_EVENT_KINDS),
      windowDays: fc.integer({ min: 1, max: 10 }),
      pointsPerEvent: fc.oneof(
        fc.integer({ min: -5, max: 10 }),
        fc.double({ min: -5, max: 10, noNaN: true }),
      ),
      maxPoints: fc.integer({ min: 1, max: 40 }),
      decay: fc.record({ halfLifeDays: fc.double({ min: 0.5, max: 5, noNaN: true }) }),
    },
    { requiredKeys: ['id', 'label', 'event', 'windowDays', 'pointsPerEvent', 'maxPoints'] },
  );

const configArb: fc.Arbitrary<ScoringConfig> = fc.record({
  fit: fc.subarray(fitPool),
  engagement: fc
    .integer({ min: 0, max: 4 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => engagementRule(i)))),
});

const leadChange = fc.record(
  {
    title: fc.constantFrom('VP Sales', 'CEO', 'Director, IT', 'Engineer', '', null),
    industry: fc.constantFrom('Software', 'Retail', null),
    companySize: fc.constantFrom(10, '51-200', '1000+', 'n/a', null),
    country: fc.constantFrom('US', 'de', 'FR', null),
    email: fc.constantFrom('a@x.io', 'b@y.io'),
  },
  { requiredKeys: [] },
);

const step = fc.record({
  advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * DAY_MS })),
  change: leadChange,
  announceFields: fc.boolean(),
  events: fc.array(
    fc.record({
      kind: fc.constantFrom(...ENGAGEMENT_EVENT_KINDS),
      offsetMs: fc.integer({ min: -12 * DAY_MS, max: DAY_MS }),
    }),
    { maxLength: 5 },
  ),
  redeliver: fc.array(fc.nat(), { maxLength: 2 }),
});

describe('rescore property', () => {
  it('always equals a full recomputation over the whole history', () => {
    fc.assert(
      fc.property(
        configArb,
        leadChange,
        fc.array(step, { maxLength: 12 }),
        (cfg, initial, steps) => {
          let now = NOW;
          let current: ScoringLead = initial;
          const all: ActivityEvent[] = [];
          let state = scoreLeadState(current, all, cfg, { now });
          let nextId = 0;
          for (const s of steps) {
            now += s.advanceMs;
            current = { ...current, ...s.change };
            const fresh = s.events.map((e) => ({
              id: `ev${nextId++}`,
              kind: e.kind,
              at: now + e.offsetMs,
            }));
            const again = all.length === 0 ? [] : s.redeliver.map((i) => all[i % all.length]!);
            all.push(...fresh);
            const r = rescore(
              state,
              {
                lead: current,
                changedFields: s.announceFields ? Object.keys(s.change) : undefined,
                newEvents: [...fresh, ...again],
                now,
              },
              cfg,
            );
            if (!r.ok) throw new Error(`unexpected full recomputation: ${r.reason}`);
            state = r.state;
            const full = scoreLeadState(current, all, cfg, { now });
            expect(stripClock(state)).toEqual(stripClock(full));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
