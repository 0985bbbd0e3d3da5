/**
 * Saved views, lead lists, tasks and the workspace's lead settings: the engine contract's part for
 * the leads workspace's organising data (see contract.ts). Views, lists and tasks are created and
 * edited offline; the engine replicates them to the server (last writer wins per row).
 */
import { z } from 'zod';
import { FilterNode, LeadSettings, ViewSearch } from '@sdr/schema';

const Id = z.string().min(1).max(64);
const Name = z.string().trim().min(1, 'Give it a name').max(120, 'Use at most 120 characters');

export const SortKey = z.object({
  field: z.string().min(1).max(64),
  dir: z.enum(['asc', 'desc']),
});
export type SortKey = z.infer<typeof SortKey>;

/** A column of the lead table: which field, and how wide (px). */
export const ViewColumn = z.object({
  field: z.string().min(1).max(64),
  width: z.number().int().min(40).max(1000).optional(),
});
export type ViewColumn = z.infer<typeof ViewColumn>;

export const SavedViewDto = z.object({
  id: Id,
  name: Name,
  /** `personal` views are their owner's only; `shared` ones every member sees. */
  scope: z.enum(['personal', 'shared']),
  ownerId: z.string(),
  filter: FilterNode,
  columns: z.array(ViewColumn).min(1).max(60),
  sort: z.array(SortKey).max(3),
  /** The full-text search the view narrows to (`''`: none). */
  search: ViewSearch,
  /** The lead list (static or dynamic) the view is scoped to; null: every lead. */
  listId: Id.nullable(),
  pinned: z.boolean(),
  /** ms since epoch of the last change (the replication's last-writer-wins clock). */
  updatedAt: z.number(),
});
export type SavedViewDto = z.infer<typeof SavedViewDto>;

export const ViewInput = SavedViewDto.omit({ ownerId: true, updatedAt: true })
  .extend({
    id: Id.optional(),
    search: ViewSearch.default(''),
    listId: Id.nullable().default(null),
  })
  .strict();

export const LeadListDto = z.object({
  id: Id,
  name: Name,
  /** `static`: hand-picked members; `dynamic`: every lead matching `filter`. */
  kind: z.enum(['static', 'dynamic']),
  filter: FilterNode.nullable(),
  ownerId: z.string(),
  updatedAt: z.number(),
});
export type LeadListDto = z.infer<typeof LeadListDto>;

export const ListInput = z
  .object({
    id: Id.optional(),
    name: Name,
    kind: z.enum(['static', 'dynamic']),
    filter: FilterNode.nullable().default(null),
  })
  .strict()
  .refine((l) => (l.kind === 'dynamic') === (l.filter !== null), {
    message: 'A dynamic list needs a filter; a static list has none',
    path: ['filter'],
  });

export const TaskDto = z.object({
  id: Id,
  leadId: Id,
  title: z.string().trim().min(1, 'Say what to do').max(300),
  /** When the reminder fires (ms since epoch); null: no reminder. */
  dueAt: z.number().nullable(),
  done: z.boolean(),
  assigneeId: z.string().nullable(),
  updatedAt: z.number(),
});
export type TaskDto = z.infer<typeof TaskDto>;

export const TaskInput = TaskDto.omit({ updatedAt: true })
  .extend({
    id: Id.optional(),
    done: z.boolean().default(false),
    assigneeId: z.string().nullable().optional(),
  })
  .strict();

const ById = z.object({ id: Id }).strict();
const Ok = z.object({ ok: z.literal(true) });

export const workspaceChannels = {
  'views:list': { input: z.object({}).strict(), output: z.array(SavedViewDto) },
  'views:save': { input: ViewInput, output: SavedViewDto },
  'views:delete': { input: ById, output: Ok },
  'lists:list': { input: z.object({}).strict(), output: z.array(LeadListDto) },
  'lists:save': { input: ListInput, output: LeadListDto },
  'lists:delete': { input: ById, output: Ok },
  'lists:addLeads': {
    input: z.object({ listId: Id, leadIds: z.array(Id).min(1).max(100_000) }).strict(),
    output: z.object({ added: z.number().int() }),
  },
  'lists:removeLeads': {
    input: z.object({ listId: Id, leadIds: z.array(Id).min(1).max(100_000) }).strict(),
    output: z.object({ removed: z.number().int() }),
  },
  'tasks:list': {
    input: z.object({ leadId: Id.optional(), open: z.boolean().optional() }).strict(),
    output: z.array(TaskDto),
  },
  'tasks:save': { input: TaskInput, output: TaskDto },
  'tasks:delete': { input: ById, output: Ok },
  /** The workspace's lead settings as last seen from the server (defaults before the first sync). */
  'leadSettings:get': { input: z.object({}).strict(), output: LeadSettings },
  /** Managers and admins only; needs the server (settings are not edited offline). */
  'leadSettings:save': { input: LeadSettings, output: LeadSettings },
} as const;

/** Events of this part: views/lists/tasks changed locally or by replication; a task came due. */
export const workspaceEvents = {
  'views:changed': z.object({}),
  'lists:changed': z.object({}),
  'tasks:changed': z.object({ leadIds: z.array(z.string()).nullable() }),
  'tasks:due': TaskDto,
  'leadSettings:changed': LeadSettings,
} as const;
