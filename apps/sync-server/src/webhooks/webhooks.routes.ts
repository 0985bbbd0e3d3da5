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
 * Hot path (Twilio): the body is read straight from node's request (`readBody`: no WHATWG
 * Request/stream is built; the app's body-limit middleware leaves these paths to it, the limit
 * is enforced here while reading), the signature is one HMAC (`checkTwilioSignature`), the
 * integration comes from an in-memory cache, and the insert is group-committed.
 */
import { createHash, createHmac, timingSafeEqual, verify as verifySignature } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { validateTwilioSignature } from '../channels/twilio/twilio-client.ts';
import type { Deps } from '../context.ts';
import { secretBoxFor } from '../crypto/secret-box.ts';
import { ApiError } from '../errors.ts';
import { incomingHeader } from '../middleware/request-id/index.ts';
import {
  sendgridKeyOfWorkspace,
  twilioAccountBySid,
} from '../integrations/integrations.service.ts';
import { createRouter } from '../openapi.ts';
import { webhookStoreFor, type IncomingEvent } from './webhook-store.ts';

export type FormParams = Record<string, string | string[]>;

/** `application/x-www-form-urlencoded` → params (a repeated name becomes an array). */
export function parseForm(body: string): FormParams {
  const out: FormParams = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else out[name] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

const one = (p: FormParams, name: string): string | undefined => {
  const v = p[name];
  return Array.isArray(v) ? v[0] : v;
};

const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** The app's body limit (`BODY_LIMIT_BYTES`), enforced here for the Twilio paths. */
const BODY_LIMIT_BYTES = 64 * 1024;
/** Paths whose body limit the handler enforces itself (the app's middleware skips them). */
export const SELF_LIMITED_BODY_PATH = /^\/webhooks\/twilio\//;

function tooLarge(): ApiError {
  return new ApiError(
    'payload_too_large',
    `The request body is larger than ${BODY_LIMIT_BYTES / 1024} KB.`,
  );
}

/**
 * The raw body as text, at most `limit` bytes (413 beyond). Under the node server it is read from
 * the `IncomingMessage` itself, which spares building a WHATWG Request and its stream (most of
 * the framework's cost per webhook); elsewhere (`app.request`) through Hono.
 */
export async function readBody(c: Context, limit = BODY_LIMIT_BYTES): Promise<string> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function' || incoming.readableEnded) {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > limit) throw tooLarge();
    return text;
  }
  const declared = Number(incoming.headers['content-length'] ?? NaN);
  if (declared > limit) throw tooLarge();
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        incoming.resume(); // discard the rest
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(
        chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
      );
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
  });
}

function forbidden(message = 'The request signature is missing or not valid.'): ApiError {
  return new ApiError('forbidden', message);
}

/** The URL the provider signed: the public base + the path (+ query) of this request. */
export function signedUrl(publicBaseUrl: string, c: Context): string {
  const raw = c.req.url;
  const q = raw.indexOf('?');
  return `${publicBaseUrl}${c.req.path}${q >= 0 ? raw.slice(q) : ''}`;
}

/**
 * Twilio's signature check. Fast path: one HMAC over the exact URL when every parameter is
 * single-valued (always the case for messaging and status callbacks); otherwise, or when that
 * does not match, the SDK's `validateRequest` with its URL variants (ports, normalisation).
 */
export function checkTwilioSignature(
  authToken: string,
  header: string | undefined,
  url: string,
  params: FormParams,
): boolean {
  if (!header) return false;
  const names = Object.keys(params).sort();
  if (names.every((n) => typeof params[n] === 'string')) {
    let data = url;
    for (const n of names) data += n + (params[n] as string);
    const expected = createHmac('sha1', authToken).update(data, 'utf8').digest();
    const given = Buffer.from(header, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
  }
  return validateTwilioSignature(authToken, header, url, params);
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
  const box = secretBoxFor(deps.env);
  const store = webhookStoreFor(deps.db);

  async function twilio(c: Context, kind: 'messaging' | 'status') {
    const raw = await readBody(c);
    const params = parseForm(raw);
    const accountSid = one(params, 'AccountSid');
    const messageSid = one(params, 'MessageSid') ?? one(params, 'SmsSid');
    if (!accountSid || !messageSid) throw forbidden();
    const account = await twilioAccountBySid(deps.db, box, accountSid);
    if (!account) throw forbidden('Unknown Twilio account.');
    const signature = incomingHeader(c, 'x-twilio-signature');
    if (
      !checkTwilioSignature(
        account.authToken,
        signature,
        signedUrl(deps.env.publicBaseUrl, c),
        params,
      )
    ) {
      throw forbidden();
    }
    let event: IncomingEvent;
    const receivedAt = deps.clock().getTime();
    if (kind === 'messaging') {
      const to = one(params, 'To') ?? '';
      if (!account.numbers.has(to)) throw forbidden('The To number is not connected.');
      event = {
        provider: 'twilio_messaging',
        eventKey: messageSid,
        workspaceId: account.workspaceId,
        payload: params,
        receivedAt,
      };
    } else {
      const status = one(params, 'MessageStatus') ?? one(params, 'SmsStatus') ?? '';
      event = {
        provider: 'twilio_status',
        eventKey: `${messageSid}:${status}`,
        workspaceId: account.workspaceId,
        payload: params,
        receivedAt,
      };
    }
    await store.insert(event);
    return c.body(TWIML, 200, { 'content-type': 'text/xml; charset=utf-8' });
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
