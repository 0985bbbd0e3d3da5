/**
 * The one code path of Twilio's webhooks (`POST /webhooks/twilio/messaging`, `.../status`),
 * whoever serves them: the node fast path in front of Hono (`twilio-node-handler.ts`) and the Hono
 * route (`webhooks.routes.ts`, e.g. under `app.request`) both read the raw body and call
 * `twilioIntake`, which verifies and stores or throws the `ApiError` to answer with.
 *
 * - The workspace is the Twilio integration of `AccountSid` (in-memory cache); inbound: `To` must
 *   be one of its numbers.
 * - `X-Twilio-Signature` is checked with its auth token over `PUBLIC_BASE_URL` + path + query (the
 *   URL Twilio was given, whatever address the server listens on).
 * - Verified events are stored by the group-committed store (`webhook-store.ts`); the promise
 *   resolves once the row (or the one it duplicates) is committed, so a 2xx means "stored".
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { validateTwilioSignature } from '../channels/twilio/twilio-client.ts';
import type { Deps } from '../context.ts';
import { secretBoxFor } from '../crypto/secret-box.ts';
import { ApiError } from '../errors.ts';
import { twilioAccountBySid } from '../integrations/integrations.service.ts';
import { webhookStoreFor, type IncomingEvent } from './webhook-store.ts';

export type FormParams = Record<string, string | string[]>;
export type TwilioWebhookKind = 'messaging' | 'status';

/** What Twilio answers: empty TwiML. */
export const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
export const TWIML_CONTENT_TYPE = 'text/xml; charset=utf-8';

/** The app's body limit (`BODY_LIMIT_BYTES`), enforced by the Twilio paths while reading. */
export const TWILIO_BODY_LIMIT_BYTES = 64 * 1024;

export function tooLarge(limit = TWILIO_BODY_LIMIT_BYTES): ApiError {
  return new ApiError('payload_too_large', `The request body is larger than ${limit / 1024} KB.`);
}

function forbidden(message = 'The request signature is missing or not valid.'): ApiError {
  return new ApiError('forbidden', message);
}

const decode = (s: string): string => {
  const plus = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    // Malformed escapes: as URLSearchParams does, keep what cannot be decoded.
    return new URLSearchParams(`x=${s}`).get('x') ?? plus;
  }
};

/**
 * `application/x-www-form-urlencoded` → params (a repeated name becomes an array), as
 * `URLSearchParams` reads it, without building one.
 */
export function parseForm(body: string): FormParams {
  // No prototype: a parameter named `__proto__` or `constructor` is a parameter like any other.
  const out = Object.create(null) as FormParams;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf('&', start);
    if (end < 0) end = body.length;
    if (end > start) {
      const eq = body.indexOf('=', start);
      const hasValue = eq >= 0 && eq < end;
      const name = decode(body.slice(start, hasValue ? eq : end));
      const value = hasValue ? decode(body.slice(eq + 1, end)) : '';
      const prev = out[name];
      if (prev === undefined) out[name] = value;
      else out[name] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    start = end + 1;
  }
  return out;
}

export const one = (p: FormParams, name: string): string | undefined => {
  const v = p[name];
  return Array.isArray(v) ? v[0] : v;
};

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

/**
 * The body of a node request as text, at most `limit` bytes: a declared `Content-Length` over it
 * is refused before reading, a longer body as soon as it passes the limit (the rest is
 * discarded); both with the 413 error.
 */
export function readIncoming(
  incoming: IncomingMessage,
  limit = TWILIO_BODY_LIMIT_BYTES,
): Promise<string> {
  const declared = Number(incoming.headers['content-length'] ?? NaN);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  // Inline listeners, not named closures: under tsx each named function costs a defineProperty.
  // After the first outcome the others are ignored (no listener is removed: the request is done).
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    incoming.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        settled = true;
        incoming.resume(); // discard the rest
        reject(tooLarge(limit));
      }
    });
    incoming.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(
        chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
      );
    });
    incoming.on('error', (err: Error) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
    incoming.on('close', () => {
      if (settled) return;
      settled = true;
      reject(new Error('The request was aborted.'));
    });
  });
}

export interface TwilioDelivery {
  kind: TwilioWebhookKind;
  /** The raw form-encoded body. */
  body: string;
  /** `X-Twilio-Signature`. */
  signature: string | undefined;
  /** The request's path and query string as received (`/webhooks/twilio/messaging?x=1`). */
  pathAndQuery: string;
}

/** Verifies and stores one Twilio webhook; throws the `ApiError` to answer with (403). */
export type TwilioIntake = (delivery: TwilioDelivery) => Promise<void>;

export function twilioIntake(deps: Pick<Deps, 'db' | 'env' | 'clock'>): TwilioIntake {
  const box = secretBoxFor(deps.env);
  const store = webhookStoreFor(deps.db);
  return async ({ kind, body, signature, pathAndQuery }) => {
    const params = parseForm(body);
    const accountSid = one(params, 'AccountSid');
    const messageSid = one(params, 'MessageSid') ?? one(params, 'SmsSid');
    if (!accountSid || !messageSid) throw forbidden();
    const account = await twilioAccountBySid(deps.db, box, accountSid);
    if (!account) throw forbidden('Unknown Twilio account.');
    const url = deps.env.publicBaseUrl + pathAndQuery;
    if (!checkTwilioSignature(account.authToken, signature, url, params)) throw forbidden();
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
  };
}
