/**
 * A fake Twilio REST API (Messages, API 2010-04-01) on loopback, for tests, benchmarks and e2e.
 * It speaks Twilio's wire format: form-encoded creates, HTTP Basic auth, JSON resources as in the
 * published OpenAPI spec, Twilio's error JSON, signed status callbacks and signed inbound-message
 * webhooks. See README.md for what of the spec it covers.
 *
 * In-process: `const fake = await startFakeTwilio(); fake.addAccount(sid, token);` and point the
 * SDK at `fake.url` (`createTwilioClient({ …, baseUrl: fake.url })`). As a process: `main.ts`, driven
 * through the `/__fake/*` control routes (`control.ts`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControl } from './control.ts';
import {
  API_VERSION,
  errorJson,
  matchesQuery,
  messageJson,
  messageSid,
  pageJson,
  parseAddress,
  parseCreate,
  parseListQuery,
  rfc2822,
  segmentCount,
  type FakeMessage,
  type MessageStatus,
  type TwilioApiError,
} from './messages.ts';
import { formDecode, formEncode, twilioSignature, type FormParams } from './signature.ts';

export interface CallbackOptions {
  /** Extra copies of every status callback (0 = each once). */
  duplicate?: number;
  /** Deliver a message's callbacks in a random (seeded) order instead of queued → sent → …. */
  shuffle?: boolean;
  /** Pause before each status step (ms). Default 5. */
  stepMs?: number;
}

export interface FakeTwilioOptions {
  port?: number;
  host?: string;
  callbacks?: CallbackOptions;
  /** Seed of the random order used by `shuffle`. */
  seed?: number;
}

/** What happens to the next create request(s), for failure tests. */
export type Fault =
  /**
   * Answer with this HTTP status and Twilio's error JSON (or `body`, e.g. an RFC 9457 problem);
   * no message is created.
   */
  | { kind: 'status'; status: number; code?: number; message?: string; body?: unknown }
  /** Destroy the connection before creating anything. */
  | { kind: 'reset' }
  /** Create the message (callbacks follow), then destroy the connection: the caller cannot know. */
  | { kind: 'reset-after-create' }
  /** Answer normally, but only after `ms`. */
  | { kind: 'delay'; ms: number }
  /**
   * Hold the request `ms` before accepting it; a caller that hung up meanwhile never reached
   * Twilio (nothing is created). Lists: answered after `ms`.
   */
  | { kind: 'hold'; ms: number };

export type FaultTarget = 'create' | 'list' | 'media';

/** How a recipient's messages end: the statuses reported after `queued`. */
export interface DeliveryFailure {
  status: 'failed' | 'undelivered';
  /** e.g. 30003 unreachable, 30005 unknown destination, 30007 carrier filtering. */
  errorCode: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The form or query parameters. */
  params: FormParams;
  accountSid: string | null;
  status: number;
}

export interface DeliveredCallback {
  url: string;
  params: FormParams;
  signature: string;
  /** The HTTP status the receiver answered, null when the POST itself failed. */
  responseStatus: number | null;
  error: string | null;
}

export interface SendInboundInput {
  /** The webhook URL configured for the number (the URL that is signed). */
  url: string;
  /** `+E164` (SMS) or `whatsapp:+E164`. */
  from: string;
  to: string;
  body: string;
  /** Needed when several accounts are configured. */
  accountSid?: string;
  /**
   * `MediaUrl{i}`/`MediaContentType{i}`. With `bytes` (and no `url`) the fake hosts the media as
   * Twilio does: `MediaUrl` is `…/Messages/{MessageSid}/Media/{MediaSid}` on this API, needing
   * Basic auth, and redirecting (307) to a short-lived CDN URL on another origin (`served`).
   */
  media?: { url?: string; contentType: string; bytes?: Uint8Array; servedType?: string }[];
  /** WhatsApp display name (`ProfileName`); default "Test User". */
  profileName?: string;
  messagingServiceSid?: string;
  /** Sign with this token instead of the account's (for negative tests). */
  signWithToken?: string;
  /** Sign this URL instead of `url` (for port-variant tests). */
  signUrl?: string;
}

