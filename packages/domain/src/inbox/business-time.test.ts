import { BusinessHours } from '@sdr/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  isBusinessTime,
  nextBusinessTime,
} from './business-time.ts';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const at = (s: string) => Date.parse(s);

const utc = BusinessHours.parse({});
const newYork = BusinessHours.parse({ timeZone: 'America/New_York' });
const berlin = BusinessHours.parse({
  timeZone: 'Europe/Berlin',
  // Good Friday and Easter Monday 2024.
  holidays: ['2024-03-29', '2024-04-01'],
});
const split = BusinessHours.parse({
  weekly: {
    mon: [
      { start: '13:00', end: '17:00' },
      { start: '09:00', end: '12:00' },
    ],
  },
});
const allDay = (timeZone: string) =>
  BusinessHours.parse({
    timeZone,
    weekly: Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [
        d,
        [{ start: '00:00', end: '24:00' }],
      ]),
    ),
  });

describe('addBusinessMinutes', () => {
  it.each([
    ['inside hours', utc, '2024-03-04T10:00:00Z', 30, '2024-03-04T10:30:00Z'],
    ['zero minutes is the start itself', utc, '2024-03-09T10:00:00Z', 0, '2024-03-09T10:00:00Z'],
    ['ends exactly at closing', utc, '2024-03-04T09:00:00Z', 480, '2024-03-04T17:00:00Z'],
    ['before opening starts at opening', utc, '2024-03-04T06:00:00Z', 15, '2024-03-04T09:15:00Z'],
    [
      'after closing rolls to the next day',
      utc,
      '2024-03-04T18:00:00Z',
      15,
      '2024-03-05T09:15:00Z',
    ],
    ['Friday afternoon spans the weekend', utc, '2024-03-08T16:30:00Z', 60, '2024-03-11T09:30:00Z'],
    ['Saturday start waits for Monday', utc, '2024-03-09T10:00:00Z', 30, '2024-03-11T09:30:00Z'],
    ['several days', utc, '2024-03-04T09:00:00Z', 3 * 480 + 10, '2024-03-07T09:10:00Z'],
    ['lunch break skipped', split, '2024-03-04T11:00:00Z', 200, '2024-03-04T15:20:00Z'],
    // New York: DST starts Sun 2024-03-10; Friday is EST (-5), Monday EDT (-4).
    ['NY weekend across DST start', newYork, '2024-03-08T21:00:00Z', 120, '2024-03-11T14:00:00Z'],
    // DST ends Sun 2024-11-03: Friday EDT, Monday EST.
    ['NY weekend across DST end', newYork, '2024-11-01T20:00:00Z', 120, '2024-11-04T15:00:00Z'],
    // Berlin: Thu 16:30 CET, Good Friday, weekend with DST start, Easter Monday; Tue is CEST.
    ['Berlin Easter with DST', berlin, '2024-03-28T15:30:00Z', 60, '2024-04-02T07:30:00Z'],
    // DST ends Sun 2024-10-27 in Berlin.
    ['Berlin weekend across DST end', berlin, '2024-10-25T15:00:00Z', 120, '2024-10-28T10:00:00Z'],
  ])('%s', (_name, hours, start, minutes, expected) => {
    expect(iso(addBusinessMinutes(at(start), minutes, hours))).toBe(expected);
  });

  it('accepts a Date', () => {
    expect(iso(addBusinessMinutes(new Date('2024-03-04T10:00:00Z'), 1, utc))).toBe(
      '2024-03-04T10:01:00Z',
    );
  });

  it('throws when nothing is ever open', () => {
    const closed = {
      timeZone: 'UTC',
      holidays: [],
      weekly: { ...utc.weekly, mon: [], tue: [], wed: [], thu: [], fri: [] },
    };
    expect(() => addBusinessMinutes(0, 1, closed)).toThrow(RangeError);
  });
});

describe('businessMinutesBetween', () => {
  it.each([
    ['same day', utc, '2024-03-04T10:00:00Z', '2024-03-04T12:30:00Z', 150],
    ['over the weekend', utc, '2024-03-08T16:00:00Z', '2024-03-11T10:00:00Z', 120],
    ['NY week across DST start', newYork, '2024-03-04T05:00:00Z', '2024-03-12T03:59:00Z', 6 * 480],
    [
      'Berlin week with Easter and DST',
      berlin,
      '2024-03-25T00:00:00Z',
      '2024-04-05T22:00:00Z',
      8 * 480,
    ],
    // Around the clock: the spring-forward Sunday has 23 h, the fall-back Sunday 25 h.
    [
      'NY 24h Sat+Sun across DST start',
      allDay('America/New_York'),
      '2024-03-09T05:00:00Z',
      '2024-03-11T04:00:00Z',
      47 * 60,
    ],
    [
      'Berlin 24h Sunday of DST end',
      allDay('Europe/Berlin'),
      '2024-10-26T22:00:00Z',
      '2024-10-27T23:00:00Z',
      25 * 60,
    ],
    ['reversed is negative', utc, '2024-03-04T12:00:00Z', '2024-03-04T10:00:00Z', -120],
  ])('%s', (_name, hours, a, b, minutes) => {
    expect(businessMinutesBetween(at(a), at(b), hours)).toBe(minutes);
  });

  it('an interval starting inside a DST gap starts after it', () => {
    const hours = BusinessHours.parse({
      timeZone: 'America/New_York',
      weekly: { sun: [{ start: '02:00', end: '04:00' }] },
    });
    // 02:00 does not exist on 2024-03-10: open 03:00-04:00 EDT, one hour.
    expect(
      businessMinutesBetween(at('2024-03-10T00:00:00Z'), at('2024-03-11T00:00:00Z'), hours),
    ).toBe(60);
  });

  const zones = [newYork, berlin, allDay('America/New_York'), allDay('Europe/Berlin'), split];
  it('is the inverse of addBusinessMinutes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2023-01-01'), max: Date.parse('2026-12-31') }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.constantFrom(...zones),
        (start, minutes, hours) => {
          const end = addBusinessMinutes(start, minutes, hours);
          expect(end).toBeGreaterThanOrEqual(start);
          expect(Math.round(businessMinutesBetween(start, end, hours) * 1000) / 1000).toBe(minutes);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('isBusinessTime / nextBusinessTime', () => {
  it.each([
    ['2024-03-04T09:00:00Z', true],
    ['2024-03-04T16:59:59Z', true],
    ['2024-03-04T17:00:00Z', false],
    ['2024-03-09T12:00:00Z', false],
  ])('%s open: %s', (t, open) => {
    expect(isBusinessTime(at(t), utc)).toBe(open);
  });

  it('holidays are closed and the next open time skips them', () => {
    expect(isBusinessTime(at('2024-03-29T10:00:00Z'), berlin)).toBe(false);
    expect(iso(nextBusinessTime(at('2024-03-28T17:00:00Z'), berlin))).toBe('2024-04-02T07:00:00Z');
    expect(iso(nextBusinessTime(at('2024-03-28T10:00:00Z'), berlin))).toBe('2024-03-28T10:00:00Z');
  });
});
