/** `/api/v1/workspace/settings`: read (any member) and change (admin) the workspace's settings. */
import { createRoute } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { workspace } from '@sdr/schema/pg';
import { authorize } from '../authorize.ts';
import type { Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { WorkspaceSettings } from '../leads/leads.schemas.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonBody, jsonResponse } from '../openapi.ts';
import type { SyncCore } from '../sync/sync-core.ts';

const tags = ['workspace'];

const getRoute = createRoute({
  method: 'get',
  path: '/settings',
  tags,
  summary: "The current workspace's settings",
  security: bearerSecurity,
  responses: { 200: jsonResponse(WorkspaceSettings, 'Settings'), ...errors(401) },
});

const putRoute = createRoute({
  method: 'put',
  path: '/settings',
  tags,
  summary: 'Change the workspace settings (admin only). `leadVisibility`: which leads SDRs see',
  security: bearerSecurity,
  request: { body: jsonBody(WorkspaceSettings) },
  responses: {
    200: jsonResponse(WorkspaceSettings, 'Updated'),
    ...errors(400, 401, 403, 413, 415),
  },
});

export function workspaceRoutes(deps: Deps, sync: SyncCore) {
  const router = createRouter();
  router.use('*', requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }));
  return router
    .openapi(getRoute, async (c) => {
      const [w] = await deps.db
        .select({ leadVisibility: workspace.leadVisibility })
        .from(workspace)
        .where(eq(workspace.id, c.var.auth.workspaceId));
      if (!w) throw new ApiError('not_found', 'No such workspace.');
      return c.json(w, 200);
    })
    .openapi(putRoute, async (c) => {
      authorize(c.var.auth, 'workspace:update');
      const body = c.req.valid('json');
      await deps.db
        .update(workspace)
        .set({ leadVisibility: body.leadVisibility })
        .where(eq(workspace.id, c.var.auth.workspaceId));
      sync.visibility.invalidate(c.var.auth.workspaceId);
      return c.json(body, 200);
    });
}
