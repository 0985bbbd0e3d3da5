/**
 * Parsers for lead values as they arrive from imports and inline edits. Each one trims, accepts
 * the spellings people and CRMs use, and returns the record's value or a message. Patterns are
 * compiled once (module scope): these run once per cell on imports of 100k rows.
 */
import { companySizeRange } from '../scoring/company-size.ts';
import {
  fail,
  LEAD_LIMITS,
  ok,
  type Consent,
  type CustomFieldDef,
  type CustomValue,
  type ValueResult,
} from './types.ts';
import { parseCalendarDay, type DateOrder } from './date.ts';

/** Free text: trimmed, at most `max` characters. */
export function parseText(input: string, max: number = LEAD_LIMITS.shortText): ValueResult<string> {
  const text = input.trim();
  if (text.length > max) return fail(`Use at most ${max} characters (this has ${text.length})`);
  return ok(text);
}

// The same rule as zod's `z.email()` (the lead record's validator), so what passes here passes there.
const EMAIL =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
const NAMED_EMAIL = /^[^<>]*<([^<>]+)>$/;
const SEVERAL = /[\s,;]/;

/** "  John <John.Doe@Example.com> " → "john.doe@example.com". Empty → ''. */
export function parseEmail(input: string): ValueResult<string> {
  let text = input.trim();
  if (text === '') return ok('');
  const named = NAMED_EMAIL.exec(text);
  if (named) text = named[1]!.trim();
  if (text.toLowerCase().startsWith('mailto:')) text = text.slice(7).trim();
  text = text.toLowerCase();
  if (text.length > LEAD_LIMITS.email) return fail(`Use at most ${LEAD_LIMITS.email} characters`);
  if (EMAIL.test(text)) return ok(text);
  if (SEVERAL.test(text) && text.split(/[\s,;]+/).filter((p) => EMAIL.test(p)).length > 1) {
    return fail('One email address per lead; put the others in a custom field or a note');
  }
  return fail(`"${input.trim()}" is not a valid email address`);
}

/** Employees: 250, "1,000", "51-200" (→ 51), "10k", "10,000+" (→ 10000). Empty → null. */
export function parseCompanySize(input: string | number): ValueResult<number | null> {
  if (typeof input === 'string' && input.trim() === '') return ok(null);
  const range = companySizeRange(input);
  if (!range) return fail(`"${String(input).trim()}" is not a number of employees`);
  const n = Math.floor(range.min);
  if (n > LEAD_LIMITS.companySizeMax) return fail('Company size is too large');
  return ok(n);
}

function foldWord(input: string): string {
  return input.trim().toLowerCase().replace(/[-_]+/g, ' ').replace(/\s+/g, ' ');
}

function table<T>(groups: [T, string][]): Map<string, T> {
  const map = new Map<string, T>();
  for (const [value, words] of groups) for (const w of words.split('|')) map.set(w, value);
  return map;
}

// Folded words (lowercase, `-`/`_` as spaces), `|`-separated.
const CONSENT = table<Consent>([
  [
    'granted',
    'yes|y|true|t|1|granted|opted in|opt in|optin|opted|subscribed|consented|consent|allowed|allow|agreed|accepted|ok',
  ],
  [
    'denied',
    'no|n|false|f|0|denied|opted out|opt out|optout|unsubscribed|refused|declined|withdrawn|revoked|do not contact|dnc|blocked',
  ],
  ['unknown', '|unknown|not set|not asked|n/a|na|pending'],
]);

/** "Yes", "opted in", "granted" → granted; "No", "unsubscribed" → denied; '' → unknown. */
export function parseConsent(input: string): ValueResult<Consent> {
  const value = CONSENT.get(foldWord(input));
  if (value) return ok(value);
  return fail(`"${input.trim()}" is not a consent value; use yes, no or leave it empty`);
}

const BOOLEAN = table<boolean>([
  [true, 'true|yes|y|t|1|x|on|checked|✓|✔'],
  [false, 'false|no|n|f|0|off|unchecked'],
]);

/** yes/no, true/false, 1/0, x (a ticked box) → boolean; '' → null (keep the default). */
export function parseBoolean(input: string): ValueResult<boolean | null> {
  const word = foldWord(input);
  if (word === '') return ok(null);
  const value = BOOLEAN.get(word);
  if (value !== undefined) return ok(value);
  return fail(`"${input.trim()}" is not yes or no`);
}

const LIST_SEPARATOR = /[;,]/;

export interface ListLimits {
  readonly maxItems: number;
  readonly maxLength: number;
}

