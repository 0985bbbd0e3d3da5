import { col, defineEntity } from '../define.ts';

/**
 * A lead's activity timeline on the server: one row per committed change of a lead's doc that
 * changed something a person sees (created, fields with before/after, notes, deleted, merged),
 * with who and when. Written by the sync authority in the same transaction as the change, so it
 * is complete whichever writer made the change (app, REST, later sender/webhooks/CRM), and kept
 * after the change log's update bytes are compacted away. Later issues add messages, calls and
 * campaign steps as other kinds.
 */
export const leadActivity = defineEntity(
  'leadActivity',
  {
    id: col.id(),
    workspaceId: col.text().notNull().references('workspace'),
    leadId: col.text().notNull(),
    /** The change-log seq of the change. */
    seq: col.bigint().notNull(),
    kind: col.enum(['created', 'changed', 'deleted', 'restored', 'merged'] as const).notNull(),
    /** `[{ field, from, to }]` for the fields the change set (notes: only that they changed). */
    changes: col.json<{ field: string; from: unknown; to: unknown }[]>().notNull(),
    notesChanged: col.boolean().notNull().default(false),
    userId: col.text(),
    clientId: col.bigint(),
    createdAt: col.timestamp().notNull().defaultNow(),
  },
  {
    placement: 'server',
    indexes: [{ name: 'lead_activity_lead_ix', columns: ['workspaceId', 'leadId', 'seq'] }],
  },
);
