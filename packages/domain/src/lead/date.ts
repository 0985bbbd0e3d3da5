/**
 * Dates as spreadsheets and CRM exports write them, to a calendar day (`YYYY-MM-DD`, custom date
 * fields) or an instant (ms since epoch, `createdAt` / `lastContactedAt`).
 *
 * Accepted: ISO days and instants (`2024-03-05`, `2024-03-05T14:30:00Z`, `2024-03-05 14:30`),
 * numeric days with `/`, `-` or `.` (`3/5/2024`, `05.03.2024`, 2-digit years → 19xx/20xx around
 * 1970-2069), English month names (`5 Mar 2024`, `March 5, 2024`, `05-Mar-24`), each with an
 * optional time (`14:30`, `2:30 PM`). Day/month order: a part above 12 decides; a `.` separator
 * means day first (German, Russian…); otherwise `order` decides (default `mdy`). Wall times
 * without an offset are read in `timeZone` (default UTC); every day is calendar-checked.
 */
import { fail, ok, type ValueResult } from './types.ts';

export type DateOrder = 'mdy' | 'dmy';

export interface DateOptions {
  readonly order?: DateOrder | undefined;
  /** IANA zone for wall times without an offset, and for the day of an instant. Default UTC. */
  readonly timeZone?: string | undefined;
}

interface Parsed {
  y: number;
  m: number;
  d: number;
  /** Null for a date without a time. */
  time: { h: number; mi: number; s: number; ms: number } | null;
  /** Minutes east of UTC, when the text gives one. */
  offset: number | null;
}

