import { describe, expect, it } from 'vitest';
import { CHANNELS, CONVERSATION_STATUSES, MESSAGE_STATUSES, PRIORITIES } from './entities/inbox.ts';
import {
  Channel,
  ConversationStatus,
  DEFAULT_INBOX_SETTINGS,
  DEFAULT_NOTIFICATION_PREFS,
  InboxSettings,
  MessageStatus,
  NotificationPrefs,
  Priority,
} from './inbox-settings.ts';

describe('InboxSettings', () => {
  it('parses {} into a working default', () => {
    const s = InboxSettings.parse({});
    expect(s).toEqual(DEFAULT_INBOX_SETTINGS);
    expect(s.routing).toEqual({
      rule: 'round_robin',
      sdrIds: [],
      capacity: {},
      defaultCapacity: 50,
      preferLeadOwner: true,
    });
    expect(s.businessHours.timeZone).toBe('UTC');
    expect(s.businessHours.weekly.mon).toEqual([{ start: '09:00', end: '17:00' }]);
    expect(s.businessHours.weekly.sat).toEqual([]);
    expect(s.sla.policies.map((p) => p.id)).toEqual(['standard']);
    expect(s.sla.warnBeforeMinutes).toBe(15);
    expect(s.escalations).toEqual([
      { on: 'first_response', after: 'breach', actions: ['notify_manager'] },
    ]);
    expect(s.queue.scoreWeightMinutes).toBe(20);
    expect(s.templates).toEqual([]);
  });

  it('fills defaults inside partial input', () => {
    const s = InboxSettings.parse({
      businessHours: {
        timeZone: 'Europe/Berlin',
        weekly: { sat: [{ start: '10:00', end: '14:00' }] },
      },
      sla: { warnBeforeMinutes: 5 },
      queue: { scoreWeightMinutes: 30 },
    });
    expect(s.businessHours.weekly.fri).toEqual([{ start: '09:00', end: '17:00' }]);
    expect(s.businessHours.weekly.sat).toEqual([{ start: '10:00', end: '14:00' }]);
    expect(s.sla.policies).toHaveLength(1);
    expect(s.queue.channelBonusMinutes).toEqual({ call: 10, sms: 5, whatsapp: 5 });
  });

  it('default objects are not shared between parses', () => {
    const a = InboxSettings.parse({});
    a.routing.sdrIds.push('x');
    a.sla.policies.push({ ...a.sla.policies[0]!, id: 'other' });
    expect(InboxSettings.parse({}).routing.sdrIds).toEqual([]);
    expect(InboxSettings.parse({}).sla.policies).toHaveLength(1);
  });

  it('accepts a full configuration', () => {
    const r = InboxSettings.safeParse({
      routing: {
        rule: 'least_loaded',
        sdrIds: ['u1', 'u2'],
        capacity: { u1: 10 },
        byChannel: { whatsapp: ['u2'] },
        byTerritory: [{ countries: ['de', 'AT'], userIds: ['u1'] }],
      },
      businessHours: {
        timeZone: 'America/New_York',
        weekly: {
          mon: [
            { start: '08:00', end: '12:00' },
            { start: '13:00', end: '24:00' },
          ],
        },
        holidays: ['2024-12-25'],
      },
      sla: {
        policies: [
          {
            id: 'vip',
            name: 'VIP',
            channels: ['sms'],
            priority: ['urgent'],
            firstResponseMinutes: 5,
            nextResponseMinutes: 15,
            resolutionMinutes: null,
            businessHoursOnly: false,
          },
        ],
      },
      escalations: [
        { on: 'resolution', after: 'warning', actions: ['raise_priority', 'reassign'] },
      ],
      templates: [
        { id: 'intro', name: 'Intro', body: 'Hi {{lead.firstName | "there"}}', channel: 'email' },
      ],
    });
    expect(r.success).toBe(true);
    expect(r.data?.routing.byTerritory?.[0]?.countries).toEqual(['DE', 'AT']);
  });

  it.each([
    ['unknown time zone', { businessHours: { timeZone: 'Mars/Olympus' } }],
    ['bad clock time', { businessHours: { weekly: { mon: [{ start: '9am', end: '17:00' }] } } }],
    [
      'end before start',
      { businessHours: { weekly: { mon: [{ start: '17:00', end: '09:00' }] } } },
    ],
    ['bad holiday', { businessHours: { holidays: ['2024-13-01'] } }],
    ['never open', { businessHours: { weekly: { mon: [], tue: [], wed: [], thu: [], fri: [] } } }],
    ['repeated SDR', { routing: { sdrIds: ['a', 'a'] } }],
    ['unknown rule', { routing: { rule: 'random' } }],
    ['unknown channel in byChannel', { routing: { byChannel: { fax: ['a'] } } }],
    [
      'duplicate policy ids',
      {
        sla: {
          policies: [
            {
              id: 'p',
              name: 'A',
              firstResponseMinutes: 1,
              nextResponseMinutes: 1,
              resolutionMinutes: 1,
            },
            {
              id: 'p',
              name: 'B',
              firstResponseMinutes: 1,
              nextResponseMinutes: 1,
              resolutionMinutes: 1,
            },
          ],
        },
      },
    ],
    ['negative minutes', { sla: { warnBeforeMinutes: -1 } }],
    [
      'escalation without actions',
      { escalations: [{ on: 'resolution', after: 'breach', actions: [] }] },
    ],
    [
      'duplicate template ids',
      {
        templates: [
          { id: 't', name: 'A', body: '' },
          { id: 't', name: 'B', body: '' },
        ],
      },
    ],
  ])('rejects %s', (_name, input) => {
    expect(InboxSettings.safeParse(input).success).toBe(false);
  });
});

describe('enums match the inbox entities', () => {
  it('are the same lists', () => {
    expect(Channel.options).toEqual([...CHANNELS]);
    expect(Priority.options).toEqual([...PRIORITIES]);
    expect(ConversationStatus.options).toEqual([...CONVERSATION_STATUSES]);
    expect(MessageStatus.options).toEqual([...MESSAGE_STATUSES]);
  });
});

describe('NotificationPrefs', () => {
  it('defaults: all on, tasks silent, no quiet hours', () => {
    expect(NotificationPrefs.parse({})).toEqual(DEFAULT_NOTIFICATION_PREFS);
    expect(DEFAULT_NOTIFICATION_PREFS.categories.reply).toEqual({
      inApp: true,
      os: true,
      sound: true,
    });
    expect(DEFAULT_NOTIFICATION_PREFS.categories.task).toEqual({
      inApp: true,
      os: true,
      sound: false,
    });
    expect(DEFAULT_NOTIFICATION_PREFS.quietHours).toBeNull();
    expect(DEFAULT_NOTIFICATION_PREFS.doNotDisturbUntil).toBeNull();
  });

  it('keeps per-category defaults in partial input', () => {
    const p = NotificationPrefs.parse({ categories: { task: { os: false } } });
    expect(p.categories.task).toEqual({ inApp: true, os: false, sound: false });
  });

  it.each([
    [
      'bad quiet hours zone',
      { quietHours: { start: '22:00', end: '07:00', timeZone: 'Nowhere/City' } },
    ],
    ['bad quiet hours time', { quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' } }],
    ['negative DND', { doNotDisturbUntil: -5 }],
  ])('rejects %s', (_name, input) => {
    expect(NotificationPrefs.safeParse(input).success).toBe(false);
  });
});