export interface InboundResult {
  sid: string;
  params: FormParams;
  signature: string;
  /** The receiver's answer (usually TwiML). */
  status: number;
  body: string;
}

export interface FakeTwilio {
  /** `http://127.0.0.1:<port>`; give it to `createTwilioClient({ baseUrl })`. */
  readonly url: string;
  addAccount(accountSid: string, authToken: string): void;
  /** Messages created through the API (outbound), in order of creation. */
  readonly messages: readonly FakeMessage[];
  /** Inbound messages simulated with `sendInbound`. */
  readonly inbound: readonly FakeMessage[];
  /** Every REST request, with the HTTP status it got (callbacks and control routes excluded). */
  readonly requests: readonly RecordedRequest[];
  /** Every status callback POSTed, in the order sent. */
  readonly callbacks: readonly DeliveredCallback[];
  /** Every request for hosted media content, at the API (`api`) or the CDN (`cdn`). */
  readonly mediaRequests: readonly {
    at: 'api' | 'cdn';
    path: string;
    authorization: boolean;
    status: number;
  }[];
  setCallbackOptions(options: CallbackOptions): void;
  /** Creates to `to` fail at once with this error (e.g. 21610 for an unsubscribed recipient). */
  rejectTo(to: string, error: { code: number; message?: string; status?: number }): void;
  /** Messages to `to` are accepted, then end `failed`/`undelivered` with an ErrorCode. */
  failDelivery(to: string, failure: DeliveryFailure): void;
  /**
   * Applies `fault` to the next `count` create requests (`on: 'list'`: Messages list requests;
   * `'media'`: requests for hosted media content).
   */
  failNext(fault: Fault, count?: number, on?: FaultTarget): void;
  /** POSTs a signed incoming-message webhook as Twilio does; stores the message. */
  sendInbound(input: SendInboundInput): Promise<InboundResult>;
  /** Resolves once every scheduled status callback has been delivered. */
  settled(): Promise<void>;
  /** Forgets messages, requests, callbacks and faults; keeps accounts. */
  reset(): void;
  close(): Promise<void>;
}

const ACCOUNT_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/;
const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const MESSAGE_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/;
/** Media content (no `.json`: the bytes, through a redirect). */
const MEDIA_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\/Media\/(ME[0-9a-f]{32})$/;

/** A small seeded PRNG (mulberry32), so shuffled orders are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The number Twilio's test credentials accept as a sender; used for Messaging Service sends. */
const SERVICE_SENDER = '+15005550006';

