/**
 * The Message resource of the fake Twilio (API 2010-04-01): its JSON shape
 * (`api.v2010.account.message` in the published OpenAPI spec), create-parameter validation with
 * Twilio's error codes, list filters and Twilio's paging envelope. No HTTP here.
 */
import { randomBytes } from 'node:crypto';
import type { FormParams } from './signature.ts';

export const API_VERSION = '2010-04-01';

export type MessageStatus =
  | 'accepted'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'read'
  | 'received';

/** A stored message; `json()` renders it as the API does. */
export interface FakeMessage {
  sid: string;
  accountSid: string;
  direction: 'inbound' | 'outbound-api';
  from: string | null;
  to: string;
  body: string;
  mediaUrls: string[];
  messagingServiceSid: string | null;
  statusCallback: string | null;
  status: MessageStatus;
  errorCode: number | null;
  errorMessage: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
  price: string | null;
  /** The form parameters of the create request, as received (outbound only). */
  params: FormParams;
}

/** `SM` (or `MM` for a message with media, as Twilio does) + 32 lower-case hex digits. */
export function messageSid(withMedia = false): string {
  return (withMedia ? 'MM' : 'SM') + randomBytes(16).toString('hex');
}

/** `AC` + 32 hex and a 32-hex auth token: a fresh pair of account credentials. */
export function newAccountCredentials(): { accountSid: string; authToken: string } {
  return {
    accountSid: 'AC' + randomBytes(16).toString('hex'),
    authToken: randomBytes(16).toString('hex'),
  };
}

/** RFC 2822 in GMT, as Twilio writes dates: `Thu, 24 Aug 2023 05:01:45 +0000`. */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€';

/** SMS segments: 160/153 GSM-7 characters, 70/67 UCS-2 code units. */
export function segmentCount(body: string): number {
  const gsm = [...body].every((ch) => GSM7.includes(ch));
  const length = gsm ? [...body].length : body.length;
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  if (length <= single) return 1;
  return Math.ceil(length / multi);
}

export function messageJson(m: FakeMessage): Record<string, unknown> {
  const base = `/${API_VERSION}/Accounts/${m.accountSid}/Messages/${m.sid}`;
  return {
    account_sid: m.accountSid,
    api_version: API_VERSION,
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: m.dateSent ? rfc2822(m.dateSent) : null,
    date_updated: rfc2822(m.dateUpdated),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: String(m.mediaUrls.length),
    num_segments: String(segmentCount(m.body)),
    price: m.price,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${base}/Media.json`, feedback: `${base}/Feedback.json` },
    to: m.to,
    uri: `${base}.json`,
  };
}

// ---------------------------------------------------------------------------------------------
// Errors in Twilio's JSON shape

export interface TwilioApiError {
  status: number;
  code: number;
  message: string;
}

export function errorJson(e: TwilioApiError): Record<string, unknown> {
  return {
    code: e.code,
    message: e.message,
    more_info: `https://www.twilio.com/docs/errors/${e.code}`,
    status: e.status,
  };
}

const E164 = /^\+[1-9]\d{1,14}$/;
const SHORT_CODE = /^\d{3,8}$/;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

/** `+E164` or `whatsapp:+E164`; the channel prefix is returned separately. */
export function parseAddress(address: string): { channel: 'sms' | 'whatsapp'; number: string } {
  if (address.startsWith('whatsapp:')) {
    return { channel: 'whatsapp', number: address.slice('whatsapp:'.length) };
  }
  return { channel: 'sms', number: address };
}

/**
 * Twilio's magic test numbers (https://www.twilio.com/docs/iam/test-credentials) as recipients:
 * each makes the create fail with the code Twilio's test credentials return.
 */
export const MAGIC_TO: Record<string, TwilioApiError> = {
  '+15005550001': { status: 400, code: 21211, message: "Invalid 'To' Phone Number" },
  '+15005550002': {
    status: 400,
    code: 21612,
    message: "The 'To' phone number is not currently reachable",
  },
  '+15005550003': {
    status: 400,
    code: 21408,
    message: 'Permission to send an SMS has not been enabled for the region',
  },
  '+15005550004': {
    status: 400,
    code: 21610,
    message: 'Attempt to send to unsubscribed recipient',
  },
  '+15005550009': { status: 400, code: 21614, message: "'To' number is not a valid mobile number" },
};

export interface CreateRequest {
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  mediaUrls: string[];
  statusCallback: string | null;
}

function single(params: FormParams, name: string): string | undefined {
  const v = params[name];
  return Array.isArray(v) ? v[0] : v;
}