const TIME = String.raw`(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp]\.?[Mm]\.?)?)?`;
const ZONE = String.raw`\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?`;
const ISO = new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})${TIME}${ZONE}$`, 'i');
const NUMERIC = new RegExp(
  String.raw`^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})${TIME}${ZONE}$`,
  'i',
);
const MONTH_FIRST = new RegExp(
  String.raw`^([A-Za-z]{3,9})\.?[\s-]+(\d{1,2})(?:st|nd|rd|th)?,?[\s-]+(\d{4}|\d{2})${TIME}${ZONE}$`,
  'i',
);
const DAY_FIRST = new RegExp(
  String.raw`^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{4}|\d{2})${TIME}${ZONE}$`,
  'i',
);

const MONTHS = new Map<string, number>();
[
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
].forEach((name, i) => {
  MONTHS.set(name, i + 1);
  MONTHS.set(name.slice(0, 3), i + 1);
});
MONTHS.set('sept', 9);

function year(text: string): number {
  const n = Number(text);
  if (text.length > 2) return n;
  return n < 70 ? 2000 + n : 1900 + n;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

type Groups = (string | undefined)[];

function withTime(day: { y: number; m: number; d: number }, g: Groups, at: number): Parsed | null {
  const [h, mi, s, frac, ampm, zone] = g.slice(at, at + 6);
  let time: Parsed['time'] = null;
  if (h !== undefined) {
    let hour = Number(h);
    if (ampm) {
      if (hour < 1 || hour > 12) return null;
      const pm = ampm.toLowerCase().startsWith('p');
      hour = (hour % 12) + (pm ? 12 : 0);
    }
    time = {
      h: hour,
      mi: Number(mi),
      s: Number(s ?? 0),
      ms: Number((frac ?? '0').slice(0, 3).padEnd(3, '0')),
    };
    if (time.h > 23 || time.mi > 59 || time.s > 59) return null;
  }
  let offset: number | null = null;
  if (zone) {
    if (/^(z|utc|gmt)$/i.test(zone)) offset = 0;
    else {
      const digits = zone.replace(':', '');
      const oh = Number(digits.slice(1, 3));
      const om = Number(digits.slice(3, 5));
      if (oh > 23 || om > 59) return null;
      offset = (digits[0] === '-' ? -1 : 1) * (oh * 60 + om);
    }
    if (!time) return null; // "2024-03-05Z" is not a thing
  }
  const { y, m, d } = day;
  if (y < 1000 || y > 9998 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d, time, offset };
}

function parse(input: string, order: DateOrder): Parsed | null {
  const text = input.trim();
  let g: RegExpExecArray | null;
  if ((g = ISO.exec(text))) {
    return withTime({ y: Number(g[1]), m: Number(g[2]), d: Number(g[3]) }, g, 4);
  }
  if ((g = NUMERIC.exec(text))) {
    const a = Number(g[1]);
    const b = Number(g[3]);
    const dayFirst = a > 12 ? true : b > 12 ? false : g[2] === '.' || order === 'dmy';
    const day = dayFirst ? { d: a, m: b } : { d: b, m: a };
    return withTime({ y: year(g[4]!), ...day }, g, 5);
  }
  if ((g = MONTH_FIRST.exec(text))) {
    const m = MONTHS.get(g[1]!.toLowerCase());
    return m ? withTime({ y: year(g[3]!), m, d: Number(g[2]) }, g, 4) : null;
  }
  if ((g = DAY_FIRST.exec(text))) {
    const m = MONTHS.get(g[2]!.toLowerCase());
    return m ? withTime({ y: year(g[3]!), m, d: Number(g[1]) }, g, 4) : null;
  }
  return null;
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

/** The wall clock of `instant` in `timeZone`, as if it were UTC. */
function wallAsUtc(instant: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
}

function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallAsUtc(whole, timeZone) - whole;
}

/**
 * The instant a wall time in `timeZone` names. In an overlap (DST ends) the earlier one; in a gap
 * (DST starts: 02:30 does not exist) the wall time shifted forward, like Temporal's "compatible".
 */
function zonedToInstant(wall: number, timeZone: string): number {
  if (timeZone === 'UTC') return wall;
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  if (first === second) return first;
  const matching = [first, second].filter((t) => t + offsetAt(t, timeZone) === wall);
  return matching.length > 0 ? Math.min(...matching) : Math.max(first, second);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function checkZone(timeZone: string): string | null {
  try {
    formatter(timeZone);
    return null;
  } catch {
    return `Unknown time zone "${timeZone}"`;
  }
}

/** A calendar day as `YYYY-MM-DD`; '' for an empty input. An instant gives its day in `timeZone`. */
export function parseCalendarDay(input: string, options: DateOptions = {}): ValueResult<string> {
  if (input.trim() === '') return ok('');
  const timeZone = options.timeZone ?? 'UTC';
  const zoneProblem = checkZone(timeZone);
  if (zoneProblem) return fail(zoneProblem);
  const p = parse(input, options.order ?? 'mdy');
  if (!p) return fail(`"${input.trim()}" is not a date`);
  if (p.offset !== null && p.time) {
    const instant =
      Date.UTC(p.y, p.m - 1, p.d, p.time.h, p.time.mi, p.time.s, p.time.ms) - p.offset * 60_000;
    const wall = new Date(wallAsUtc(instant, timeZone));
    return ok(
      `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`,
    );
  }
  return ok(`${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}`);
}

/** An instant (ms since epoch); null for an empty input. A day alone is its midnight in `timeZone`. */
export function parseTimestamp(
  input: string,
  options: DateOptions = {},
): ValueResult<number | null> {
  if (input.trim() === '') return ok(null);
  const timeZone = options.timeZone ?? 'UTC';
  const zoneProblem = checkZone(timeZone);
  if (zoneProblem) return fail(zoneProblem);
  const p = parse(input, options.order ?? 'mdy');
  if (!p) return fail(`"${input.trim()}" is not a date`);
  const t = p.time ?? { h: 0, mi: 0, s: 0, ms: 0 };
  const wall = Date.UTC(p.y, p.m - 1, p.d, t.h, t.mi, t.s, t.ms);
  if (p.offset !== null) return ok(wall - p.offset * 60_000);
  return ok(zonedToInstant(wall, timeZone));
}
