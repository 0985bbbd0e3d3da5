/**
 * HTTP shapes of the workspace organising data (saved views, lead lists and their members, tasks),
 * its replication feed and the workspace's lead settings. The server validates with them and
 * documents them in its OpenAPI document; the engine parses responses with them. Rows replicate
 * whole, last writer wins on `updatedAt` (ms since epoch, the writer's clock); see
 * apps/sync-server/README.md, "Views, lists, tasks".
 */
import { z } from 'zod';
import { FilterNode } from './filter.ts';
import { LeadSettings } from './lead-settings.ts';

const Id = z.string().min(1).max(64);
const Name = z.string().trim().min(1, 'Give it a name').max(120, 'Use at most 120 characters');
/** A last-writer-wins clock: ms since epoch. */
export const RowClock = z.number().int().min(0).max(8_640_000_000_000_000);

/** Most leads one `POST /lists/{id}/members` may add and remove together. */
export const MEMBER_BATCH_MAX = 10_000;

export const ViewColumnSpec = z.object({
  field: z.string().min(1).max(64),
  width: z.number().int().min(40).max(1000).optional(),
});
export const SortSpec = z.object({
  field: z.string().min(1).max(64),
  dir: z.enum(['asc', 'desc']),
});

/** Server bookkeeping every replicated row carries. */
const rowMeta = {
  deleted: z.boolean(),
  updatedAt: RowClock,
  /** The user whose write is stored. */
  updatedBy: z.string(),
  /** The workspace data seq of the row's last stored change (the pull cursor). */
  seq: z.number().int(),
};

/** A saved view's search, as typed in the search box. */
export const ViewSearch = z.string().max(200, 'Use at most 200 characters');

const viewFields = {
  name: Name,
  /** `personal`: only the owner sees it; `shared`: every member of the workspace does. */
  scope: z.enum(['personal', 'shared']),
  filter: FilterNode,
  columns: z.array(ViewColumnSpec).min(1).max(60),
  sort: z.array(SortSpec).max(3),
  /** The full-text search the view narrows to (`''`: none). */
  search: ViewSearch,
  /** The lead list (static or dynamic) the view is scoped to; null: every lead. */
  listId: Id.nullable(),
  pinned: z.boolean(),
};

export const SavedViewRow = z.object({ id: Id, ownerId: z.string(), ...viewFields, ...rowMeta });
export type SavedViewRow = z.infer<typeof SavedViewRow>;

/** `PUT /views/{id}`: the whole view. Stored when `updatedAt` ≥ the stored one. */
export const SavedViewPut = z
  .object({
    ...viewFields,
    // Clients written before views kept a search and a list send neither.
    search: ViewSearch.default(''),
    listId: Id.nullable().default(null),
    pinned: z.boolean().default(false),
    deleted: z.boolean().default(false),
    updatedAt: RowClock,
  })
  .strict();
export type SavedViewPut = z.infer<typeof SavedViewPut>;

const listFields = {
  name: Name,
  /** `static`: hand-picked members; `dynamic`: every lead matching `filter`. */
  kind: z.enum(['static', 'dynamic']),
  filter: FilterNode.nullable(),
};
const dynamicHasFilter = (l: { kind: 'static' | 'dynamic'; filter: FilterNode | null }) =>
  (l.kind === 'dynamic') === (l.filter !== null);
const dynamicHasFilterIssue = {
  message: 'A dynamic list needs a filter; a static list has none',
  path: ['filter'],
};

export const LeadListRow = z.object({ id: Id, ownerId: z.string(), ...listFields, ...rowMeta });
export type LeadListRow = z.infer<typeof LeadListRow>;

export const LeadListPut = z
  .object({
    ...listFields,
    filter: FilterNode.nullable().default(null),
    deleted: z.boolean().default(false),
    updatedAt: RowClock,
  })
  .strict()
  .refine(dynamicHasFilter, dynamicHasFilterIssue);
export type LeadListPut = z.infer<typeof LeadListPut>;

/** One lead's membership of a static list (`deleted`: removed). */
export const ListMemberRow = z.object({ listId: Id, leadId: Id, ...rowMeta });
export type ListMemberRow = z.infer<typeof ListMemberRow>;

