/**
 * The Hono app: middleware (request id, logging, body limit, rate limits), one error shape, and
 * one router per area mounted with `app.route()`. `/openapi.json` documents every API route.
 */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { ulid } from 'ulid';
import { Health } from './api-schemas.ts';
import { authRoutes } from './auth/auth.routes.ts';
import type { AppDeps, AppEnv, Deps } from './context.ts';
import { ApiError, errorBody, type ApiErrorCode } from './errors.ts';
import { invitationsRoutes } from './invitations/invitations.routes.ts';
import { meRoutes } from './me/me.routes.ts';
import { membersRoutes } from './members/members.routes.ts';
import { rateLimit } from './middleware/rate-limit/index.ts';
import { requestId } from './middleware/request-id/index.ts';
import { requestLogger } from './middleware/request-logger/index.ts';
import { BEARER, createRouter, jsonResponse } from './openapi.ts';
import { pagesRoutes } from './pages/pages.routes.ts';
import { loggableError } from './logger.ts';
import { sessionsRoutes } from './sessions/sessions.routes.ts';
import { leadsRoutes } from './leads/leads.routes.ts';
import { createSyncCore, type SyncCore } from './sync/sync-core.ts';
import { workspaceRoutes } from './workspace/workspace.routes.ts';
import { listsRoutes } from './lists/lists.routes.ts';
import { mailboxesRoutes } from './mailboxes/mailboxes.routes.ts';
import { replicationRoutes } from './replication/replication.routes.ts';
import { tasksRoutes } from './tasks/tasks.routes.ts';
import { viewsRoutes } from './views/views.routes.ts';
import { inboxRouters } from './inbox/inbox.routes.ts';
import { integrationsRoutes } from './integrations/integrations.routes.ts';
import { SELF_LIMITED_BODY_PATH, webhooksRoutes } from './webhooks/webhooks.routes.ts';
import { twilioIntake } from './webhooks/twilio-intake.ts';
import { twilioNodeHandler, type NodeFastPath } from './webhooks/twilio-node-handler.ts';
import type { Outbox } from './outbox/outbox.ts';
import { filesRoutes, mediaRoutes } from './files/files.routes.ts';

export const BODY_LIMIT_BYTES = 64 * 1024;
/**
 * `POST /api/v1/lists/{id}/members` carries up to 10,000 lead ids; a lead's create/patch up to
 * 100,000 characters of notes (UTF-8: up to 400 KB).
 */
export const MEMBERS_BODY_LIMIT_BYTES = 1024 * 1024;
const LARGE_BODY_PATH =
  /^\/api\/v1\/(lists\/[^/]+\/members|leads(\/[^/]+)?)$|^\/webhooks\/email\/sendgrid$/;
/** File uploads (up to 20 MB) enforce their own limit while reading (files/files.routes.ts). */
const FILE_UPLOAD_PATH = /^\/api\/v1\/files\/?$/;

/** POST endpoints limited per client IP + path. */
export const RATE_LIMITED_PATHS = [
  '/api/v1/auth/signup',
  '/api/v1/auth/login',
  '/api/v1/auth/refresh',
  '/api/v1/auth/password-reset/request',
  '/api/v1/auth/password-reset/confirm',
  '/api/v1/invitations/accept',
  '/reset-password/:token',
];

/** Hono's own HTTP errors (validator, body limit, media type gate) in the API's error shape. */
const HTTP_EXCEPTION_CODES: Partial<Record<number, [ApiErrorCode, string]>> = {
  400: ['invalid_input', 'The request is not valid.'],
  401: ['unauthenticated', 'Sign in first.'],
  404: ['not_found', 'Not found.'],
  413: ['payload_too_large', 'The request body is too large.'],
  415: ['unsupported_media_type', 'Send the body as application/json.'],
};

function toApiError(err: Error): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 400 && /malformed json/i.test(err.message)) {
      return new ApiError('malformed_json', 'The request body is not valid JSON.', { cause: err });
    }
    const known = HTTP_EXCEPTION_CODES[err.status];
    if (known) return new ApiError(known[0], known[1], { cause: err });
  }
  return new ApiError('internal', 'Something went wrong on the server.', { cause: err });
}

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness',
  responses: { 200: jsonResponse(Health, 'Alive') },
});

