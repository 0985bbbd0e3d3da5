import { col, defineEntity } from '../define.ts';

/**
 * Bulk actions on leads (desktop engine, client only): one row per job (assign owner, change
 * status, add/remove tags, delete, add to a list, merge) and, per lead it changed, the values before and after.
 * Undo writes the `before` values back as ordinary edits (so an undo syncs like any edit), but only
 * where a lead still holds the `after` values (see engine leads/bulk/README). Only the last jobs
 * are kept.
 */
export const bulkJob = defineEntity(
  'bulkJob',
  {
    id: col.id(),
    workspaceId: col.text().notNull(),
    /** Who ran it (the signed-in user then). */
    userId: col.text().notNull(),
    kind: col
      .enum(['assign', 'status', 'addTags', 'removeTags', 'delete', 'addToList', 'merge'] as const)
      .notNull(),
    /** What the job was asked to do (owner, status + reason, tags, merge winner/losers). */
    params: col.json<Record<string, unknown>>().notNull(),
    state: col
      .enum(['running', 'done', 'cancelled', 'failed', 'undoing', 'undone'] as const)
      .notNull()
      .default('running'),
    /** Leads selected. */
    total: col.integer().notNull().default(0),
    /** Leads processed so far (changed, unchanged or failed). */
    done: col.integer().notNull().default(0),
    /** Leads the job changed (rows in bulkChange). */
    changed: col.integer().notNull().default(0),
    /** Leads that could not be changed (gone, invalid result, newer app version). */
    failed: col.integer().notNull().default(0),
    /** Undo: leads restored, and leads left alone because someone changed them since. */
    restored: col.integer().notNull().default(0),
    skipped: col.integer().notNull().default(0),
    error: col.text(),
    /** ms since epoch. */
    createdAt: col.bigint().notNull(),
    updatedAt: col.bigint().notNull(),
  },
  {
    placement: 'client',
    indexes: [{ name: 'bulk_job_ws_created_ix', columns: ['workspaceId', 'createdAt'] }],
  },
);

/** One lead changed by a bulk job: the fields' previous values and the values the job wrote. */
export const bulkChange = defineEntity(
  'bulkChange',
  {
    /** `<jobId>:<leadId>`. */
    id: col.id(),
    jobId: col.text().notNull().references('bulkJob'),
    leadId: col.text().notNull(),
    before: col.json<Record<string, unknown>>().notNull(),
    after: col.json<Record<string, unknown>>().notNull(),
  },
  {
    placement: 'client',
    indexes: [{ name: 'bulk_change_job_lead_ix', columns: ['jobId', 'leadId'] }],
  },
);
