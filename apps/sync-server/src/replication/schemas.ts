/** The `@sdr/schema` shapes of views, lists, tasks and replication, named for the OpenAPI document. */
import { z } from '@hono/zod-openapi';
import {
  FilterNode,
  LeadListPut,
  LeadListRow,
  LeadSettings,
  LeadSettingsResponse,
  ListMembersChange,
  ListMembersPage,
  ListMembersResult,
  ReplicationPage,
  SavedViewPut,
  SavedViewRow,
  TaskPut,
  TaskRow,
} from '@sdr/schema';
import { listOf, named } from '../api-schemas.ts';

/**
 * The filter AST is recursive (`z.lazy`): the generator can only describe it as a named component
 * that refers to itself, so the shared instance (the one its own members point at) gets the name.
 * On a lazy schema `.openapi(name)` also names the instance it is called on; the prototype's method
 * is used because the instance may have been created before zod was extended.
 */
(
  z.ZodType.prototype as unknown as { openapi: (this: unknown, name: string) => unknown }
).openapi.call(FilterNode, 'FilterNode');

export const DataSchemas = {
  SavedView: named(SavedViewRow, 'SavedView'),
  SavedViewPut: named(SavedViewPut, 'SavedViewPut'),
  LeadList: named(LeadListRow, 'LeadList'),
  LeadListPut: named(LeadListPut, 'LeadListPut'),
  ListMembersChange: named(ListMembersChange, 'ListMembersChange'),
  ListMembersResult: named(ListMembersResult, 'ListMembersResult'),
  ListMembersPage: named(ListMembersPage, 'ListMembersPage'),
  Task: named(TaskRow, 'Task'),
  TaskPut: named(TaskPut, 'TaskPut'),
  ReplicationPage: named(ReplicationPage, 'ReplicationPage'),
  LeadSettings: named(LeadSettings, 'LeadSettings'),
  LeadSettingsResponse: named(LeadSettingsResponse, 'LeadSettingsResponse'),
};

export const SavedViewList = listOf(DataSchemas.SavedView, 'SavedViewList');
export const LeadListList = listOf(DataSchemas.LeadList, 'LeadListList');
export const TaskPage = z
  .object({ items: z.array(DataSchemas.Task), nextCursor: z.string().nullable() })
  .openapi('TaskPage');

const bool = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .openapi({ type: 'boolean' });

export const IncludeDeletedQuery = z.object({ includeDeleted: bool.default(false) });

/** `DELETE ...?updatedAt=<ms>`: the deleting writer's clock (default: the server's). */
export const DeleteQuery = z.object({
  updatedAt: z.coerce.number().int().min(0).optional(),
});

export const TasksQuery = z.object({
  leadId: z.string().min(1).max(64).optional(),
  /** A user id, `me`, or `none` (unassigned). */
  assignee: z.string().min(1).max(64).optional(),
  /** `true`: not done; `false`: done. */
  open: bool.optional(),
  includeDeleted: bool.default(false),
  after: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const MembersQuery = z.object({
  after: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

export const LeadSettingsQuery = z.object({ unknownStages: bool.default(false) });

export const ReplicationQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(2000).default(500),
});
