import { describe, expect, it } from 'vitest';
import { parseCalendarDay, parseTimestamp } from './date.ts';

const utc = (iso: string): number => Date.parse(iso);

describe('parseCalendarDay', () => {
  it.each([
    ['', {}, ''],
    ['2024-03-05', {}, '2024-03-05'],
    ['2024-3-5', {}, '2024-03-05'],
    ['2024/03/05', {}, '2024-03-05'],
    ['3/5/2024', {}, '2024-03-05'],
    ['3/5/2024', { order: 'mdy' }, '2024-03-05'],
    ['3/5/2024', { order: 'dmy' }, '2024-05-03'],
    ['13/5/2024', { order: 'mdy' }, '2024-05-13'],
    ['5/13/2024', { order: 'dmy' }, '2024-05-13'],
    ['05.03.2024', {}, '2024-03-05'],
    ['05-03-2024', { order: 'dmy' }, '2024-03-05'],
    ['3/5/24', {}, '2024-03-05'],
    ['3/5/69', {}, '2069-03-05'],
    ['3/5/70', {}, '1970-03-05'],
    ['March 5, 2024', {}, '2024-03-05'],
    ['Mar 5 2024', {}, '2024-03-05'],
    ['Sept. 5, 2024', {}, '2024-09-05'],
    ['5 Mar 2024', {}, '2024-03-05'],
    ['5th March 2024', {}, '2024-03-05'],
    ['05-Mar-24', {}, '2024-03-05'],
    ['2024-02-29', {}, '2024-02-29'],
    // An instant's day is the day in the given zone.
    ['2024-03-05T23:30:00Z', {}, '2024-03-05'],
    ['2024-03-05T23:30:00Z', { timeZone: 'Europe/Berlin' }, '2024-03-06'],
    ['2024-03-05T01:00:00+02:00', {}, '2024-03-04'],
    // A wall time without an offset keeps its written day.
    ['2024-03-05 23:30', { timeZone: 'Asia/Tokyo' }, '2024-03-05'],
  ] as const)('%j %j → %j', (input, options, day) => {
    expect(parseCalendarDay(input, options)).toEqual({ ok: true, value: day });
  });

  it.each([
    'tomorrow',
    '2024-02-30',
    '2023-02-29',
    '2024-13-01',
    '13/13/2024',
    '31/04/2024',
    '0999-01-01',
    'Smarch 5, 2024',
    '2024-03-05Z',
    '5/3',
    '45356',
  ])('%j is refused', (input) => {
    const r = parseCalendarDay(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/not a date/);
  });

  it('refuses an unknown zone', () => {
    expect(parseCalendarDay('2024-03-05', { timeZone: 'Mars/Base' })).toMatchObject({ ok: false });
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['', {}, null],
    ['2024-03-05', {}, utc('2024-03-05T00:00:00Z')],
    ['2024-03-05', { timeZone: 'America/New_York' }, utc('2024-03-05T05:00:00Z')],
    ['2024-03-05T14:30:00Z', {}, utc('2024-03-05T14:30:00Z')],
    ['2024-03-05T14:30:00.123Z', {}, utc('2024-03-05T14:30:00.123Z')],
    ['2024-03-05T14:30:00.000+0000', {}, utc('2024-03-05T14:30:00Z')],
    ['2024-03-05T14:30:00-05:00', { timeZone: 'Asia/Tokyo' }, utc('2024-03-05T19:30:00Z')],
    ['2024-03-05 14:30', {}, utc('2024-03-05T14:30:00Z')],
    ['2024-03-05 14:30', { timeZone: 'Europe/Berlin' }, utc('2024-03-05T13:30:00Z')],
    ['2024-07-05 14:30', { timeZone: 'Europe/Berlin' }, utc('2024-07-05T12:30:00Z')],
    ['2024-03-05 14:30 UTC', { timeZone: 'Europe/Berlin' }, utc('2024-03-05T14:30:00Z')],
    ['3/5/2024 2:30 PM', {}, utc('2024-03-05T14:30:00Z')],
    ['3/5/2024 12:15 AM', {}, utc('2024-03-05T00:15:00Z')],
    ['3/5/2024 12:15 pm', {}, utc('2024-03-05T12:15:00Z')],
    ['05.03.2024 09:00', {}, utc('2024-03-05T09:00:00Z')],
    ['March 5, 2024 9:05:07', {}, utc('2024-03-05T09:05:07Z')],
    // DST gap in New York (02:30 does not exist on 2024-03-10): shifted forward to 03:30 EDT.
    ['2024-03-10 02:30', { timeZone: 'America/New_York' }, utc('2024-03-10T07:30:00Z')],
    // DST overlap (01:30 happens twice on 2024-11-03): the earlier, EDT.
    ['2024-11-03 01:30', { timeZone: 'America/New_York' }, utc('2024-11-03T05:30:00Z')],
    ['1969-12-31', {}, utc('1969-12-31T00:00:00Z')],
  ] as const)('%j %j → %s', (input, options, ms) => {
    expect(parseTimestamp(input, options)).toEqual({ ok: true, value: ms });
  });

  it.each([
    '2024-03-05 24:00',
    '2024-03-05 12:60',
    '3/5/2024 13:00 PM',
    '2024-03-05T10:00:00+25:00',
    'soon',
  ])('%j is refused', (input) => {
    expect(parseTimestamp(input).ok).toBe(false);
  });
});
