/**
 * Shared shapes of lead value parsing. Every parser returns a `ValueResult`: the normalised value,
 * or a user-facing message saying what is wrong (never throws on bad input).
 */

export type ValueResult<T> = { ok: true; value: T } | { ok: false; message: string };

export type Consent = 'unknown' | 'granted' | 'denied';

export type CustomFieldType = 'text' | 'number' | 'date' | 'select' | 'multiselect' | 'boolean';

/** A workspace's custom field definition (admin-configured). Dates are `YYYY-MM-DD` strings. */
export interface CustomFieldDef {
  readonly key: string;
  readonly label: string;
  readonly type: CustomFieldType;
  readonly options?: readonly string[];
}

export type CustomValue = string | number | boolean | string[] | null;

/**
 * Limits of the lead record (notes/lead-fields.md). Mirrored here so parsers refuse what the
 * record would refuse, with a message naming the limit.
 */
export const LEAD_LIMITS = {
  shortText: 200,
  statusReason: 500,
  email: 254,
  website: 500,
  tagsPerLead: 100,
  tagLength: 64,
  companySizeMax: 10_000_000,
  customText: 2000,
  customOption: 200,
  customOptions: 100,
} as const;

export function ok<T>(value: T): ValueResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(message: string): ValueResult<T> {
  return { ok: false, message };
}
