/** Members of the caller's workspace. Every query is scoped by `auth.workspaceId`. */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { ChangeRoleInput, MemberDto, RoleName } from '@sdr/schema';
import { membership, session, user } from '@sdr/schema/pg';
import { authorize } from '../authorize.ts';
import type { AuthContext, Deps } from '../context.ts';
import type { Db } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import type { SyncCore } from '../sync/sync-core.ts';
import { writeVisibility } from '../sync/visibility-restamp.ts';

const memberColumns = {
  userId: membership.userId,
  email: user.email,
  name: user.name,
  role: membership.role,
  team: membership.team,
  joinedAt: membership.createdAt,
};

function toDto(row: {
  userId: string;
  email: string;
  name: string;
  role: RoleName;
  team: string | null;
  joinedAt: Date;
}): MemberDto {
  return { ...row, joinedAt: row.joinedAt.toISOString() };
}

export async function listMembers(deps: Deps, auth: AuthContext): Promise<MemberDto[]> {
  authorize(auth, 'members:read');
  const rows = await deps.db
    .select(memberColumns)
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(eq(membership.workspaceId, auth.workspaceId))
    .orderBy(asc(membership.createdAt), asc(membership.id));
  return rows.map(toDto);
}

/** Locks the workspace's admin rows and fails with `last_admin` if `userId` is the only admin. */
async function assertNotLastAdmin(tx: Db, workspaceId: string, userId: string): Promise<void> {
  const admins = await tx
    .select({ userId: membership.userId })
    .from(membership)
    .where(and(eq(membership.workspaceId, workspaceId), eq(membership.role, 'admin')))
    .for('update');
  if (admins.length <= 1 && admins.some((a) => a.userId === userId)) {
    throw new ApiError('last_admin', 'A workspace needs at least one admin.');
  }
}

async function findMember(tx: Db, workspaceId: string, userId: string) {
  const [m] = await tx
    .select({ id: membership.id, role: membership.role, team: membership.team })
    .from(membership)
    .where(and(eq(membership.workspaceId, workspaceId), eq(membership.userId, userId)));
  if (!m) throw new ApiError('not_found', 'No such member in this workspace.');
  return m;
}

/** Changes a member's role and/or team (admin only). */
export async function changeRole(
  deps: Deps,
  sync: Pick<SyncCore, 'bus' | 'visibility'>,
  auth: AuthContext,
  userId: string,
  change: ChangeRoleInput,
): Promise<MemberDto> {
  authorize(auth, 'members:changeRole');
  const { role, team } = change;
  const { workspaceId } = auth;
  await writeVisibility(deps, sync, workspaceId, async (tx, policy) => {
    const m = await findMember(tx, workspaceId, userId);
    if (role !== undefined && m.role === 'admin' && role !== 'admin')
      await assertNotLastAdmin(tx, workspaceId, userId);
    await tx
      .update(membership)
      .set({ ...(role !== undefined ? { role } : {}), ...(team !== undefined ? { team } : {}) })
      .where(eq(membership.id, m.id));
    // Under `team`/`own` an SDR sees some rows and a manager or admin all of them: a role change
    // across that line changes which owners' rows this member sees (any owner's).
    const seesAll = (r: RoleName) => r !== 'sdr';
    if (role !== undefined && seesAll(role) !== seesAll(m.role) && policy !== null && policy !== 'all') {
      return { result: null, scope: { kind: 'all' } };
    }
    // Under the `team` policy a new team changes whose rows this member and both teams see.
    if (team === undefined || team === m.team || policy !== 'team') {
      return { result: null, scope: null };
    }
    const teams = [m.team, team].filter((t): t is string => t !== null);
    const mates = await tx
      .select({ userId: membership.userId })
      .from(membership)
      .where(and(eq(membership.workspaceId, workspaceId), inArray(membership.team, teams)));
    const userIds = [...new Set([userId, ...mates.map((r) => r.userId)])];
    return { result: null, scope: { kind: 'owners', userIds } };
  });
  const [row] = await deps.db
    .select(memberColumns)
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(and(eq(membership.workspaceId, auth.workspaceId), eq(membership.userId, userId)));
  if (!row) throw new ApiError('not_found', 'No such member in this workspace.');
  return toDto(row);
}

/** Removes a member and signs out their sessions acting in this workspace. */
export async function removeMember(deps: Deps, auth: AuthContext, userId: string): Promise<void> {
  authorize(auth, 'members:remove');
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const m = await findMember(tx, auth.workspaceId, userId);
    if (m.role === 'admin') await assertNotLastAdmin(tx, auth.workspaceId, userId);
    await tx.delete(membership).where(eq(membership.id, m.id));
    await tx
      .update(session)
      .set({ revokedAt: now, revokedReason: 'revoked' })
      .where(
        and(
          eq(session.userId, userId),
          eq(session.workspaceId, auth.workspaceId),
          isNull(session.revokedAt),
        ),
      );
  });
}
