/** `/api/v1/leads`: list, create, read, patch, delete (tombstone), conflicts, timeline. */
import { createRoute, z } from '@hono/zod-openapi';
import { pathId } from '../api-schemas.ts';
import type { Deps } from '../context.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonBody, jsonResponse } from '../openapi.ts';
import type { SyncCore } from '../sync/sync-core.ts';
import {
  ActivityList,
  ConflictList,
  CreateLeadInput,
  LeadDto,
  LeadList,
  ListLeadsQuery,
  PatchLeadInput,
  TimelineQuery,
} from './leads.schemas.ts';
import {
  createLead,
  getLead,
  listActivity,
  listConflicts,
  listLeads,
  updateLead,
} from './leads.service.ts';

const tags = ['leads'];
const params = z.object({ id: pathId('id') });

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Leads visible to the caller, by id, paged (`after` = last id of the previous page)',
  security: bearerSecurity,
  request: { query: ListLeadsQuery },
  responses: { 200: jsonResponse(LeadList, 'A page of leads'), ...errors(400, 401) },
});

const createLeadRoute = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create a lead (owner: null unless given; only managers and admins assign others)',
  security: bearerSecurity,
  request: { body: jsonBody(CreateLeadInput) },
  responses: {
    201: jsonResponse(LeadDto, 'Created'),
    ...errors(400, 401, 403, 409, 413, 415),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One lead with its notes',
  security: bearerSecurity,
  request: { params },
  responses: { 200: jsonResponse(LeadDto, 'The lead'), ...errors(401, 404) },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Change fields of a lead (through the sync authority; reaches every client)',
  security: bearerSecurity,
  request: { params, body: jsonBody(PatchLeadInput) },
  responses: {
    200: jsonResponse(LeadDto, 'Updated'),
    ...errors(400, 401, 403, 404, 413, 415),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a lead (a tombstone: `deleted: true`, so concurrent edits still merge)',
  security: bearerSecurity,
  request: { params },
  responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404) },
});

const conflictsRoute = createRoute({
  method: 'get',
  path: '/{id}/conflicts',
  tags,
  summary: 'Same-field concurrent overwrites of a lead, newest first',
  security: bearerSecurity,
  request: { params },
  responses: { 200: jsonResponse(ConflictList, 'Conflicts'), ...errors(401, 404) },
});

const timelineRoute = createRoute({
  method: 'get',
  path: '/{id}/timeline',
  tags,
  summary:
    "A lead's activity, newest first: created, field changes (before/after) with who and when, notes, deleted, merged; includes duplicates merged into it",
  security: bearerSecurity,
  request: { params, query: TimelineQuery },
  responses: { 200: jsonResponse(ActivityList, 'Activity'), ...errors(400, 401, 404) },
});

export function leadsRoutes(deps: Deps, sync: SyncCore) {
  const d = { db: deps.db, newId: deps.newId, sync };
  const router = createRouter();
  router.use('*', requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }));
  return router
    .openapi(listRoute, async (c) =>
      c.json(await listLeads(d, c.var.auth, c.req.valid('query')), 200),
    )
    .openapi(createLeadRoute, async (c) =>
      c.json(await createLead(d, c.var.auth, c.req.valid('json')), 201),
    )
    .openapi(getRoute, async (c) =>
      c.json(await getLead(d, c.var.auth, c.req.valid('param').id), 200),
    )
    .openapi(patchRoute, async (c) =>
      c.json(await updateLead(d, c.var.auth, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(deleteRoute, async (c) => {
      await updateLead(d, c.var.auth, c.req.valid('param').id, { deleted: true });
      return c.body(null, 204);
    })
    .openapi(conflictsRoute, async (c) =>
      c.json({ items: await listConflicts(d, c.var.auth, c.req.valid('param').id) }, 200),
    )
    .openapi(timelineRoute, async (c) =>
      c.json(await listActivity(d, c.var.auth, c.req.valid('param').id, c.req.valid('query')), 200),
    );
}
