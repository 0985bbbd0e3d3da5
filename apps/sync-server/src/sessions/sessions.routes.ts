/** `/api/v1/sessions`: the caller's own signed-in devices; revoke one to sign that device out. */
import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { SessionDto } from '@sdr/schema';
import { session } from '@sdr/schema/pg';
import { SessionList, pathId } from '../api-schemas.ts';
import { revokeSession } from '../auth/session-store.ts';
import type { AuthContext, Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonResponse } from '../openapi.ts';

/** Live sessions of the caller (user-scoped: never another user's). */
export async function listSessions(deps: Deps, auth: AuthContext): Promise<SessionDto[]> {
  const rows = await deps.db
    .select()
    .from(session)
    .where(
      and(
        eq(session.userId, auth.userId),
        isNull(session.revokedAt),
        gt(session.expiresAt, deps.clock()),
      ),
    )
    .orderBy(desc(session.lastUsedAt), desc(session.id));
  return rows.map((s) => ({
    id: s.id,
    deviceName: s.deviceName,
    userAgent: s.userAgent,
    createdAt: s.createdAt.toISOString(),
    lastUsedAt: s.lastUsedAt.toISOString(),
    current: s.id === auth.sessionId,
  }));
}

export async function deleteSession(deps: Deps, auth: AuthContext, id: string): Promise<void> {
  const [s] = await deps.db
    .select({ id: session.id })
    .from(session)
    .where(and(eq(session.id, id), eq(session.userId, auth.userId), isNull(session.revokedAt)));
  if (!s) throw new ApiError('not_found', 'No such session.');
  await revokeSession(deps.db, s.id, 'revoked', deps.clock());
}

export function sessionsRoutes(deps: Deps) {
  const listRoute = createRoute({
    method: 'get',
    path: '/',
    tags: ['sessions'],
    summary: "The caller's live sessions (one per signed-in device)",
    security: bearerSecurity,
    responses: { 200: jsonResponse(SessionList, 'Sessions'), ...errors(401) },
  });
  const deleteRoute = createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['sessions'],
    summary: 'Revoke one of your sessions (signs that device out)',
    security: bearerSecurity,
    request: { params: z.object({ id: pathId('id') }) },
    responses: { 204: { description: 'Revoked' }, ...errors(401, 404) },
  });
  const router = createRouter();
  router.use('*', requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }));
  return router
    .openapi(listRoute, async (c) => c.json({ items: await listSessions(deps, c.var.auth) }, 200))
    .openapi(deleteRoute, async (c) => {
      await deleteSession(deps, c.var.auth, c.req.valid('param').id);
      return c.body(null, 204);
    });
}