/** Per app: the requests node's listener answers before Hono (`serve-app.ts`). */
const nodeFastPaths = new WeakMap<object, NodeFastPath>();

/** The fast path `serveApp` puts in front of the app (Twilio's webhooks), if any. */
export function nodeFastPathOf(app: App): NodeFastPath | undefined {
  return nodeFastPaths.get(app);
}

/**
 * `sync`: the instance's sync core (shared with the WebSocket endpoints); without it, a core
 * with an in-process bus and no background timers serves the REST lead routes.
 */
export function createApp(input: AppDeps & { sync?: SyncCore; outbox?: Outbox }) {
  const deps: Deps = {
    ...input,
    clock: input.clock ?? (() => new Date()),
    newId: input.newId ?? (() => ulid()),
  };
  const sync =
    input.sync ??
    createSyncCore({ db: deps.db, logger: deps.logger, newId: deps.newId, background: false });
  const app = createRouter();

  app.use('*', requestId());
  app.use('*', requestLogger(deps.logger));
  const limitBody = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(
          'payload_too_large',
          `The request body is larger than ${maxSize / 1024} KB.`,
        );
      },
    });
  const smallBodies = limitBody(BODY_LIMIT_BYTES);
  const largeBodies = limitBody(MEMBERS_BODY_LIMIT_BYTES);
  app.use('*', (c, next) =>
    FILE_UPLOAD_PATH.test(c.req.path) || SELF_LIMITED_BODY_PATH.test(c.req.path)
      ? next()
      : (LARGE_BODY_PATH.test(c.req.path) ? largeBodies : smallBodies)(
          c as Context<AppEnv, string>,
          next,
        ),
  );
  app.on('POST', RATE_LIMITED_PATHS, rateLimit(deps.env.authRateLimit));

  app.onError((err, c: Context<AppEnv>) => {
    const apiErr = toApiError(err);
    const log = c.get('log') ?? deps.logger;
    if (apiErr.status >= 500) log.error({ err: loggableError(err) }, 'unhandled error');
    return c.json(errorBody(apiErr, c.get('requestId')), apiErr.status);
  });
  app.notFound((c) =>
    c.json(errorBody(new ApiError('not_found', 'No such route.'), c.get('requestId')), 404),
  );

  app.openAPIRegistry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Access token from signup, login, refresh or accept (15 minutes).',
  });

  const routes = app
    .openapi(healthRoute, (c) => c.json({ ok: true as const }, 200))
    .route('/api/v1/auth', authRoutes(deps))
    .route('/api/v1/me', meRoutes(deps))
    .route('/api/v1/sessions', sessionsRoutes(deps))
    .route('/api/v1/members', membersRoutes(deps, sync))
    .route('/api/v1/invitations', invitationsRoutes(deps))
    .route('/api/v1/leads', leadsRoutes(deps, sync))
    .route('/api/v1/workspace', workspaceRoutes(deps, sync))
    .route('/api/v1/views', viewsRoutes(deps, sync))
    .route('/api/v1/lists', listsRoutes(deps, sync))
    .route('/api/v1/tasks', tasksRoutes(deps, sync))
    .route('/api/v1/replication', replicationRoutes(deps, sync))
    .route('/api/v1/integrations', integrationsRoutes(deps))
    .route('/webhooks', webhooksRoutes(deps))
    .route('/api/v1/mailboxes', mailboxesRoutes(deps))
    .route('/api/v1/files', filesRoutes(deps))
    .route('/media', mediaRoutes(deps))
    .route('/', pagesRoutes(deps));
  // Inbox, live queue, notifications (issue 5): several prefixes, mounted one by one.
  for (const [path, router] of inboxRouters(deps, sync, input.outbox)) routes.route(path, router);

  routes.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'SDR sync server',
      version: '1.0.0',
      description:
        'Accounts and workspaces. Every error is `{ error: { code, message, requestId?, issues? } }`.',
    },
  });
  nodeFastPaths.set(routes, twilioNodeHandler(deps, twilioIntake(deps)));
  return routes;
}

export type App = ReturnType<typeof createApp>;
