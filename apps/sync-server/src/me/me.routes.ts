/** `GET /api/v1/me`: who is calling, in which workspace, and every workspace they belong to. */
import { createRoute } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import type { MeResponse } from '@sdr/schema';
import { membership, user, workspace } from '@sdr/schema/pg';
import { Schemas } from '../api-schemas.ts';
import type { AuthContext, Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonResponse } from '../openapi.ts';

export async function me(deps: Deps, auth: AuthContext): Promise<MeResponse> {
  const [u] = await deps.db.select().from(user).where(eq(user.id, auth.userId));
  const workspaces = await deps.db
    .select({ id: workspace.id, name: workspace.name, role: membership.role })
    .from(membership)
    .innerJoin(workspace, eq(workspace.id, membership.workspaceId))
    .where(eq(membership.userId, auth.userId))
    .orderBy(asc(membership.createdAt), asc(membership.id));
  const current = workspaces.find((w) => w.id === auth.workspaceId);
  if (!u || !current)
    throw new ApiError('unauthenticated', 'This session has ended; sign in again.');
  return {
    user: { id: u.id, email: u.email, name: u.name },
    workspace: { id: current.id, name: current.name },
    role: auth.role,
    sessionId: auth.sessionId,
    workspaces,
  };
}

export function meRoutes(deps: Deps) {
  const route = createRoute({
    method: 'get',
    path: '/',
    tags: ['me'],
    summary: 'The signed-in user, the current workspace and role, and all memberships',
    security: bearerSecurity,
    responses: { 200: jsonResponse(Schemas.MeResponse, 'The caller'), ...errors(401) },
  });
  const router = createRouter();
  router.use('*', requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }));
  return router.openapi(route, async (c) => c.json(await me(deps, c.var.auth), 200));
}
