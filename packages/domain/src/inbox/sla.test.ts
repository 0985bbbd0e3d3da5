import { InboxSettings, type SlaPolicy } from '@sdr/schema';
import { describe, expect, it } from 'vitest';
import {
  nextSlaDeadline,
  slaPolicyFor,
  slaTimers,
  snoozePauses,
  type SlaConversationFacts,
} from './sla.ts';

const at = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const MIN = 60_000;

const urgent: SlaPolicy = {
  id: 'urgent-text',
  name: 'Urgent texts',
  channels: ['sms', 'whatsapp'],
  priority: ['high', 'urgent'],
  firstResponseMinutes: 15,
  nextResponseMinutes: 30,
  resolutionMinutes: null,
  businessHoursOnly: false,
};
const standard: SlaPolicy = {
  id: 'standard',
  name: 'Standard',
  firstResponseMinutes: 60,
  nextResponseMinutes: 240,
  resolutionMinutes: 1440,
  businessHoursOnly: true,
};
const settings = InboxSettings.parse({ sla: { policies: [urgent, standard] } });

function facts(over: Partial<SlaConversationFacts>): SlaConversationFacts {
  const first = over.firstInboundAt ?? at('2024-03-04T10:00:00Z');
  return {
    createdAt: first,
    channel: 'email',
    priority: 'normal',
    status: 'open',
    firstInboundAt: first,
    lastInboundAt: first,
    lastOutboundAt: null,
    closedAt: null,
    ...over,
  };
}

function timer(f: SlaConversationFacts, now: string, kind: string, s = settings) {
  const t = slaTimers(f, s, at(now)).find((x) => x.kind === kind);
  if (!t) throw new Error(`no ${kind} timer`);
  return { ...t, due: iso(t.dueAt), stopped: t.stoppedAt === null ? null : iso(t.stoppedAt) };
}

describe('slaPolicyFor', () => {
  it.each([
    ['sms', 'urgent', 'urgent-text'],
    ['whatsapp', 'high', 'urgent-text'],
    ['sms', 'normal', 'standard'],
    ['email', 'urgent', 'standard'],
  ] as const)('%s %s → %s', (channel, priority, id) => {
    expect(slaPolicyFor(settings.sla.policies, { channel, priority })?.id).toBe(id);
  });

  it('no matching policy: no timers', () => {
    const only = InboxSettings.parse({ sla: { policies: [urgent] } });
    expect(slaPolicyFor(only.sla.policies, { channel: 'email', priority: 'low' })).toBeNull();
    expect(slaTimers(facts({}), only, at('2024-03-04T10:05:00Z'))).toEqual([]);
  });
});

describe('first response (business hours, UTC mon-fri 09-17)', () => {
  const friday = facts({ firstInboundAt: at('2024-03-08T16:30:00Z') });
  it.each([
    ['2024-03-08T16:35:00Z', 'ok', (3 * 24 * 60 - 5) * MIN - 7 * 60 * MIN],
    ['2024-03-11T09:16:00Z', 'warning', 14 * MIN],
    ['2024-03-11T09:30:00Z', 'breached', 0],
    ['2024-03-11T09:31:00Z', 'breached', -MIN],
  ])('at %s it is %s', (now, state, remaining) => {
    const t = timer(friday, now, 'first_response');
    expect(t.due).toBe('2024-03-11T09:30:00Z');
    expect(t.state).toBe(state);
    expect(t.remainingMs).toBe(remaining);
    expect(t.stoppedAt).toBeNull();
  });

  it.each([
    ['2024-03-11T09:00:00Z', 'met', 30 * MIN],
    ['2024-03-11T10:00:00Z', 'breached', -30 * MIN],
  ])('answered at %s: %s and stopped', (answered, state, remaining) => {
    const t = timer(
      { ...friday, firstResponseAt: at(answered), lastOutboundAt: at(answered) },
      '2024-03-12T12:00:00Z',
      'first_response',
    );
    expect(t.state).toBe(state);
    expect(t.stopped).toBe(answered);
    expect(t.remainingMs).toBe(remaining);
  });

  it('without firstResponseAt, an outbound after the first inbound answers it', () => {
    const t = timer(
      { ...friday, lastOutboundAt: at('2024-03-11T09:10:00Z') },
      '2024-03-11T12:00:00Z',
      'first_response',
    );
    expect(t).toMatchObject({ state: 'met', stopped: '2024-03-11T09:10:00Z' });
  });

  it('wall-clock policy for urgent texts', () => {
    const f = facts({
      channel: 'sms',
      priority: 'urgent',
      firstInboundAt: at('2024-03-09T23:50:00Z'),
    });
    const timers = slaTimers(f, settings, at('2024-03-10T00:01:00Z'));
    expect(timers.map((t) => t.kind)).toEqual(['first_response']); // resolution: null target
    expect(iso(timers[0]!.dueAt)).toBe('2024-03-10T00:05:00Z');
    expect(timers[0]!.state).toBe('warning');
  });

  it('we wrote first: nobody waits, no timers', () => {
    const f = facts({
      firstInboundAt: null,
      lastInboundAt: null,
      lastOutboundAt: at('2024-03-04T10:00:00Z'),
    });
    expect(slaTimers(f, settings, at('2024-03-05T10:00:00Z'))).toEqual([]);
  });
});

