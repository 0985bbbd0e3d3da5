/**
 * Webhook signatures both ways: the fake's own implementation of Twilio's algorithm agrees with the
 * SDK's (`getExpectedTwilioSignature`) for arbitrary parameters, the production check
 * (`validateTwilioSignature`, the SDK's `validateRequest`) accepts what the fake signs and rejects
 * any change, and the SDK's port-variant behaviour is pinned down.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { validateTwilioSignature } from '../../channels/twilio/twilio-client.ts';
import { formDecode, formEncode, twilioSignature, type FormParams } from './signature.ts';

const TOKEN = '0123456789abcdef0123456789abcdef';

const DOC_URL = 'https://example.com/myapp?foo=1&bar=2';
const DOC_PARAMS = { To: '+18005551212', From: '+12349013030', Body: 'hi', MediaUrl: ['b', 'a'] };

const params = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 3 }),
  ),
  { maxKeys: 8 },
);
const url = fc.webUrl({ withQueryParameters: true });

describe('twilioSignature', () => {
  it('is HMAC-SHA1 of the URL and the name-sorted parameters (repeated values sorted)', () => {
    const data = `${DOC_URL}BodyhiFrom+12349013030MediaUrlaMediaUrlbTo+18005551212`;
    const expected = createHmac('sha1', TOKEN).update(data).digest('base64');
    expect(twilioSignature(TOKEN, DOC_URL, DOC_PARAMS)).toBe(expected);
    expect(validateTwilioSignature(TOKEN, expected, DOC_URL, DOC_PARAMS)).toBe(true);
  });

  it("equals the SDK's expected signature for any URL and parameters", () => {
    fc.assert(
      fc.property(url, params, (u, p) => {
        expect(twilioSignature(TOKEN, u, p)).toBe(twilio.getExpectedTwilioSignature(TOKEN, u, p));
      }),
    );
  });

  it('is accepted by validateTwilioSignature after a form round trip, and any change is rejected', () => {
    fc.assert(
      fc.property(url, params, fc.string({ minLength: 1, maxLength: 5 }), (u, p, extra) => {
        const received: FormParams = formDecode(formEncode(p));
        const signature = twilioSignature(TOKEN, u, p);
        expect(validateTwilioSignature(TOKEN, signature, u, received)).toBe(true);
        expect(validateTwilioSignature('f'.repeat(32), signature, u, received)).toBe(false);
        expect(
          validateTwilioSignature(TOKEN, signature, u, { ...received, [`x${extra}`]: 'y' }),
        ).toBe(false);
        expect(
          validateTwilioSignature(
            TOKEN,
            signature,
            `${u}${u.includes('?') ? '&' : '?'}z=1`,
            received,
          ),
        ).toBe(false);
      }),
    );
  });

  it('rejects a missing or empty header', () => {
    expect(validateTwilioSignature(TOKEN, undefined, DOC_URL, DOC_PARAMS)).toBe(false);
    expect(validateTwilioSignature(TOKEN, '', DOC_URL, DOC_PARAMS)).toBe(false);
  });
});

describe('port variants (SDK behaviour, documented on validateTwilioSignature)', () => {
  const p = { MessageSid: 'SM' + 'a'.repeat(32), Body: 'hi' };
  it.each([
    [
      'signed without port, received with the default port',
      'https://h.example/x',
      'https://h.example:443/x',
      true,
    ],
    [
      'signed with the default port, received without',
      'https://h.example:443/x',
      'https://h.example/x',
      true,
    ],
    ['http and :80', 'http://h.example/x', 'http://h.example:80/x', true],
    [
      'signed without port, received with another port',
      'http://h.example/x',
      'http://h.example:8080/x',
      true,
    ],
    [
      'signed with one port, received with another',
      'http://h.example:1234/x',
      'http://h.example:8080/x',
      false,
    ],
    ['a different path', 'https://h.example/x', 'https://h.example/y', false],
    ['a different host', 'https://h.example/x', 'https://other.example/x', false],
    ['http signed, https received', 'http://h.example/x', 'https://h.example/x', false],
  ])('%s → %s', (_name, signedUrl, receivedUrl, valid) => {
    expect(
      validateTwilioSignature(TOKEN, twilioSignature(TOKEN, signedUrl, p), receivedUrl, p),
    ).toBe(valid);
  });
});
