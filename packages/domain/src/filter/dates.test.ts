import { describe, expect, it } from 'vitest';
import { addMonths, dateRange, dayOf, parseDay, parseInstant, startOfDay } from './dates.ts';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('startOfDay', () => {
  it.each([
    ['UTC', '2024-05-15', '2024-05-15T00:00:00.000Z'],
    ['Europe/Paris', '2024-05-15', '2024-05-14T22:00:00.000Z'],
    ['Europe/Paris', '2024-03-31', '2024-03-30T23:00:00.000Z'], // DST starts at 02:00 that day
    ['Europe/Paris', '2024-04-01', '2024-03-31T22:00:00.000Z'],
    ['America/New_York', '2024-03-10', '2024-03-10T05:00:00.000Z'],
    ['America/New_York', '2024-03-11', '2024-03-11T04:00:00.000Z'],
    ['America/New_York', '2024-11-03', '2024-11-03T04:00:00.000Z'],
    ['Asia/Kolkata', '2024-05-15', '2024-05-14T18:30:00.000Z'],
    ['Asia/Kathmandu', '2024-05-15', '2024-05-14T18:15:00.000Z'],
    ['Pacific/Chatham', '2024-05-15', '2024-05-14T11:15:00.000Z'],
    ['America/St_Johns', '2024-05-15', '2024-05-15T02:30:00.000Z'],
    // Midnight did not exist: clocks jumped from 00:00 to 01:00 (-03 → -02).
    ['America/Sao_Paulo', '2018-11-04', '2018-11-04T03:00:00.000Z'],
    // Samoa skipped 2011-12-30 entirely; the 31st starts at its local midnight (+14).
    ['Pacific/Apia', '2011-12-31', '2011-12-30T10:00:00.000Z'],
  ])('%s %s', (zone, day, expected) => {
    expect(iso(startOfDay(parseDay(day)!, zone))).toBe(expected);
  });
});

describe('dayOf', () => {
  it('reads the calendar day in the zone', () => {
    const t = Date.UTC(2024, 4, 15, 2);
    expect(dayOf(t, 'UTC')).toEqual({ y: 2024, m: 5, d: 15 });
    expect(dayOf(t, 'America/Los_Angeles')).toEqual({ y: 2024, m: 5, d: 14 });
  });
});

describe('addMonths', () => {
  it.each([
    [{ y: 2024, m: 3, d: 31 }, -1, { y: 2024, m: 2, d: 29 }],
    [{ y: 2023, m: 3, d: 31 }, -1, { y: 2023, m: 2, d: 28 }],
    [{ y: 2024, m: 1, d: 15 }, -2, { y: 2023, m: 11, d: 15 }],
    [{ y: 2024, m: 11, d: 30 }, 3, { y: 2025, m: 2, d: 28 }],
    [{ y: 2024, m: 5, d: 15 }, 12, { y: 2025, m: 5, d: 15 }],
  ])('%j + %i months', (day, months, expected) => {
    expect(addMonths(day, months)).toEqual(expected);
  });
});

describe('parseDay / parseInstant', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2024-13-01', false],
    ['2024-00-10', false],
    ['0999-01-01', false],
    ['2024-1-01', false],
  ])('day %s → %s', (s, valid) => {
    expect(parseDay(s) !== null).toBe(valid);
  });

  it.each([
    ['2024-05-15T10:00:00Z', '2024-05-15T10:00:00.000Z'],
    ['2024-05-15T10:00Z', '2024-05-15T10:00:00.000Z'],
    ['2024-05-15T10:00:00.5+02:00', '2024-05-15T08:00:00.500Z'],
    ['2024-05-15T23:30:00-05:30', '2024-05-16T05:00:00.000Z'],
    ['2024-02-30T10:00:00Z', undefined],
    ['2024-05-15T24:00:00Z', undefined],
    ['2024-05-15T10:60:00Z', undefined],
    ['2024-05-15T10:00:00', undefined],
    ['2024-05-15T10:00:00+24:00', undefined],
  ])('instant %s → %s', (s, expected) => {
    expect(iso(parseInstant(s) ?? undefined)).toBe(expected);
  });
});

describe('dateRange', () => {
  const now = Date.UTC(2024, 2, 12, 15); // 2024-03-12 11:00 in New York (EDT since the 10th)
  const zone = 'America/New_York';
  const range = (cond: Parameters<typeof dateRange>[0]) => {
    const r = dateRange(cond, now, zone);
    return [iso(r.lo?.ms), r.lo?.inclusive, iso(r.hi?.ms), r.hi?.inclusive];
  };
  const c = { kind: 'condition', field: 'd' } as const;

  it.each([
    [
      'in_last 7 days starts at local midnight before the DST change',
      { ...c, op: 'in_last', value: { amount: 7, unit: 'days' } },
      ['2024-03-05T05:00:00.000Z', true, '2024-03-12T15:00:00.000Z', true],
    ],
    [
      'in_last 1 months',
      { ...c, op: 'in_last', value: { amount: 1, unit: 'months' } },
      ['2024-02-12T05:00:00.000Z', true, '2024-03-12T15:00:00.000Z', true],
    ],
    [
      'in_next 2 weeks ends at the end of that day',
      { ...c, op: 'in_next', value: { amount: 2, unit: 'weeks' } },
      ['2024-03-12T15:00:00.000Z', true, '2024-03-27T04:00:00.000Z', false],
    ],
    [
      'before a day',
      { ...c, op: 'before', value: '2024-03-10' },
      [undefined, undefined, '2024-03-10T05:00:00.000Z', false],
    ],
    [
      'after a day (after its end)',
      { ...c, op: 'after', value: '2024-03-10' },
      ['2024-03-11T04:00:00.000Z', true, undefined, undefined],
    ],
    [
      'on the DST day lasts 23 hours',
      { ...c, op: 'on', value: '2024-03-10' },
      ['2024-03-10T05:00:00.000Z', true, '2024-03-11T04:00:00.000Z', false],
    ],
    [
      'between a day and an instant',
      { ...c, op: 'between', value: ['2024-03-01', '2024-03-12T12:00:00Z'] },
      ['2024-03-01T05:00:00.000Z', true, '2024-03-12T12:00:00.000Z', true],
    ],
    [
      'after an instant is exclusive',
      { ...c, op: 'after', value: '2024-03-12T12:00:00Z' },
      ['2024-03-12T12:00:00.000Z', false, undefined, undefined],
    ],
  ] as const)('%s', (_label, cond, expected) => {
    expect(range(cond as Parameters<typeof dateRange>[0])).toEqual(expected);
  });
});
