/**
 * `requireAuth`: reads `Authorization: Bearer <jwt>`, verifies it, and checks on every request that
 * the session is live and the membership still exists (the role comes from the database, so a role
 * change or removal takes effect at once). Sets `c.var.auth`.
 */
import { and, eq, sql } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { membership, session } from '@sdr/schema/pg';
import type { AppEnv, AuthContext } from '../../context.ts';
import type { Db } from '../../db/schema.ts';
import { ApiError } from '../../errors.ts';
import { verifyAccessToken } from '../../auth/tokens.ts';

export interface RequireAuthOptions {
  db: Db;
  secret: string;
  clock?: () => Date;
}

/**
 * The session + membership read of every authenticated request, prepared once per database:
 * drizzle builds its SQL once, and postgres.js parses and plans it once per connection.
 */
function prepareSessionQuery(db: Db) {
  return db
    .select({ revokedAt: session.revokedAt, expiresAt: session.expiresAt, role: membership.role })
    .from(session)
    .innerJoin(
      membership,
      and(eq(membership.userId, session.userId), eq(membership.workspaceId, session.workspaceId)),
    )
    .where(
      and(
        eq(session.id, sql.placeholder('sid')),
        eq(session.userId, sql.placeholder('sub')),
        eq(session.workspaceId, sql.placeholder('wid')),
      ),
    )
    .prepare('auth_session_membership');
}
const sessionQueries = new WeakMap<Db, ReturnType<typeof prepareSessionQuery>>();
function sessionQuery(db: Db) {
  let q = sessionQueries.get(db);
  if (!q) sessionQueries.set(db, (q = prepareSessionQuery(db)));
  return q;
}

/**
 * Verifies an access token and checks that its session is live and the membership exists; the
 * role is read from the database. Shared by `requireAuth` and the sync sockets (`src/sync/`).
 * Throws `ApiError` (`unauthenticated`, `token_expired`).
 */
export async function authenticateAccessToken(
  db: Db,
  secret: string,
  token: string,
  now: Date,
): Promise<AuthContext & { expiresAt: Date }> {
  const claims = await verifyAccessToken(token, secret, now);
  const [row] = await sessionQuery(db).execute({
    sid: claims.sid,
    sub: claims.sub,
    wid: claims.wid,
  });
  if (!row || row.revokedAt || row.expiresAt <= now) {
    throw new ApiError('unauthenticated', 'This session has ended; sign in again.');
  }
  return {
    userId: claims.sub,
    workspaceId: claims.wid,
    sessionId: claims.sid,
    role: row.role,
    expiresAt: new Date(claims.exp * 1000),
  };
}

export function requireAuth({ db, secret, clock = () => new Date() }: RequireAuthOptions) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new ApiError('unauthenticated', 'Sign in first (missing bearer token).');
    const a = await authenticateAccessToken(db, secret, match[1], clock());
    c.set('auth', {
      userId: a.userId,
      workspaceId: a.workspaceId,
      sessionId: a.sessionId,
      role: a.role,
    });
    await next();
  });
}
