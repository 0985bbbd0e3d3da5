/** `/api/v1/lists`: lead lists (static and dynamic) and the members of static lists. */
import { createRoute, z } from '@hono/zod-openapi';
import { pathId } from '../api-schemas.ts';
import type { Deps } from '../context.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonBody, jsonResponse } from '../openapi.ts';
import {
  DataSchemas,
  DeleteQuery,
  IncludeDeletedQuery,
  LeadListList,
  MembersQuery,
} from '../replication/schemas.ts';
import {
  changeMembers,
  deleteList,
  getList,
  listLists,
  listMembers,
  putList,
} from './lists.service.ts';
import type { SyncCore } from '../sync/sync-core.ts';

const tags = ['lists'];
const params = z.object({ id: pathId('id') });

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: "The workspace's lead lists, by name",
  security: bearerSecurity,
  request: { query: IncludeDeletedQuery },
  responses: { 200: jsonResponse(LeadListList, 'Lists'), ...errors(400, 401) },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One list (tombstones included)',
  security: bearerSecurity,
  request: { params },
  responses: { 200: jsonResponse(DataSchemas.LeadList, 'The list'), ...errors(401, 404) },
});

const putRoute = createRoute({
  method: 'put',
  path: '/{id}',
  tags,
  summary:
    'Create or replace a list (idempotent; ids are client-generated). Stored when `updatedAt` is not older than the stored list; answers the list as stored. Changes: owner, managers, admins; `kind` is fixed once created',
  security: bearerSecurity,
  request: { params, body: jsonBody(DataSchemas.LeadListPut) },
  responses: {
    200: jsonResponse(DataSchemas.LeadList, 'The list as stored'),
    ...errors(400, 401, 403, 409, 413, 415),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a list (a tombstone; owner, managers, admins)',
  security: bearerSecurity,
  request: { params, query: DeleteQuery },
  responses: {
    200: jsonResponse(DataSchemas.LeadList, 'The list as stored'),
    ...errors(400, 401, 403, 404),
  },
});

const membersRoute = createRoute({
  method: 'get',
  path: '/{id}/members',
  tags,
  summary: 'Lead ids of a static list, by lead id, paged (`after` = `nextAfter` of the last page)',
  security: bearerSecurity,
  request: { params, query: MembersQuery },
  responses: {
    200: jsonResponse(DataSchemas.ListMembersPage, 'Members'),
    ...errors(400, 401, 404),
  },
});

const changeMembersRoute = createRoute({
  method: 'post',
  path: '/{id}/members',
  tags,
  summary:
    'Add and remove leads of a static list (any member; at most 10,000 ids in one request; last writer wins per lead on `updatedAt`)',
  security: bearerSecurity,
  request: { params, body: jsonBody(DataSchemas.ListMembersChange) },
  responses: {
    200: jsonResponse(DataSchemas.ListMembersResult, 'What changed'),
    ...errors(400, 401, 404, 409, 413, 415),
  },
});

export function listsRoutes(app: Deps, sync: SyncCore) {
  const deps = { ...app, sync };
  const router = createRouter();
  router.use('*', requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }));
  return router
    .openapi(listRoute, async (c) =>
      c.json(
        { items: await listLists(deps, c.var.auth, c.req.valid('query').includeDeleted) },
        200,
      ),
    )
    .openapi(getRoute, async (c) =>
      c.json(await getList(deps, c.var.auth, c.req.valid('param').id), 200),
    )
    .openapi(putRoute, async (c) =>
      c.json(await putList(deps, c.var.auth, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(deleteRoute, async (c) =>
      c.json(
        await deleteList(deps, c.var.auth, c.req.valid('param').id, c.req.valid('query').updatedAt),
        200,
      ),
    )
    .openapi(membersRoute, async (c) =>
      c.json(
        await listMembers(deps, c.var.auth, c.req.valid('param').id, c.req.valid('query')),
        200,
      ),
    )
    .openapi(changeMembersRoute, async (c) =>
      c.json(
        await changeMembers(deps, c.var.auth, c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
    );
}
