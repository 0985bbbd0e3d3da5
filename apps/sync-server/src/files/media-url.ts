/**
 * Signed, expiring public URLs of stored files: `${PUBLIC_BASE_URL}/media/{id}?exp=<unix s>&sig=<hmac>`.
 * Providers fetch outbound MMS/WhatsApp media (Twilio `MediaUrl`) from them without our tokens.
 * The signature is HMAC-SHA256 (base64url) over `media\n{id}\n{exp}` with a key derived from the
 * server secret (JWT_SECRET), so every instance verifies every URL and a URL for one file or
 * expiry cannot be turned into another. Compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a media URL handed to a provider stays valid (Twilio fetches within minutes). */
export const MEDIA_URL_TTL_MS = 24 * 60 * 60 * 1000;

function mediaKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('sdr media url v1').digest();
}

export function mediaSignature(secret: string, id: string, exp: number): string {
  return createHmac('sha256', mediaKey(secret)).update(`media\n${id}\n${exp}`).digest('base64url');
}

/** The public URL of file `id`, valid until `expiresAtMs`. */
export function signedMediaUrl(
  publicBaseUrl: string,
  secret: string,
  id: string,
  expiresAtMs: number,
): string {
  const exp = Math.floor(expiresAtMs / 1000);
  const base = publicBaseUrl.replace(/\/+$/, '');
  return `${base}/media/${encodeURIComponent(id)}?exp=${exp}&sig=${mediaSignature(secret, id, exp)}`;
}

export type MediaCheck = 'ok' | 'expired' | 'forged';

/** Checks `exp`/`sig` of a media request for file `id` at `nowMs`. */
export function verifyMediaSignature(
  secret: string,
  id: string,
  exp: string | undefined,
  sig: string | undefined,
  nowMs: number,
): MediaCheck {
  if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return 'forged';
  const expected = Buffer.from(mediaSignature(secret, id, Number(exp)));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
  return Number(exp) * 1000 < nowMs ? 'expired' : 'ok';
}
