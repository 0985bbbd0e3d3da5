/**
 * Lead values in the UI: reading a field of a `LeadDto` by its key (custom fields are
 * `custom.<key>`), showing it as text, and parsing what a person types into a field before it is
 * sent with `leads:update` — with the same parsers imports use (@sdr/domain), so "(415) 555-0123"
 * becomes E.164 and a bad email is refused where it was typed. The engine validates again.
 */
import {
  normaliseCountry,
  normalisePhone,
  normaliseTimeZone,
  parseCompanySize,
  parseCustomValue,
  parseEmail,
  parseTags,
  parseText,
  parseWebsite,
} from '@sdr/domain';
import type { CustomFieldDef, CustomValue, ValueResult } from '@sdr/domain';
import type { LeadDto, LeadFieldChanges, LeadFieldInfo } from '../../shared/contract.ts';

/** Built-in fields edited as one line of text, in the order the detail panel shows them. */
export const TEXT_FIELDS = [
  { key: 'firstName', label: 'First name' },
  { key: 'lastName', label: 'Last name' },
  { key: 'email', label: 'Email', type: 'email' },
  {
    key: 'phone',
    label: 'Phone',
    type: 'tel',
    hint: 'With the country code, e.g. +1 415 555 0123',
  },
  { key: 'company', label: 'Company' },
  { key: 'title', label: 'Title' },
  { key: 'industry', label: 'Industry' },
  { key: 'companySize', label: 'Company size', hint: 'Employees; a range like 51-200 keeps 51' },
  { key: 'website', label: 'Website', type: 'url' },
  { key: 'country', label: 'Country', hint: 'A name or a 2-letter code' },
  { key: 'timezone', label: 'Time zone', hint: 'IANA, e.g. Europe/Paris' },
  { key: 'source', label: 'Source' },
  { key: 'team', label: 'Team' },
] as const satisfies readonly {
  key: keyof LeadFieldChanges;
  label: string;
  type?: string;
  hint?: string;
}[];
export type TextFieldKey = (typeof TEXT_FIELDS)[number]['key'];

export const CONSENT_FIELDS = [
  { key: 'consentEmail', label: 'Email consent' },
  { key: 'consentSms', label: 'SMS consent' },
  { key: 'consentCalls', label: 'Call consent' },
] as const;
export const CONSENT_OPTIONS = [
  { value: 'unknown', label: 'Not asked' },
  { value: 'granted', label: 'Granted' },
  { value: 'denied', label: 'Denied' },
] as const;

function text(v: ValueResult<string>, max?: number): ValueResult<string> {
  return v.ok && max !== undefined && v.value.length > max
    ? { ok: false, message: `Use at most ${max} characters` }
    : v;
}

/** What `input` means for a text field: the change to send, or what is wrong. */
export function parseTextField(
  key: TextFieldKey,
  input: string,
): { ok: true; changes: LeadFieldChanges } | { ok: false; message: string } {
  const result = ((): ValueResult<unknown> => {
    switch (key) {
      case 'email':
        return parseEmail(input);
      case 'phone': {
        const phone = normalisePhone(input);
        return phone.ok ? { ok: true, value: phone.e164 } : phone;
      }
      case 'companySize':
        return parseCompanySize(input);
      case 'website':
        return parseWebsite(input);
      case 'country':
        return normaliseCountry(input);
      case 'timezone':
        return normaliseTimeZone(input);
      case 'team': {
        const t = parseText(input, 64);
        return t.ok ? { ok: true, value: t.value === '' ? null : t.value } : t;
      }
      case 'firstName':
      case 'lastName':
      case 'company':
      case 'title':
      case 'industry':
      case 'source':
        return text(parseText(input));
    }
  })();
  if (!result.ok) return result;
  return { ok: true, changes: { [key]: result.value } };
}

export function parseStatusReason(input: string): ValueResult<string> {
  return parseText(input, 500);
}

/** Tags typed as "a, b; c" (duplicates dropped, each 1..64 characters, at most 100). */
export function parseTagInput(input: string): ValueResult<string[]> {
  return parseTags(input);
}

/** A custom field's value from what was typed, by its definition. */
export function parseCustomField(def: CustomFieldDef, input: string): ValueResult<CustomValue> {
  return parseCustomValue(def, input);
}

/** The value of `key` on a lead (`custom.<key>` reads a custom field); undefined if it has none. */
export function leadValue(lead: LeadDto, key: string): unknown {
  if (key.startsWith('custom.')) return lead.custom[key.slice('custom.'.length)];
  return (lead as Record<string, unknown>)[key];
}

/** Plain text of a scalar; JSON for anything else. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

/** The text of a value as the editor shows it (the inverse of the parsers above). */
export function editText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(asText).join(', ');
  return asText(value);
}

export function fullName(lead: Pick<LeadDto, 'firstName' | 'lastName' | 'email'>): string {
  const name = `${lead.firstName} ${lead.lastName}`.trim();
  return name || lead.email || 'Unnamed lead';
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});
const numberFormat = new Intl.NumberFormat();

export type DisplayContext = {
  /** User id → name (members). */
  members?: ReadonlyMap<string, string>;
};

/** A value as a table cell shows it; '' for empty. */
export function displayValue(
  value: unknown,
  field: LeadFieldInfo,
  ctx: DisplayContext = {},
): string {
  if (value === null || value === undefined || value === '') return '';
  if (field.key === 'ownerId' && typeof value === 'string') return ctx.members?.get(value) ?? value;
  switch (field.type) {
    case 'date': {
      if (typeof value === 'number') {
        if (value === 0) return '';
        return field.key === 'createdAt' || field.custom
          ? dateFormat.format(value)
          : dateTimeFormat.format(value);
      }
      return asText(value);
    }
    case 'number':
      return typeof value === 'number' ? numberFormat.format(value) : asText(value);
    case 'boolean':
      return value === true ? 'Yes' : value === false ? 'No' : '';
    case 'select': {
      const option = field.options?.find((o) => o.value === value);
      return option?.label ?? asText(value);
    }
    case 'tags':
    case 'text':
      return editText(value);
  }
}

/** The columns a new user sees, among the fields the engine offers. */
export const DEFAULT_COLUMNS = [
  'firstName',
  'lastName',
  'email',
  'company',
  'status',
  'score',
  'ownerId',
  'tags',
  'updatedAt',
] as const;

export const DEFAULT_WIDTHS: Record<string, number> = {
  firstName: 140,
  lastName: 140,
  email: 220,
  company: 180,
  status: 120,
  score: 80,
  ownerId: 140,
  tags: 160,
  updatedAt: 170,
};
