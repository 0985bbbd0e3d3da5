import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoutingRule, RoutingState } from '@sdr/schema';
import type { SdrAvailability } from './availability.ts';
import type { LeadLocation } from './territory.ts';
import { routeLead, routeLeads, type RoutingCode, type RoutingContext } from './route-lead.ts';
import { cursorKeys, EMPTY_ROUTING_STATE } from './targets.ts';

const NOW = Date.UTC(2025, 2, 3, 10);
const HOUR = 3_600_000;
const rr: RoutingRule = { kind: 'round-robin', sdrIds: ['ana', 'ben', 'cy'] };
const territoryRule: RoutingRule = {
  kind: 'territory',
  territories: [
    {
      id: 'dach',
      label: 'DACH',
      countries: ['DE', 'AT', 'CH'],
      assignTo: { kind: 'user', userId: 'dora' },
    },
    {
      id: 'us-east',
      label: 'US East',
      timeZones: ['America/New_York'],
      assignTo: { kind: 'team', teamId: 'east' },
    },
    {
      id: 'apac',
      label: 'APAC',
      timeZones: ['Asia/*', 'Australia/*'],
      assignTo: { kind: 'pool', sdrIds: ['kai', 'lin'] },
    },
  ],
  fallback: { kind: 'pool', sdrIds: ['ana', 'ben'] },
};
const teams = { east: ['eve', 'finn'] };
const away = (from: number, until: number | null): SdrAvailability => ({
  outOfOffice: [{ from, until }],
});

interface RouteCase {
  readonly name: string;
  readonly rule: RoutingRule;
  readonly lead: LeadLocation;
  readonly sdrs: Readonly<Record<string, SdrAvailability>>;
  readonly owner: string | null;
  readonly code: RoutingCode;
  readonly reason: string;
}