export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const accounts = new Map<string, string>();
  const messages: FakeMessage[] = [];
  const inbound: FakeMessage[] = [];
  const requests: RecordedRequest[] = [];
  const callbacks: DeliveredCallback[] = [];
  const rejections = new Map<string, TwilioApiError>();
  const failures = new Map<string, DeliveryFailure>();
  const faults: Fault[] = [];
  const listFaults: Fault[] = [];
  const mediaFaults: Fault[] = [];
  const hosted = new Map<string, { accountSid: string; contentType: string; bytes: Uint8Array }>();
  const cdnTokens = new Map<string, string>();
  const mediaRequests: FakeTwilio['mediaRequests'][number][] = [];
  const pending = new Set<Promise<void>>();
  let callbackOptions: CallbackOptions = { ...options.callbacks };
  const random = rng(options.seed ?? 1);

  function authenticate(req: IncomingMessage, pathSid: string): string | null {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return null;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    if (colon < 0 || accounts.get(user) !== password || user !== pathSid) return null;
    return user;
  }

  function send(
    res: ServerResponse,
    status: number,
    json: unknown,
    extra: Record<string, string> = {},
  ) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...extra });
    res.end(JSON.stringify(json));
  }

  function sendError(res: ServerResponse, e: TwilioApiError) {
    const extra: Record<string, string> =
      e.status === 401 ? { 'www-authenticate': 'Basic realm="Twilio API"' } : {};
    send(res, e.status, errorJson(e), extra);
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function statusCallbackParams(m: FakeMessage): FormParams {
    const params: FormParams = {
      AccountSid: m.accountSid,
      ApiVersion: API_VERSION,
      From: m.from ?? '',
      MessageSid: m.sid,
      MessageStatus: m.status,
      SmsSid: m.sid,
      SmsStatus: m.status,
      To: m.to,
    };
    if (m.messagingServiceSid) params['MessagingServiceSid'] = m.messagingServiceSid;
    if (m.errorCode !== null && (m.status === 'failed' || m.status === 'undelivered')) {
      params['ErrorCode'] = String(m.errorCode);
    }
    const to = parseAddress(m.to);
    if (to.channel === 'whatsapp') {
      params['ChannelPrefix'] = 'whatsapp';
      params['ChannelToAddress'] = to.number;
    }
    return params;
  }

  async function postCallback(url: string, accountSid: string, params: FormParams) {
    const token = accounts.get(accountSid) ?? '';
    const signature = twilioSignature(token, url, params);
    const record: DeliveredCallback = { url, params, signature, responseStatus: null, error: null };
    callbacks.push(record);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature,
          'user-agent': 'TwilioProxy/1.1',
          'i-twilio-idempotency-token': crypto.randomUUID(),
        },
        body: formEncode(params),
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer();
      record.responseStatus = res.status;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
  }

  /** queued → sent → delivered (or the recipient's failure), updating the resource as it goes. */
  async function progress(m: FakeMessage) {
    const failure = failures.get(m.to);
    const steps: MessageStatus[] = !failure
      ? ['queued', 'sent', 'delivered']
      : failure.status === 'failed'
        ? ['queued', 'failed']
        : ['queued', 'sent', 'undelivered'];
    const opts = callbackOptions;
    const snapshots: FormParams[] = [];
    for (const status of steps) {
      await sleep(opts.stepMs ?? 5);
      const now = new Date();
      m.status = status;
      m.dateUpdated = now;
      if (status === 'sent') {
        m.dateSent = now;
        m.from ??= SERVICE_SENDER;
        m.price = (-0.0079 * segmentCount(m.body)).toFixed(5);
      }
      if (failure && status === failure.status) {
        m.errorCode = failure.errorCode;
        m.errorMessage = `Delivery failed (${failure.errorCode})`;
      }
      if (!m.statusCallback) continue;
      const params = statusCallbackParams(m);
      if (opts.shuffle) snapshots.push(params);
      else {
        for (let i = 0; i <= (opts.duplicate ?? 0); i++) {
          await postCallback(m.statusCallback, m.accountSid, params);
        }
      }
    }
    if (opts.shuffle && m.statusCallback) {
      const all = snapshots.flatMap((p) =>
        Array.from({ length: (opts.duplicate ?? 0) + 1 }, () => p),
      );
      for (let i = all.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [all[i], all[j]] = [all[j]!, all[i]!];
      }
      for (const p of all) await postCallback(m.statusCallback, m.accountSid, p);
    }
  }

  function schedule(task: () => Promise<void>) {
    const p = task().finally(() => pending.delete(p));
    pending.add(p);
  }

  async function createMessage(
    req: IncomingMessage,
    res: ServerResponse,
    accountSid: string,
    params: FormParams,
    record: RecordedRequest,
  ) {
    const fault = faults.shift();
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (fault?.kind === 'hold') {
      let gone = false;
      res.once('close', () => (gone = !res.writableFinished));
      await sleep(fault.ms);
      if (gone || req.socket.destroyed) {
        record.status = 0;
        return;
      }
    }
    if (fault?.kind === 'reset') {
      record.status = 0;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      record.status = fault.status;
      if (fault.body !== undefined) return send(res, fault.status, fault.body);
      sendError(res, {
        status: fault.status,
        code: fault.code ?? (fault.status === 429 ? 20429 : 20500),
        message:
          fault.message ?? (fault.status === 429 ? 'Too Many Requests' : 'Service unavailable'),
      });
      return;
    }
    const parsed = parseCreate(params);
    const rejected = 'code' in parsed ? parsed : rejections.get(parsed.to);
    if (rejected) {
      record.status = rejected.status;
      sendError(res, rejected);
      return;
    }
    const create = parsed as Exclude<typeof parsed, TwilioApiError>;
    const now = new Date();
    const m: FakeMessage = {
      sid: messageSid(create.mediaUrls.length > 0),
      accountSid,
      direction: 'outbound-api',
      from: create.from,
      to: create.to,
      body: create.body,
      mediaUrls: create.mediaUrls,
      messagingServiceSid: create.messagingServiceSid,
      statusCallback: create.statusCallback,
      status: create.from ? 'queued' : 'accepted',
      errorCode: null,
      errorMessage: null,
      dateCreated: now,
      dateUpdated: now,
      dateSent: null,
      price: null,
      params,
    };
    messages.push(m);
    if (fault?.kind === 'reset-after-create') {
      record.status = 0;
      req.socket.destroy();
    } else {
      record.status = 201;
      send(res, 201, messageJson(m));
    }
    schedule(() => progress(m));
  }

  /** A fault on a read (list, media): waits, drops the connection or answers an error. */
  async function answeredByFault(
    fault: Fault | undefined,
    req: IncomingMessage,
    res: ServerResponse,
    record: { status: number },
  ): Promise<boolean> {
    if (fault?.kind === 'delay' || fault?.kind === 'hold') await sleep(fault.ms);
    if (fault?.kind === 'reset' || fault?.kind === 'reset-after-create') {
      record.status = 0;
      req.socket.destroy();
      return true;
    }
    if (fault?.kind !== 'status') return false;
    record.status = fault.status;
    sendError(res, {
      status: fault.status,
      code: fault.code ?? 20500,
      message: fault.message ?? 'Service unavailable',
    });
    return true;
  }

  /** GET of hosted media: Basic auth, then a 307 to a one-time CDN URL (another origin). */
  async function handleMedia(req: IncomingMessage, res: ServerResponse, m: RegExpExecArray) {
    const record = {
      at: 'api' as const,
      path: m[0],
      authorization: !!req.headers.authorization,
      status: 0,
    };
    mediaRequests.push(record);
    if (await answeredByFault(mediaFaults.shift(), req, res, record)) return;
    const media = hosted.get(m[3]!);
    if (!authenticate(req, decodeURIComponent(m[1] ?? ''))) {
      record.status = 401;
      return sendError(res, { status: 401, code: 20003, message: 'Authenticate' });
    }
    if (!media || media.accountSid !== m[1]) {
      record.status = 404;
      return sendError(res, {
        status: 404,
        code: 20404,
        message: `The requested resource ${m[0]} was not found`,
      });
    }
    const token = randomUUID();
    cdnTokens.set(token, m[3]!);
    record.status = 307;
    res.writeHead(307, { location: `${cdnUrl}/media/${m[3]}?token=${token}` });
    res.end();
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL) {
    const method = req.method ?? 'GET';
    const list = MESSAGES_PATH.exec(url.pathname);
    const one = MESSAGE_PATH.exec(url.pathname);
    const rawBody = method === 'POST' ? await readBody(req) : '';
    const params = method === 'POST' ? formDecode(rawBody) : formDecode(url.search.slice(1));
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      params,
      accountSid: null,
      status: 0,
    };
    requests.push(record);
    const account = ACCOUNT_PATH.exec(url.pathname);
    if (account && method === 'GET') {
      // Fetch an Account (used to check credentials): the SDK's `api.v2010.accounts(sid).fetch()`.
      const sid = authenticate(req, decodeURIComponent(account[1] ?? ''));
      record.accountSid = sid;
      record.status = sid ? 200 : 401;
      if (!sid) return sendError(res, { status: 401, code: 20003, message: 'Authenticate' });
      const created = rfc2822(new Date(0));
      return send(res, 200, {
        auth_token: accounts.get(sid),
        date_created: created,
        date_updated: created,
        friendly_name: `Fake account ${sid.slice(-6)}`,
        owner_account_sid: sid,
        sid,
        status: 'active',
        subresource_uris: {},
        type: 'Full',
        uri: `/2010-04-01/Accounts/${sid}.json`,
      });
    }
    const pathSid = decodeURIComponent((list ?? one)?.[1] ?? '');
    if (!list && !one) {
      record.status = 404;
      return sendError(res, {
        status: 404,
        code: 20404,
        message: `The requested resource ${url.pathname} was not found`,
      });
    }
    const accountSid = authenticate(req, pathSid);
    if (!accountSid) {
      record.status = 401;
      return sendError(res, { status: 401, code: 20003, message: 'Authenticate' });
    }
    record.accountSid = accountSid;
    if (list && method === 'POST') return createMessage(req, res, accountSid, params, record);
    if (list && method === 'GET') {
      if (await answeredByFault(listFaults.shift(), req, res, record)) return;
      const q = parseListQuery(url.searchParams);
      if ('code' in q) {
        record.status = q.status;
        return sendError(res, q);
      }
      const all = [...messages, ...inbound]
        .filter((m) => m.accountSid === accountSid && matchesQuery(m, q))
        .sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime());
      record.status = 200;
      return send(res, 200, pageJson(accountSid, all, q, url.searchParams));
    }
    if (one && method === 'GET') {
      const sid = decodeURIComponent(one[2] ?? '');
      const m = [...messages, ...inbound].find((x) => x.sid === sid && x.accountSid === accountSid);
      if (!m) {
        record.status = 404;
        return sendError(res, {
          status: 404,
          code: 20404,
          message: `The requested resource ${url.pathname} was not found`,
        });
      }
      record.status = 200;
      return send(res, 200, messageJson(m));
    }
    record.status = 405;
    return sendError(res, { status: 405, code: 20004, message: 'Method not allowed' });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake.twilio.local');
    const media = req.method === 'GET' ? MEDIA_PATH.exec(url.pathname) : null;
    const handle = url.pathname.startsWith('/__fake/')
      ? handleControl(req, res, url, fake)
      : media
        ? handleMedia(req, res, media)
        : handleApi(req, res, url);
    handle.catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { code: 20500, message: String(error), status: 500 });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const apiUrl = `http://${host}:${address.port}`;

  // The media CDN: another origin, no auth, one-time token URLs (like Twilio's signed S3 URLs).
  const cdn = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://cdn.local');
    const sid = cdnTokens.get(url.searchParams.get('token') ?? '');
    const media = sid && url.pathname === `/media/${sid}` ? hosted.get(sid) : undefined;
    const record = {
      at: 'cdn' as const,
      path: url.pathname,
      authorization: !!req.headers.authorization,
      status: media ? 200 : 403,
    };
    mediaRequests.push(record);
    if (!media) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<Error><Code>AccessDenied</Code></Error>');
      return;
    }
    cdnTokens.delete(url.searchParams.get('token')!);
    res.writeHead(200, {
      'content-type': media.contentType,
      'content-length': String(media.bytes.byteLength),
    });
    res.end(media.bytes);
  });
  await new Promise<void>((resolve, reject) => {
    cdn.once('error', reject);
    cdn.listen(0, options.host ?? '127.0.0.1', resolve);
  });
  const cdnUrl = `http://${host}:${(cdn.address() as AddressInfo).port}`;

  function accountFor(input: { accountSid?: string }): string {
    if (input.accountSid) return input.accountSid;
    if (accounts.size !== 1)
      throw new Error('sendInbound: pass accountSid (zero or several accounts configured)');
    return [...accounts.keys()][0]!;
  }

  const fake: FakeTwilio = {
    url: apiUrl,
    addAccount(accountSid, authToken) {
      accounts.set(accountSid, authToken);
    },
    messages,
    inbound,
    requests,
    callbacks,
    mediaRequests,
    setCallbackOptions(next) {
      callbackOptions = { ...next };
    },
    rejectTo(to, error) {
      rejections.set(to, {
        status: error.status ?? 400,
        code: error.code,
        message: error.message ?? `Error ${error.code}`,
      });
    },
    failDelivery(to, failure) {
      failures.set(to, failure);
    },
    failNext(fault, count = 1, on = 'create') {
      const queue = on === 'list' ? listFaults : on === 'media' ? mediaFaults : faults;
      for (let i = 0; i < count; i++) queue.push(fault);
    },
    async sendInbound(input) {
      const accountSid = accountFor(input);
      const token = input.signWithToken ?? accounts.get(accountSid);
      if (token === undefined) throw new Error(`sendInbound: unknown account ${accountSid}`);
      const sid = messageSid((input.media ?? []).length > 0);
      const media = (input.media ?? []).map((item) => {
        if (item.url !== undefined || !item.bytes)
          return { url: item.url ?? '', contentType: item.contentType };
        const mediaSid = `ME${randomBytes(16).toString('hex')}`;
        hosted.set(mediaSid, {
          accountSid,
          contentType: item.servedType ?? item.contentType,
          bytes: item.bytes,
        });
        return {
          url: `${apiUrl}/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media/${mediaSid}`,
          contentType: item.contentType,
        };
      });
      const whatsapp = parseAddress(input.from).channel === 'whatsapp';
      const params: FormParams = {
        AccountSid: accountSid,
        ApiVersion: API_VERSION,
        Body: input.body,
        From: input.from,
        MessageSid: sid,
        NumMedia: String(media.length),
        NumSegments: String(segmentCount(input.body)),
        SmsMessageSid: sid,
        SmsSid: sid,
        SmsStatus: 'received',
        To: input.to,
      };
      if (input.messagingServiceSid) params['MessagingServiceSid'] = input.messagingServiceSid;
      media.forEach((item, i) => {
        params[`MediaUrl${i}`] = item.url;
        params[`MediaContentType${i}`] = item.contentType;
      });
      if (whatsapp) {
        params['ProfileName'] = input.profileName ?? 'Test User';
        params['WaId'] = parseAddress(input.from).number.replace(/^\+/, '');
        params['MessageType'] =
          media.length > 0 ? (media[0]!.contentType.split('/')[0] ?? 'document') : 'text';
        params['ReferralNumMedia'] = '0';
      } else {
        for (const key of [
          'FromCity',
          'FromState',
          'FromZip',
          'FromCountry',
          'ToCity',
          'ToState',
          'ToZip',
          'ToCountry',
        ]) {
          params[key] = '';
        }
      }
      const now = new Date();
      inbound.push({
        sid,
        accountSid,
        direction: 'inbound',
        from: input.from,
        to: input.to,
        body: input.body,
        mediaUrls: media.map((m) => m.url),
        messagingServiceSid: input.messagingServiceSid ?? null,
        statusCallback: null,
        status: 'received',
        errorCode: null,
        errorMessage: null,
        dateCreated: now,
        dateUpdated: now,
        dateSent: now,
        price: null,
        params,
      });
      const signature = twilioSignature(token, input.signUrl ?? input.url, params);
      const res = await fetch(input.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature,
          'user-agent': 'TwilioProxy/1.1',
          'i-twilio-idempotency-token': crypto.randomUUID(),
        },
        body: formEncode(params),
        signal: AbortSignal.timeout(15_000),
      });
      return { sid, params, signature, status: res.status, body: await res.text() };
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    reset() {
      messages.length = 0;
      inbound.length = 0;
      requests.length = 0;
      callbacks.length = 0;
      mediaRequests.length = 0;
      faults.length = 0;
      mediaFaults.length = 0;
      listFaults.length = 0;
      rejections.clear();
      failures.clear();
    },
    async close() {
      await fake.settled();
      server.closeAllConnections();
      cdn.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => cdn.close(() => resolve()));
    },
  };

  return fake;
}
