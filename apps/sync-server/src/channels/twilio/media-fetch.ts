/**
 * Downloads one provider media file: HTTP Basic auth sent only to the URL's own origin,
 * redirects followed by hand (at most 5, http/https only; the credentials never follow a
 * redirect to another origin such as a CDN), a size limit checked on Content-Length and on the
 * bytes read, and the content type checked against the announced one. Errors say whether trying
 * again can help (`permanent`).
 */

export class MediaDownloadError extends Error {
  override readonly name = 'MediaDownloadError';
  readonly permanent: boolean;
  constructor(message: string, o: { permanent: boolean; cause?: unknown }) {
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.permanent = o.permanent;
  }
}

export interface DownloadMediaOptions {
  auth: { user: string; password: string };
  limitBytes: number;
  /** The type the webhook announced (`MediaContentType{i}`). */
  expectedType: string;
  timeoutMs: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
/** Types a store may answer with for any file. */
const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream']);

const baseType = (t: string | null) => (t ?? '').split(';')[0]!.trim().toLowerCase();

/** Whether an HTTP status is worth another try later. */
const transientStatus = (s: number) => s === 408 || s === 429 || s >= 500;

export async function downloadMedia(
  url: string,
  o: DownloadMediaOptions,
): Promise<{ bytes: Uint8Array; contentType: string }> {
  const origin = new URL(url).origin;
  const authorization = `Basic ${Buffer.from(`${o.auth.user}:${o.auth.password}`).toString('base64')}`;
  const signal = AbortSignal.timeout(o.timeoutMs);
  let current = new URL(url);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let res: Response;
    try {
      res = await fetch(current, {
        redirect: 'manual',
        headers: current.origin === origin ? { authorization } : {},
        signal,
      });
    } catch (err) {
      throw new MediaDownloadError(`media request failed: ${String(err)}`, {
        permanent: false,
        cause: err,
      });
    }
    if (REDIRECTS.has(res.status)) {
      await res.body?.cancel();
      const location = res.headers.get('location');
      const next = location ? new URL(location, current) : null;
      if (!next || (next.protocol !== 'https:' && next.protocol !== 'http:')) {
        throw new MediaDownloadError('bad media redirect', { permanent: true });
      }
      current = next;
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new MediaDownloadError(`media answered HTTP ${res.status}`, {
        permanent: !transientStatus(res.status),
      });
    }
    const type = baseType(res.headers.get('content-type'));
    const expected = baseType(o.expectedType);
    if (type !== expected && !GENERIC_TYPES.has(type)) {
      await res.body?.cancel();
      throw new MediaDownloadError(`media is ${type || 'untyped'}, expected ${expected}`, {
        permanent: true,
      });
    }
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (length > o.limitBytes) {
      await res.body?.cancel();
      throw new MediaDownloadError(`media is larger than ${o.limitBytes} bytes`, {
        permanent: true,
      });
    }
    return { bytes: await readLimited(res, o.limitBytes), contentType: expected || type };
  }
  throw new MediaDownloadError('too many media redirects', { permanent: true });
}

async function readLimited(res: Response, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    // A reader, not `for await`: the DOM typings (the desktop app type-checks this file too) do
    // not declare ReadableStream async-iterable.
    const reader = (res.body as ReadableStream<Uint8Array> | null)?.getReader();
    while (reader) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      size += chunk.byteLength;
      if (size > limit) {
        reader.cancel().catch(() => undefined);
        throw new MediaDownloadError(`media is larger than ${limit} bytes`, { permanent: true });
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof MediaDownloadError) throw err;
    throw new MediaDownloadError(`media download broke off: ${String(err)}`, {
      permanent: false,
      cause: err,
    });
  }
  return Buffer.concat(chunks);
}
