/**
 * `/api/v1/workspace/settings`: read (any member) and change (admin) the workspace's settings;
 * `/api/v1/workspace/lead-settings`: read (any member) and change (managers, admins) its lead
 * settings (pipeline, custom fields, scoring, routing).
 */
import { createRoute } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { workspace } from '@sdr/schema/pg';
import { authorize } from '../authorize.ts';
import type { Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { WorkspaceSettings } from '../leads/leads.schemas.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonBody, jsonResponse } from '../openapi.ts';
import { DataSchemas, LeadSettingsQuery } from '../replication/schemas.ts';
import type { SyncCore } from '../sync/sync-core.ts';
import { writeVisibility } from '../sync/visibility-restamp.ts';
import { getLeadSettings, saveLeadSettings } from './lead-settings.service.ts';

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

const getLeadSettingsRoute = createRoute({
  method: 'get',
  path: '/lead-settings',
  tags,
  summary:
    "The workspace's lead settings (defaults until first saved); with `unknownStages=true`, also the stages leads use that the pipeline lacks",
  security: bearerSecurity,
  request: { query: LeadSettingsQuery },
  responses: {
    200: jsonResponse(DataSchemas.LeadSettingsResponse, 'Lead settings'),
    ...errors(400, 401),
  },
});

const putLeadSettingsRoute = createRoute({
  method: 'put',
  path: '/lead-settings',
  tags,
  summary:
    'Replace the lead settings (managers and admins). Dropping a stage that leads still use is allowed and reported in `unknownStages`',
  security: bearerSecurity,
  request: { body: jsonBody(DataSchemas.LeadSettings) },
  responses: {
    200: jsonResponse(DataSchemas.LeadSettingsResponse, 'Saved'),
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
      const { workspaceId } = c.var.auth;
      // A changed policy re-stamps the rows it may show or hide: connected clients converge.
      await writeVisibility(deps, sync, workspaceId, async (tx, before) => {
        await tx
          .update(workspace)
          .set({ leadVisibility: body.leadVisibility })
          .where(eq(workspace.id, workspaceId));
        const changed = before !== null && before !== body.leadVisibility;
        return { result: null, scope: changed ? { kind: 'all' } : null };
      });
      return c.json(body, 200);
    })
    .openapi(getLeadSettingsRoute, async (c) =>
      c.json(await getLeadSettings(deps, c.var.auth, c.req.valid('query').unknownStages), 200),
    )
    .openapi(putLeadSettingsRoute, async (c) =>
      c.json(await saveLeadSettings({ ...deps, sync }, c.var.auth, c.req.valid('json')), 200),
    );
}
