/**
 * Phone numbers to E.164 with libphonenumber-js.
 *
 * Metadata: the `max` build. It validates numbers against each country's per-type patterns
 * (fixed line, mobile, toll free…), so numbers in unassigned ranges are refused instead of being
 * stored as "valid"; and it can tell a mobile from a landline (`phoneType`), which SMS consent
 * and dialling rules will need. It costs ~145 kB against ~80 kB for `min`, which does not matter
 * in a desktop app, and it is loaded once per process (module scope), never per call.
 *
 * Speed: parsing is ~3-10 µs a number, the bulk of an import row's cost; the type is not computed
 * here (another ~30%), ask `phoneType` when it matters.
 */
import {
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js/max';

export type PhoneResult =
  | {
      ok: true;
      /** `+14155550123`, or '' for an empty input. */
      e164: string;
      /** ISO alpha-2 of the number's country ('' when empty or not tied to one, e.g. +800). */
      country: string;
      /** An extension found in the input ("ext. 12"); E.164 cannot carry it. */
      extension?: string;
    }
  | { ok: false; message: string };

const EXCEL_SCIENTIFIC = /^\d(?:[.,]\d+)?e\+?\d+$/i;
const HAS_DIGIT = /\d/;

function supported(country: string | undefined): CountryCode | undefined {
  if (!country) return undefined;
  const c = country.trim().toUpperCase();
  return isSupportedCountry(c) ? c : undefined;
}

function lengthProblem(text: string, country: CountryCode | undefined): string | null {
  const problem = validatePhoneNumberLength(text, country);
  switch (problem) {
    case 'TOO_SHORT':
      return 'Too short for a phone number';
    case 'TOO_LONG':
      return 'Too long for a phone number';
    case 'INVALID_COUNTRY':
      return 'Unknown country calling code';
    case 'INVALID_LENGTH':
      return 'Wrong number of digits';
    case 'NOT_A_NUMBER':
      return 'Not a phone number';
    case undefined:
      return null;
  }
}

/**
 * Normalises a phone number as people and CRMs write it ("(415) 555-0123", "+44 20 7946 0958",
 * "0049 30 1234567", "tel:+1…") to E.164. A number without a country code needs
 * `defaultCountry` (ISO alpha-2). Empty → ok with ''.
 */
export function normalisePhone(input: string, defaultCountry?: string): PhoneResult {
  let text = input.trim();
  if (text.startsWith("'")) text = text.slice(1).trim(); // a spreadsheet's "text" marker
  if (/^tel:/i.test(text)) text = text.slice(4).trim();
  if (text === '') return { ok: true, e164: '', country: '' };
  if (EXCEL_SCIENTIFIC.test(text)) {
    return {
      ok: false,
      message: `"${text}" is a number a spreadsheet shortened; format the column as text and export again`,
    };
  }
  if (!HAS_DIGIT.test(text)) return { ok: false, message: 'Not a phone number' };

  const country = supported(defaultCountry);
  // "00" is the international prefix in most of the world; libphonenumber only reads it as such
  // when the default country uses it, so read it as "+" when nothing else parses.
  const candidates = text.startsWith('00') ? [text, `+${text.slice(2)}`] : [text];
  let lastProblem: string | null = null;
  for (const candidate of candidates) {
    const international = candidate.startsWith('+');
    if (!international && !country) {
      lastProblem = 'Add the country code (like +1 or +44) or choose a default country';
      continue;
    }
    const parsed = parsePhoneNumberFromString(candidate, international ? undefined : country);
    if (!parsed) {
      lastProblem =
        lengthProblem(candidate, international ? undefined : country) ?? 'Not a phone number';
      continue;
    }
    if (!parsed.isValid()) {
      lastProblem =
        lengthProblem(candidate, international ? undefined : country) ??
        `Not a valid phone number${parsed.country ? ` for ${parsed.country}` : ''}`;
      continue;
    }
    const result: PhoneResult = { ok: true, e164: parsed.number, country: parsed.country ?? '' };
    if (parsed.ext) result.extension = parsed.ext;
    return result;
  }
  return { ok: false, message: lastProblem ?? 'Not a phone number' };
}

/** The ISO alpha-2 country of an E.164 number, or '' when it has none or does not parse. */
export function phoneCountry(e164: string): string {
  if (!e164.startsWith('+')) return '';
  return parsePhoneNumberFromString(e164)?.country ?? '';
}

/** `MOBILE`, `FIXED_LINE`, `FIXED_LINE_OR_MOBILE`, `TOLL_FREE`… for an E.164 number; null when unknown. */
export function phoneType(e164: string): string | null {
  if (!e164.startsWith('+')) return null;
  return parsePhoneNumberFromString(e164)?.getType() ?? null;
}
