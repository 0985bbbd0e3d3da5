/** `/api/v1/auth/*`: sign-up, sign-in, refresh, sign-out, workspace switch and password reset. */
import { createRoute } from '@hono/zod-openapi';
import { Accepted, Schemas } from '../api-schemas.ts';
import type { Deps } from '../context.ts';
import { loggableError } from '../logger.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonBody, jsonResponse } from '../openapi.ts';
import { login, logout, refresh, signup, switchWorkspace } from './auth.service.ts';
import { clientInfo } from './client-info.ts';
import { confirmPasswordReset, requestPasswordReset } from './password-reset.service.ts';

const tags = ['auth'];

const signupRoute = createRoute({
  method: 'post',
  path: '/signup',
  tags,
  summary: 'Create a workspace and its first admin, and sign in',
  request: { body: jsonBody(Schemas.SignupInput) },
  responses: {
    201: jsonResponse(Schemas.AuthResponse, 'Signed up'),
    ...errors(400, 409, 413, 415, 429),
  },
});

const loginRoute = createRoute({
  method: 'post',
  path: '/login',
  tags,
  summary: 'Sign in (a new session for this device)',
  request: { body: jsonBody(Schemas.LoginInput) },
  responses: {
    200: jsonResponse(Schemas.AuthResponse, 'Signed in'),
    ...errors(400, 401, 403, 413, 415, 429),
  },
});

const refreshRoute = createRoute({
  method: 'post',
  path: '/refresh',
  tags,
  summary: 'Spend a refresh token for a new access and refresh token',
  request: { body: jsonBody(Schemas.RefreshInput) },
  responses: {
    200: jsonResponse(Schemas.AuthResponse, 'Rotated'),
    ...errors(400, 401, 413, 415, 429),
  },
});

export function authRoutes(deps: Deps) {
  const auth = requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock });

  const logoutRoute = createRoute({
    method: 'post',
    path: '/logout',
    tags,
    summary: 'Sign out: revoke the current session',
    security: bearerSecurity,
    middleware: [auth] as const,
    responses: { 204: { description: 'Signed out' }, ...errors(401) },
  });

  const switchRoute = createRoute({
    method: 'post',
    path: '/switch-workspace',
    tags,
    summary: 'Act in another workspace the user belongs to (rotates the refresh token)',
    security: bearerSecurity,
    middleware: [auth] as const,
    request: { body: jsonBody(Schemas.SwitchWorkspaceInput) },
    responses: {
      200: jsonResponse(Schemas.AuthResponse, 'Switched'),
      ...errors(400, 401, 403, 413, 415),
    },
  });

  const resetRequestRoute = createRoute({
    method: 'post',
    path: '/password-reset/request',
    tags,
    summary: 'Mail a password reset link (always 202, whether or not the account exists)',
    request: { body: jsonBody(Schemas.PasswordResetRequestInput) },
    responses: { 202: jsonResponse(Accepted, 'Accepted'), ...errors(400, 413, 415, 429) },
  });

  const resetConfirmRoute = createRoute({
    method: 'post',
    path: '/password-reset/confirm',
    tags,
    summary: 'Set a new password with the mailed token; signs out every session',
    request: { body: jsonBody(Schemas.PasswordResetConfirmInput) },
    responses: { 204: { description: 'Password changed' }, ...errors(400, 413, 415, 429) },
  });

  return createRouter()
    .openapi(signupRoute, async (c) =>
      c.json(await signup(deps, c.req.valid('json'), clientInfo(c)), 201),
    )
    .openapi(loginRoute, async (c) =>
      c.json(await login(deps, c.req.valid('json'), clientInfo(c)), 200),
    )
    .openapi(refreshRoute, async (c) =>
      c.json(await refresh(deps, c.req.valid('json').refreshToken), 200),
    )
    .openapi(logoutRoute, async (c) => {
      await logout(deps, c.var.auth);
      return c.body(null, 204);
    })
    .openapi(switchRoute, async (c) =>
      c.json(await switchWorkspace(deps, c.var.auth, c.req.valid('json')), 200),
    )
    .openapi(resetRequestRoute, async (c) => {
      try {
        await requestPasswordReset(deps, c.req.valid('json').email);
      } catch (err) {
        // Still 202: the answer must not depend on whether the account exists.
        c.var.log.error({ err: loggableError(err) }, 'password reset mail failed');
      }
      return c.json({ accepted: true as const }, 202);
    })
    .openapi(resetConfirmRoute, async (c) => {
      const { token, password } = c.req.valid('json');
      await confirmPasswordReset(deps, token, password);
      return c.body(null, 204);
    });
}
