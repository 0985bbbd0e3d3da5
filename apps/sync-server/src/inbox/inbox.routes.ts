/**
 * Inbox REST (OpenAPI, zod at the boundary): conversations, messages, the live queue,
 * notifications and inbox settings. One router per prefix (mounted by `app.ts` through
 * `inboxRouters`), each behind `requireAuth`: the workspace comes from the token on every query.
 * Commands take an optional `commandId` (see `inbox.command.ts`).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { pathId } from '../api-schemas.ts';
import type { AppEnv, Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonBody, jsonResponse } from '../openapi.ts';
import type { SyncCore } from '../sync/sync-core.ts';
import {
  assign,
  cancelMessage,
  getConversation,
  getSettings,
  conversationHistory,
  listAssignments,
  listConversations,
  listMessages,
  listNotifications,
  markRead,
  patchConversation,
  postMessage,
  putSettings,
  readNotifications,
  startConversation,
} from './conversations.service.ts';
import type { EnqueueSend, InboxDeps } from './inbox.deps.ts';
import { loadNotificationPrefs, putNotificationPrefs } from './notification-prefs.ts';
import {
  AssignInput,
  AssignmentList,
  HistoryList,
  CommandBody,
  ConversationDto,
  ConversationList,
  InboxSettingsResponse,
  ListConversationsQuery,
  ListMessagesQuery,
  ListNotificationsQuery,
  MessageDto,
  MessageList,
  NotificationList,
  NotificationPrefsResponse,
  PatchConversationInput,
  PostMessageInput,
  PostMessageResult,
  QueueItemResult,
  QueueList,
  QueueListQuery,
  QueueNextResult,
  QueueOrderInput,
  ReadNotificationsInput,
  ReadResult,
  StartConversationInput,
  TeamView,
} from './inbox.schemas.ts';
import {
  claimItem,
  completeItem,
  listQueue,
  nextItem,
  releaseItem,
  reorder,
  teamView,
} from './queue.service.ts';

const params = z.object({ id: pathId('id') });
/** A command whose body is the whole document: its `commandId` travels in the query. */
const commandQuery = z.object({ commandId: CommandBody.shape.commandId });
const optionalBody = { required: false, content: { 'application/json': { schema: CommandBody } } };

/** The outbox's enqueue side as the app receives it (`apps/sync-server/src/outbox`). */
export interface InboxOutbox {
  enqueueSend: EnqueueSend | ((tx: never, input: never) => Promise<void>);
}

/** InboxDeps for the REST handlers of one app. */
export function restInboxDeps(deps: Deps, sync: SyncCore, enqueueSend?: EnqueueSend): InboxDeps {
  return {
    db: deps.db,
    sync,
    newId: deps.newId,
    now: () => deps.clock().getTime(),
    logger: deps.logger,
    enqueueSend:
      enqueueSend ??
      (async (_tx, job) => {
        // No outbox in this app (tests of REST alone): the message stays `queued`.
        deps.logger.warn({ messageId: job.messageId }, 'no outbox: send not enqueued');
      }),
  };
}

function authed(deps: Deps) {
  const router = createRouter();
  router.use('*', requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }));
  return router;
}

// ---- /api/v1/conversations ---------------------------------------------------------------------

const tags = ['inbox'];

const listConversationsRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary:
    'Conversations the caller may see, newest activity first, with filters, search and unread counts',
  security: bearerSecurity,
  request: { query: ListConversationsQuery },
  responses: {
    200: jsonResponse(ConversationList, 'A page of conversations'),
    ...errors(400, 401),
  },
});

const getConversationRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One conversation',
  security: bearerSecurity,
  request: { params },
  responses: { 200: jsonResponse(ConversationDto, 'The conversation'), ...errors(401, 404) },
});

const listMessagesRoute = createRoute({
  method: 'get',
  path: '/{id}/messages',
  tags,
  summary: 'Messages of a conversation, newest first (`before` pages back)',
  security: bearerSecurity,
  request: { params, query: ListMessagesQuery },
  responses: { 200: jsonResponse(MessageList, 'Messages'), ...errors(400, 401, 404) },
});

const postMessageRoute = createRoute({
  method: 'post',
  path: '/{id}/messages',
  tags,
  summary:
    'Send a message (optionally later: `sendAt`), write an internal note (@mentions notify) or log a call; idempotent by the client `id`',
  security: bearerSecurity,
  request: { params, body: jsonBody(PostMessageInput) },
  responses: {
    201: jsonResponse(PostMessageResult, 'Stored (and enqueued for sending)'),
    200: jsonResponse(PostMessageResult, 'Already stored with this id: the stored message'),
    ...errors(400, 401, 403, 404, 409, 413, 415),
  },
});

