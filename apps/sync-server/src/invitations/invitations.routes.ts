/** `/api/v1/invitations`: invite, list, revoke (admin only) and accept (public, with the mailed token). */
import { createRoute, z } from '@hono/zod-openapi';
import { InvitationList, Schemas, pathId } from '../api-schemas.ts';
import { clientInfo } from '../auth/client-info.ts';
import type { Deps } from '../context.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonBody, jsonResponse } from '../openapi.ts';
import {
  acceptInvitation,
  createInvitation,
  listInvitations,
  revokeInvitation,
} from './invitations.service.ts';

const tags = ['invitations'];

const acceptRoute = createRoute({
  method: 'post',
  path: '/accept',
  tags,
  summary: 'Accept an invitation with the mailed token and sign in to that workspace',
  request: { body: jsonBody(Schemas.AcceptInvitationInput) },
  responses: {
    200: jsonResponse(Schemas.AuthResponse, 'Joined and signed in'),
    ...errors(400, 401, 409, 413, 415, 429),
  },
});

export function invitationsRoutes(deps: Deps) {
  const middleware = requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock });

  const createInvitationRoute = createRoute({
    method: 'post',
    path: '/',
    tags,
    summary: 'Invite someone by email (admin only); mails a link',
    security: bearerSecurity,
    middleware,
    request: { body: jsonBody(Schemas.InviteInput) },
    responses: {
      201: jsonResponse(Schemas.InvitationDto, 'Invited'),
      ...errors(400, 401, 403, 409, 413, 415, 502),
    },
  });

  const listRoute = createRoute({
    method: 'get',
    path: '/',
    tags,
    summary: "The workspace's invitations, newest first (admin only)",
    security: bearerSecurity,
    middleware,
    responses: { 200: jsonResponse(InvitationList, 'Invitations'), ...errors(401, 403) },
  });

  const revokeRoute = createRoute({
    method: 'delete',
    path: '/{id}',
    tags,
    summary: 'Revoke a pending invitation (admin only)',
    security: bearerSecurity,
    middleware,
    request: { params: z.object({ id: pathId('id') }) },
    responses: { 204: { description: 'Revoked' }, ...errors(401, 403, 404, 409) },
  });

  return createRouter()
    .openapi(acceptRoute, async (c) =>
      c.json(await acceptInvitation(deps, c.req.valid('json'), clientInfo(c)), 200),
    )
    .openapi(createInvitationRoute, async (c) =>
      c.json(await createInvitation(deps, c.var.auth, c.req.valid('json')), 201),
    )
    .openapi(listRoute, async (c) =>
      c.json({ items: await listInvitations(deps, c.var.auth) }, 200),
    )
    .openapi(revokeRoute, async (c) => {
      await revokeInvitation(deps, c.var.auth, c.req.valid('param').id);
      return c.body(null, 204);
    });
}