/**
 * `POST /lists/{id}/members`: add and remove leads (together at most `MEMBER_BATCH_MAX`). Each
 * pair is its own last-writer-wins row; `updatedAt` defaults to the server's clock. Lead ids are
 * not checked against the lead table (a lead created offline may reach the server later).
 */
export const ListMembersChange = z
  .object({
    add: z.array(Id).max(MEMBER_BATCH_MAX).default([]),
    remove: z.array(Id).max(MEMBER_BATCH_MAX).default([]),
    updatedAt: RowClock.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.add.length + v.remove.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'Add or remove at least one lead', path: ['add'] });
    }
    if (v.add.length + v.remove.length > MEMBER_BATCH_MAX) {
      ctx.addIssue({
        code: 'custom',
        message: `Change at most ${MEMBER_BATCH_MAX} leads at once`,
        path: ['add'],
      });
    }
    const adding = new Set(v.add);
    const both = v.remove.find((id) => adding.has(id));
    if (both !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `Lead ${both} is both added and removed`,
        path: ['remove'],
      });
    }
  });
export type ListMembersChange = z.infer<typeof ListMembersChange>;

export const ListMembersResult = z.object({
  /** Leads that were not members and now are. */
  added: z.number().int(),
  /** Leads that were members and now are not. */
  removed: z.number().int(),
});

export const ListMembersPage = z.object({
  items: z.array(z.object({ leadId: Id, updatedAt: RowClock })),
  /** Pass as `after` for the next page; null on the last page. */
  nextAfter: z.string().nullable(),
});

const taskFields = {
  leadId: Id,
  title: z.string().trim().min(1, 'Say what to do').max(300),
  /** When the reminder fires (ms since epoch); null: no reminder. */
  dueAt: RowClock.nullable(),
  done: z.boolean(),
  assigneeId: Id.nullable(),
};

export const TaskRow = z.object({ id: Id, createdBy: z.string(), ...taskFields, ...rowMeta });
export type TaskRow = z.infer<typeof TaskRow>;

export const TaskPut = z
  .object({
    ...taskFields,
    done: z.boolean().default(false),
    assigneeId: Id.nullable().default(null),
    deleted: z.boolean().default(false),
    updatedAt: RowClock,
  })
  .strict();
export type TaskPut = z.infer<typeof TaskPut>;

/**
 * One changed row of the replication feed, in seq order. `row: null` (views and tasks): the row
 * exists but the caller may not see it (any more); a replica deletes its copy.
 */
export const ReplicationItem = z.discriminatedUnion('entity', [
  z.object({
    entity: z.literal('view'),
    seq: z.number().int(),
    id: Id,
    row: SavedViewRow.nullable(),
  }),
  z.object({ entity: z.literal('list'), seq: z.number().int(), id: Id, row: LeadListRow }),
  z.object({ entity: z.literal('member'), seq: z.number().int(), id: Id, row: ListMemberRow }),
  z.object({ entity: z.literal('task'), seq: z.number().int(), id: Id, row: TaskRow.nullable() }),
]);
export type ReplicationItem = z.infer<typeof ReplicationItem>;

export const ReplicationPage = z.object({
  items: z.array(ReplicationItem),
  /** The cursor to store after applying `items` (pass as `after` next time). */
  nextAfter: z.number().int(),
  /** True when this was the last page (fewer items than `limit`). */
  done: z.boolean(),
});
export type ReplicationPage = z.infer<typeof ReplicationPage>;

/** A stage key some of the workspace's leads use that the pipeline does not define. */
export const UnknownStageUse = z.object({ stage: z.string(), leads: z.number().int() });

export const LeadSettingsResponse = z.object({
  settings: LeadSettings,
  /** ms since epoch of the last save; null while the workspace uses the defaults. */
  updatedAt: z.number().int().nullable(),
  /**
   * Stages used by existing (not deleted) leads but missing from the pipeline (allowed). Always on
   * a save; on a read only when asked (`?unknownStages=true`: it counts the workspace's leads).
   */
  unknownStages: z.array(UnknownStageUse).optional(),
});
export type LeadSettingsResponse = z.infer<typeof LeadSettingsResponse>;
