import { InboxRouting, type InboxSettingsInput, type RoundRobinCursor } from '@sdr/schema';
import { describe, expect, it } from 'vitest';
import {
  chooseAssignee,
  inboxCapacity,
  routingCandidates,
  type AssigneeCode,
  type ChooseAssigneeInput,
} from './routing.ts';

type RoutingInput = NonNullable<InboxSettingsInput['routing']>;
const settings = (r: RoutingInput) => ({ routing: InboxRouting.parse(r) });

describe('chooseAssignee', () => {
  const rr = settings({ rule: 'round_robin', sdrIds: ['ana', 'bo', 'cy'], defaultCapacity: 2 });

  it('round-robin rotates and threads the cursor', () => {
    let cursor: RoundRobinCursor | null = null;
    const picks: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const c = chooseAssignee({
        settings: rr,
        conversation: { channel: 'email' },
        load: {},
        cursor,
      });
      picks.push(c.assigneeId);
      cursor = c.cursor;
      expect(c.code).toBe('round_robin');
    }
    expect(picks).toEqual(['ana', 'bo', 'cy', 'ana']);
  });

  it.each([
    [
      'skips people at capacity and unavailable ones',
      { load: { bo: 2 }, available: ['ana', 'bo'], cursor: { lastId: 'ana', index: 0 } },
      'ana',
      'round_robin',
    ],
    [
      'everyone at capacity → unassigned',
      { load: { ana: 2, bo: 5, cy: 2 } },
      null,
      'nobody_available',
    ],
    ['nobody available → unassigned', { available: [] }, null, 'nobody_available'],
  ] as [string, Partial<ChooseAssigneeInput>, string | null, AssigneeCode][])(
    '%s',
    (_name, over, assignee, code) => {
      const c = chooseAssignee({
        settings: rr,
        conversation: { channel: 'email' },
        load: {},
        cursor: null,
        ...over,
      });
      expect(c.assigneeId).toBe(assignee);
      expect(c.code).toBe(code);
      if (assignee === null) expect(c.cursor).toEqual(over.cursor ?? null);
    },
  );

  it('explains skips in the reason', () => {
    const c = chooseAssignee({
      settings: rr,
      conversation: { channel: 'email' },
      load: { ana: 2 },
      cursor: null,
      available: ['ana', 'cy'],
    });
    expect(c.assigneeId).toBe('cy');
    expect(c.reason).toBe(
      'Round-robin across 3 SDRs → cy (skipped ana at capacity 2/2, bo not available)',
    );
  });

  it('least loaded respects per-person capacity, ties rotate after the cursor', () => {
    const ll = settings({
      rule: 'least_loaded',
      sdrIds: ['ana', 'bo', 'cy'],
      capacity: { ana: 10 },
      defaultCapacity: 3,
    });
    const pick = (load: Record<string, number>, cursor: RoundRobinCursor | null = null) =>
      chooseAssignee({ settings: ll, conversation: { channel: 'email' }, load, cursor });
    expect(pick({ ana: 4, bo: 3, cy: 3 }).assigneeId).toBe('ana'); // bo, cy full
    expect(pick({ ana: 2, bo: 1, cy: 2 }).assigneeId).toBe('bo');
    const first = pick({ ana: 1, bo: 1, cy: 1 });
    expect(first.assigneeId).toBe('ana');
    expect(pick({ ana: 1, bo: 1, cy: 1 }, first.cursor).assigneeId).toBe('bo');
    const full = pick({ ana: 10, bo: 3, cy: 3 });
    expect(full).toMatchObject({ assigneeId: null, code: 'nobody_available' });
    expect(full.reason).toMatch(/^Nobody under capacity across 3 SDRs/);
  });

  describe('lead owner first', () => {
    const owned = settings({
      rule: 'round_robin',
      sdrIds: ['ana', 'bo'],
      defaultCapacity: 2,
      byChannel: { whatsapp: ['bo'] },
    });
    const route = (over: {
      load?: Record<string, number>;
      available?: string[];
      channel?: 'email' | 'whatsapp';
    }) =>
      chooseAssignee({
        settings: owned,
        conversation: { channel: over.channel ?? 'email', leadOwnerId: 'zoe' },
        load: over.load ?? {},
        cursor: null,
        ...(over.available ? { available: over.available } : {}),
      });

    it.each([
      ['owner available and under capacity (not an SDR of the rotation)', {}, 'zoe', 'lead_owner'],
      ['owner at capacity → rotation', { load: { zoe: 2 } }, 'ana', 'round_robin'],
      ['owner not available → rotation', { available: ['ana', 'bo'] }, 'ana', 'round_robin'],
      [
        'owner not on the channel list → channel list',
        { channel: 'whatsapp' as const },
        'bo',
        'round_robin',
      ],
    ])('%s', (_name, over, assignee, code) => {
      const c = route(over);
      expect(c.assigneeId).toBe(assignee);
      expect(c.code).toBe(code);
    });

    it('says why the owner was passed over', () => {
      expect(route({ load: { zoe: 2 } }).reason).toBe(
        'Lead owner zoe is at capacity (2/2); round-robin across 2 SDRs → ana',
      );
    });

    it('can be switched off', () => {
      const off = settings({ rule: 'round_robin', sdrIds: ['ana'], preferLeadOwner: false });
      const c = chooseAssignee({
        settings: off,
        conversation: { channel: 'email', leadOwnerId: 'zoe' },
        load: {},
        cursor: null,
      });
      expect(c.assigneeId).toBe('ana');
    });
  });

  it('manual leaves it unassigned (after the lead owner)', () => {
    const manual = settings({ rule: 'manual', sdrIds: ['ana'] });
    const c = chooseAssignee({
      settings: manual,
      conversation: { channel: 'sms' },
      load: {},
      cursor: null,
    });
    expect(c).toMatchObject({ assigneeId: null, code: 'manual' });
    const owned = chooseAssignee({
      settings: manual,
      conversation: { channel: 'sms', leadOwnerId: 'ana' },
      load: {},
      cursor: null,
    });
    expect(owned).toMatchObject({ assigneeId: 'ana', code: 'lead_owner' });
  });

  describe('narrowing by channel and territory', () => {
    const narrow = settings({
      rule: 'round_robin',
      sdrIds: ['ana', 'bo', 'cy', 'dan'],
      byChannel: { sms: ['bo', 'cy', 'dan'], call: [] },
      byTerritory: [
        { countries: ['DE', 'AT', 'CH'], userIds: ['cy', 'dan', 'ana'] },
        { countries: ['US'], userIds: ['bo'] },
      ],
    });
    it.each([
      ['email', null, ['ana', 'bo', 'cy', 'dan'], []],
      ['sms', null, ['bo', 'cy', 'dan'], ['channel sms']],
      ['sms', 'de', ['cy', 'dan'], ['channel sms', 'territory DE']],
      ['email', 'FR', ['ana', 'bo', 'cy', 'dan'], []],
      ['call', 'US', [], ['channel call', 'territory US']],
    ] as const)('%s from %s', (channel, country, candidates, narrowed) => {
      expect(routingCandidates(narrow.routing, { channel, leadCountry: country })).toEqual({
        candidates,
        narrowed,
      });
    });

    it('narrowed to nobody → unassigned with the reason', () => {
      const c = chooseAssignee({
        settings: narrow,
        conversation: { channel: 'call', leadCountry: 'US' },
        load: {},
        cursor: null,
      });
      expect(c).toMatchObject({ assigneeId: null, code: 'no_candidates' });
      expect(c.reason).toBe('No SDRs to route to (channel call, territory US)');
    });
  });

  it('default settings: nobody configured → unassigned', () => {
    const c = chooseAssignee({
      settings: settings({}),
      conversation: { channel: 'email' },
      load: {},
      cursor: null,
    });
    expect(c).toMatchObject({ assigneeId: null, code: 'no_candidates' });
  });

  it('capacity lookup ignores prototype keys', () => {
    const s = settings({ capacity: { ana: 3 }, defaultCapacity: 7 });
    expect(inboxCapacity(s.routing, 'ana')).toBe(3);
    expect(inboxCapacity(s.routing, 'constructor')).toBe(7);
  });
});