describe('routeLead', () => {
  it.each<RouteCase>([
    {
      name: 'unassigned rule',
      rule: { kind: 'unassigned' },
      lead: {},
      sdrs: {},
      owner: null,
      code: 'rule-unassigned',
      reason: 'Routing leaves new leads unassigned',
    },
    {
      name: 'round-robin starts at the first',
      rule: rr,
      lead: {},
      sdrs: {},
      owner: 'ana',
      code: 'round-robin',
      reason: 'Round-robin across 3 SDRs → ana',
    },
    {
      name: 'round-robin skips inactive',
      rule: rr,
      lead: {},
      sdrs: { ana: { active: false } },
      owner: 'ben',
      code: 'round-robin',
      reason: 'Round-robin across 3 SDRs → ben (skipped ana inactive)',
    },
    {
      name: 'round-robin skips out of office',
      rule: rr,
      lead: {},
      sdrs: { ana: away(NOW - HOUR, NOW + HOUR) },
      owner: 'ben',
      code: 'round-robin',
      reason: 'Round-robin across 3 SDRs → ben (skipped ana out-of-office)',
    },
    {
      name: 'out of office ended',
      rule: rr,
      lead: {},
      sdrs: { ana: away(NOW - 2 * HOUR, NOW) },
      owner: 'ana',
      code: 'round-robin',
      reason: 'Round-robin across 3 SDRs → ana',
    },
    {
      name: 'open-ended leave',
      rule: rr,
      lead: {},
      sdrs: { ana: away(NOW, null) },
      owner: 'ben',
      code: 'round-robin',
      reason: 'Round-robin across 3 SDRs → ben (skipped ana out-of-office)',
    },
    {
      name: 'round-robin skips full',
      rule: rr,
      lead: {},
      sdrs: { ana: { load: 5, capacity: 5 }, ben: { load: 9, capacity: 10 } },
      owner: 'ben',
      code: 'round-robin',
      reason: 'Round-robin across 3 SDRs → ben (skipped ana at-capacity)',
    },
    {
      name: 'all at capacity',
      rule: rr,
      lead: {},
      sdrs: { ana: { capacity: 0 }, ben: { capacity: 0 }, cy: { active: false } },
      owner: null,
      code: 'no-available-sdr',
      reason:
        'Nobody available in round-robin across 3 SDRs (skipped ana at-capacity, ben at-capacity, cy inactive)',
    },
    {
      name: 'territory → user',
      rule: territoryRule,
      lead: { country: 'de' },
      sdrs: {},
      owner: 'dora',
      code: 'territory',
      reason: 'Territory DACH (country DE): assigned to dora',
    },
    {
      name: 'territory → team',
      rule: territoryRule,
      lead: { timeZone: 'America/New_York' },
      sdrs: {},
      owner: 'eve',
      code: 'territory',
      reason: 'Territory US East (time zone America/New_York): round-robin in team east → eve',
    },
    {
      name: 'territory → pool by zone prefix',
      rule: territoryRule,
      lead: { country: 'JP', timeZone: 'Asia/Tokyo' },
      sdrs: {},
      owner: 'kai',
      code: 'territory',
      reason: 'Territory APAC (time zone Asia/Tokyo): round-robin across 2 SDRs → kai',
    },
    {
      name: 'unknown country → fallback',
      rule: territoryRule,
      lead: { country: 'ZZ' },
      sdrs: {},
      owner: 'ana',
      code: 'territory-fallback',
      reason: 'No territory matches; fallback round-robin across 2 SDRs → ana',
    },
    {
      name: 'no location → fallback',
      rule: territoryRule,
      lead: {},
      sdrs: {},
      owner: 'ana',
      code: 'territory-fallback',
      reason: 'No territory matches; fallback round-robin across 2 SDRs → ana',
    },
    {
      name: 'territory owner away → fallback',
      rule: territoryRule,
      lead: { country: 'AT' },
      sdrs: { dora: away(NOW, NOW + HOUR) },
      owner: 'ana',
      code: 'territory-fallback',
      reason:
        'Territory DACH (country AT): dora is out-of-office; fallback round-robin across 2 SDRs → ana',
    },
    {
      name: 'fallback exhausted',
      rule: territoryRule,
      lead: { country: 'ZZ' },
      sdrs: { ana: { active: false }, ben: { active: false } },
      owner: null,
      code: 'no-available-sdr',
      reason:
        'No territory matches; fallback nobody available in round-robin across 2 SDRs (skipped ana inactive, ben inactive)',
    },
  ])('$name', ({ rule, lead, sdrs, owner, code, reason }) => {
    const r = routeLead(lead, rule, EMPTY_ROUTING_STATE, { now: NOW, sdrs, teams });
    expect({ ownerId: r.ownerId, code: r.code, reason: r.reason }).toEqual({
      ownerId: owner,
      code,
      reason,
    });
  });

  it('falls back to unassigned, keeping the matched territory id', () => {
    const rule: RoutingRule = { ...territoryRule, fallback: { kind: 'unassigned' } };
    const r = routeLead({ country: 'CH' }, rule, EMPTY_ROUTING_STATE, {
      now: NOW,
      sdrs: { dora: { active: false } },
    });
    expect(r).toMatchObject({ ownerId: null, code: 'territory-fallback', territoryId: 'dach' });
    expect(r.reason).toBe(
      'Territory DACH (country CH): dora is inactive; fallback leaves it unassigned',
    );
  });

  it('treats an unknown team as empty', () => {
    const r = routeLead({ timeZone: 'America/New_York' }, territoryRule, EMPTY_ROUTING_STATE, {
      now: NOW,
    });
    expect(r).toMatchObject({ ownerId: 'ana', code: 'territory-fallback', territoryId: 'us-east' });
  });

  it('threads cursors through state without mutating it, one cursor per rotation', () => {
    const state: RoutingState = { cursors: {} };
    const ctx: RoutingContext = { now: NOW, teams };
    const a = routeLead({ timeZone: 'America/New_York' }, territoryRule, state, ctx);
    const b = routeLead({ timeZone: 'America/New_York' }, territoryRule, a.nextState, ctx);
    const c = routeLead({ country: 'ZZ' }, territoryRule, b.nextState, ctx);
    expect([a.ownerId, b.ownerId, c.ownerId]).toEqual(['eve', 'finn', 'ana']);
    expect(state).toEqual({ cursors: {} });
    expect(c.nextState.cursors).toEqual({
      [cursorKeys.team('east')]: { lastId: 'finn', index: 1 },
      [cursorKeys.fallbackPool]: { lastId: 'ana', index: 0 },
    });
    expect(RoutingState.parse(c.nextState)).toEqual(c.nextState);
  });

  it('is deterministic', () => {
    const ctx: RoutingContext = { now: NOW, sdrs: { ben: { active: false } } };
    const state: RoutingState = {
      cursors: { [cursorKeys.roundRobin]: { lastId: 'ana', index: 0 } },
    };
    expect(routeLead({}, rr, state, ctx)).toEqual(routeLead({}, rr, state, ctx));
    expect(routeLead({}, rr, state, ctx).ownerId).toBe('cy');
  });
});

