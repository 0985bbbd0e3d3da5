/** The leads part of the engine contract (see contract.ts). */
import { z } from 'zod';
import { leadFieldShape } from '@sdr/schema';

const { deleted: _d, mergedInto: _m, createdAt: _c, ...editable } = leadFieldShape;
/**
 * Lead field changes, each validated with the record's own zod rule (`leadRecord` in @sdr/schema).
 * Tombstones, merges and the creation time have their own channels.
 */
export const LeadFieldChanges = z.object(editable).partial().strict();
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
});
export type LeadDto = z.infer<typeof LeadDto>;

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
  'leads:get': { input: LeadId, output: LeadDto.extend({ notes: z.string() }) },
  'leads:create': { input: z.object({ fields: LeadFieldChanges }).strict(), output: LeadDto },
  'leads:update': { input: LeadId.extend({ changes: LeadFieldChanges }).strict(), output: LeadDto },
  'leads:delete': { input: LeadId, output: LeadDto },
  'leads:conflicts': { input: LeadId, output: z.array(LeadConflict) },
} as const;