function many(params: FormParams, name: string): string[] {
  const v = params[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Validates create parameters in the order Twilio reports problems. */
export function parseCreate(params: FormParams): CreateRequest | TwilioApiError {
  const to = single(params, 'To');
  const from = single(params, 'From') ?? null;
  const messagingServiceSid = single(params, 'MessagingServiceSid') ?? null;
  const body = single(params, 'Body') ?? '';
  const mediaUrls = many(params, 'MediaUrl');
  const statusCallback = single(params, 'StatusCallback') ?? null;
  const contentSid = single(params, 'ContentSid');

  if (!to) return { status: 400, code: 21604, message: "A 'To' phone number is required." };
  if (!from && !messagingServiceSid) {
    return { status: 400, code: 21603, message: "A 'From' phone number is required." };
  }
  if (messagingServiceSid && !/^MG[0-9a-fA-F]{32}$/.test(messagingServiceSid)) {
    return {
      status: 400,
      code: 21701,
      message: `The Messaging Service Sid ${messagingServiceSid} is invalid.`,
    };
  }
  const toAddr = parseAddress(to);
  if (!E164.test(toAddr.number)) {
    return { status: 400, code: 21211, message: `Invalid 'To' Phone Number: ${to}` };
  }
  if (from) {
    const fromAddr = parseAddress(from);
    const ok =
      fromAddr.channel === 'whatsapp'
        ? E164.test(fromAddr.number)
        : E164.test(from) || SHORT_CODE.test(from) || ALPHANUMERIC_SENDER.test(from);
    if (!ok)
      return { status: 400, code: 21212, message: `Invalid From Number (caller ID): ${from}` };
    if (fromAddr.channel !== toAddr.channel) {
      return {
        status: 400,
        code: 21910,
        message: 'Invalid From and To pair. From and To should be of the same channel',
      };
    }
  }
  if (!body && mediaUrls.length === 0 && !contentSid) {
    return { status: 400, code: 21602, message: 'Message body is required.' };
  }
  if (body.length > 1600) {
    return {
      status: 400,
      code: 21617,
      message: 'The concatenated message body exceeds the 1600 character limit.',
    };
  }
  const magic = MAGIC_TO[toAddr.number];
  if (magic) return magic;
  return { to, from, messagingServiceSid, body, mediaUrls, statusCallback };
}

// ---------------------------------------------------------------------------------------------
// List: filters and paging

export interface ListQuery {
  to?: string;
  from?: string;
  /** `DateSent`, `DateSent<` (on or before), `DateSent>` (on or after). */
  dateSent?: string;
  dateSentBefore?: string;
  dateSentAfter?: string;
  pageSize: number;
  page: number;
}

/** A `YYYY-MM-DD` or ISO date-time as a [start, end] range in ms. */
function dateRange(value: string): [number, number] | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(start) ? null : [start, start + 86_400_000 - 1];
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) return null;
  const second = Math.floor(t / 1000) * 1000;
  return [second, second + 999];
}

export function parseListQuery(search: URLSearchParams): ListQuery | TwilioApiError {
  const pageSize = Number(search.get('PageSize') ?? 50);
  const page = Number(search.get('Page') ?? 0);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    return { status: 400, code: 20001, message: 'PageSize must be between 1 and 1000' };
  }
  if (!Number.isInteger(page) || page < 0) {
    return { status: 400, code: 20001, message: 'Page must be a non-negative integer' };
  }
  const q: ListQuery = { pageSize, page };
  const to = search.get('To');
  const from = search.get('From');
  if (to) q.to = to;
  if (from) q.from = from;
  for (const [key, field] of [
    ['DateSent', 'dateSent'],
    ['DateSent<', 'dateSentBefore'],
    ['DateSent>', 'dateSentAfter'],
  ] as const) {
    const v = search.get(key);
    if (!v) continue;
    if (!dateRange(v)) return { status: 400, code: 20001, message: `Invalid ${key}: ${v}` };
    q[field] = v;
  }
  return q;
}

export function matchesQuery(m: FakeMessage, q: ListQuery): boolean {
  if (q.to !== undefined && m.to !== q.to) return false;
  if (q.from !== undefined && m.from !== q.from) return false;
  const sent = m.dateSent?.getTime();
  const checks: [string | undefined, (t: number, r: [number, number]) => boolean][] = [
    [q.dateSent, (t, r) => t >= r[0] && t <= r[1]],
    [q.dateSentBefore, (t, r) => t <= r[1]],
    [q.dateSentAfter, (t, r) => t >= r[0]],
  ];
  for (const [value, test] of checks) {
    if (value === undefined) continue;
    const range = dateRange(value);
    if (sent === undefined || !range || !test(sent, range)) return false;
  }
  return true;
}

/** Twilio's page envelope; newest first, `next_page_uri` carries a `PageToken`. */
export function pageJson(
  accountSid: string,
  all: FakeMessage[],
  q: ListQuery,
  search: URLSearchParams,
): Record<string, unknown> {
  const path = `/${API_VERSION}/Accounts/${accountSid}/Messages.json`;
  const start = q.page * q.pageSize;
  const items = all.slice(start, start + q.pageSize);
  const uriFor = (page: number, token?: string) => {
    const s = new URLSearchParams();
    for (const key of ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>']) {
      const v = search.get(key);
      if (v) s.set(key, v);
    }
    s.set('PageSize', String(q.pageSize));
    s.set('Page', String(page));
    if (token) s.set('PageToken', token);
    return `${path}?${s.toString()}`;
  };
  const last = items.at(-1);
  const hasNext = start + q.pageSize < all.length && last !== undefined;
  const first = items[0];
  return {
    end: items.length === 0 ? 0 : start + items.length - 1,
    first_page_uri: uriFor(0),
    next_page_uri: hasNext ? uriFor(q.page + 1, `PA${last.sid}`) : null,
    page: q.page,
    page_size: q.pageSize,
    previous_page_uri: q.page > 0 && first ? uriFor(q.page - 1, `PB${first.sid}`) : null,
    messages: items.map(messageJson),
    start,
    uri: uriFor(q.page, search.get('PageToken') ?? undefined),
  };
}
