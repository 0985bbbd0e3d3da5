/**
 * The `lead` record type. The field set is deliberately minimal; later issues add fields (a new
 * field with a default needs no migration; renaming or reshaping one does).
 *
 * Version history (each step is a named migration, tested from a stored v0 snapshot):
 * - v0: unversioned docs (no `meta` map) of the first prototype shape: one `name` string and
 *   `tags` as one comma-separated string. Defined when the migration machinery was built so the
 *   upcast path is exercised from day one.
 * - v1 `split-name`: `name` → `firstName` + `lastName`.
 * - v2 `tags-as-array`: `tags` "a, b" → ["a", "b"].
 */
import { z } from 'zod';
import { defineRecordType, type FieldValues, type RawRecord } from './define.ts';

const shortText = z.string().max(200, 'Use at most 200 characters');

export const LEAD_STATUS_MAX = 64;
export const LEAD_TAG_MAX = 64;
export const LEAD_TAGS_MAX = 100;

function splitName(raw: RawRecord): RawRecord {
  const { name, ...rest } = raw.fields;
  if (typeof name !== 'string') return raw;
  const [first = '', ...others] = name.trim().split(/\s+/);
  return {
    ...raw,
    fields: {
      ...rest,
      firstName: rest.firstName ?? first,
      lastName: rest.lastName ?? others.join(' '),
    },
  };
}

function tagsAsArray(raw: RawRecord): RawRecord {
  const tags = raw.fields.tags;
  if (typeof tags !== 'string') return raw;
  const list = [
    ...new Set(
      tags
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t.length > 0),
    ),
  ];
  return { ...raw, fields: { ...raw.fields, tags: list } };
}

/** A consent flag: not asked yet, given, or refused/withdrawn. */
export const CONSENT_VALUES = ['unknown', 'granted', 'denied'] as const;
export type Consent = (typeof CONSENT_VALUES)[number];
const consent = { schema: z.enum(CONSENT_VALUES), default: 'unknown' as Consent };

/** E.164: `+`, a country code and at most 15 digits (normalise with `normalisePhone` in @sdr/domain). */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

const validZones = new Set<string>(Intl.supportedValuesOf('timeZone'));
/** True for an IANA zone name this runtime knows (`UTC` and `Etc/*` included). */
export function isIanaTimeZone(tz: string): boolean {
  if (validZones.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A custom field value (dates as `YYYY-MM-DD`); definitions live in the workspace's lead settings. */
export const CustomValue = z.union([
  z.string().max(2000),
  z.number().finite(),
  z.boolean(),
  z.array(z.string().max(200)).max(100),
  z.null(),
]);
export const CUSTOM_KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
/** The doc key of custom field `k` is `cf:k` (one key per custom field: records/README.md). */
export const CUSTOM_FIELD_PREFIX = 'cf:';
export const CUSTOM_FIELDS_MAX = 200;
const customKey = z.string().regex(CUSTOM_KEY_PATTERN, 'Bad custom field key');
const epochMs = z.number().int().min(0).max(8.64e15);

export const leadRecord = defineRecordType({
  name: 'lead',
  fields: {
    firstName: { schema: shortText, default: '' },
    lastName: { schema: shortText, default: '' },
    email: {
      schema: z.union([z.literal(''), z.email('Enter a valid email address').max(254)]),
      default: '',
    },
    phone: {
      schema: z.union([
        z.literal(''),
        z.string().regex(E164_PATTERN, 'Enter a phone number with its country code'),
      ]),
      default: '',
    },
    company: { schema: shortText, default: '' },
    title: { schema: shortText, default: '' },
    industry: { schema: shortText, default: '' },
    companySize: {
      schema: z.number().int('Company size is a whole number').min(0).max(10_000_000).nullable(),
      default: null as number | null,
    },
    website: { schema: z.string().max(500, 'Use at most 500 characters'), default: '' },
    country: {
      schema: z.union([
        z.literal(''),
        z.string().regex(/^[A-Z]{2}$/, 'Use a 2-letter country code'),
      ]),
      default: '',
    },
    timezone: {
      schema: z.union([
        z.literal(''),
        z.string().max(64).refine(isIanaTimeZone, 'Use an IANA time zone like Europe/Paris'),
      ]),
      default: '',
    },
    source: { schema: shortText, default: '' },
    status: {
      schema: z.string().min(1, 'Status is required').max(LEAD_STATUS_MAX),
      default: 'new',
    },
    statusReason: { schema: z.string().max(500, 'Use at most 500 characters'), default: '' },
    ownerId: { schema: z.string().min(1).max(64).nullable(), default: null },
    team: { schema: z.string().min(1).max(64).nullable(), default: null as string | null },
    tags: {
      schema: z.array(z.string().min(1).max(LEAD_TAG_MAX)).max(LEAD_TAGS_MAX),
      default: [] as string[],
    },
    consentEmail: consent,
    consentSms: consent,
    consentCalls: consent,
    doNotContact: { schema: z.boolean(), default: false },
    /**
     * Custom field key → value. Stored one doc key per custom field (`cf:<key>`), so concurrent
     * edits of two custom fields merge; docs written before hold one `custom` object, still read.
     */
    custom: {
      schema: z
        .record(customKey, CustomValue)
        .refine((o) => Object.keys(o).length <= CUSTOM_FIELDS_MAX, 'At most 200 custom fields'),
      default: {},
      perKey: { prefix: CUSTOM_FIELD_PREFIX, key: customKey, value: CustomValue },
    },
    /** Set once when the lead is created (ms since epoch); 0 for leads older than the field. */
    createdAt: { schema: epochMs, default: 0 },
    lastContactedAt: { schema: epochMs.nullable(), default: null as number | null },
    /** On the loser of a merge (which is also `deleted`): the id of the lead it was merged into. */
    mergedInto: { schema: z.string().min(1).max(64).nullable(), default: null as string | null },
    /** Tombstone: a deleted lead stays a doc so concurrent edits still merge. */
    deleted: { schema: z.boolean(), default: false },
  },
  migrations: [
    { version: 1, name: 'split-name', up: splitName },
    { version: 2, name: 'tags-as-array', up: tagsAsArray },
  ],
});

export type LeadFields = FieldValues<(typeof leadRecord)['fields']>;
export type LeadFieldName = Extract<keyof LeadFields, string>;
export const LEAD_FIELD_NAMES = Object.keys(leadRecord.fields) as LeadFieldName[];

type LeadFieldShape = { [K in LeadFieldName]: (typeof leadRecord.fields)[K]['schema'] };
/** The zod shape of every lead field (for DTOs and inputs built from the record's own rules). */
export const leadFieldShape = Object.fromEntries(
  LEAD_FIELD_NAMES.map((f) => [f, leadRecord.fields[f].schema]),
) as LeadFieldShape;
