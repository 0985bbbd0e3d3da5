/**
 * The Twilio client of the sync server: the official `twilio` SDK, built so that
 *
 * - every request can be pointed at another base URL (tests and benchmarks use the fake in
 *   `src/test/fake-twilio/`; production passes no `baseUrl` and talks to api.twilio.com);
 * - nothing is retried automatically. The SDK only retries 429s and only with `autoRetry: true`,
 *   but a retried create is a second SMS, so it is switched off explicitly: whether to send again
 *   is the caller's decision (see `TwilioSendError.info.ambiguous`);
 * - errors come back as one typed shape (`TwilioErrorInfo`) instead of the SDK's `RestException`
 *   and axios errors.
 *
 * WhatsApp goes through the same Messages API: addresses are `whatsapp:+E164`.
 */
import twilio from 'twilio';

export type TwilioClient = twilio.Twilio;
type RequestOptions = ConstructorParameters<typeof twilio.RequestClient>[0];
type SdkRequest = Parameters<twilio.RequestClient['request']>[0];

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /**
   * Replaces `https://<anything>.twilio.com` in every request, e.g. `http://127.0.0.1:4010`.
   * A path in it is kept as a prefix. Undefined in production.
   */
  baseUrl?: string;
  /** Per-request timeout (ms). The SDK's default is 30 s. */
  timeoutMs?: number;
}

/**
 * The SDK's RequestClient with the host rewritten. The original host travels in
 * `X-Forwarded-Host`, so a fake can tell api.twilio.com from messaging.twilio.com.
 */
export class RewritingRequestClient extends twilio.RequestClient {
  readonly baseUrl: URL | undefined;

  constructor(baseUrl: string | undefined, options: RequestOptions = {}) {
    // autoRetry: false is the default, stated here because a retried create sends twice.
    super({ ...options, autoRetry: false });
    this.baseUrl = baseUrl === undefined ? undefined : new URL(baseUrl);
  }

  override request<TData>(opts: SdkRequest & { data?: TData }) {
    const uri = rewriteTwilioUrl(opts.uri, this.baseUrl);
    if (uri === opts.uri) return super.request<TData>(opts);
    const original = new URL(opts.uri);
    return super.request<TData>({
      ...opts,
      uri,
      headers: { ...opts.headers, 'X-Forwarded-Host': original.host },
    });
  }
}

/** `https://api.twilio.com/2010-04-01/…` → `${base}/2010-04-01/…`; other hosts unchanged. */
export function rewriteTwilioUrl(uri: string, base: URL | undefined): string {
  if (!base) return uri;
  const url = new URL(uri);
  if (url.hostname !== 'twilio.com' && !url.hostname.endsWith('.twilio.com')) return uri;
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.protocol}//${base.host}${prefix}${url.pathname}${url.search}`;
}

/** The SDK client for one account, with no automatic retries. */
export function createTwilioClient(options: TwilioClientOptions): TwilioClient {
  const httpClient = new RewritingRequestClient(options.baseUrl, {
    timeout: options.timeoutMs ?? 15_000,
  });
  // `env: {}` keeps the SDK from reading TWILIO_ACCOUNT_SID etc. from this object (it still
  // falls back to process.env for TWILIO_EDGE / TWILIO_REGION, which only change the host).
  return twilio(options.accountSid, options.authToken, { httpClient, env: {}, autoRetry: false });
}

// ---------------------------------------------------------------------------------------------
// Sending

export interface SendTwilioMessageInput {
  /** `+E164`, `whatsapp:+E164`, a short code or an alphanumeric sender id. */
  from?: string;
  /** Instead of `from`: Twilio picks a sender from the Messaging Service. */
  messagingServiceSid?: string;
  to: string;
  body: string;
  mediaUrl?: string[];
  /** Where Twilio POSTs the status callbacks (queued, sent, delivered, failed, …). */
  statusCallback: string;
}

