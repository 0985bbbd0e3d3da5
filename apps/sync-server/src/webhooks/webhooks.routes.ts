/**
 * Provider webhooks (not under /api/v1, no bearer auth: the providers sign their requests):
 *
 * - `POST /webhooks/twilio/messaging` (incoming SMS/WhatsApp) and `POST /webhooks/twilio/status`
 *   (status callbacks): form-encoded. The workspace is the Twilio integration of `AccountSid`
 *   (inbound: `To` must be one of its numbers); `X-Twilio-Signature` is checked with its auth token
 *   over `PUBLIC_BASE_URL` + path + query, i.e. the URL Twilio was given, whatever address the
 *   server listens on (behind a TLS-terminating proxy, on another port). Answer: empty TwiML.
 * - `POST /webhooks/email/sendgrid` (event webhook, a JSON array): the workspace is the
 *   `sdr_workspace_id` custom arg every event carries (the SMTP sender sets it through
 *   `X-SMTPAPI` unique_args); the ECDSA P-256 signature over timestamp + raw body is checked with
 *   that workspace's verification key.
 *
 * Verified events are stored (`webhook-store.ts`: group-committed `INSERT … ON CONFLICT DO
 * NOTHING`, keys: inbound MessageSid, status MessageSid:MessageStatus, SendGrid sg_event_id) and
 * answered 2xx; `webhook-processor.ts` applies them asynchronously. Unsigned, forged or unknown:
 * 403 and nothing stored. Replays: 2xx, nothing new. Bodies over the app's limit: 413.
 *
 * Twilio: `twilio-intake.ts` is the one verify + store path. Under the node server the two paths
 * are served before Hono (`twilio-node-handler.ts`: no Request/Response objects, no middleware
 * chain); the routes below serve them wherever the app is reached through `fetch`
 * (`app.request`, a plain `serve`). The app's body-limit middleware leaves these paths to them:
 * the limit is enforced while reading.
 */
import { createHash, verify as verifySignature } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { incomingHeader } from '../middleware/request-id/index.ts';
import { sendgridKeyOfWorkspace } from '../integrations/integrations.service.ts';
import { createRouter } from '../openapi.ts';
import {
  readIncoming,
  tooLarge,
  TWILIO_BODY_LIMIT_BYTES,
  TWIML,
  TWIML_CONTENT_TYPE,
  twilioIntake,
  type TwilioWebhookKind,
} from './twilio-intake.ts';
import { webhookStoreFor } from './webhook-store.ts';

/** Paths whose body limit the handler enforces itself (the app's middleware skips them). */
export const SELF_LIMITED_BODY_PATH = /^\/webhooks\/twilio\//;

/**
 * The raw body as text, at most `limit` bytes (413 beyond): from node's `IncomingMessage` when
 * there is one (no WHATWG Request/stream), elsewhere (`app.request`) through Hono.
 */
export async function readBody(c: Context, limit = TWILIO_BODY_LIMIT_BYTES): Promise<string> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function' || incoming.readableEnded) {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > limit) throw tooLarge(limit);
    return text;
  }
  return readIncoming(incoming, limit);
}

function forbidden(message = 'The request signature is missing or not valid.'): ApiError {
  return new ApiError('forbidden', message);
}

/** SendGrid: ECDSA (P-256, SHA-256, DER signature in base64) over timestamp + raw body. */
export function verifySendgridSignature(
  key: Parameters<typeof verifySignature>[2],
  signatureB64: string,
  timestamp: string,
  rawBody: string,
): boolean {
  try {
    return verifySignature(
      'sha256',
      Buffer.from(timestamp + rawBody, 'utf8'),
      key,
      Buffer.from(signatureB64, 'base64'),
    );
  } catch {
    return false;
  }
}

export function webhooksRoutes(deps: Deps) {
  const router = createRouter();
  const store = webhookStoreFor(deps.db);
  const intake = twilioIntake(deps);

  async function twilio(c: Context, kind: TwilioWebhookKind) {
    const raw = c.req.url;
    const q = raw.indexOf('?');
    await intake({
      kind,
      body: await readBody(c),
      signature: incomingHeader(c, 'x-twilio-signature'),
      pathAndQuery: `${c.req.path}${q >= 0 ? raw.slice(q) : ''}`,
    });
    return c.body(TWIML, 200, { 'content-type': TWIML_CONTENT_TYPE });
  }

  router.post('/twilio/messaging', (c) => twilio(c, 'messaging'));
  router.post('/twilio/status', (c) => twilio(c, 'status'));

  router.post('/email/sendgrid', async (c) => {
    const raw = await c.req.text();
    const signature = c.req.header('x-twilio-email-event-webhook-signature');
    const timestamp = c.req.header('x-twilio-email-event-webhook-timestamp');
    if (!signature || !timestamp) throw forbidden();
    let events: unknown;
    try {
      events = JSON.parse(raw);
    } catch {
      throw forbidden();
    }
    if (!Array.isArray(events) || events.length === 0) throw forbidden();
    const workspaces = new Set(
      events.map((e) =>
        e && typeof e === 'object' ? (e as Record<string, unknown>)['sdr_workspace_id'] : undefined,
      ),
    );
    const [workspaceId] = [...workspaces];
    if (workspaces.size !== 1 || typeof workspaceId !== 'string')
      throw forbidden('Events must carry one sdr_workspace_id.');
    const key = await sendgridKeyOfWorkspace(deps.db, workspaceId);
    if (!key || !verifySendgridSignature(key.key, signature, timestamp, raw)) throw forbidden();
    const receivedAt = deps.clock().getTime();
    await store.insertMany(
      events.map((e: Record<string, unknown>) => ({
        provider: 'sendgrid' as const,
        eventKey:
          typeof e['sg_event_id'] === 'string'
            ? e['sg_event_id']
            : createHash('sha256').update(JSON.stringify(e)).digest('hex'),
        workspaceId,
        payload: e,
        receivedAt,
      })),
    );
    return c.body(null, 200);
  });

  return router;
}