const assignRoute = createRoute({
  method: 'post',
  path: '/{id}/assign',
  tags,
  summary:
    'Assign (managers: anyone; SDRs: take an unassigned conversation or hand their own back), with a note for the history',
  security: bearerSecurity,
  request: { params, body: jsonBody(AssignInput) },
  responses: {
    200: jsonResponse(ConversationDto, 'Assigned'),
    ...errors(400, 401, 403, 404, 409, 415),
  },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Change status (open/pending/closed/snoozed), snoozedUntil, priority, labels',
  security: bearerSecurity,
  request: { params, body: jsonBody(PatchConversationInput) },
  responses: {
    200: jsonResponse(ConversationDto, 'Changed'),
    ...errors(400, 401, 403, 404, 409, 415),
  },
});

const readRoute = createRoute({
  method: 'post',
  path: '/{id}/read',
  tags,
  summary: 'Mark the conversation read (unread count 0)',
  security: bearerSecurity,
  request: { params, body: optionalBody },
  responses: { 200: jsonResponse(ConversationDto, 'Read'), ...errors(400, 401, 403, 404, 409) },
});

const assignmentsRoute = createRoute({
  method: 'get',
  path: '/{id}/assignments',
  tags,
  summary: 'Assignment history, oldest first (who, by whom, note, routing reason)',
  security: bearerSecurity,
  request: { params },
  responses: { 200: jsonResponse(AssignmentList, 'History'), ...errors(401, 404) },
});

const historyRoute = createRoute({
  method: 'get',
  path: '/{id}/history',
  tags,
  summary:
    'History, oldest first: assignments (who, by whom, note) and status changes (closed, snoozed until, reopened by a member, by the end of a snooze or by a reply)',
  security: bearerSecurity,
  request: { params },
  responses: { 200: jsonResponse(HistoryList, 'History'), ...errors(401, 404) },
});

async function optionalJson(c: {
  req: { text(): Promise<string> };
}): Promise<{ commandId?: string }> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ApiError('malformed_json', 'The request body is not valid JSON.');
  }
  const r = CommandBody.safeParse(raw);
  if (!r.success) {
    throw new ApiError('invalid_input', 'The request is not valid.', {
      issues: r.error.issues.map((i) => ({
        path: i.path.map(String).join('.'),
        message: i.message,
      })),
    });
  }
  return r.data.commandId === undefined ? {} : { commandId: r.data.commandId };
}

