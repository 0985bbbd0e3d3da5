/**
 * Business-time arithmetic: add business minutes to an instant and count the business minutes
 * between two instants, in the workspace's IANA time zone, with weekly hours (several intervals a
 * day allowed) and holidays (`YYYY-MM-DD` in that zone). Local wall times are turned into instants
 * day by day with luxon, so DST is right: an interval's length is the real time between its local
 * ends (09:00-17:00 is always 8 h; 00:00-24:00 is 23 h on a spring-forward day). A local time that
 * does not exist (inside a spring-forward gap) moves forward by the gap, as luxon does.
 *
 * Instants are epoch milliseconds (a `Date` is accepted too); results are epoch ms / minutes.
 */
import type { BusinessHours, HoursInterval, Weekday } from '@sdr/schema';
import { DateTime } from 'luxon';

export type Instant = number | Date;
/** The parts of `BusinessHours` these functions read. */
export type BusinessHoursLike = Pick<BusinessHours, 'timeZone' | 'weekly' | 'holidays'>;

const MINUTE = 60_000;
/** Longest search for open time: ~20 years of days (a policy can't need more). */
const MAX_DAYS = 20 * 366;
const WEEKDAY_BY_LUXON: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function toMs(t: Instant): number {
  return typeof t === 'number' ? t : t.getTime();
}

interface Calendar {
  readonly zone: string;
  readonly holidays: ReadonlySet<string>;
  /** Merged, sorted intervals per luxon weekday - 1, in minutes from local midnight. */
  readonly days: readonly (readonly (readonly [number, number])[])[];
  readonly open: boolean;
}

const calendars = new WeakMap<BusinessHoursLike, Calendar>();

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

function merge(intervals: readonly HoursInterval[]): [number, number][] {
  const list = intervals
    .map((i) => [minutesOf(i.start), minutesOf(i.end)] as [number, number])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of list) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function calendar(hours: BusinessHoursLike): Calendar {
  let cal = calendars.get(hours);
  if (!cal) {
    const days = WEEKDAY_BY_LUXON.map((d) => merge(hours.weekly[d] ?? []));
    cal = {
      zone: hours.timeZone,
      holidays: new Set(hours.holidays),
      days,
      open: days.some((d) => d.length > 0),
    };
    if (!DateTime.local().setZone(cal.zone).isValid) {
      throw new RangeError(`Unknown time zone ${cal.zone}`);
    }
    calendars.set(hours, cal);
  }
  return cal;
}

/** The instant of local `minutes` after midnight on `day` (a start of day in the zone). */
function localInstant(day: DateTime, minutes: number, zone: string): number {
  if (minutes >= 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
  return DateTime.fromObject(
    {
      year: day.year,
      month: day.month,
      day: day.day,
      hour: Math.floor(minutes / 60),
      minute: minutes % 60,
    },
    { zone },
  ).toMillis();
}

/** Open intervals `[from, to)` (epoch ms) of the local calendar day `day`. */
function openIntervals(cal: Calendar, day: DateTime): [number, number][] {
  if (cal.holidays.has(day.toISODate() ?? '')) return [];
  const spec = cal.days[day.weekday - 1] ?? [];
  const out: [number, number][] = [];
  for (const [a, b] of spec) {
    const from = localInstant(day, a, cal.zone);
    const to = localInstant(day, b, cal.zone);
    if (to > from) out.push([from, to]);
  }
  return out;
}

function startDay(cal: Calendar, t: number): DateTime {
  return DateTime.fromMillis(t, { zone: cal.zone }).startOf('day');
}

function nextDay(day: DateTime): DateTime {
  return day.plus({ days: 1 }).startOf('day');
}

/** `start` plus `ms` of open time: the instant the business clock has run `ms` from `start`. */
export function addBusinessMs(start: Instant, ms: number, hours: BusinessHoursLike): number {
  const t = toMs(start);
  if (!(ms > 0)) return t;
  const cal = calendar(hours);
  if (!cal.open) throw new RangeError('Business hours have no open time');
  let remaining = ms;
  let day = startDay(cal, t);
  for (let i = 0; i < MAX_DAYS; i++, day = nextDay(day)) {
    for (const [a, b] of openIntervals(cal, day)) {
      if (b <= t) continue;
      const from = Math.max(a, t);
      const len = b - from;
      if (len >= remaining) return from + remaining;
      remaining -= len;
    }
  }
  throw new RangeError('No open business time within 20 years (holidays cover every open day?)');
}

/** Open time (ms) in `[a, b)`; negative when `b < a`. */
export function businessMsBetween(a: Instant, b: Instant, hours: BusinessHoursLike): number {
  const from = toMs(a);
  const to = toMs(b);
  if (to < from) return -businessMsBetween(to, from, hours);
  if (to === from) return 0;
  const cal = calendar(hours);
  let total = 0;
  for (let day = startDay(cal, from); day.toMillis() < to; day = nextDay(day)) {
    for (const [x, y] of openIntervals(cal, day)) {
      const lo = Math.max(x, from);
      const hi = Math.min(y, to);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

/** `start` plus `minutes` business minutes (0 or less: `start` itself). Epoch ms. */
export function addBusinessMinutes(
  start: Instant,
  minutes: number,
  hours: BusinessHoursLike,
): number {
  return addBusinessMs(start, minutes * MINUTE, hours);
}

/** Business minutes between `a` and `b` (fractional; negative when `b < a`). */
export function businessMinutesBetween(a: Instant, b: Instant, hours: BusinessHoursLike): number {
  return businessMsBetween(a, b, hours) / MINUTE;
}

/** Whether `t` falls inside open hours (not a holiday). */
export function isBusinessTime(t: Instant, hours: BusinessHoursLike): boolean {
  const ms = toMs(t);
  const cal = calendar(hours);
  return openIntervals(cal, startDay(cal, ms)).some(([a, b]) => a <= ms && ms < b);
}

/** The first open instant at or after `t` (`t` itself when open). */
export function nextBusinessTime(t: Instant, hours: BusinessHoursLike): number {
  const ms = toMs(t);
  const cal = calendar(hours);
  if (!cal.open) throw new RangeError('Business hours have no open time');
  let day = startDay(cal, ms);
  for (let i = 0; i < MAX_DAYS; i++, day = nextDay(day)) {
    for (const [a, b] of openIntervals(cal, day)) if (b > ms) return Math.max(a, ms);
  }
  throw new RangeError('No open business time within 20 years');
}
