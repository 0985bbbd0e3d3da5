import { InboxSettings, type EscalationRule } from '@sdr/schema';
import { describe, expect, it } from 'vitest';
import { escalationKey, escalationsDue, raisePriority } from './escalation.ts';
import { slaTimers, type SlaConversationFacts, type SlaTimer } from './sla.ts';

const at = (s: string) => Date.parse(s);

const rules: EscalationRule[] = [
  { on: 'first_response', after: 'warning', actions: ['notify_manager'] },
  { on: 'first_response', after: 'breach', actions: ['notify_manager', 'reassign'] },
  { on: 'next_response', after: 'breach', actions: ['raise_priority', 'notify_manager'] },
];

const settings = InboxSettings.parse({
  sla: {
    policies: [
      {
        id: 'wall',
        name: 'Wall clock',
        firstResponseMinutes: 60,
        nextResponseMinutes: 30,
        resolutionMinutes: null,
        businessHoursOnly: false,
      },
    ],
    warnBeforeMinutes: 10,
  },
  escalations: rules,
});

const conversation: SlaConversationFacts = {
  createdAt: at('2024-03-04T10:00:00Z'),
  channel: 'email',
  priority: 'normal',
  status: 'open',
  firstInboundAt: at('2024-03-04T10:00:00Z'),
  lastInboundAt: at('2024-03-04T10:00:00Z'),
  lastOutboundAt: null,
  closedAt: null,
};

/** Runs the check every minute from 10:00 to `until`, recording what fires and when. */
function simulate(facts: SlaConversationFacts, until: string, fired = new Set<string>()) {
  const log: string[] = [];
  for (let t = at('2024-03-04T10:00:00Z'); t <= at(until); t += 60_000) {
    const timers = slaTimers(facts, settings, t);
    for (const a of escalationsDue(timers, settings.escalations, fired)) {
      fired.add(a.key);
      log.push(`${new Date(t).toISOString().slice(11, 16)} ${a.timerKind} ${a.after} ${a.action}`);
    }
  }
  return { log, fired };
}

describe('escalationsDue', () => {
  it('fires each action once, at the warning and at the breach', () => {
    const { log, fired } = simulate(conversation, '2024-03-04T13:00:00Z');
    expect(log).toEqual([
      '10:50 first_response warning notify_manager',
      '11:00 first_response breach notify_manager',
      '11:00 first_response breach reassign',
    ]);
    const due = at('2024-03-04T11:00:00Z');
    expect([...fired]).toEqual([
      `first_response@${due}:warning:notify_manager`,
      `first_response@${due}:breach:notify_manager`,
      `first_response@${due}:breach:reassign`,
    ]);
    // Running again with what was stored fires nothing.
    expect(simulate(conversation, '2024-03-04T13:00:00Z', fired).log).toEqual([]);
  });

  it('a check that first runs after the breach skips the warning', () => {
    const timers = slaTimers(conversation, settings, at('2024-03-04T12:00:00Z'));
    expect(escalationsDue(timers, rules, new Set()).map((a) => `${a.after} ${a.action}`)).toEqual([
      'breach notify_manager',
      'breach reassign',
    ]);
  });

  it('a new next-response wait escalates again (new due time, new key)', () => {
    const answered = {
      ...conversation,
      firstResponseAt: at('2024-03-04T10:10:00Z'),
      lastOutboundAt: at('2024-03-04T10:10:00Z'),
      lastInboundAt: at('2024-03-04T10:20:00Z'),
    };
    const first = escalationsDue(
      slaTimers(answered, settings, at('2024-03-04T10:51:00Z')),
      rules,
      new Set(),
    );
    expect(first.map((a) => a.key)).toEqual([
      `next_response@${at('2024-03-04T10:50:00Z')}:breach:raise_priority`,
      `next_response@${at('2024-03-04T10:50:00Z')}:breach:notify_manager`,
    ]);
    const fired = new Set(first.map((a) => a.key));
    // We answer at 11:00, the lead writes at 11:05 and waits again.
    const again = {
      ...answered,
      lastOutboundAt: at('2024-03-04T11:00:00Z'),
      lastInboundAt: at('2024-03-04T11:05:00Z'),
    };
    expect(
      escalationsDue(slaTimers(again, settings, at('2024-03-04T11:20:00Z')), rules, fired),
    ).toEqual([]);
    expect(
      escalationsDue(slaTimers(again, settings, at('2024-03-04T11:36:00Z')), rules, fired),
    ).toHaveLength(2);
  });

  it('stopped, met and paused timers never escalate', () => {
    const base = { policyId: 'p', startedAt: 0, remainingMs: -1, dueAt: 1000 };
    const timers: SlaTimer[] = [
      { ...base, kind: 'first_response', state: 'breached', stoppedAt: 2000 },
      { ...base, kind: 'first_response', state: 'met', stoppedAt: 500 },
      { ...base, kind: 'first_response', state: 'paused', stoppedAt: null },
    ];
    expect(escalationsDue(timers, rules, new Set())).toEqual([]);
  });

  it('the same action from two rules is returned once', () => {
    const timer: SlaTimer = {
      kind: 'first_response',
      policyId: 'p',
      startedAt: 0,
      dueAt: 1000,
      remainingMs: -5,
      state: 'breached',
      stoppedAt: null,
    };
    const twice: EscalationRule[] = [
      { on: 'first_response', after: 'breach', actions: ['notify_manager'] },
      { on: 'first_response', after: 'breach', actions: ['notify_manager', 'reassign'] },
    ];
    expect(escalationsDue([timer], twice, new Set()).map((a) => a.key)).toEqual([
      escalationKey(timer, 'breach', 'notify_manager'),
      escalationKey(timer, 'breach', 'reassign'),
    ]);
  });
});

describe('raisePriority', () => {
  it.each([
    ['low', 'normal'],
    ['normal', 'high'],
    ['high', 'urgent'],
    ['urgent', 'urgent'],
  ] as const)('%s → %s', (from, to) => {
    expect(raisePriority(from)).toBe(to);
  });
});
