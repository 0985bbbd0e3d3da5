/** Invitations by mail: admins invite; the invitee accepts with the mailed single-use token. */
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { AcceptInvitationInput, AuthResponse, InvitationDto, InviteInput } from '@sdr/schema';
import { credential, invitation, membership, user, workspace } from '@sdr/schema/pg';
import { checkCredentials } from '../auth/auth.service.ts';
import { hashPassword } from '../auth/password.ts';
import {
  authResponse,
  createSession,
  deviceNameFor,
  type ClientInfo,
} from '../auth/session-store.ts';
import { hashToken, randomToken } from '../auth/tokens.ts';
import { authorize } from '../authorize.ts';
import type { AuthContext, Deps } from '../context.ts';
import { iso, isUniqueViolation } from '../db/helpers.ts';
import { ApiError } from '../errors.ts';
import { invitationMail } from '../mail/templates.ts';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

type InvitationRow = typeof invitation.$inferSelect;

function toDto(i: InvitationRow): InvitationDto {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    createdAt: i.createdAt.toISOString(),
    expiresAt: i.expiresAt.toISOString(),
    acceptedAt: iso(i.acceptedAt),
    revokedAt: iso(i.revokedAt),
  };
}

export async function createInvitation(
  deps: Deps,
  auth: AuthContext,
  input: InviteInput,
): Promise<InvitationDto> {
  authorize(auth, 'members:invite');
  const { db, clock, newId, env, mailer } = deps;
  const [member] = await db
    .select({ id: membership.id })
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(and(eq(membership.workspaceId, auth.workspaceId), eq(user.email, input.email)));
  if (member) throw new ApiError('conflict', 'This person is already a member of the workspace.');
  const [ws] = await db.select().from(workspace).where(eq(workspace.id, auth.workspaceId));
  const [inviter] = await db.select().from(user).where(eq(user.id, auth.userId));
  if (!ws || !inviter) throw new ApiError('internal', 'Workspace or inviter missing.');

  const now = clock();
  const token = randomToken();
  const row: InvitationRow = {
    id: newId(),
    workspaceId: auth.workspaceId,
    email: input.email,
    role: input.role,
    tokenHash: hashToken(token),
    invitedBy: auth.userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    acceptedAt: null,
    revokedAt: null,
  };
  await db.transaction(async (tx) => {
    // A new invitation replaces any pending one for the same address.
    await tx
      .update(invitation)
      .set({ revokedAt: now })
      .where(
        and(
          eq(invitation.workspaceId, auth.workspaceId),
          eq(invitation.email, input.email),
          isNull(invitation.acceptedAt),
          isNull(invitation.revokedAt),
        ),
      );
    await tx.insert(invitation).values(row);
  });
  const link = `${env.publicBaseUrl}/invite/${token}`;
  try {
    await mailer.send(
      invitationMail({
        to: input.email,
        workspaceName: ws.name,
        inviterName: inviter.name,
        role: input.role,
        link,
      }),
    );
  } catch (cause) {
    await db.delete(invitation).where(eq(invitation.id, row.id));
    throw new ApiError('mail_failed', 'The invitation mail could not be sent; try again.', {
      cause,
    });
  }
  return toDto(row);
}

export async function listInvitations(deps: Deps, auth: AuthContext): Promise<InvitationDto[]> {
  authorize(auth, 'members:invite');
  const rows = await deps.db
    .select()
    .from(invitation)
    .where(eq(invitation.workspaceId, auth.workspaceId))
    .orderBy(desc(invitation.createdAt), desc(invitation.id));
  return rows.map(toDto);
}

export async function revokeInvitation(deps: Deps, auth: AuthContext, id: string): Promise<void> {
  authorize(auth, 'members:invite');
  const [row] = await deps.db
    .select()
    .from(invitation)
    .where(and(eq(invitation.id, id), eq(invitation.workspaceId, auth.workspaceId)));
  if (!row) throw new ApiError('not_found', 'No such invitation in this workspace.');
  if (row.acceptedAt) throw new ApiError('conflict', 'This invitation was already accepted.');
  if (row.revokedAt) return;
  await deps.db
    .update(invitation)
    .set({ revokedAt: deps.clock() })
    .where(eq(invitation.id, row.id));
}

/** Joins the invited workspace: a new user is created (name required) or an existing one signs in. */
export async function acceptInvitation(
  deps: Deps,
  input: AcceptInvitationInput,
  client: ClientInfo,
): Promise<AuthResponse> {
  const { db, clock, newId } = deps;
  const now = clock();
  const [inv] = await db
    .select()
    .from(invitation)
    .where(eq(invitation.tokenHash, hashToken(input.token)));
  if (!inv || inv.acceptedAt || inv.revokedAt || inv.expiresAt <= now) {
    throw new ApiError(
      'invalid_token',
      'This invitation is not valid or has expired; ask for a new one.',
    );
  }
  const [existing] = await db.select({ id: user.id }).from(user).where(eq(user.email, inv.email));
  let userId: string;
  let passwordHash: string | undefined;
  if (existing) {
    userId = await checkCredentials(deps, inv.email, input.password);
  } else {
    if (!input.name) {
      throw new ApiError('invalid_input', 'A name is required to create the account.', {
        issues: [{ path: 'name', message: 'Enter a name' }],
      });
    }
    userId = newId();
    passwordHash = await hashPassword(input.password);
  }
  const name = input.name;
  try {
    const issued = await db.transaction(async (tx) => {
      const spent = await tx
        .update(invitation)
        .set({ acceptedAt: now })
        .where(
          and(
            eq(invitation.id, inv.id),
            isNull(invitation.acceptedAt),
            isNull(invitation.revokedAt),
          ),
        )
        .returning({ id: invitation.id });
      if (spent.length === 0)
        throw new ApiError('invalid_token', 'This invitation was already used.');
      if (passwordHash && name) {
        await tx.insert(user).values({ id: userId, email: inv.email, name, createdAt: now });
        await tx.insert(credential).values({ userId, passwordHash, updatedAt: now });
      }
      await tx.insert(membership).values({
        id: newId(),
        workspaceId: inv.workspaceId,
        userId,
        role: inv.role,
        createdAt: now,
      });
      const deviceName = deviceNameFor(input.deviceName, client);
      return createSession(tx, deps, { userId, workspaceId: inv.workspaceId, deviceName, client });
    });
    return authResponse(deps, { ...issued, userId, workspaceId: inv.workspaceId, role: inv.role });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ApiError('conflict', 'You are already a member of this workspace.');
    throw err;
  }
}
