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

export const leadRecord = defineRecordType({
  name: 'lead',
  fields: {
    firstName: { schema: shortText, default: '' },
    lastName: { schema: shortText, default: '' },
    email: {
      schema: z.union([z.literal(''), z.email('Enter a valid email address').max(254)]),
      default: '',
    },
    phone: { schema: z.string().max(50, 'Use at most 50 characters'), default: '' },
    company: { schema: shortText, default: '' },
    title: { schema: shortText, default: '' },
    status: {
      schema: z.string().min(1, 'Status is required').max(LEAD_STATUS_MAX),
      default: 'new',
    },
    ownerId: { schema: z.string().min(1).max(64).nullable(), default: null },
    tags: {
      schema: z.array(z.string().min(1).max(LEAD_TAG_MAX)).max(LEAD_TAGS_MAX),
      default: [] as string[],
    },
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