/** "a; b, a ,c" → ["a", "b", "c"]: split on ; or , trimmed, empties dropped, duplicates (any case) dropped. */
export function parseList(
  input: string,
  limits: ListLimits = { maxItems: LEAD_LIMITS.tagsPerLead, maxLength: LEAD_LIMITS.tagLength },
): ValueResult<string[]> {
  const seen = new Set<string>();
  const items: string[] = [];
  for (const raw of input.split(LIST_SEPARATOR)) {
    const item = raw.trim();
    if (item === '') continue;
    const key = item.toLowerCase();
    if (seen.has(key)) continue;
    if (item.length > limits.maxLength) {
      return fail(`"${item.slice(0, 40)}…" is longer than ${limits.maxLength} characters`);
    }
    seen.add(key);
    items.push(item);
  }
  if (items.length > limits.maxItems)
    return fail(`At most ${limits.maxItems} values (found ${items.length})`);
  return ok(items);
}

/** Tags: see `parseList`; at most 100 tags of 1-64 characters. */
export function parseTags(input: string): ValueResult<string[]> {
  return parseList(input);
}

const WEBSITE =
  /^(?:(https?):\/\/)?((?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63})(:\d{1,5})?([/?#]\S*)?$/iu;

/** "Example.com", "https://www.example.com/" → trimmed, scheme and host lowercased. Empty → ''. */
export function parseWebsite(input: string): ValueResult<string> {
  const text = input.trim();
  if (text === '') return ok('');
  if (text.length > LEAD_LIMITS.website)
    return fail(`Use at most ${LEAD_LIMITS.website} characters`);
  const m = WEBSITE.exec(text);
  if (!m) return fail(`"${text}" is not a website address`);
  const scheme = m[1] ? `${m[1].toLowerCase()}://` : '';
  const path = m[4] === '/' ? '' : (m[4] ?? '');
  return ok(`${scheme}${m[2]!.toLowerCase()}${m[3] ?? ''}${path}`);
}

const PLAIN_NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
const GROUPED_COMMA = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const GROUPED_DOT = /^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const SPACES = /[\s\u00a0\u202f']/g;

/** 1234.5, "1,234.5", "1.234,5", "1 234,5", "12,5" → number. Empty → null. */
export function parseNumber(input: string): ValueResult<number | null> {
  const text = input.trim().replace(SPACES, '');
  if (text === '') return ok(null);
  let normal: string | null = null;
  if (PLAIN_NUMBER.test(text)) normal = text;
  else if (GROUPED_COMMA.test(text)) normal = text.replace(/,/g, '');
  else if (GROUPED_DOT.test(text)) normal = text.replace(/\./g, '').replace(',', '.');
  else if (DECIMAL_COMMA.test(text)) normal = text.replace(',', '.');
  const n = normal === null ? Number.NaN : Number(normal);
  if (!Number.isFinite(n)) return fail(`"${input.trim()}" is not a number`);
  return ok(n);
}

export interface CustomParseOptions {
  readonly dateOrder?: DateOrder;
}

/** A custom field's value from text, by the field's type. Empty → null ('' for text). */
export function parseCustomValue(
  def: CustomFieldDef,
  input: string,
  options: CustomParseOptions = {},
): ValueResult<CustomValue> {
  switch (def.type) {
    case 'text':
      return parseText(input, LEAD_LIMITS.customText);
    case 'number':
      return parseNumber(input);
    case 'boolean':
      return parseBoolean(input);
    case 'date': {
      const day = parseCalendarDay(input, { order: options.dateOrder });
      return day.ok ? ok(day.value === '' ? null : day.value) : day;
    }
    case 'select': {
      const text = input.trim();
      if (text === '') return ok(null);
      const option = matchOption(def, text);
      return option === null ? fail(unknownOption(def, text)) : ok(option);
    }
    case 'multiselect': {
      const list = parseList(input, {
        maxItems: LEAD_LIMITS.customOptions,
        maxLength: LEAD_LIMITS.customOption,
      });
      if (!list.ok) return list;
      const values: string[] = [];
      for (const item of list.value) {
        const option = matchOption(def, item);
        if (option === null) return fail(unknownOption(def, item));
        if (!values.includes(option)) values.push(option);
      }
      return ok(values);
    }
  }
}

/** The option as the definition spells it, matched ignoring case and surrounding spaces. */
function matchOption(def: CustomFieldDef, text: string): string | null {
  const key = text.trim().toLowerCase();
  return def.options?.find((o) => o.trim().toLowerCase() === key) ?? null;
}

function unknownOption(def: CustomFieldDef, text: string): string {
  const options = def.options ?? [];
  const shown = options.slice(0, 8).join(', ') + (options.length > 8 ? ', …' : '');
  return `"${text}" is not an option of ${def.label}${shown ? ` (${shown})` : ''}`;
}
