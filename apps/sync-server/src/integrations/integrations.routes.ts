/**
 * `/api/v1/integrations`: connect a workspace's providers.
 * - `PUT /twilio { accountSid, authToken, phoneNumbers }` (admin): the credentials are checked by
 *   fetching the account from Twilio (the official SDK; `TWILIO_API_BASE_URL` points it at a fake
 *   in tests), then stored with the token sealed. `GET /twilio` never returns the token.
 * - `PUT /sendgrid { publicKey }` (admin): the event webhook's verification key; `GET /sendgrid`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { isUniqueViolation } from '../db/helpers.ts';
import { authorize } from '../authorize.ts';
import { createTwilioClient, twilioErrorInfo } from '../channels/twilio/twilio-client.ts';
import type { Deps } from '../context.ts';
import { secretBoxFor } from '../crypto/secret-box.ts';
import { ApiError } from '../errors.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonBody, jsonResponse } from '../openapi.ts';
import {
  parseSendgridKey,
  saveSendgridIntegration,
  saveTwilioIntegration,
  sendgridKeyOfWorkspace,
  twilioAccountOfWorkspace,
} from './integrations.service.ts';

const tags = ['integrations'];
const PhoneNumber = z
  .string()
  .regex(/^(whatsapp:)?\+[1-9]\d{1,14}$/, 'must be +E164 or whatsapp:+E164');

const TwilioPut = z
  .object({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits'),
    authToken: z.string().min(16).max(128),
    phoneNumbers: z.array(PhoneNumber).min(1).max(100),
  })
  .openapi('TwilioIntegrationInput');

const TwilioView = z
  .object({
    connected: z.boolean(),
    accountSid: z.string().nullable(),
    phoneNumbers: z.array(z.string()),
    messagingWebhookUrl: z.string(),
    statusCallbackUrl: z.string(),
  })
  .openapi('TwilioIntegration');

const SendgridPut = z
  .object({ publicKey: z.string().min(40).max(4000) })
  .openapi('SendgridIntegrationInput');
const SendgridView = z
  .object({ connected: z.boolean(), publicKey: z.string().nullable(), eventWebhookUrl: z.string() })
  .openapi('SendgridIntegration');

const getTwilio = createRoute({
  method: 'get',
  path: '/twilio',
  tags,
  summary:
    "The workspace's Twilio connection (never the auth token) and the URLs to configure at Twilio",
  security: bearerSecurity,
  responses: { 200: jsonResponse(TwilioView, 'Twilio'), ...errors(401) },
});
const putTwilio = createRoute({
  method: 'put',
  path: '/twilio',
  tags,
  summary: 'Connect Twilio (admin). The credentials are verified with Twilio first',
  security: bearerSecurity,
  request: { body: jsonBody(TwilioPut) },
  responses: {
    200: jsonResponse(TwilioView, 'Connected'),
    ...errors(400, 401, 403, 409, 413, 415, 502),
  },
});
const getSendgrid = createRoute({
  method: 'get',
  path: '/sendgrid',
  tags,
  summary: "The workspace's SendGrid event webhook key",
  security: bearerSecurity,
  responses: { 200: jsonResponse(SendgridView, 'SendGrid'), ...errors(401) },
});
const putSendgrid = createRoute({
  method: 'put',
  path: '/sendgrid',
  tags,
  summary:
    'Set the SendGrid event webhook verification key (admin; ECDSA P-256, base64 DER or PEM)',
  security: bearerSecurity,
  request: { body: jsonBody(SendgridPut) },
  responses: { 200: jsonResponse(SendgridView, 'Saved'), ...errors(400, 401, 403, 413, 415) },
});

export function integrationsRoutes(deps: Deps) {
  const router = createRouter();
  const box = secretBoxFor(deps.env);
  const urls = () => ({
    messagingWebhookUrl: `${deps.env.publicBaseUrl}/webhooks/twilio/messaging`,
    statusCallbackUrl: `${deps.env.publicBaseUrl}/webhooks/twilio/status`,
  });
  router.use('*', requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }));
  return router
    .openapi(getTwilio, async (c) => {
      const a = await twilioAccountOfWorkspace(deps.db, box, c.var.auth.workspaceId);
      return c.json(
        {
          connected: a !== null,
          accountSid: a?.accountSid ?? null,
          phoneNumbers: a?.phoneNumbers ?? [],
          ...urls(),
        },
        200,
      );
    })
    .openapi(putTwilio, async (c) => {
      authorize(c.var.auth, 'workspace:update');
      const input = c.req.valid('json');
      const client = createTwilioClient({
        accountSid: input.accountSid,
        authToken: input.authToken,
        ...(deps.env.twilioApiBaseUrl ? { baseUrl: deps.env.twilioApiBaseUrl } : {}),
        timeoutMs: 10_000,
      });
      try {
        const account = await client.api.v2010.accounts(input.accountSid).fetch();
        if (account.status !== 'active') {
          throw new ApiError('invalid_input', `The Twilio account is ${account.status}.`);
        }
      } catch (err) {
        if (err instanceof ApiError) throw err;
        const info = twilioErrorInfo(err);
        if (info.kind === 'auth' || info.httpStatus === 404) {
          throw new ApiError('invalid_input', 'Twilio rejected these credentials.', {
            issues: [{ path: 'authToken', message: 'Twilio rejected the account SID or token' }],
          });
        }
        throw new ApiError('provider_failed', `Twilio could not be reached: ${info.message}`);
      }
      const phoneNumbers = [...new Set(input.phoneNumbers)];
      try {
        await saveTwilioIntegration(
          deps.db,
          box,
          { workspaceId: c.var.auth.workspaceId, ...input, phoneNumbers },
          deps.clock().getTime(),
        );
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new ApiError('conflict', 'This Twilio account is connected to another workspace.');
        }
        throw err;
      }
      return c.json(
        { connected: true, accountSid: input.accountSid, phoneNumbers, ...urls() },
        200,
      );
    })
    .openapi(getSendgrid, async (c) => {
      const k = await sendgridKeyOfWorkspace(deps.db, c.var.auth.workspaceId);
      return c.json(
        {
          connected: k !== null,
          publicKey: k?.publicKey ?? null,
          eventWebhookUrl: `${deps.env.publicBaseUrl}/webhooks/email/sendgrid`,
        },
        200,
      );
    })
    .openapi(putSendgrid, async (c) => {
      authorize(c.var.auth, 'workspace:update');
      const { publicKey } = c.req.valid('json');
      try {
        parseSendgridKey(publicKey);
      } catch {
        throw new ApiError('invalid_input', 'The key is not an ECDSA public key.', {
          issues: [{ path: 'publicKey', message: 'expected base64 DER (SPKI) or PEM' }],
        });
      }
      await saveSendgridIntegration(
        deps.db,
        { workspaceId: c.var.auth.workspaceId, publicKey },
        deps.clock().getTime(),
      );
      return c.json(
        {
          connected: true,
          publicKey: publicKey.trim(),
          eventWebhookUrl: `${deps.env.publicBaseUrl}/webhooks/email/sendgrid`,
        },
        200,
      );
    });
}
