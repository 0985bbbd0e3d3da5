/** `/api/v1/members`: list (any member), change role and remove (admin only). */
import { createRoute, z } from '@hono/zod-openapi';
import { MemberList, Schemas, pathId } from '../api-schemas.ts';
import type { Deps } from '../context.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonBody, jsonResponse } from '../openapi.ts';
import type { SyncCore } from '../sync/sync-core.ts';
import { changeRole, listMembers, removeMember } from './members.service.ts';

const tags = ['members'];
const params = z.object({ userId: pathId('userId') });

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Members of the current workspace',
  security: bearerSecurity,
  responses: { 200: jsonResponse(MemberList, 'Members'), ...errors(401, 403) },
});

const changeRoleRoute = createRoute({
  method: 'patch',
  path: '/{userId}',
  tags,
  summary: "Change a member's role and/or team (admin only; the last admin cannot be demoted)",
  security: bearerSecurity,
  request: { params, body: jsonBody(Schemas.ChangeRoleInput) },
  responses: {
    200: jsonResponse(Schemas.MemberDto, 'Updated'),
    ...errors(400, 401, 403, 404, 409, 413, 415),
  },
});

const removeRoute = createRoute({
  method: 'delete',
  path: '/{userId}',
  tags,
  summary: 'Remove a member from the workspace (admin only; not the last admin)',
  security: bearerSecurity,
  request: { params },
  responses: { 204: { description: 'Removed' }, ...errors(401, 403, 404, 409) },
});

export function membersRoutes(deps: Deps, sync: SyncCore) {
  const router = createRouter();
  router.use('*', requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }));
  return router
    .openapi(listRoute, async (c) => c.json({ items: await listMembers(deps, c.var.auth) }, 200))
    .openapi(changeRoleRoute, async (c) => {
      const { userId } = c.req.valid('param');
      return c.json(await changeRole(deps, sync, c.var.auth, userId, c.req.valid('json')), 200);
    })
    .openapi(removeRoute, async (c) => {
      await removeMember(deps, c.var.auth, c.req.valid('param').userId);
      return c.body(null, 204);
    });
}