describe('DST weeks', () => {
  it('America/New_York: Friday inbound, due after the spring-forward weekend', () => {
    const s = InboxSettings.parse({
      sla: { policies: [standard] },
      businessHours: { timeZone: 'America/New_York' },
    });
    // Fri 2024-03-08 16:30 EST; Mon 2024-03-11 is EDT.
    const f = facts({ firstInboundAt: at('2024-03-08T21:30:00Z') });
    expect(timer(f, '2024-03-08T21:31:00Z', 'first_response', s).due).toBe('2024-03-11T13:30:00Z');
    // 1440 business minutes: Fri 30 + Mon 480 + Tue 480 + Wed 450 → Wed 16:30 EDT.
    expect(timer(f, '2024-03-08T21:31:00Z', 'resolution', s).due).toBe('2024-03-13T20:30:00Z');
  });

  it('Europe/Berlin: Easter holidays and spring-forward in one week', () => {
    const s = InboxSettings.parse({
      sla: { policies: [standard] },
      businessHours: { timeZone: 'Europe/Berlin', holidays: ['2024-03-29', '2024-04-01'] },
    });
    // Thu 2024-03-28 16:30 CET; next open day Tue 2024-04-02 (CEST).
    const f = facts({ firstInboundAt: at('2024-03-28T15:30:00Z') });
    expect(timer(f, '2024-03-28T15:31:00Z', 'first_response', s).due).toBe('2024-04-02T07:30:00Z');
    expect(timer(f, '2024-03-28T15:31:00Z', 'resolution', s).due).toBe('2024-04-04T14:30:00Z');
  });
});

describe('next response', () => {
  const base = facts({
    firstInboundAt: at('2024-03-04T10:00:00Z'),
    firstResponseAt: at('2024-03-04T10:20:00Z'),
    lastOutboundAt: at('2024-03-04T10:20:00Z'),
    lastInboundAt: at('2024-03-04T11:00:00Z'),
  });

  it('runs from the lead’s unanswered message', () => {
    const t = timer(base, '2024-03-04T11:30:00Z', 'next_response');
    expect(t).toMatchObject({ due: '2024-03-04T15:00:00Z', state: 'ok', stopped: null });
  });

  it('starts at waitingSince when the lead wrote several times', () => {
    const f = { ...base, waitingSince: at('2024-03-04T10:45:00Z') };
    expect(timer(f, '2024-03-04T11:30:00Z', 'next_response').due).toBe('2024-03-04T14:45:00Z');
  });

  it('our later outbound meets it', () => {
    const f = { ...base, lastOutboundAt: at('2024-03-04T12:00:00Z') };
    expect(timer(f, '2024-03-04T12:30:00Z', 'next_response')).toMatchObject({
      state: 'met',
      stopped: '2024-03-04T12:00:00Z',
    });
  });

  it('no timer before the first response or without a new inbound', () => {
    const kinds = (f: SlaConversationFacts) =>
      slaTimers(f, settings, at('2024-03-04T12:00:00Z')).map((t) => t.kind);
    expect(kinds(facts({ lastInboundAt: at('2024-03-04T11:00:00Z') }))).toEqual([
      'first_response',
      'resolution',
    ]);
    expect(kinds({ ...base, lastInboundAt: at('2024-03-04T10:00:00Z') })).toEqual([
      'first_response',
      'resolution',
    ]);
  });
});

