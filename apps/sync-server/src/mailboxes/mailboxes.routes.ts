/** `/api/v1/mailboxes`: a member's IMAP + SMTP mailboxes (checked on save; secrets never answered). */
import { createRoute, z } from '@hono/zod-openapi';
import { pathId } from '../api-schemas.ts';
import { checkMailbox } from '../channels/email/mailbox-check.ts';
import type { Deps } from '../context.ts';
import { loadSecretBox, type SecretBox } from '../crypto/secret-box.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonBody, jsonResponse } from '../openapi.ts';
import { MailboxDto, MailboxList, MailboxPut } from './mailboxes.schemas.ts';
import {
  deleteMailbox,
  getMailbox,
  listMailboxes,
  putMailbox,
  type MailboxDeps,
} from './mailboxes.service.ts';

const tags = ['mailboxes'];
const params = z.object({ id: pathId('id') });

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary:
    "The caller's mailboxes (admins: every mailbox of the workspace); passwords are never returned",
  security: bearerSecurity,
  responses: { 200: jsonResponse(MailboxList, 'Mailboxes'), ...errors(401) },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One mailbox (its owner or an admin)',
  security: bearerSecurity,
  request: { params },
  responses: { 200: jsonResponse(MailboxDto, 'The mailbox'), ...errors(401, 404) },
});

const putRoute = createRoute({
  method: 'put',
  path: '/{id}',
  tags,
  summary:
    "Connect or change the caller's mailbox `id` (IMAP + SMTP with a password or an app password; OAuth is not supported). " +
    'The settings are checked against the servers first: a refused login, an unreachable host or a TLS problem is a 400 naming `imap` or `smtp`, and nothing is stored.',
  security: bearerSecurity,
  request: { params, body: jsonBody(MailboxPut) },
  responses: {
    200: jsonResponse(MailboxDto, 'Saved'),
    ...errors(400, 401, 403, 409, 413, 415),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Disconnect a mailbox (its owner or an admin); its conversations stay',
  security: bearerSecurity,
  request: { params },
  responses: { 204: { description: 'Removed' }, ...errors(401, 404) },
});

export interface MailboxRoutesOptions {
  /** Default: `loadSecretBox(env.dataDir, env.secretBoxKey)`. */
  box?: SecretBox;
  /** Per-protocol timeout of the check on save (default 15 s). */
  checkTimeoutMs?: number;
}

export function mailboxesRoutes(deps: Deps, options: MailboxRoutesOptions = {}) {
  const d: MailboxDeps = {
    db: deps.db,
    box: options.box ?? loadSecretBox(deps.env.dataDir, deps.env.secretBoxKey),
    now: () => deps.clock().getTime(),
    check: (imap, smtp) => checkMailbox(imap, smtp, { timeoutMs: options.checkTimeoutMs }),
  };
  const router = createRouter();
  router.use('*', requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }));
  return router
    .openapi(listRoute, async (c) => c.json({ items: await listMailboxes(d, c.var.auth) }, 200))
    .openapi(getRoute, async (c) =>
      c.json(await getMailbox(d, c.var.auth, c.req.valid('param').id), 200),
    )
    .openapi(putRoute, async (c) =>
      c.json(await putMailbox(d, c.var.auth, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(deleteRoute, async (c) => {
      await deleteMailbox(d, c.var.auth, c.req.valid('param').id);
      return c.body(null, 204);
    });
}
