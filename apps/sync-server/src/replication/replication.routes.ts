/** `/api/v1/replication`: the pull feed of views, lists, list members and tasks. */
import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../context.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonResponse } from '../openapi.ts';
import type { SyncCore } from '../sync/sync-core.ts';
import { replicationPage } from './replication.service.ts';
import { DataSchemas, ReplicationQuery } from './schemas.ts';

const rowsRoute = createRoute({
  method: 'get',
  path: '/rows',
  tags: ['replication'],
  summary:
    'Views, lists, list members and tasks changed after the cursor `after` (a workspace data seq), in seq order, tombstones included; rows the caller may not see come as `row: null`. Store `nextAfter` once a page is applied; repeat until `done`',
  security: bearerSecurity,
  request: { query: ReplicationQuery },
  responses: {
    200: jsonResponse(DataSchemas.ReplicationPage, 'A page of changed rows'),
    ...errors(400, 401),
  },
});

export function replicationRoutes(deps: Deps, sync: SyncCore) {
  const d = { db: deps.db, sync };
  const router = createRouter();
  router.use('*', requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }));
  return router.openapi(rowsRoute, async (c) =>
    c.json(await replicationPage(d, c.var.auth, c.req.valid('query')), 200),
  );
}
