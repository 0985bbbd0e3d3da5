/** `/api/v1/tasks`: follow-up tasks on leads, with an optional reminder time. */
import { createRoute, z } from '@hono/zod-openapi';
import { pathId } from '../api-schemas.ts';
import type { Deps } from '../context.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonBody, jsonResponse } from '../openapi.ts';
import { DataSchemas, DeleteQuery, TaskPage, TasksQuery } from '../replication/schemas.ts';
import type { SyncCore } from '../sync/sync-core.ts';
import { deleteTask, getTask, listTasks, putTask } from './tasks.service.ts';

const tags = ['tasks'];
const params = z.object({ id: pathId('id') });

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary:
    'Tasks the caller may see, by id, paged (`after` = `nextCursor`); filter by `leadId`, `assignee` (a user id, `me` or `none`) and `open`',
  security: bearerSecurity,
  request: { query: TasksQuery },
  responses: { 200: jsonResponse(TaskPage, 'A page of tasks'), ...errors(400, 401) },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One task (tombstones included)',
  security: bearerSecurity,
  request: { params },
  responses: { 200: jsonResponse(DataSchemas.Task, 'The task'), ...errors(401, 404) },
});

const putRoute = createRoute({
  method: 'put',
  path: '/{id}',
  tags,
  summary:
    'Create or replace a task (idempotent; ids are client-generated). Stored when `updatedAt` is not older than the stored task; answers the task as stored. Under `team`/`own` lead visibility SDRs only write tasks assigned to them or to nobody',
  security: bearerSecurity,
  request: { params, body: jsonBody(DataSchemas.TaskPut) },
  responses: {
    200: jsonResponse(DataSchemas.Task, 'The task as stored'),
    ...errors(400, 401, 403, 404, 409, 413, 415),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a task (a tombstone, last writer wins on `updatedAt`)',
  security: bearerSecurity,
  request: { params, query: DeleteQuery },
  responses: {
    200: jsonResponse(DataSchemas.Task, 'The task as stored'),
    ...errors(400, 401, 403, 404),
  },
});

export function tasksRoutes(deps: Deps, sync: SyncCore) {
  const d = { db: deps.db, clock: deps.clock, sync };
  const router = createRouter();
  router.use('*', requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }));
  return router
    .openapi(listRoute, async (c) =>
      c.json(await listTasks(d, c.var.auth, c.req.valid('query')), 200),
    )
    .openapi(getRoute, async (c) =>
      c.json(await getTask(d, c.var.auth, c.req.valid('param').id), 200),
    )
    .openapi(putRoute, async (c) =>
      c.json(await putTask(d, c.var.auth, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(deleteRoute, async (c) =>
      c.json(
        await deleteTask(d, c.var.auth, c.req.valid('param').id, c.req.valid('query').updatedAt),
        200,
      ),
    );
}
