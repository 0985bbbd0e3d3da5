/** The leads part of the engine contract (see contract.ts). */
import { z } from 'zod';
import { FILTER_FIELD_TYPES, FilterNode, leadFieldShape } from '@sdr/schema';
import { SortKey } from './contract-workspace.ts';

const { deleted: _d, mergedInto: _m, createdAt: _c, ...editable } = leadFieldShape;
/**
 * Lead field changes, each validated with the record's own zod rule (`leadRecord` in @sdr/schema).
 * Tombstones, merges and the creation time have their own channels.
 */
export const LeadFieldChanges = z
  .object({
    ...editable,
    // Read leniently here; the engine normalises them ("(415) 555-0132" → E.164, "France" → FR)
    // and then checks them with the record's rules, answering issues per field.
    phone: z.string().max(60),
    country: z.string().max(64),
    timezone: z.string().max(64),
    email: z.string().max(320),
    website: z.string().max(600),
  })
  .partial()
  .strict();
export type LeadFieldChanges = z.infer<typeof LeadFieldChanges>;

/** A lead as the local replica holds it (projected columns; notes only through `leads:get`). */
export const LeadDto = z.object({
  id: z.string(),
  ...leadFieldShape,
  /** Last local or server change (ms since epoch). */
  updatedAt: z.number(),
  /** Workspace change-log seq of the last server change applied (0: never synced). */
  seq: z.number(),
  /** True while local edits of this lead wait in the outbox. */
  pending: z.boolean(),
  /**
   * The lead's score from the workspace's scoring rules (computed by the engine; null while not
   * scored yet). Set in `leads:query` results; `leads:score` explains it.
   */
  score: z.number().nullable().optional(),
});
export type LeadDto = z.infer<typeof LeadDto>;

/** One rule that contributed to a lead's score, and why (`ScoreLine` of @sdr/domain). */
export const ScoreLineDto = z.object({
  ruleId: z.string(),
  label: z.string(),
  points: z.number(),
  reason: z.string(),
});
export type ScoreLineDto = z.infer<typeof ScoreLineDto>;
export const LeadScoreDto = z.object({ score: z.number(), breakdown: z.array(ScoreLineDto) });
export type LeadScoreDto = z.infer<typeof LeadScoreDto>;

/** Why the server reverted part of a local edit (a compensating update). */
export const RevertReason = z.object({
  field: z.string(),
  code: z.string(),
  message: z.string(),
});
export const LeadReverted = z.object({
  leadId: z.string(),
  reasons: z.array(RevertReason),
  at: z.number(),
});
export type LeadReverted = z.infer<typeof LeadReverted>;

/** A same-field concurrent overwrite recorded by the server (`GET /api/v1/leads/:id/conflicts`). */
export const LeadConflict = z.object({
  field: z.string(),
  previousValue: z.unknown(),
  incomingValue: z.unknown(),
  previousUserId: z.string().nullable(),
  incomingUserId: z.string().nullable(),
  winner: z.enum(['previous', 'incoming']),
  sameValue: z.boolean(),
  seq: z.number(),
  createdAt: z.string(),
});
export type LeadConflict = z.infer<typeof LeadConflict>;

const LeadId = z.object({ id: z.string().min(1).max(64) }).strict();

/** One entry of a lead's timeline (`GET /api/v1/leads/:id/timeline`). */
export const LeadActivity = z.object({
  id: z.string(),
  /** This lead, or a duplicate merged into it. */
  leadId: z.string(),
  seq: z.number(),
  kind: z.enum(['created', 'changed', 'deleted', 'restored', 'merged']),
  changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
  notesChanged: z.boolean(),
  userId: z.string().nullable(),
  userName: z.string().nullable(),
  createdAt: z.string(),
});
export type LeadActivity = z.infer<typeof LeadActivity>;
export const TimelinePage = z.object({
  items: z.array(LeadActivity),
  nextBefore: z.number().nullable(),
});
export type TimelinePage = z.infer<typeof TimelinePage>;

/**
 * Which leads: a filter (the AST of @sdr/domain), full-text search (names, email, phone, company,
 * notes), and optionally only the members of one list. All parts are ANDed.
 */
export const LeadSelection = z
  .object({
    filter: FilterNode.optional(),
    search: z.string().max(200).optional(),
    listId: z.string().min(1).max(64).optional(),
    includeDeleted: z.boolean().default(false),
  })
  .strict();
export type LeadSelection = z.infer<typeof LeadSelection>;

export const LeadQuery = LeadSelection.extend({
  sort: z
    .array(SortKey)
    .max(3)
    .default([{ field: 'updatedAt', dir: 'desc' }]),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
}).strict();
export type LeadQuery = z.infer<typeof LeadQuery>;

/** A field the lead table can show, sort and filter (built-in or custom). */
export const LeadFieldInfo = z.object({
  /** Field name in the filter AST and in `LeadDto` (custom fields: `custom.<key>`). */
  key: z.string(),
  label: z.string(),
  type: z.enum(FILTER_FIELD_TYPES),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  custom: z.boolean(),
  sortable: z.boolean(),
  /** False for computed and bookkeeping fields (score, updatedAt, createdAt). */
  editable: z.boolean(),
});
export type LeadFieldInfo = z.infer<typeof LeadFieldInfo>;

export const leadChannels = {
  'leads:list': {
    input: z
      .object({
        sort: z.enum(['updatedAt', 'name']).default('updatedAt'),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(50),
        includeDeleted: z.boolean().default(false),
      })
      .strict(),
    output: z.object({ items: z.array(LeadDto), total: z.number().int() }),
  },
  /** Filter + search + sort + one page, answered from local SQLite. */
  'leads:query': {
    input: LeadQuery,
    output: z.object({ items: z.array(LeadDto), tookMs: z.number() }),
  },
  'leads:count': {
    input: LeadSelection,
    output: z.object({ count: z.number().int(), tookMs: z.number() }),
  },
  /** The fields of the lead table and filter builder (built-in + the workspace's custom fields). */
  'leads:fields': { input: z.object({}).strict(), output: z.array(LeadFieldInfo) },
  'leads:get': { input: LeadId, output: LeadDto.extend({ notes: z.string() }) },
  /**
   * Notes from a text box: `base` is the text the user started from, `text` what they made of it.
   * Others' concurrent edits are kept (a three-way merge); answers the merged notes.
   */
  'leads:editNotes': {
    input: LeadId.extend({
      base: z.string().max(200_000),
      text: z.string().max(200_000),
    }).strict(),
    output: LeadDto.extend({ notes: z.string() }),
  },
  'leads:create': { input: z.object({ fields: LeadFieldChanges }).strict(), output: LeadDto },
  'leads:update': { input: LeadId.extend({ changes: LeadFieldChanges }).strict(), output: LeadDto },
  'leads:delete': { input: LeadId, output: LeadDto },
  /**
   * A lead's timeline from the server (who changed what, when). Offline: the first page as last
   * loaded, with `offline: true` and when it was loaded.
   */
  'leads:timeline': {
    input: LeadId.extend({ before: z.number().int().min(1).optional() }).strict(),
    output: TimelinePage.extend({ offline: z.boolean(), loadedAt: z.number().nullable() }),
  },
  'leads:conflicts': { input: LeadId, output: z.array(LeadConflict) },
  /** A lead's score with the workspace's current scoring rules: one line per rule that matched. */
  'leads:score': { input: LeadId, output: LeadScoreDto },
} as const;
