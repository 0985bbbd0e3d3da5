import { col, defineEntity } from '../define.ts';
import type { FilterNode } from '../filter.ts';
import type { LeadSettings } from '../lead-settings.ts';
import type { RoutingState } from '../scoring-routing.ts';

/**
 * Workspace organising data: saved views, lead lists (+ static members) and tasks. Small rows, not
 * collaborative documents: they replicate as whole rows, last writer wins on `updatedAt` (the
 * writer's ms clock). The same tables exist on the server (the authority) and in the engine (a
 * replica edited offline). `seq` is the server's per-workspace data sequence (`workspaceDataSeq`)
 * of the row's last change: the pull cursor of `GET /api/v1/replication/rows`; 0 in the engine
 * for a row the server has not stored yet. `deleted` is a tombstone (so a delete replicates).
 */
const replicated = {
  workspaceId: col.text().notNull(),
  deleted: col.boolean().notNull().default(false),
  /** ms since epoch of the last change, by the writer's clock: the last-writer-wins clock. */
  updatedAt: col.bigint().notNull(),
  updatedBy: col.text().notNull(),
  seq: col.bigint().notNull().default(0),
};

export interface ViewColumnValue {
  field: string;
  width?: number;
}
export interface SortKeyValue {
  field: string;
  dir: 'asc' | 'desc';
}

export const savedView = defineEntity(
  'savedView',
  {
    id: col.id(),
    name: col.text().notNull(),
    /** `personal`: the owner's only; `shared`: every member sees it. */
    scope: col.enum(['personal', 'shared'] as const).notNull(),
    ownerId: col.text().notNull(),
    filter: col.json<FilterNode>().notNull(),
    columns: col.json<ViewColumnValue[]>().notNull(),
    sort: col.json<SortKeyValue[]>().notNull(),
    /** The full-text search the view narrows to (`''`: none). */
    search: col.text().notNull().default(''),
    /** The lead list (static or dynamic) the view is scoped to; null: every lead. */
    listId: col.text(),
    pinned: col.boolean().notNull().default(false),
    ...replicated,
  },
  { indexes: [{ name: 'saved_view_ws_seq_ix', columns: ['workspaceId', 'seq'] }] },
);

export const leadList = defineEntity(
  'leadList',
  {
    id: col.id(),
    name: col.text().notNull(),
    /** `static`: members in `leadListMember`; `dynamic`: every lead matching `filter`. */
    kind: col.enum(['static', 'dynamic'] as const).notNull(),
    filter: col.json<FilterNode>(),
    ownerId: col.text().notNull(),
    ...replicated,
  },
  { indexes: [{ name: 'lead_list_ws_seq_ix', columns: ['workspaceId', 'seq'] }] },
);

/** A lead in a static list. `id` is `<listId>:<leadId>` (one row per pair, on every replica). */
export const leadListMember = defineEntity(
  'leadListMember',
  {
    id: col.id(),
    listId: col.text().notNull(),
    leadId: col.text().notNull(),
    ...replicated,
  },
  {
    indexes: [
      { name: 'lead_list_member_ws_seq_ix', columns: ['workspaceId', 'seq'] },
      { name: 'lead_list_member_list_lead_uq', columns: ['listId', 'leadId'], unique: true },
      { name: 'lead_list_member_lead_ix', columns: ['leadId'] },
    ],
  },
);

/** A follow-up on a lead, with an optional reminder time. */
export const task = defineEntity(
  'task',
  {
    id: col.id(),
    leadId: col.text().notNull(),
    title: col.text().notNull(),
    /** When the reminder fires (ms since epoch); null: no reminder. */
    dueAt: col.bigint(),
    done: col.boolean().notNull().default(false),
    assigneeId: col.text(),
    createdBy: col.text().notNull(),
    ...replicated,
  },
  {
    indexes: [
      { name: 'task_ws_seq_ix', columns: ['workspaceId', 'seq'] },
      { name: 'task_ws_lead_ix', columns: ['workspaceId', 'leadId'] },
      { name: 'task_ws_assignee_ix', columns: ['workspaceId', 'assigneeId'] },
    ],
  },
);

/**
 * Server: the per-workspace sequence of the rows above (views, lists, members, tasks). Taken with
 * an upsert in the writing transaction, whose row lock is held until commit, so per workspace the
 * commit order is the seq order and a pull cursor never skips a row committed later. Separate from
 * `workspaceSeq` (the record change log) so these writes leave no gaps in the lead sync stream.
 */
export const workspaceDataSeq = defineEntity(
  'workspaceDataSeq',
  {
    workspaceId: col.id().references('workspace'),
    lastSeq: col.bigint().notNull().default(0),
  },
  { placement: 'server' },
);

/** Server: a workspace's lead settings (pipeline, custom fields, scoring, routing). */
export const workspaceLeadSettings = defineEntity(
  'workspaceLeadSettings',
  {
    workspaceId: col.id().references('workspace'),
    settings: col.json<LeadSettings>().notNull(),
    updatedAt: col.timestamp().notNull().defaultNow(),
    updatedBy: col.text(),
    /** Where round-robin routing of new leads left off (see @sdr/domain routing). */
    routingState: col.json<RoutingState>(),
  },
  { placement: 'server' },
);

/**
 * Engine: rows of the tables above written locally and not yet acknowledged by the server. `id` is
 * `<entity>:<rowId>`; `updatedAt` is the row's clock when it was marked, so an acknowledgement of
 * an older version does not clear a newer edit.
 */
export const workspaceDataOutbox = defineEntity(
  'workspaceDataOutbox',
  {
    id: col.id(),
    workspaceId: col.text().notNull(),
    entity: col.enum(['view', 'list', 'member', 'task'] as const).notNull(),
    rowId: col.text().notNull(),
    updatedAt: col.bigint().notNull(),
  },
  {
    placement: 'client',
    indexes: [{ name: 'workspace_data_outbox_ws_ix', columns: ['workspaceId', 'entity'] }],
  },
);

/** Engine: the due time a task's reminder last fired for (fires again when `dueAt` changes). */
export const taskReminder = defineEntity(
  'taskReminder',
  {
    taskId: col.id(),
    workspaceId: col.text().notNull(),
    firedDueAt: col.bigint().notNull(),
    firedAt: col.bigint().notNull(),
  },
  { placement: 'client' },
);
