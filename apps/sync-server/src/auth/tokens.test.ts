import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { hashToken, randomToken, signAccessToken, verifyAccessToken } from './tokens.ts';

const secret = 'a-test-secret-that-is-long-enough-123';
const claims = { sub: 'u1', wid: 'w1', sid: 's1', role: 'sdr' } as const;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof ApiError ? e.code : 'other';
  }
}

describe('tokens', () => {
  it('makes 32-byte base64url random tokens and hashes them with sha256', () => {
    const t = randomToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(t);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).toBe(hashToken(t));
  });

  it('signs and verifies access tokens against the given clock', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const token = await signAccessToken(claims, secret, now);
    const verified = await verifyAccessToken(token, secret, new Date(now.getTime() + 14 * 60_000));
    expect(verified).toMatchObject({ ...claims, exp: verified.iat + 900 });
    expect(
      await codeOf(verifyAccessToken(token, secret, new Date(now.getTime() + 15 * 60_000))),
    ).toBe('token_expired');
  });

  it('rejects a token signed with another secret or tampered with', async () => {
    const now = new Date();
    const token = await signAccessToken(claims, secret, now);
    expect(await codeOf(verifyAccessToken(token, `${secret}-other`, now))).toBe('unauthenticated');
    const [h, , s] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...claims, role: 'admin', iat: 1, exp: 9e9 }),
    ).toString('base64url');
    expect(await codeOf(verifyAccessToken(`${h}.${forged}.${s}`, secret, now))).toBe(
      'unauthenticated',
    );
  });
});
