/**
 * Twilio's webhook signature, written from Twilio's description (not with the SDK, so the tests can
 * check one against the other): base64 of HMAC-SHA1, keyed with the account's auth token, over the
 * full URL followed by every POST parameter's name and value, sorted by name (a repeated parameter
 * contributes each of its values, sorted). Sent as `X-Twilio-Signature`.
 */
import { createHmac } from 'node:crypto';

export type FormParams = Record<string, string | string[]>;

export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value ?? ''];
    for (const v of values) data += name + v;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** `application/x-www-form-urlencoded` body, repeated names for arrays (like Twilio's). */
export function formEncode(params: FormParams): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) search.append(name, v);
  }
  return search.toString();
}

/** Parses a form body; a name that appears more than once becomes an array. */
export function formDecode(body: string): FormParams {
  // A Map, not an object: names like `toString` or `__proto__` are ordinary fields here.
  const out = new Map<string, string | string[]>();
  for (const [name, value] of new URLSearchParams(body)) {
    const prev = out.get(name);
    if (prev === undefined) out.set(name, value);
    else out.set(name, Array.isArray(prev) ? [...prev, value] : [prev, value]);
  }
  return Object.fromEntries(out);
}
