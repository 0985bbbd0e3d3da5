import { NotificationPrefs } from '@sdr/schema';
import { describe, expect, it } from 'vitest';
import { inQuietHours, shouldNotify } from './notifications.ts';

const at = (s: string) => Date.parse(s);

describe('inQuietHours', () => {
  const night = { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' };
  const lunch = { start: '12:00', end: '13:00', timeZone: 'America/New_York' };
  it.each([
    [night, '2024-03-04T20:59:00Z', false], // 21:59 CET
    [night, '2024-03-04T21:00:00Z', true], // 22:00
    [night, '2024-03-04T23:30:00Z', true], // 00:30, after midnight
    [night, '2024-03-05T05:59:00Z', true], // 06:59
    [night, '2024-03-05T06:00:00Z', false], // 07:00
    [night, '2024-07-01T20:30:00Z', true], // 22:30 CEST (summer offset)
    [night, '2024-07-01T05:30:00Z', false], // 07:30 CEST
    [lunch, '2024-03-11T16:30:00Z', true], // 12:30 EDT, the day after DST starts
    [lunch, '2024-03-08T16:30:00Z', false], // 11:30 EST
    [{ start: '09:00', end: '09:00', timeZone: 'UTC' }, '2024-03-04T09:00:00Z', false],
    [null, '2024-03-04T23:00:00Z', false],
  ])('%j at %s → %s', (quiet, now, inside) => {
    expect(inQuietHours(quiet, at(now))).toBe(inside);
  });
});

describe('shouldNotify', () => {
  const prefs = NotificationPrefs.parse({
    categories: { task: { os: false }, mention: { sound: false } },
    quietHours: { start: '22:00', end: '07:00', timeZone: 'UTC' },
  });

  it.each([
    ['reply', '2024-03-04T12:00:00Z', { inApp: true, os: true, sound: true, silencedBy: null }],
    ['task', '2024-03-04T12:00:00Z', { inApp: true, os: false, sound: false, silencedBy: null }],
    ['mention', '2024-03-04T12:00:00Z', { inApp: true, os: true, sound: false, silencedBy: null }],
    [
      'reply',
      '2024-03-04T23:00:00Z',
      { inApp: true, os: false, sound: false, silencedBy: 'quiet_hours' },
    ],
    [
      'sla',
      '2024-03-05T06:59:00Z',
      { inApp: true, os: false, sound: false, silencedBy: 'quiet_hours' },
    ],
  ] as const)('%s at %s', (category, now, decision) => {
    expect(shouldNotify(category, prefs, at(now))).toEqual(decision);
  });

  it('do not disturb silences OS and sound until it ends', () => {
    const dnd = { ...prefs, doNotDisturbUntil: at('2024-03-04T13:00:00Z') };
    expect(shouldNotify('assignment', dnd, at('2024-03-04T12:59:59Z'))).toEqual({
      inApp: true,
      os: false,
      sound: false,
      silencedBy: 'do_not_disturb',
    });
    expect(shouldNotify('assignment', dnd, at('2024-03-04T13:00:00Z')).os).toBe(true);
  });

  it('in-app off stays off', () => {
    const off = NotificationPrefs.parse({
      categories: { reply: { inApp: false, os: false, sound: false } },
    });
    expect(shouldNotify('reply', off, at('2024-03-04T12:00:00Z'))).toEqual({
      inApp: false,
      os: false,
      sound: false,
      silencedBy: null,
    });
  });

  it('defaults: everything on, task without sound', () => {
    const d = NotificationPrefs.parse({});
    expect(shouldNotify('task', d, 0)).toEqual({
      inApp: true,
      os: true,
      sound: false,
      silencedBy: null,
    });
    expect(shouldNotify('mention', d, 0)).toEqual({
      inApp: true,
      os: true,
      sound: true,
      silencedBy: null,
    });
  });
});
