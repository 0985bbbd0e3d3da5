/**
 * Sessions and their refresh-token families. A session is one signed-in device; each refresh
 * spends its token and issues the next one. Presenting a spent token revokes the whole session.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { AuthResponse, RoleName } from '@sdr/schema';
import { membership, refreshToken, session, user, workspace } from '@sdr/schema/pg';
import type { Deps } from '../context.ts';
import type { Db } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import { ACCESS_TOKEN_TTL_SECONDS, hashToken, randomToken, signAccessToken } from './tokens.ts';

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
}

type RevokeReason = 'logout' | 'revoked' | 'reuse' | 'password_reset';

export function deviceNameFor(deviceName: string | undefined, client: ClientInfo): string {
  return deviceName ?? client.userAgent?.slice(0, 120) ?? 'Unknown device';
}

/** Creates a session acting in `workspaceId` with its first refresh token. */
export async function createSession(
  db: Db,
  deps: Pick<Deps, 'clock' | 'newId'>,
  args: { userId: string; workspaceId: string; deviceName: string; client: ClientInfo },
): Promise<{ sessionId: string; refreshToken: string }> {
  const now = deps.clock();
  const sessionId = deps.newId();
  await db.insert(session).values({
    id: sessionId,
    userId: args.userId,
    workspaceId: args.workspaceId,
    deviceName: args.deviceName,
    userAgent: args.client.userAgent,
    ip: args.client.ip,
    createdAt: now,
    lastUsedAt: now,
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  });
  const token = randomToken();
  await db
    .insert(refreshToken)
    .values({ id: deps.newId(), sessionId, tokenHash: hashToken(token), createdAt: now });
  return { sessionId, refreshToken: token };
}

export async function revokeSession(
  db: Db,
  sessionId: string,
  reason: RevokeReason,
  now: Date,
): Promise<void> {
  await db
    .update(session)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(session.id, sessionId), isNull(session.revokedAt)));
}

/**
 * Spends `token` and issues the next one of its family, optionally moving the session to another
 * workspace. Reuse of a spent token revokes the session and fails with `refresh_token_reused`.
 */
export async function rotateRefreshToken(
  deps: Deps,
  token: string,
  opts: { sessionId?: string; switchTo?: string } = {},
): Promise<{
  sessionId: string;
  userId: string;
  workspaceId: string;
  role: RoleName;
  refreshToken: string;
}> {
  const { db, clock, newId } = deps;
  const now = clock();
  const [found] = await db
    .select({ rt: refreshToken, s: session })
    .from(refreshToken)
    .innerJoin(session, eq(refreshToken.sessionId, session.id))
    .where(eq(refreshToken.tokenHash, hashToken(token)));
  if (!found || (opts.sessionId !== undefined && found.s.id !== opts.sessionId)) {
    throw new ApiError('unauthenticated', 'The refresh token is not valid.');
  }
  if (found.s.revokedAt) throw new ApiError('unauthenticated', 'This session has been signed out.');
  if (found.rt.usedAt) {
    await revokeSession(db, found.s.id, 'reuse', now);
    throw new ApiError(
      'refresh_token_reused',
      'This refresh token was already used; the session is revoked.',
    );
  }
  if (found.s.expiresAt <= now) throw new ApiError('unauthenticated', 'This session has expired.');

  const workspaceId = opts.switchTo ?? found.s.workspaceId;
  const [member] = await db
    .select({ role: membership.role })
    .from(membership)
    .where(and(eq(membership.userId, found.s.userId), eq(membership.workspaceId, workspaceId)));
  if (!member) {
    if (opts.switchTo) throw new ApiError('forbidden', 'You are not a member of that workspace.');
    throw new ApiError('unauthenticated', 'You are no longer a member of this workspace.');
  }

  const next = randomToken();
  const spent = await db.transaction(async (tx) => {
    const rows = await tx
      .update(refreshToken)
      .set({ usedAt: now })
      .where(and(eq(refreshToken.id, found.rt.id), isNull(refreshToken.usedAt)))
      .returning({ id: refreshToken.id });
    if (rows.length === 0) return false;
    await tx
      .insert(refreshToken)
      .values({ id: newId(), sessionId: found.s.id, tokenHash: hashToken(next), createdAt: now });
    await tx
      .update(session)
      .set({ workspaceId, lastUsedAt: now, expiresAt: new Date(now.getTime() + SESSION_TTL_MS) })
      .where(eq(session.id, found.s.id));
    return true;
  });
  if (!spent) {
    // Another request spent the same token between our read and our update: that is reuse too.
    await revokeSession(db, found.s.id, 'reuse', now);
    throw new ApiError(
      'refresh_token_reused',
      'This refresh token was already used; the session is revoked.',
    );
  }
  return {
    sessionId: found.s.id,
    userId: found.s.userId,
    workspaceId,
    role: member.role,
    refreshToken: next,
  };
}

/** Builds the AuthResponse for a session: signs a fresh access token and loads user and workspace. */
export async function authResponse(
  deps: Deps,
  args: {
    sessionId: string;
    userId: string;
    workspaceId: string;
    role: RoleName;
    refreshToken: string;
  },
): Promise<AuthResponse> {
  const [u] = await deps.db.select().from(user).where(eq(user.id, args.userId));
  const [w] = await deps.db.select().from(workspace).where(eq(workspace.id, args.workspaceId));
  if (!u || !w) throw new ApiError('internal', 'Session refers to a missing user or workspace.');
  const accessToken = await signAccessToken(
    { sub: args.userId, wid: args.workspaceId, sid: args.sessionId, role: args.role },
    deps.env.jwtSecret,
    deps.clock(),
  );
  return {
    accessToken,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    refreshToken: args.refreshToken,
    sessionId: args.sessionId,
    user: { id: u.id, email: u.email, name: u.name },
    workspace: { id: w.id, name: w.name },
    role: args.role,
  };
}
