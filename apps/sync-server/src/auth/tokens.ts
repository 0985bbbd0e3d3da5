/**
 * Tokens: HS256 access JWTs (hono/jwt) and opaque random tokens (refresh, invitation, password
 * reset) that are only ever stored as their SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sign, verify } from 'hono/jwt';
import { z } from 'zod';
import { ROLES } from '@sdr/schema';
import { ApiError } from '../errors.ts';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

/** 32 random bytes, base64url (43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const AccessClaims = z.object({
  sub: z.string().min(1),
  wid: z.string().min(1),
  sid: z.string().min(1),
  role: z.enum(ROLES),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type AccessClaims = z.infer<typeof AccessClaims>;

export async function signAccessToken(
  claims: Pick<AccessClaims, 'sub' | 'wid' | 'sid' | 'role'>,
  secret: string,
  now: Date,
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return sign({ ...claims, iat, exp: iat + ACCESS_TOKEN_TTL_SECONDS }, secret, 'HS256');
}

/**
 * Verifies signature and shape; expiry is checked against the injected clock (not the wall clock),
 * so tests can move time.
 */
export async function verifyAccessToken(
  token: string,
  secret: string,
  now: Date,
): Promise<AccessClaims> {
  let payload: unknown;
  try {
    payload = await verify(token, secret, { alg: 'HS256', exp: false, nbf: false, iat: false });
  } catch (cause) {
    throw new ApiError('unauthenticated', 'The access token is not valid.', { cause });
  }
  const claims = AccessClaims.safeParse(payload);
  if (!claims.success) throw new ApiError('unauthenticated', 'The access token is not valid.');
  if (claims.data.exp <= Math.floor(now.getTime() / 1000)) {
    throw new ApiError('token_expired', 'The access token has expired; refresh it.');
  }
  return claims.data;
}
