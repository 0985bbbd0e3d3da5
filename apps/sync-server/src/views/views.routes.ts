/** `/api/v1/views`: saved views (personal: the owner's only; shared: every member's). */
import { createRoute, z } from '@hono/zod-openapi';
import { pathId } from '../api-schemas.ts';
import type { Deps } from '../context.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonBody, jsonResponse } from '../openapi.ts';
import {
  DataSchemas,
  DeleteQuery,
  IncludeDeletedQuery,
  SavedViewList,
} from '../replication/schemas.ts';
import { deleteView, getView, listViews, putView } from './views.service.ts';
import type { SyncCore } from '../sync/sync-core.ts';

const tags = ['views'];
const params = z.object({ id: pathId('id') });

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: "The caller's personal views and every shared view, by name",
  security: bearerSecurity,
  request: { query: IncludeDeletedQuery },
  responses: { 200: jsonResponse(SavedViewList, 'Views'), ...errors(400, 401) },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One view (tombstones included)',
  security: bearerSecurity,
  request: { params },
  responses: { 200: jsonResponse(DataSchemas.SavedView, 'The view'), ...errors(401, 404) },
});

const putRoute = createRoute({
  method: 'put',
  path: '/{id}',
  tags,
  summary:
    'Create or replace a view (idempotent; ids are client-generated). Stored when `updatedAt` is not older than the stored view; answers the view as stored. Personal views: owner only; shared: owner, managers, admins; scope: owner only',
  security: bearerSecurity,
  request: { params, body: jsonBody(DataSchemas.SavedViewPut) },
  responses: {
    200: jsonResponse(DataSchemas.SavedView, 'The view as stored'),
    ...errors(400, 401, 403, 404, 409, 413, 415),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a view (a tombstone, `deleted: true`, last writer wins on `updatedAt`)',
  security: bearerSecurity,
  request: { params, query: DeleteQuery },
  responses: {
    200: jsonResponse(DataSchemas.SavedView, 'The view as stored'),
    ...errors(400, 401, 403, 404),
  },
});

export function viewsRoutes(app: Deps, sync: SyncCore) {
  const deps = { ...app, sync };
  const router = createRouter();
  router.use('*', requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }));
  return router
    .openapi(listRoute, async (c) =>
      c.json(
        { items: await listViews(deps, c.var.auth, c.req.valid('query').includeDeleted) },
        200,
      ),
    )
    .openapi(getRoute, async (c) =>
      c.json(await getView(deps, c.var.auth, c.req.valid('param').id), 200),
    )
    .openapi(putRoute, async (c) =>
      c.json(await putView(deps, c.var.auth, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(deleteRoute, async (c) =>
      c.json(
        await deleteView(deps, c.var.auth, c.req.valid('param').id, c.req.valid('query').updatedAt),
        200,
      ),
    );
}
