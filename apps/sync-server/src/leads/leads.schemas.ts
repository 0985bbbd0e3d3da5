/**
 * REST shapes of leads. Field values are checked in depth by the lead record type on the
 * authority path (a wrong value is a 400 with `issues`); these schemas fix the JSON shape.
 */
import { z } from '@hono/zod-openapi';
import { CONSENT_VALUES, LEAD_VISIBILITY } from '@sdr/schema';

const text = (max: number) => z.string().max(max);

const fields = {
  firstName: text(200),
  lastName: text(200),
  email: text(254),
  phone: text(50),
  company: text(200),
  title: text(200),
  industry: text(200),
  companySize: z.number().int().min(0).nullable(),
  website: text(500),
  country: text(64).openapi({
    description: 'ISO 3166-1 alpha-2; names and alpha-3 are normalised',
  }),
  timezone: text(64).openapi({ description: 'IANA zone; derived from phone/country when empty' }),
  source: text(200),
  status: z.string().min(1).max(64),
  statusReason: text(500),
  ownerId: z.string().min(1).max(64).nullable(),
  team: z.string().min(1).max(64).nullable(),
  tags: z.array(z.string().min(1).max(64)).max(100),
  consentEmail: z.enum(CONSENT_VALUES),
  consentSms: z.enum(CONSENT_VALUES),
  consentCalls: z.enum(CONSENT_VALUES),
  doNotContact: z.boolean(),
  custom: z.record(z.string(), z.unknown()),
  lastContactedAt: z.number().int().nullable().openapi({ description: 'ms since epoch' }),
  /** The whole notes text; the server diffs it into the collaborative notes (others' edits stay). */
  notes: z.string().max(100_000),
};

export const LeadDto = z
  .object({
    id: z.string(),
    ...fields,
    createdAt: z.number().int().openapi({ description: 'ms since epoch; 0 when unknown' }),
    mergedInto: z.string().nullable(),
    deleted: z.boolean(),
    /** Present on single-lead answers (not in lists). */
    notes: z.string().optional(),
    schemaVersion: z.number().int(),
    /** Workspace change-log seq of the lead's last change. */
    seq: z.number().int(),
  })
  .openapi('Lead');

export const LeadList = z
  .object({ items: z.array(LeadDto), nextCursor: z.string().nullable() })
  .openapi('LeadList');

export const CreateLeadInput = z.object(fields).partial().strict().openapi('CreateLeadInput');

export const PatchLeadInput = z
  .object({
    ...fields,
    deleted: z.boolean(),
    /** Merge: the loser gets `{ deleted: true, mergedInto: <winner id> }` (managers, admins). */
    mergedInto: z.string().min(1).max(64).nullable(),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'Change at least one field.')
  .openapi('PatchLeadInput');

export const ListLeadsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The last id of the previous page. */
  after: z.string().min(1).max(64).optional(),
  includeDeleted: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export const ConflictDto = z
  .object({
    id: z.string(),
    field: z.string(),
    seq: z.number().int(),
    previousValue: z.unknown(),
    previousClientId: z.number().int(),
    previousUserId: z.string().nullable(),
    incomingValue: z.unknown(),
    incomingClientId: z.number().int(),
    incomingUserId: z.string().nullable(),
    winner: z.enum(['previous', 'incoming']),
    sameValue: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('FieldConflict');

export const ActivityDto = z
  .object({
    id: z.string(),
    /** The lead the change was made on: this lead, or a duplicate merged into it. */
    leadId: z.string(),
    seq: z.number().int(),
    kind: z.enum(['created', 'changed', 'deleted', 'restored', 'merged']),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
    notesChanged: z.boolean(),
    userId: z.string().nullable(),
    userName: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('LeadActivity');

export const ActivityList = z
  .object({ items: z.array(ActivityDto), nextBefore: z.number().int().nullable() })
  .openapi('LeadActivityList');

export const TimelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `seq` of the oldest item of the previous page. */
  before: z.coerce.number().int().min(1).optional(),
});

export const ConflictList = z.object({ items: z.array(ConflictDto) }).openapi('FieldConflictList');

export const WorkspaceSettings = z
  .object({ leadVisibility: z.enum(LEAD_VISIBILITY) })
  .openapi('WorkspaceSettings');

export type LeadDtoT = z.infer<typeof LeadDto>;