describe('routeLeads (import batches)', () => {
  it('equals routing one by one when capacity is not involved', () => {
    const leads = [
      { country: 'DE' },
      {},
      { timeZone: 'Asia/Seoul' },
      { timeZone: 'Asia/Seoul' },
      {},
      { timeZone: 'America/New_York' },
    ];
    const ctx: RoutingContext = { now: NOW, teams };
    const batch = routeLeads(leads, territoryRule, EMPTY_ROUTING_STATE, ctx);
    let state = EMPTY_ROUTING_STATE;
    const single = leads.map((lead) => {
      const { nextState, ...decision } = routeLead(lead, territoryRule, state, ctx);
      state = nextState;
      return decision;
    });
    expect(batch.decisions).toEqual(single);
    expect(batch.nextState).toEqual(state);
    expect(batch.assigned).toEqual({ dora: 1, ana: 1, kai: 1, lin: 1, ben: 1, eve: 1 });
  });

  it('counts the batch against capacity', () => {
    const sdrs = {
      ana: { load: 1, capacity: 2 },
      ben: { capacity: 1 },
      cy: { load: 0, capacity: 3 },
    };
    const batch = routeLeads(
      Array.from({ length: 8 }, () => ({})),
      rr,
      EMPTY_ROUTING_STATE,
      { now: NOW, sdrs },
    );
    expect(batch.decisions.map((d) => d.ownerId)).toEqual([
      'ana',
      'ben',
      'cy',
      'cy',
      'cy',
      null,
      null,
      null,
    ]);
    expect(batch.decisions[5]?.code).toBe('no-available-sdr');
    expect(batch.assigned).toEqual({ ana: 1, ben: 1, cy: 3 });
  });

  it('handles an empty batch and an unassigned rule', () => {
    expect(routeLeads([], rr, EMPTY_ROUTING_STATE, { now: NOW })).toEqual({
      decisions: [],
      nextState: EMPTY_ROUTING_STATE,
      assigned: {},
    });
    const out = routeLeads([{}, {}], { kind: 'unassigned' }, EMPTY_ROUTING_STATE, { now: NOW });
    expect(out.decisions.map((d) => d.ownerId)).toEqual([null, null]);
  });

  it('stays fair across batches of any sizes: counts differ by at most 1', () => {
    const sdrIds = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,5}$/), {
      minLength: 1,
      maxLength: 10,
    });
    fc.assert(
      fc.property(sdrIds, fc.array(fc.nat(30), { maxLength: 8 }), (ids, batchSizes) => {
        const rule: RoutingRule = { kind: 'round-robin', sdrIds: ids };
        const counts = new Map(ids.map((id) => [id, 0]));
        let state = EMPTY_ROUTING_STATE;
        for (const size of batchSizes) {
          const out = routeLeads(
            Array.from({ length: size }, () => ({})),
            rule,
            state,
            { now: NOW },
          );
          for (const d of out.decisions) counts.set(d.ownerId!, counts.get(d.ownerId!)! + 1);
          state = RoutingState.parse(JSON.parse(JSON.stringify(out.nextState))); // persisted between batches
        }
        const values = [...counts.values()];
        expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('RoutingRule (boundary validation)', () => {
  it('accepts the rules above', () => {
    for (const rule of [rr, territoryRule, { kind: 'unassigned' }])
      expect(RoutingRule.safeParse(rule).success).toBe(true);
  });

  it.each([
    { name: 'empty round-robin', rule: { kind: 'round-robin', sdrIds: [] } },
    { name: 'repeated SDR', rule: { kind: 'round-robin', sdrIds: ['a', 'a'] } },
    {
      name: 'territory without criteria',
      rule: {
        kind: 'territory',
        territories: [{ id: 't', label: 'T', assignTo: { kind: 'user', userId: 'u' } }],
        fallback: { kind: 'unassigned' },
      },
    },
    {
      name: 'bad time zone',
      rule: {
        kind: 'territory',
        territories: [
          {
            id: 't',
            label: 'T',
            timeZones: ['not a zone'],
            assignTo: { kind: 'user', userId: 'u' },
          },
        ],
        fallback: { kind: 'unassigned' },
      },
    },
    {
      name: 'duplicate territory ids',
      rule: {
        ...territoryRule,
        territories: [territoryRule.territories[0], territoryRule.territories[0]],
      },
    },
    { name: 'missing fallback', rule: { kind: 'territory', territories: [] } },
    { name: 'unknown kind', rule: { kind: 'lottery' } },
  ])('refuses $name', ({ rule }) => {
    expect(RoutingRule.safeParse(rule).success).toBe(false);
  });
});
