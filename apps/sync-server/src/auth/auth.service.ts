/** Sign-up, sign-in, refresh, sign-out and workspace switching. */
import { and, asc, eq } from 'drizzle-orm';
import type { AuthResponse, LoginInput, SignupInput } from '@sdr/schema';
import { credential, membership, user, workspace } from '@sdr/schema/pg';
import type { AuthContext, Deps } from '../context.ts';
import { isUniqueViolation } from '../db/helpers.ts';
import { ApiError } from '../errors.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password.ts';
import {
  authResponse,
  createSession,
  deviceNameFor,
  revokeSession,
  rotateRefreshToken,
  type ClientInfo,
} from './session-store.ts';

export async function signup(
  deps: Deps,
  input: SignupInput,
  client: ClientInfo,
): Promise<AuthResponse> {
  const { db, clock, newId } = deps;
  const passwordHash = await hashPassword(input.password);
  const now = clock();
  const userId = newId();
  const workspaceId = newId();
  let issued: { sessionId: string; refreshToken: string };
  try {
    issued = await db.transaction(async (tx) => {
      const [taken] = await tx
        .select({ id: user.id })
        .from(user)
        .where(eq(user.email, input.email));
      if (taken) throw new ApiError('email_taken', 'An account with this email already exists.');
      await tx
        .insert(workspace)
        .values({ id: workspaceId, name: input.workspaceName, createdAt: now });
      await tx
        .insert(user)
        .values({ id: userId, email: input.email, name: input.name, createdAt: now });
      await tx.insert(credential).values({ userId, passwordHash, updatedAt: now });
      await tx
        .insert(membership)
        .values({ id: newId(), workspaceId, userId, role: 'admin', createdAt: now });
      const deviceName = deviceNameFor(input.deviceName, client);
      return createSession(tx, deps, { userId, workspaceId, deviceName, client });
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ApiError('email_taken', 'An account with this email already exists.');
    throw err;
  }
  return authResponse(deps, { ...issued, userId, workspaceId, role: 'admin' });
}

/** Checks email and password; the same error and about the same time whether or not the email exists. */
export async function checkCredentials(
  deps: Deps,
  email: string,
  password: string,
): Promise<string> {
  const [row] = await deps.db
    .select({ id: user.id, hash: credential.passwordHash })
    .from(user)
    .innerJoin(credential, eq(credential.userId, user.id))
    .where(eq(user.email, email));
  const ok = row ? await verifyPassword(password, row.hash) : await verifyAgainstDummy(password);
  if (!row || !ok) throw new ApiError('invalid_credentials', 'Wrong email or password.');
  return row.id;
}

export async function login(
  deps: Deps,
  input: LoginInput,
  client: ClientInfo,
): Promise<AuthResponse> {
  const userId = await checkCredentials(deps, input.email, input.password);
  const memberships = await deps.db
    .select({ workspaceId: membership.workspaceId, role: membership.role })
    .from(membership)
    .where(
      input.workspaceId
        ? and(eq(membership.userId, userId), eq(membership.workspaceId, input.workspaceId))
        : eq(membership.userId, userId),
    )
    .orderBy(asc(membership.createdAt), asc(membership.id))
    .limit(1);
  const chosen = memberships[0];
  if (!chosen) {
    throw new ApiError(
      'forbidden',
      input.workspaceId
        ? 'You are not a member of that workspace.'
        : 'You are not a member of any workspace.',
    );
  }
  const deviceName = deviceNameFor(input.deviceName, client);
  const issued = await createSession(deps.db, deps, {
    userId,
    workspaceId: chosen.workspaceId,
    deviceName,
    client,
  });
  return authResponse(deps, {
    ...issued,
    userId,
    workspaceId: chosen.workspaceId,
    role: chosen.role,
  });
}

export async function refresh(deps: Deps, refreshToken: string): Promise<AuthResponse> {
  return authResponse(deps, await rotateRefreshToken(deps, refreshToken));
}

export async function switchWorkspace(
  deps: Deps,
  auth: AuthContext,
  input: { workspaceId: string; refreshToken: string },
): Promise<AuthResponse> {
  const rotated = await rotateRefreshToken(deps, input.refreshToken, {
    sessionId: auth.sessionId,
    switchTo: input.workspaceId,
  });
  return authResponse(deps, rotated);
}

export async function logout(deps: Deps, auth: AuthContext): Promise<void> {
  await revokeSession(deps.db, auth.sessionId, 'logout', deps.clock());
}
