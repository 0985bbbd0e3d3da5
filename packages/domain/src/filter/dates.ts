/**
 * Calendar arithmetic for date conditions, in an IANA time zone, from an injected `now`. Every
 * date condition becomes a range of epoch-ms instants here, so the SQL compilers compare plain
 * instants and never do time-zone math in SQL (which is what makes both dialects agree).
 */
import type { FilterCondition, RelativeDate } from '@sdr/schema';

export interface Day {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

export interface Bound {
  readonly ms: number;
  readonly inclusive: boolean;
}

/** Instants `lo ≤/< t ≤/< hi`; a missing side is open. */
export interface InstantRange {
  readonly lo?: Bound;
  readonly hi?: Bound;
}

/** Day operands are limited to these years so every bound is a 4-digit-year instant in SQL. */
export const MIN_YEAR = 1000;
export const MAX_YEAR = 9998;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function validDay(y: number, m: number, d: number): boolean {
  return y >= MIN_YEAR && y <= MAX_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

export function parseDay(s: string): Day | null {
  const m = DAY_RE.exec(s);
  if (!m) return null;
  const day = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
  return validDay(day.y, day.m, day.d) ? day : null;
}

/** An ISO instant with an explicit `Z` or offset, calendar-checked (unlike `Date.parse`). */
export function parseInstant(s: string): number | null {
  const m = INSTANT_RE.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const sec = Number(m[6] ?? 0);
  const ms = Number((m[7] ?? '0').padEnd(3, '0'));
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || sec > 59) return null;
  const offH = Number(m[10] ?? 0);
  const offM = Number(m[11] ?? 0);
  if (offH > 23 || offM > 59) return null;
  const offset = (m[9] === '-' ? -1 : 1) * (offH * 60 + offM) * 60_000;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offset;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(instant: number, timeZone: string): { day: Day; utcOfWall: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const day = { y: parts.year ?? 0, m: parts.month ?? 1, d: parts.day ?? 1 };
  const utcOfWall = Date.UTC(
    day.y,
    day.m - 1,
    day.d,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return { day, utcOfWall };
}

/** The calendar day `instant` falls on in `timeZone`. */
export function dayOf(instant: number, timeZone: string): Day {
  return wallClock(instant, timeZone).day;
}

function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallClock(whole, timeZone).utcOfWall - whole;
}

function sameDay(a: Day, b: Day): boolean {
  return a.y === b.y && a.m === b.m && a.d === b.d;
}

/** The first instant of `day` in `timeZone` (01:00 where midnight is skipped by a DST jump). */
export function startOfDay(day: Day, timeZone: string): number {
  const wall = Date.UTC(day.y, day.m - 1, day.d);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  const onDay = [first, second].filter((t) => sameDay(dayOf(t, timeZone), day));
  return onDay.length > 0 ? Math.min(...onDay) : second;
}

export function addDays(day: Day, days: number): Day {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** Calendar months; the day is clamped to the target month's length (Mar 31 − 1 month = Feb 29). */
export function addMonths(day: Day, months: number): Day {
  const index = day.y * 12 + (day.m - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return { y, m, d: Math.min(day.d, daysInMonth(y, m)) };
}

function shift(day: Day, { amount, unit }: RelativeDate, sign: 1 | -1): Day {
  switch (unit) {
    case 'days':
      return addDays(day, sign * amount);
    case 'weeks':
      return addDays(day, sign * amount * 7);
    case 'months':
      return addMonths(day, sign * amount);
  }
}

function lowerBound(operand: string, timeZone: string): Bound {
  const day = parseDay(operand);
  if (day) return { ms: startOfDay(day, timeZone), inclusive: true };
  return { ms: parseInstant(operand) ?? Number.NaN, inclusive: true };
}

function upperBound(operand: string, timeZone: string): Bound {
  const day = parseDay(operand);
  if (day) return { ms: startOfDay(addDays(day, 1), timeZone), inclusive: false };
  return { ms: parseInstant(operand) ?? Number.NaN, inclusive: true };
}

type DateCondition = Extract<
  FilterCondition,
  { op: 'before' | 'after' | 'on' | 'between' | 'in_last' | 'in_next' }
>;

/**
 * The instants a date condition matches. Day operands cover the whole day in `timeZone`;
 * instants are exact. `in_last N` runs from the start of the day N units before today to `now`;
 * `in_next N` from `now` to the end of the day N units after today.
 */
export function dateRange(cond: DateCondition, now: number, timeZone: string): InstantRange {
  switch (cond.op) {
    case 'before': {
      const day = parseDay(cond.value);
      if (day) return { hi: { ms: startOfDay(day, timeZone), inclusive: false } };
      return { hi: { ms: parseInstant(cond.value) ?? Number.NaN, inclusive: false } };
    }
    case 'after': {
      const day = parseDay(cond.value);
      if (day) return { lo: { ms: startOfDay(addDays(day, 1), timeZone), inclusive: true } };
      return { lo: { ms: parseInstant(cond.value) ?? Number.NaN, inclusive: false } };
    }
    case 'on':
      return { lo: lowerBound(cond.value, timeZone), hi: upperBound(cond.value, timeZone) };
    case 'between': {
      const [from, to] = cond.value;
      if (typeof from === 'number' || typeof to === 'number')
        return { lo: { ms: Number.NaN, inclusive: true } };
      return { lo: lowerBound(from, timeZone), hi: upperBound(to, timeZone) };
    }
    case 'in_last': {
      const start = shift(dayOf(now, timeZone), cond.value, -1);
      return {
        lo: { ms: startOfDay(start, timeZone), inclusive: true },
        hi: { ms: now, inclusive: true },
      };
    }
    case 'in_next': {
      const end = addDays(shift(dayOf(now, timeZone), cond.value, 1), 1);
      return {
        lo: { ms: now, inclusive: true },
        hi: { ms: startOfDay(end, timeZone), inclusive: false },
      };
    }
  }
}

/** `YYYY-MM-DD` (years padded to four digits). */
export function formatDay(day: Day): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(day.y, 4)}-${pad(day.m, 2)}-${pad(day.d, 2)}`;
}

/** A text that has the shape of a day (`DAY_SHAPE` in SQL: `GLOB` in SQLite, `~` in Postgres). */
export const DAY_SHAPE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/**
 * The days whose first instant (in `timeZone`) lies in `range`, as inclusive `YYYY-MM-DD` bounds
 * (a missing side is open). A day-stored date means the start of that day, so comparing its
 * text with these bounds is the same test as comparing its start with the instants: the start
 * of a day is increasing in the day, and `YYYY-MM-DD` texts sort like the days.
 */
export function dayBounds(range: InstantRange, timeZone: string): { lo?: string; hi?: string } {
  const out: { lo?: string; hi?: string } = {};
  if (range.lo) {
    const { ms, inclusive } = range.lo;
    const d = dayOf(ms, timeZone);
    // The start of the bound's own day is at or before the bound.
    out.lo = formatDay(inclusive && startOfDay(d, timeZone) === ms ? d : addDays(d, 1));
  }
  if (range.hi) {
    const { ms, inclusive } = range.hi;
    const d = dayOf(ms, timeZone);
    out.hi = formatDay(!inclusive && startOfDay(d, timeZone) === ms ? addDays(d, -1) : d);
  }
  return out;
}
