/**
 * Lead lists and the members of static lists: rows replicated last-writer-wins (see
 * `replication/data-seq.ts`). Every member sees every list; its owner, managers and admins change
 * it; any member changes a static list's members. Each (list, lead) pair is one row whose
 * `deleted` says whether the lead was removed, so an add and a remove made offline on two devices
 * resolve by their clocks like any other row.
 */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { canEditList } from '@sdr/domain';
import { leadList, leadListMember } from '@sdr/schema/pg';
import type { LeadListPut, LeadListRow, ListMemberRow, ListMembersChange } from '@sdr/schema';
import type { AuthContext, Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import {
  dataTransaction,
  sameJson,
  storedClock,
  type DataWriteDeps,
  type Tx,
} from '../replication/data-seq.ts';

type ListDeps = Pick<Deps, 'db' | 'clock'> & Pick<DataWriteDeps, 'sync'>;
type Stored = typeof leadList.$inferSelect;
type StoredMember = typeof leadListMember.$inferSelect;

export function listRow(r: Stored): LeadListRow {
  return {
    id: r.id,
    ownerId: r.ownerId,
    name: r.name,
    kind: r.kind,
    filter: r.filter,
    deleted: r.deleted,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
    seq: r.seq,
  };
}

export function memberRow(r: StoredMember): ListMemberRow {
  return {
    listId: r.listId,
    leadId: r.leadId,
    deleted: r.deleted,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
    seq: r.seq,
  };
}

/** The id of a member row: one per (list, lead), the same on every replica. */
export const memberId = (listId: string, leadId: string) => `${listId}:${leadId}`;

const notFound = () => new ApiError('not_found', 'No such list.');

const sameContent = (a: Stored, b: LeadListPut) =>
  a.name === b.name && a.kind === b.kind && a.deleted === b.deleted && sameJson(a.filter, b.filter);

export async function listLists(
  d: ListDeps,
  auth: AuthContext,
  includeDeleted: boolean,
): Promise<LeadListRow[]> {
  const rows = await d.db
    .select()
    .from(leadList)
    .where(
      and(
        eq(leadList.workspaceId, auth.workspaceId),
        includeDeleted ? undefined : eq(leadList.deleted, false),
      ),
    )
    .orderBy(asc(leadList.name), asc(leadList.id));
  return rows.map(listRow);
}

async function findList(db: ListDeps['db'] | Tx, auth: AuthContext, id: string) {
  const [r] = await db
    .select()
    .from(leadList)
    .where(and(eq(leadList.id, id), eq(leadList.workspaceId, auth.workspaceId)));
  return r;
}

export async function getList(d: ListDeps, auth: AuthContext, id: string): Promise<LeadListRow> {
  const r = await findList(d.db, auth, id);
  if (!r) throw notFound();
  return listRow(r);
}

export async function putList(
  d: ListDeps,
  auth: AuthContext,
  id: string,
  input: LeadListPut,
): Promise<LeadListRow> {
  const updatedAt = storedClock(input.updatedAt, d.clock());
  return dataTransaction(d, auth.workspaceId, async (tx, write) => {
    const [stored] = await tx.select().from(leadList).where(eq(leadList.id, id));
    if (stored && stored.workspaceId !== auth.workspaceId) {
      throw new ApiError('conflict', 'This id is taken; use another one.');
    }
    if (stored && !canEditList(auth, stored)) {
      throw new ApiError('forbidden', 'Only the owner, managers and admins change a list.');
    }
    if (stored && stored.kind !== input.kind) {
      throw new ApiError('invalid_input', 'A list cannot change between static and dynamic.', {
        issues: [{ path: 'kind', message: `this list is ${stored.kind}` }],
      });
    }
    if (stored && (updatedAt < stored.updatedAt || sameContent(stored, input))) {
      return listRow(stored);
    }
    const seq = await write.take(1);
    const fields = {
      name: input.name,
      kind: input.kind,
      filter: input.filter,
      deleted: input.deleted,
      updatedAt,
      updatedBy: auth.userId,
      seq,
    };
    const [row] = await tx
      .insert(leadList)
      .values({ id, workspaceId: auth.workspaceId, ownerId: auth.userId, ...fields })
      .onConflictDoUpdate({ target: leadList.id, set: fields })
      .returning();
    return listRow(row!);
  });
}

export async function deleteList(
  d: ListDeps,
  auth: AuthContext,
  id: string,
  updatedAt: number | undefined,
): Promise<LeadListRow> {
  const stored = await getList(d, auth, id);
  return putList(d, auth, id, {
    name: stored.name,
    kind: stored.kind,
    filter: stored.filter,
    deleted: true,
    updatedAt: updatedAt ?? d.clock().getTime(),
  });
}

export async function listMembers(
  d: ListDeps,
  auth: AuthContext,
  listId: string,
  q: { after?: string | undefined; limit: number },
) {
  const list = await findList(d.db, auth, listId);
  if (!list) throw notFound();
  const rows = await d.db
    .select({ leadId: leadListMember.leadId, updatedAt: leadListMember.updatedAt })
    .from(leadListMember)
    .where(
      and(
        eq(leadListMember.listId, listId),
        eq(leadListMember.deleted, false),
        q.after ? gt(leadListMember.leadId, q.after) : undefined,
      ),
    )
    .orderBy(asc(leadListMember.leadId))
    .limit(q.limit);
  return { items: rows, nextAfter: rows.length === q.limit ? (rows.at(-1)?.leadId ?? null) : null };
}

const CHUNK = 1000;

/**
 * Adds and removes leads of a static list in one transaction. Per lead, the change is stored when
 * it changes the pair's state and its clock is not older than the stored one; a remove of a pair
 * never stored leaves a tombstone (so an older add arriving later loses).
 */
export async function changeMembers(
  d: ListDeps,
  auth: AuthContext,
  listId: string,
  input: ListMembersChange,
): Promise<{ added: number; removed: number }> {
  const updatedAt = storedClock(input.updatedAt ?? d.clock().getTime(), d.clock());
  return dataTransaction(d, auth.workspaceId, async (tx, write) => {
    const list = await findList(tx, auth, listId);
    if (!list || list.deleted) throw notFound();
    if (list.kind === 'dynamic') {
      throw new ApiError('conflict', "A dynamic list's members come from its filter.");
    }
    const wanted = new Map<string, boolean>();
    for (const id of new Set(input.add)) wanted.set(id, false);
    for (const id of new Set(input.remove)) wanted.set(id, true);
    const existing = new Map<string, { deleted: boolean; updatedAt: number }>();
    const ids = [...wanted.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await tx
        .select({
          leadId: leadListMember.leadId,
          deleted: leadListMember.deleted,
          updatedAt: leadListMember.updatedAt,
        })
        .from(leadListMember)
        .where(
          and(
            eq(leadListMember.listId, listId),
            inArray(leadListMember.leadId, ids.slice(i, i + CHUNK)),
          ),
        );
      for (const r of rows) existing.set(r.leadId, r);
    }
    let added = 0;
    let removed = 0;
    const writes: { leadId: string; deleted: boolean }[] = [];
    for (const [leadId, deleted] of wanted) {
      const stored = existing.get(leadId);
      if (!stored) {
        writes.push({ leadId, deleted });
        if (!deleted) added += 1;
      } else if (stored.deleted !== deleted && updatedAt >= stored.updatedAt) {
        writes.push({ leadId, deleted });
        if (deleted) removed += 1;
        else added += 1;
      }
    }
    if (writes.length === 0) return { added, removed };
    const first = await write.take(writes.length);
    for (let i = 0; i < writes.length; i += CHUNK) {
      await tx
        .insert(leadListMember)
        .values(
          writes.slice(i, i + CHUNK).map((w, j) => ({
            id: memberId(listId, w.leadId),
            workspaceId: auth.workspaceId,
            listId,
            leadId: w.leadId,
            deleted: w.deleted,
            updatedAt,
            updatedBy: auth.userId,
            seq: first + i + j,
          })),
        )
        .onConflictDoUpdate({
          target: leadListMember.id,
          set: {
            deleted: sql`excluded.deleted`,
            updatedAt: sql`excluded.updated_at`,
            updatedBy: sql`excluded.updated_by`,
            seq: sql`excluded.seq`,
          },
        });
    }
    return { added, removed };
  });
}
