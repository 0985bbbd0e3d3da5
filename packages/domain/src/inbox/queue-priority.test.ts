import { InboxSettings } from '@sdr/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareQueueItems,
  explainPriority,
  queueRankKey,
  type QueueRankInput,
} from './queue-priority.ts';

const MIN = 60_000;
const T0 = Date.parse('2024-03-04T10:00:00Z');
// Defaults: score weight 20 min, call 10 / sms 5 / whatsapp 5 min, inbound 60 min, lead 240 min.
const settings = InboxSettings.parse({});

describe('queueRankKey', () => {
  it.each([
    [
      'SLA due time as base',
      { kind: 'inbound_message', createdAt: T0, dueAt: T0 + 30 * MIN },
      T0 + 30 * MIN,
    ],
    [
      'per-kind default without due time',
      { kind: 'inbound_message', createdAt: T0 },
      T0 + 60 * MIN,
    ],
    ['assigned lead default', { kind: 'assigned_lead', createdAt: T0 }, T0 + 240 * MIN],
    [
      'score 80 → 16 min earlier',
      { kind: 'task_due', createdAt: T0, dueAt: T0, leadScore: 80 },
      T0 - 16 * MIN,
    ],
    [
      'score clamped to 100',
      { kind: 'task_due', createdAt: T0, dueAt: T0, leadScore: 250 },
      T0 - 20 * MIN,
    ],
    [
      'negative score counts as 0',
      { kind: 'task_due', createdAt: T0, dueAt: T0, leadScore: -40 },
      T0,
    ],
    ['sms bonus', { kind: 'task_due', createdAt: T0, dueAt: T0, channel: 'sms' }, T0 - 5 * MIN],
    ['note has no bonus', { kind: 'task_due', createdAt: T0, dueAt: T0, channel: 'note' }, T0],
    [
      'everything',
      { kind: 'sla_breach', createdAt: T0, dueAt: T0 + MIN, leadScore: 50, channel: 'call' },
      T0 + MIN - 10 * MIN - 10 * MIN,
    ],
  ] as [string, QueueRankInput, number][])('%s', (_name, item, key) => {
    expect(queueRankKey(item, settings)).toBe(key);
  });

  it('follows the configured weights', () => {
    const custom = InboxSettings.parse({
      queue: {
        scoreWeightMinutes: 60,
        channelBonusMinutes: { email: -5 },
        kindDeadlineMinutes: { inbound_message: 15 },
      },
    });
    expect(
      queueRankKey(
        { kind: 'inbound_message', createdAt: T0, leadScore: 50, channel: 'email' },
        custom,
      ),
    ).toBe(T0 + 15 * MIN - 30 * MIN + 5 * MIN);
  });

  it('is an integer', () => {
    expect(
      Number.isInteger(
        queueRankKey({ kind: 'task_due', createdAt: T0, dueAt: T0, leadScore: 33 }, settings),
      ),
    ).toBe(true);
  });
});

describe('ordering', () => {
  const item = (id: string, over: Partial<QueueRankInput>) => {
    const input: QueueRankInput = { kind: 'inbound_message', createdAt: T0, ...over };
    return { id, ...input, rankKey: queueRankKey(input, settings) };
  };

  it('sorts pins first, then effective deadline', () => {
    const items = [
      item('late-email', { dueAt: T0 + 55 * MIN }),
      item('hot-lead', { dueAt: T0 + 60 * MIN, leadScore: 100 }), // 40 min effective
      item('sms', { dueAt: T0 + 48 * MIN, channel: 'sms' }), // 43
      item('breach', { kind: 'sla_breach', dueAt: T0 - 5 * MIN }),
      item('pin-2', { pinnedRank: 2, dueAt: T0 + 999 * MIN }),
      item('pin-1', { pinnedRank: 1, dueAt: T0 + 999 * MIN }),
      item('old-lead', { kind: 'assigned_lead', createdAt: T0 - 200 * MIN }), // 40 min, id later
    ];
    expect(items.sort(compareQueueItems).map((i) => i.id)).toEqual([
      'pin-1',
      'pin-2',
      'breach',
      'hot-lead',
      'old-lead',
      'sms',
      'late-email',
    ]);
  });

  it('is a total order (antisymmetric, transitive; property)', () => {
    const arb = fc.record({
      rankKey: fc.integer({ min: -5, max: 5 }),
      pinnedRank: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
      id: fc.constantFrom('a', 'b', 'c'),
    });
    fc.assert(
      fc.property(arb, arb, arb, (a, b, c) => {
        expect(Math.sign(compareQueueItems(a, b)) + Math.sign(compareQueueItems(b, a))).toBe(0);
        if (compareQueueItems(a, b) <= 0 && compareQueueItems(b, c) <= 0) {
          expect(compareQueueItems(a, c)).toBeLessThanOrEqual(0);
        }
      }),
    );
  });
});

describe('explainPriority', () => {
  it('lists each term', () => {
    const lines = explainPriority(
      {
        kind: 'inbound_message',
        createdAt: T0,
        dueAt: T0 + 60 * MIN,
        slaKind: 'first_response',
        leadScore: 80,
        channel: 'sms',
        pinnedRank: 2,
      },
      settings,
      T0 + 48 * MIN,
    );
    expect(lines).toEqual([
      'Pinned by a manager #2',
      'SLA first response due in 12 min',
      'Lead score 80: 16 min earlier',
      'SMS: 5 min earlier',
    ]);
  });

  it.each([
    [
      { kind: 'sla_breach', createdAt: T0, dueAt: T0 - 90 * MIN, slaKind: 'next_response' },
      'SLA next response overdue by 1 h 30 min',
    ],
    [{ kind: 'task_due', createdAt: T0, dueAt: T0 + 26 * 60 * MIN }, 'Task due in 1 d 2 h'],
    [
      { kind: 'inbound_message', createdAt: T0 - 5 * MIN },
      'New message waiting 5 min (aim: within 1 h)',
    ],
    [{ kind: 'assigned_lead', createdAt: T0 }, 'Assigned lead waiting 0 s (aim: within 4 h)'],
  ] as [QueueRankInput, string][])('%j → %s', (item, line) => {
    expect(explainPriority(item, settings, T0)).toEqual([line]);
  });

  it('a negative channel weight reads "later"', () => {
    const s = InboxSettings.parse({ queue: { channelBonusMinutes: { email: -5 } } });
    expect(
      explainPriority({ kind: 'task_due', createdAt: T0, dueAt: T0, channel: 'email' }, s, T0)[1],
    ).toBe('Email: 5 min later');
  });
});