function conversationsRoutes(deps: Deps, d: InboxDeps) {
  return authed(deps)
    .openapi(listConversationsRoute, async (c) =>
      c.json(await listConversations(d, c.var.auth, c.req.valid('query')), 200),
    )
    .openapi(getConversationRoute, async (c) =>
      c.json(await getConversation(d, c.var.auth, c.req.valid('param').id), 200),
    )
    .openapi(listMessagesRoute, async (c) =>
      c.json(await listMessages(d, c.var.auth, c.req.valid('param').id, c.req.valid('query')), 200),
    )
    .openapi(postMessageRoute, async (c) => {
      const { commandId: _ignored, ...body } = c.req.valid('json');
      const r = await postMessage(d, c.var.auth, c.req.valid('param').id, body);
      return c.json(r, r.duplicate ? 200 : 201);
    })
    .openapi(assignRoute, async (c) =>
      c.json(await assign(d, c.var.auth, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(patchRoute, async (c) =>
      c.json(
        await patchConversation(d, c.var.auth, c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
    )
    .openapi(readRoute, async (c) =>
      c.json(await markRead(d, c.var.auth, c.req.valid('param').id, await optionalJson(c)), 200),
    )
    .openapi(assignmentsRoute, async (c) =>
      c.json(await listAssignments(d, c.var.auth, c.req.valid('param').id), 200),
    )
    .openapi(historyRoute, async (c) =>
      c.json(await conversationHistory(d, c.var.auth, c.req.valid('param').id), 200),
    );
}

// ---- /api/v1/leads/{id}/conversations ----------------------------------------------------------

const startRoute = createRoute({
  method: 'post',
  path: '/{id}/conversations',
  tags,
  summary:
    'Start a conversation with a lead on a channel (assigned to the caller; SMS/WhatsApp between the same numbers returns the existing one)',
  security: bearerSecurity,
  request: { params, body: jsonBody(StartConversationInput) },
  responses: {
    201: jsonResponse(ConversationDto, 'The conversation'),
    ...errors(400, 401, 404, 409, 415),
  },
});

function leadConversationsRoutes(deps: Deps, d: InboxDeps) {
  // Mounted next to the leads router: authenticate only this path (not every /leads request twice).
  const router = createRouter();
  router.use(
    '/:id/conversations',
    requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }),
  );
  return router.openapi(startRoute, async (c) =>
    c.json(
      await startConversation(d, c.var.auth, c.req.valid('param').id, c.req.valid('json')),
      201,
    ),
  );
}

// ---- /api/v1/messages --------------------------------------------------------------------------

const cancelRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Cancel a scheduled (send-later) message that has not gone out (409 when it has)',
  security: bearerSecurity,
  request: { params, query: commandQuery },
  responses: { 200: jsonResponse(MessageDto, 'Canceled'), ...errors(401, 403, 404, 409) },
});

function messagesRoutes(deps: Deps, d: InboxDeps) {
  return authed(deps).openapi(cancelRoute, async (c) =>
    c.json(
      await cancelMessage(d, c.var.auth, c.req.valid('param').id, {
        commandId: c.req.valid('query').commandId,
      }),
      200,
    ),
  );
}

// ---- /api/v1/queue -----------------------------------------------------------------------------

const queueTags = ['queue'];

const queueListRoute = createRoute({
  method: 'get',
  path: '/',
  tags: queueTags,
  summary: "Open and claimed items in queue order (`scope=all`: everyone's, managers)",
  security: bearerSecurity,
  request: { query: QueueListQuery },
  responses: { 200: jsonResponse(QueueList, 'Items'), ...errors(400, 401, 403) },
});

const nextRoute = createRoute({
  method: 'post',
  path: '/next',
  tags: queueTags,
  summary:
    'Claim the most urgent open item (own and unassigned team items); never the same item for two callers',
  security: bearerSecurity,
  request: { body: optionalBody },
  responses: {
    200: jsonResponse(QueueNextResult, 'The claimed item, or null'),
    ...errors(400, 401, 409),
  },
});

const itemRoute = (action: 'claim' | 'release' | 'complete', summary: string) =>
  createRoute({
    method: 'post',
    path: `/items/{id}/${action}`,
    tags: queueTags,
    summary,
    security: bearerSecurity,
    request: { params, body: optionalBody },
    responses: {
      200: jsonResponse(QueueItemResult, 'The item'),
      ...errors(400, 401, 404, 409),
    },
  });

const claimRoute = itemRoute('claim', 'Claim an item (409 `conflict` naming who holds it)');
const releaseRoute = itemRoute('release', 'Give a claimed item back to the queue');
const completeRoute = itemRoute('complete', 'Mark an item done');

const orderRoute = createRoute({
  method: 'put',
  path: '/order',
  tags: queueTags,
  summary: 'Managers: pin items in this order (first = top) and unpin others',
  security: bearerSecurity,
  request: { body: jsonBody(QueueOrderInput) },
  responses: { 200: jsonResponse(QueueList, 'Changed items'), ...errors(400, 401, 403, 409, 415) },
});

const teamRoute = createRoute({
  method: 'get',
  path: '/team',
  tags: queueTags,
  summary:
    'Managers: per member open conversations vs capacity, open and claimed items, SLA breaches',
  security: bearerSecurity,
  responses: { 200: jsonResponse(TeamView, 'Team load'), ...errors(401, 403) },
});

function queueRoutes(deps: Deps, d: InboxDeps) {
  return authed(deps)
    .openapi(queueListRoute, async (c) =>
      c.json(await listQueue(d, c.var.auth, c.req.valid('query')), 200),
    )
    .openapi(nextRoute, async (c) =>
      c.json(await nextItem(d, c.var.auth, await optionalJson(c)), 200),
    )
    .openapi(claimRoute, async (c) =>
      c.json(await claimItem(d, c.var.auth, c.req.valid('param').id, await optionalJson(c)), 200),
    )
    .openapi(releaseRoute, async (c) =>
      c.json(await releaseItem(d, c.var.auth, c.req.valid('param').id, await optionalJson(c)), 200),
    )
    .openapi(completeRoute, async (c) =>
      c.json(
        await completeItem(d, c.var.auth, c.req.valid('param').id, await optionalJson(c)),
        200,
      ),
    )
    .openapi(orderRoute, async (c) =>
      c.json(await reorder(d, c.var.auth, c.req.valid('json')), 200),
    )
    .openapi(teamRoute, async (c) => c.json(await teamView(d, c.var.auth), 200));
}

// ---- /api/v1/notifications ---------------------------------------------------------------------

const notificationsRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['notifications'],
  summary: "The caller's notifications, newest first, with the unread count",
  security: bearerSecurity,
  request: { query: ListNotificationsQuery },
  responses: { 200: jsonResponse(NotificationList, 'Notifications'), ...errors(400, 401) },
});