export interface SentTwilioMessage {
  sid: string;
  /** Usually `queued` (or `accepted` with a Messaging Service). */
  status: string;
}

/** Creates one message. Throws `TwilioSendError`; never retries. */
export async function sendTwilioMessage(
  client: TwilioClient,
  input: SendTwilioMessageInput,
): Promise<SentTwilioMessage> {
  if (!input.from && !input.messagingServiceSid) {
    throw new TwilioSendError({
      code: 21603,
      httpStatus: null,
      kind: 'invalid-request',
      permanent: true,
      ambiguous: false,
      message: 'a from address or a messaging service is required',
    });
  }
  try {
    const message = await client.messages.create({
      to: input.to,
      body: input.body,
      statusCallback: input.statusCallback,
      ...(input.from ? { from: input.from } : {}),
      ...(input.messagingServiceSid ? { messagingServiceSid: input.messagingServiceSid } : {}),
      ...(input.mediaUrl && input.mediaUrl.length > 0 ? { mediaUrl: input.mediaUrl } : {}),
    });
    return { sid: message.sid, status: message.status };
  } catch (error) {
    throw new TwilioSendError(twilioErrorInfo(error), { cause: error });
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

export type TwilioErrorKind =
  | 'auth'
  | 'invalid-recipient'
  | 'opted-out'
  | 'invalid-request'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'delivery';

export interface TwilioErrorInfo {
  /** Twilio's error code (https://www.twilio.com/docs/api/errors), null for network errors. */
  code: number | null;
  /** The HTTP status of the API response, null when there was none. */
  httpStatus: number | null;
  kind: TwilioErrorKind;
  /** Sending the same message again cannot succeed (without a change of data or config). */
  permanent: boolean;
  /**
   * Twilio may have accepted the message although the call failed (timeout, reset connection,
   * 5xx): sending again may send twice.
   */
  ambiguous: boolean;
  message: string;
}

export class TwilioSendError extends Error {
  override readonly name = 'TwilioSendError';
  constructor(
    readonly info: TwilioErrorInfo,
    options?: ErrorOptions,
  ) {
    super(info.code === null ? info.message : `Twilio ${info.code}: ${info.message}`, options);
  }
}

/** Known codes: what they mean for the sender. Codes 3xxxx/63xxx arrive in status callbacks. */
const KNOWN_CODES: Record<number, { kind: TwilioErrorKind; permanent: boolean }> = {
  20003: { kind: 'auth', permanent: true }, // Authenticate: wrong SID / token
  20404: { kind: 'invalid-request', permanent: true }, // resource not found
  20429: { kind: 'rate-limited', permanent: false }, // too many requests
  21211: { kind: 'invalid-recipient', permanent: true }, // invalid 'To' number
  21212: { kind: 'invalid-request', permanent: true }, // invalid 'From' number
  21408: { kind: 'invalid-recipient', permanent: true }, // region not enabled
  21602: { kind: 'invalid-request', permanent: true }, // body required
  21603: { kind: 'invalid-request', permanent: true }, // 'From' required
  21604: { kind: 'invalid-request', permanent: true }, // 'To' required
  21606: { kind: 'invalid-request', permanent: true }, // 'From' not a valid sender
  21610: { kind: 'opted-out', permanent: true }, // recipient replied STOP
  21611: { kind: 'rate-limited', permanent: false }, // sender's queue full
  21612: { kind: 'invalid-recipient', permanent: true }, // cannot route to 'To'
  21614: { kind: 'invalid-recipient', permanent: true }, // 'To' is not a mobile number
  21617: { kind: 'invalid-request', permanent: true }, // body over 1600 characters
  21701: { kind: 'invalid-request', permanent: true }, // invalid messaging service
  30003: { kind: 'delivery', permanent: false }, // unreachable handset
  30005: { kind: 'invalid-recipient', permanent: true }, // unknown destination
  30006: { kind: 'invalid-recipient', permanent: true }, // landline / unreachable carrier
  30007: { kind: 'delivery', permanent: true }, // carrier filtering
  30008: { kind: 'delivery', permanent: false }, // unknown error
  63003: { kind: 'invalid-recipient', permanent: true }, // WhatsApp: no such address
  63016: { kind: 'delivery', permanent: true }, // WhatsApp: outside the 24 h window
};

/** How to treat a Twilio error code (from an API error or a callback's `ErrorCode`). */
export function classifyTwilioErrorCode(
  code: number,
  httpStatus: number | null = null,
): Pick<TwilioErrorInfo, 'kind' | 'permanent'> {
  const known = KNOWN_CODES[code];
  if (known) return known;
  if (httpStatus === 401 || httpStatus === 403) return { kind: 'auth', permanent: true };
  if (httpStatus === 429) return { kind: 'rate-limited', permanent: false };
  if (httpStatus !== null && httpStatus >= 500) return { kind: 'server', permanent: false };
  if (httpStatus !== null && httpStatus >= 400) return { kind: 'invalid-request', permanent: true };
  return { kind: 'delivery', permanent: false };
}

/** Error codes of connections that never reached Twilio: nothing can have been sent. */
const NOT_SENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/** Maps whatever the SDK threw (RestException, axios error, other) to `TwilioErrorInfo`. */
export function twilioErrorInfo(error: unknown): TwilioErrorInfo {
  if (error instanceof TwilioSendError) return error.info;
  // The SDK throws RestException for API errors (and TwilioServiceException, not exported, for
  // RFC 9457 problem responses): both carry the HTTP `status` and Twilio's numeric `code`.
  const api = error as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
    detail?: unknown;
  } | null;
  if (error instanceof Error && typeof api?.status === 'number') {
    const status = api.status;
    const code = typeof api.code === 'number' ? api.code : null;
    const { kind, permanent } = classifyTwilioErrorCode(code ?? -1, status);
    const detail = typeof api.detail === 'string' ? api.detail : '';
    return {
      code,
      httpStatus: status,
      kind,
      permanent,
      ambiguous: status >= 500,
      message: error.message || detail || `HTTP ${status}`,
    };
  }
  const err = error as { code?: unknown; message?: unknown } | null;
  const netCode = typeof err?.code === 'string' ? err.code : '';
  const message = typeof err?.message === 'string' ? err.message : String(error);
  return {
    code: null,
    httpStatus: null,
    kind: 'network',
    permanent: false,
    ambiguous: !NOT_SENT_NETWORK_CODES.has(netCode),
    message: netCode ? `${netCode}: ${message}` : message,
  };
}

// ---------------------------------------------------------------------------------------------
// Webhook signatures

/**
 * Checks `X-Twilio-Signature` (base64 HMAC-SHA1, keyed with the auth token, of the URL followed by
 * each form parameter's name and value in name order) with the SDK's `validateRequest`.
 *
 * `url` must be the URL Twilio requested, i.e. the public one configured at Twilio (behind a
 * proxy: PUBLIC_BASE_URL + path + query), not the address the server listens on. `params` are
 * the parsed form fields (a repeated field as an array); for JSON bodies Twilio signs differently
 * (`bodySHA256`), which is not used here.
 *
 * Port variants (SDK behaviour): Twilio signs the URL as configured, which may or may not carry a
 * port. The SDK therefore accepts the signature of the URL with its port removed, and of the URL
 * with the scheme's default port added (`:443` / `:80`) when it has none; then the same two for the
 * URL normalised by `new URL()` and with the query re-encoded like Node's legacy `querystring`.
 * Consequence: a port in the URL is not authenticated (`http://h:1234/x` validates a signature
 * made for `http://h/x` and for `http://h:80/x`), while scheme, host, path and query are.
 */
export function validateTwilioSignature(
  authToken: string,
  signatureHeader: string | undefined | null,
  url: string,
  params: Record<string, string | string[]>,
): boolean {
  if (!signatureHeader) return false;
  return twilio.validateRequest(authToken, signatureHeader, url, params);
}
