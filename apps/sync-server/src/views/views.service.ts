/**
 * Saved views: rows replicated last-writer-wins (see `replication/data-seq.ts`). A PUT is an
 * idempotent upsert: the incoming view is stored when its `updatedAt` is not older than the stored
 * one (and it changes something); the answer is always the row as stored afterwards.
 */
import { and, asc, eq, or } from 'drizzle-orm';
import { canSeeView, viewWriteError } from '@sdr/domain';
import { savedView } from '@sdr/schema/pg';
import type { SavedViewPut, SavedViewRow } from '@sdr/schema';
import type { AuthContext, Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import {
  dataTransaction,
  sameJson,
  storedClock,
  type DataWriteDeps,
} from '../replication/data-seq.ts';

type ViewDeps = Pick<Deps, 'db' | 'clock'> & Pick<DataWriteDeps, 'sync'>;
type Stored = typeof savedView.$inferSelect;

export function viewRow(r: Stored): SavedViewRow {
  return {
    id: r.id,
    ownerId: r.ownerId,
    name: r.name,
    scope: r.scope,
    filter: r.filter,
    columns: r.columns,
    sort: r.sort,
    search: r.search,
    listId: r.listId,
    pinned: r.pinned,
    deleted: r.deleted,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
    seq: r.seq,
  };
}

const notFound = () => new ApiError('not_found', 'No such view.');

function refuse(code: 'not_found' | 'forbidden'): never {
  if (code === 'not_found') throw notFound();
  throw new ApiError(
    'forbidden',
    'Only the owner changes a personal view or the scope of a view; shared views also managers and admins.',
  );
}

const sameContent = (a: Stored, b: SavedViewPut) =>
  a.name === b.name &&
  a.scope === b.scope &&
  a.pinned === b.pinned &&
  a.deleted === b.deleted &&
  a.search === b.search &&
  a.listId === b.listId &&
  sameJson(a.filter, b.filter) &&
  sameJson(a.columns, b.columns) &&
  sameJson(a.sort, b.sort);

/** The caller's personal views and every shared view (tombstones only when asked). */
export async function listViews(
  d: ViewDeps,
  auth: AuthContext,
  includeDeleted: boolean,
): Promise<SavedViewRow[]> {
  const rows = await d.db
    .select()
    .from(savedView)
    .where(
      and(
        eq(savedView.workspaceId, auth.workspaceId),
        or(eq(savedView.scope, 'shared'), eq(savedView.ownerId, auth.userId)),
        includeDeleted ? undefined : eq(savedView.deleted, false),
      ),
    )
    .orderBy(asc(savedView.name), asc(savedView.id));
  return rows.map(viewRow);
}

export async function getView(d: ViewDeps, auth: AuthContext, id: string): Promise<SavedViewRow> {
  const [r] = await d.db
    .select()
    .from(savedView)
    .where(and(eq(savedView.id, id), eq(savedView.workspaceId, auth.workspaceId)));
  if (!r || !canSeeView(auth, r)) throw notFound();
  return viewRow(r);
}

export async function putView(
  d: ViewDeps,
  auth: AuthContext,
  id: string,
  input: SavedViewPut,
): Promise<SavedViewRow> {
  const updatedAt = storedClock(input.updatedAt, d.clock());
  return dataTransaction(d, auth.workspaceId, async (tx, write) => {
    const [stored] = await tx.select().from(savedView).where(eq(savedView.id, id));
    if (stored && stored.workspaceId !== auth.workspaceId) {
      throw new ApiError('conflict', 'This id is taken; use another one.');
    }
    const refused = viewWriteError(auth, stored ?? null, input);
    if (refused) refuse(refused);
    if (stored && (updatedAt < stored.updatedAt || sameContent(stored, input))) {
      return viewRow(stored);
    }
    const seq = await write.take(1);
    const fields = {
      name: input.name,
      scope: input.scope,
      filter: input.filter,
      columns: input.columns,
      sort: input.sort,
      search: input.search,
      listId: input.listId,
      pinned: input.pinned,
      deleted: input.deleted,
      updatedAt,
      updatedBy: auth.userId,
      seq,
    };
    const [row] = await tx
      .insert(savedView)
      .values({ id, workspaceId: auth.workspaceId, ownerId: auth.userId, ...fields })
      .onConflictDoUpdate({ target: savedView.id, set: fields })
      .returning();
    return viewRow(row!);
  });
}

/** Tombstones a view (`updatedAt`: the deleting writer's clock, default the server's). */
export async function deleteView(
  d: ViewDeps,
  auth: AuthContext,
  id: string,
  updatedAt: number | undefined,
): Promise<SavedViewRow> {
  const stored = await getView(d, auth, id);
  const { id: _id, ownerId: _o, updatedBy: _b, seq: _s, ...rest } = stored;
  return putView(d, auth, id, {
    ...rest,
    deleted: true,
    updatedAt: updatedAt ?? d.clock().getTime(),
  });
}