describe('closing', () => {
  it.each([
    ['2024-03-05T10:00:00Z', 'met'],
    ['2024-03-08T10:00:00Z', 'breached'],
  ])('closed at %s: resolution %s', (closed, state) => {
    const f = facts({
      status: 'closed',
      closedAt: at(closed),
      lastOutboundAt: at('2024-03-04T10:30:00Z'),
    });
    const t = timer(f, '2024-03-20T00:00:00Z', 'resolution');
    expect(t.due).toBe('2024-03-07T10:00:00Z');
    expect(t).toMatchObject({ state, stopped: closed });
  });

  it('stops an unanswered first response (met when closed in time)', () => {
    const f = facts({ status: 'closed', closedAt: at('2024-03-04T10:30:00Z') });
    expect(timer(f, '2024-03-05T10:00:00Z', 'first_response')).toMatchObject({
      state: 'met',
      stopped: '2024-03-04T10:30:00Z',
    });
  });

  it('a reopened conversation runs again (closedAt ignored unless closed)', () => {
    const f = facts({ status: 'open', closedAt: at('2024-03-04T10:30:00Z') });
    expect(timer(f, '2024-03-04T11:30:00Z', 'first_response')).toMatchObject({
      state: 'breached',
      stopped: null,
    });
  });
});

describe('snooze pauses', () => {
  const text = facts({
    channel: 'sms',
    priority: 'urgent',
    firstInboundAt: at('2024-03-04T10:00:00Z'),
  });

  it('time snoozed does not count (wall clock)', () => {
    const f = {
      ...text,
      pauses: [{ from: at('2024-03-04T10:05:00Z'), until: at('2024-03-04T10:35:00Z') }],
    };
    const t = timer(f, '2024-03-04T10:40:00Z', 'first_response');
    expect(t).toMatchObject({
      due: '2024-03-04T10:45:00Z',
      state: 'warning',
      remainingMs: 5 * MIN,
    });
  });

  it('while snoozed the timer is paused; dueAt is the due time if it resumed now', () => {
    const f = {
      ...text,
      status: 'snoozed' as const,
      pauses: [{ from: at('2024-03-04T10:05:00Z'), until: null }],
    };
    const t = timer(f, '2024-03-04T10:20:00Z', 'first_response');
    expect(t).toMatchObject({
      state: 'paused',
      due: '2024-03-04T10:30:00Z',
      remainingMs: 10 * MIN,
    });
    // Later in the snooze: still 10 minutes left.
    expect(timer(f, '2024-03-04T18:00:00Z', 'first_response').remainingMs).toBe(10 * MIN);
  });

  it('with snoozedUntil, a paused timer is due as if it resumed then (stable while snoozed)', () => {
    const f = {
      ...text,
      status: 'snoozed' as const,
      snoozedUntil: at('2024-03-04T12:00:00Z'),
      pauses: [{ from: at('2024-03-04T10:05:00Z'), until: null }],
    };
    for (const now of ['2024-03-04T10:20:00Z', '2024-03-04T11:00:00Z']) {
      expect(timer(f, now, 'first_response')).toMatchObject({
        state: 'paused',
        due: '2024-03-04T12:10:00Z',
      });
    }
    // Snooze already over but status not yet updated: resumes now.
    expect(timer(f, '2024-03-04T13:00:00Z', 'first_response').due).toBe('2024-03-04T13:10:00Z');
  });

  it('snoozed with no pause recorded: paused from now', () => {
    const f = { ...text, status: 'snoozed' as const };
    expect(timer(f, '2024-03-04T10:08:00Z', 'first_response')).toMatchObject({
      state: 'paused',
      due: '2024-03-04T10:15:00Z',
      remainingMs: 7 * MIN,
    });
  });

  it('an open pause counts only while snoozed', () => {
    const f = { ...text, pauses: [{ from: at('2024-03-04T10:05:00Z'), until: null }] };
    expect(timer(f, '2024-03-04T10:20:00Z', 'first_response').state).toBe('breached');
  });

  it('business hours: only the open time inside the snooze is added', () => {
    const email = facts({
      firstInboundAt: at('2024-03-04T10:00:00Z'),
      pauses: [{ from: at('2024-03-04T10:30:00Z'), until: at('2024-03-05T09:15:00Z') }],
    });
    expect(timer(email, '2024-03-05T09:20:00Z', 'first_response').due).toBe('2024-03-05T09:45:00Z');
    const overnight = facts({
      firstInboundAt: at('2024-03-04T16:30:00Z'),
      pauses: [{ from: at('2024-03-04T18:00:00Z'), until: at('2024-03-05T08:00:00Z') }],
    });
    expect(timer(overnight, '2024-03-05T09:00:00Z', 'first_response').due).toBe(
      '2024-03-05T09:30:00Z',
    );
  });

  it('a pause after the response changes nothing', () => {
    const f = {
      ...text,
      firstResponseAt: at('2024-03-04T10:10:00Z'),
      lastOutboundAt: at('2024-03-04T10:10:00Z'),
      pauses: [{ from: at('2024-03-04T10:12:00Z'), until: at('2024-03-04T11:00:00Z') }],
    };
    expect(timer(f, '2024-03-04T12:00:00Z', 'first_response')).toMatchObject({
      state: 'met',
      due: '2024-03-04T10:15:00Z',
    });
  });
});