const readNotificationsRoute = createRoute({
  method: 'post',
  path: '/read',
  tags: ['notifications'],
  summary: 'Mark notifications read (by id, or all)',
  security: bearerSecurity,
  request: { body: jsonBody(ReadNotificationsInput) },
  responses: { 200: jsonResponse(ReadResult, 'How many changed'), ...errors(400, 401, 409, 415) },
});

function notificationsRoutes(deps: Deps, d: InboxDeps) {
  return authed(deps)
    .openapi(notificationsRoute, async (c) =>
      c.json(await listNotifications(d, c.var.auth, c.req.valid('query')), 200),
    )
    .openapi(readNotificationsRoute, async (c) =>
      c.json(await readNotifications(d, c.var.auth, c.req.valid('json')), 200),
    );
}

// ---- /api/v1/inbox/settings --------------------------------------------------------------------

const getSettingsRoute = createRoute({
  method: 'get',
  path: '/settings',
  tags,
  summary: 'Inbox settings (routing, business hours, SLA, escalation, queue weights, templates)',
  security: bearerSecurity,
  responses: { 200: jsonResponse(InboxSettingsResponse, 'Settings'), ...errors(401) },
});

const putSettingsRoute = createRoute({
  method: 'put',
  path: '/settings',
  tags,
  summary:
    'Managers and admins: replace the inbox settings (`InboxSettings`; omitted parts take defaults)',
  security: bearerSecurity,
  request: {
    query: commandQuery,
    body: jsonBody(z.record(z.string(), z.unknown()).openapi('InboxSettingsInput')),
  },
  responses: {
    200: jsonResponse(InboxSettingsResponse, 'Saved'),
    ...errors(400, 401, 403, 409, 415),
  },
});

function settingsRoutes(deps: Deps, d: InboxDeps) {
  return authed(deps)
    .openapi(getSettingsRoute, async (c) => c.json(await getSettings(d, c.var.auth), 200))
    .openapi(putSettingsRoute, async (c) =>
      c.json(
        await putSettings(d, c.var.auth, c.req.valid('json'), c.req.valid('query').commandId),
        200,
      ),
    );
}

// ---- /api/v1/me/notification-preferences -------------------------------------------------------

const prefsTags = ['notifications'];

const getPrefsRoute = createRoute({
  method: 'get',
  path: '/',
  tags: prefsTags,
  summary:
    "The caller's notification preferences (per category, quiet hours, do-not-disturb), the same on every device",
  security: bearerSecurity,
  responses: { 200: jsonResponse(NotificationPrefsResponse, 'Preferences'), ...errors(401) },
});

const putPrefsRoute = createRoute({
  method: 'put',
  path: '/',
  tags: prefsTags,
  summary: "Replace the caller's notification preferences (omitted parts take defaults)",
  security: bearerSecurity,
  request: {
    query: commandQuery,
    body: jsonBody(z.record(z.string(), z.unknown()).openapi('NotificationPrefsInput')),
  },
  responses: {
    200: jsonResponse(NotificationPrefsResponse, 'Saved'),
    ...errors(400, 401, 409, 415),
  },
});

/**
 * Mounted under `/api/v1/me`, whose router's `*` middleware (`me.routes.ts`) already authenticates
 * every request below it: no second `requireAuth` here (the route tests check the 401).
 */
function prefsRoutes(d: InboxDeps) {
  return createRouter()
    .openapi(getPrefsRoute, async (c) =>
      c.json(await loadNotificationPrefs(d.db, c.var.auth.userId), 200),
    )
    .openapi(putPrefsRoute, async (c) =>
      c.json(
        await putNotificationPrefs(
          d,
          c.var.auth,
          c.req.valid('json'),
          c.req.valid('query').commandId,
        ),
        200,
      ),
    );
}

/** Every inbox router with its mount point (`app.route(path, router)` for each). */
export function inboxRouters(
  deps: Deps,
  sync: SyncCore,
  outbox?: InboxOutbox,
): [string, OpenAPIHono<AppEnv>][] {
  const enqueue = outbox?.enqueueSend as EnqueueSend | undefined;
  const d = restInboxDeps(deps, sync, enqueue ? (tx, job) => enqueue(tx, job) : undefined);
  return [
    ['/api/v1/conversations', conversationsRoutes(deps, d)],
    ['/api/v1/leads', leadConversationsRoutes(deps, d)],
    ['/api/v1/messages', messagesRoutes(deps, d)],
    ['/api/v1/queue', queueRoutes(deps, d)],
    ['/api/v1/notifications', notificationsRoutes(deps, d)],
    ['/api/v1/inbox', settingsRoutes(deps, d)],
    ['/api/v1/me/notification-preferences', prefsRoutes(d)],
  ];
}
