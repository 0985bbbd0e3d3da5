/**
 * Bulk actions on leads (with progress, cancel and undo) and duplicates (find, merge): the engine
 * contract's part for them (see contract.ts). A bulk action runs as a job in the engine: the call
 * answers at once with the job id, `leads:bulkProgress` events follow.
 */
import { z } from 'zod';
import { leadFieldShape } from '@sdr/schema';
import { LeadDto, LeadSelection } from './contract-leads.ts';

const Id = z.string().min(1).max(64);
const JobId = z.object({ jobId: Id }).strict();
const Tag = z
  .string()
  .trim()
  .min(1, 'A tag cannot be empty')
  .max(64, 'Use at most 64 characters per tag');

/**
 * Which leads: picked ids, or every lead of a view (filter + search + list) when the job starts,
 * minus the ones unticked in it (`except`).
 */
export const BulkTarget = z.union([
  z.object({ ids: z.array(Id).min(1).max(100_000) }).strict(),
  z.object({ selection: LeadSelection, except: z.array(Id).max(100_000).optional() }).strict(),
]);
export type BulkTarget = z.infer<typeof BulkTarget>;

export const BulkAction = z.discriminatedUnion('kind', [
  /** Managers and admins only. `null` unassigns. */
  z.object({ kind: z.literal('assign'), ownerId: leadFieldShape.ownerId }).strict(),
  z
    .object({
      kind: z.literal('status'),
      status: leadFieldShape.status,
      /** Left as it is on each lead when absent. */
      statusReason: leadFieldShape.statusReason.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('addTags'), tags: z.array(Tag).min(1).max(100) }).strict(),
  z.object({ kind: z.literal('removeTags'), tags: z.array(Tag).min(1).max(100) }).strict(),
  /** A tombstone; managers and admins only. */
  z.object({ kind: z.literal('delete') }).strict(),
  /** Adds the leads to a static list (undo takes out the ones this added). */
  z.object({ kind: z.literal('addToList'), listId: Id }).strict(),
]);
export type BulkAction = z.infer<typeof BulkAction>;

export const BULK_JOB_KINDS = [
  'assign',
  'status',
  'addTags',
  'removeTags',
  'delete',
  'addToList',
  'merge',
] as const;
export const BULK_JOB_STATES = [
  'running',
  'done',
  'cancelled',
  'failed',
  'undoing',
  'undone',
] as const;

/** Counters of a job: `done` of `total` processed; `restored`/`skipped` once undone. */
const JobCounters = {
  jobId: Id,
  kind: z.enum(BULK_JOB_KINDS),
  state: z.enum(BULK_JOB_STATES),
  total: z.number().int(),
  done: z.number().int(),
  /** Leads the job changed (the others already had the value, or failed). */
  changed: z.number().int(),
  /** Leads that could not be changed (removed meanwhile, result invalid, newer app version). */
  failed: z.number().int(),
  /** Undo: leads put back, and leads left alone because someone changed them since. */
  restored: z.number().int(),
  skipped: z.number().int(),
};

export const BulkProgress = z.object(JobCounters);
export type BulkProgress = z.infer<typeof BulkProgress>;

export const BulkJobDto = z.object({
  ...JobCounters,
  /** What was asked (the action, or a merge's winner and losers). */
  params: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Whether `leads:undoBulk` may run now (finished or cancelled, changed something, not undone). */
  undoable: z.boolean(),
});
export type BulkJobDto = z.infer<typeof BulkJobDto>;

export const DUPLICATE_KINDS = ['email', 'phone', 'name'] as const;
export const DuplicateKind = z.enum(DUPLICATE_KINDS);
export type DuplicateKind = z.infer<typeof DuplicateKind>;

export const DuplicateGroup = z.object({
  /** What the leads share: the same email, the same phone, or last name + first initial + company. */
  kind: DuplicateKind,
  /** The shared value (the name key is `last|f|company`, lowercased, company suffixes stripped). */
  key: z.string(),
  /** Live leads in the group (more than `leads` when capped). */
  count: z.number().int(),
  leads: z.array(LeadDto),
});
export type DuplicateGroup = z.infer<typeof DuplicateGroup>;

const { deleted: _d, mergedInto: _m, createdAt: _c, tags: _t, ...mergeable } = leadFieldShape;
/** Fields whose value a merge takes from one lead (tags are unioned, notes appended). */
export const MERGE_FIELDS = Object.keys(mergeable) as (keyof typeof mergeable)[];
export const MergeField = z.enum(
  MERGE_FIELDS as [keyof typeof mergeable, ...(keyof typeof mergeable)[]],
);
export type MergeField = z.infer<typeof MergeField>;

export const bulkChannels = {
  /** Starts a bulk action; answers at once. Progress: `leads:bulkProgress` events. */
  'leads:bulk': {
    input: z.object({ target: BulkTarget, action: BulkAction }).strict(),
    output: z.object({ jobId: Id, total: z.number().int() }),
  },
  /** Stops a running job after its current batch (what it changed so far stays, and is undoable). */
  'leads:cancelBulk': { input: JobId, output: z.object({ ok: z.literal(true) }) },
  /**
   * Puts back what a job changed, as new edits (they sync like any edit). A lead someone changed
   * since keeps its value (counted in `skipped`); tags added/removed by the job are taken
   * out/put back without touching others' tags. Answers at once; progress as for the job.
   */
  'leads:undoBulk': { input: JobId, output: z.object({ jobId: Id, total: z.number().int() }) },
  /** The last jobs of this workspace (newest first); only these are undoable. */
  'leads:bulkJobs': { input: z.object({}).strict(), output: z.array(BulkJobDto) },
  /**
   * Likely duplicate groups among live leads, in pages (`cursor` from the previous page). `counts`
   * (groups per kind) only on the first page.
   */
  'leads:duplicates': {
    input: z
      .object({
        kinds: z
          .array(DuplicateKind)
          .min(1)
          .default([...DUPLICATE_KINDS]),
        cursor: z.string().max(1000).optional(),
        limit: z.number().int().min(1).max(200).default(50),
        /** Leads returned per group (the group's `count` tells how many there are). */
        perGroup: z.number().int().min(2).max(50).default(10),
      })
      .strict(),
    output: z.object({
      groups: z.array(DuplicateGroup),
      nextCursor: z.string().nullable(),
      counts: z.object({ email: z.number(), phone: z.number(), name: z.number() }).nullable(),
      tookMs: z.number(),
    }),
  },
  /**
   * Merges losers into the winner (managers and admins): each field in `values` takes the named
   * lead's value (`'winner'` or a loser id; fields not named keep the winner's), tags are unioned,
   * the losers' notes appended to the winner's; tasks and list memberships move to the winner;
   * each loser is deleted with `mergedInto` = the winner. Undoable like a bulk job.
   */
  'leads:merge': {
    input: z
      .object({
        winnerId: Id,
        loserIds: z.array(Id).min(1).max(20),
        values: z.partialRecord(MergeField, Id).default({}),
      })
      .strict(),
    output: z.object({ winner: LeadDto, jobId: Id }),
  },
} as const;

export const bulkEvents = {
  /** A bulk job (or its undo) made progress, or finished. */
  'leads:bulkProgress': BulkProgress,
} as const;