describe('snoozePauses (from the status history)', () => {
  const c = (fromStatus: string, toStatus: string, atMs: number) => ({
    fromStatus,
    toStatus,
    at: atMs,
  });
  it.each([
    ['no history', [], []],
    ['never snoozed', [c('open', 'closed', 10), c('closed', 'open', 20)], []],
    [
      'one snooze, ended',
      [c('open', 'snoozed', 10), c('snoozed', 'open', 40)],
      [{ from: 10, until: 40 }],
    ],
    ['still snoozed', [c('open', 'snoozed', 10)], [{ from: 10, until: null }]],
    [
      're-snoozed while snoozed: one pause',
      [c('open', 'snoozed', 10), c('snoozed', 'snoozed', 20), c('snoozed', 'open', 50)],
      [{ from: 10, until: 50 }],
    ],
    [
      'two snoozes, then closed from a snooze, out of order',
      [
        c('snoozed', 'closed', 90),
        c('open', 'snoozed', 10),
        c('snoozed', 'open', 30),
        c('open', 'snoozed', 60),
      ],
      [
        { from: 10, until: 30 },
        { from: 60, until: 90 },
      ],
    ],
  ])('%s', (_name, history, pauses) => {
    expect(snoozePauses(history)).toEqual(pauses);
  });

  it('an ended snooze moves the first-response due time by its length', () => {
    const start = at('2024-03-04T10:00:00Z');
    const facts = {
      createdAt: start,
      channel: 'sms' as const,
      priority: 'normal' as const,
      status: 'open' as const,
      firstInboundAt: start,
      lastInboundAt: start,
      lastOutboundAt: null,
      closedAt: null,
    };
    const now = at('2024-03-04T10:45:00Z');
    const plain = slaTimers(facts, settings, now)[0]!;
    const pauses = snoozePauses([
      c('open', 'snoozed', at('2024-03-04T10:05:00Z')),
      c('snoozed', 'open', at('2024-03-04T10:35:00Z')),
    ]);
    const paused = slaTimers({ ...facts, pauses }, settings, now)[0]!;
    expect(paused.kind).toBe('first_response');
    expect(paused.dueAt - plain.dueAt).toBe(30 * MIN);
  });
});

describe('nextSlaDeadline', () => {
  it('is the running timer due first', () => {
    const timers = slaTimers(facts({}), settings, at('2024-03-04T10:05:00Z'));
    expect(nextSlaDeadline(timers)?.kind).toBe('first_response');
    const answered = slaTimers(
      facts({
        firstResponseAt: at('2024-03-04T10:10:00Z'),
        lastOutboundAt: at('2024-03-04T10:10:00Z'),
      }),
      settings,
      at('2024-03-04T10:15:00Z'),
    );
    expect(nextSlaDeadline(answered)?.kind).toBe('resolution');
    expect(nextSlaDeadline([])).toBeNull();
  });
});
