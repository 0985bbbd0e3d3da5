/**
 * The live queue, server-authoritative. "Next" claims the caller's most urgent open item (their
 * own items and the team's unassigned ones) in one statement with `FOR UPDATE SKIP LOCKED`: two
 * SDRs asking at once lock different rows, so nobody ever gets an item someone else holds.
 * Order: manager pins first (`pinnedRank`, lower first), then `rankKey` (the domain's effective
 * deadline), then id (index `queue_item_next_ix`). The common case runs as ONE statement that
 * also stamps the fact and stores the command's answer (`queue-next.sql.ts`); when the top item's
 * conversation is unassigned (claiming assigns it) the transaction below runs instead.
 *
 * Claim/release/complete by id answer `409 conflict` naming who holds the item. Claiming an
 * unassigned team item assigns its conversation to the claimer. Managers and admins pin items
 * (`PUT /queue/order`), work any item, and read the team view (load per SDR, claimed items, SLA
 * breaches). SDRs see and claim their own and unassigned items only.
 */
import { and, asc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { inboxCapacity, roleAtLeast } from '@sdr/domain';
import { conversation, membership, queueItem, user } from '@sdr/schema/pg';
import type { AuthContext } from '../context.ts';
import { isUniqueViolation } from '../db/helpers.ts';
import { ApiError } from '../errors.ts';
import type { FactRef } from '../sync/facts.ts';
import { runCommand } from './inbox.command.ts';
import type { InboxDeps, Tx } from './inbox.deps.ts';
import { loadInboxSettings } from './inbox.settings.ts';
import { assignConversation, type QueueItemRow } from './inbox.writes.ts';
import { claimNextFast, publishClaim } from './queue-next.sql.ts';

function mineOrTeam(userId: string) {
  return or(eq(queueItem.assigneeId, userId), isNull(queueItem.assigneeId));
}

/** After a claim: an unassigned conversation goes to the claimer. */
async function takeConversation(
  d: InboxDeps,
  tx: Tx,
  auth: AuthContext,
  item: QueueItemRow,
  facts: FactRef[],
): Promise<void> {
  if (!item.conversationId) return;
  const [conv] = await tx
    .select()
    .from(conversation)
    .where(eq(conversation.id, item.conversationId))
    .for('update');
  if (!conv || conv.assigneeId !== null) return;
  const { settings } = await loadInboxSettings(tx, auth.workspaceId);
  await assignConversation(
    d,
    tx,
    settings,
    conv,
    {
      toUserId: auth.userId,
      byUserId: auth.userId,
      reason: 'Claimed from the queue',
      addItem: false,
    },
    facts,
  );
}

async function claimRow(
  d: InboxDeps,
  tx: Tx,
  auth: AuthContext,
  id: string,
  facts: FactRef[],
): Promise<QueueItemRow> {
  const now = d.now();
  const [row] = await tx
    .update(queueItem)
    .set({
      state: 'claimed',
      claimedBy: auth.userId,
      claimedAt: now,
      assigneeId: sql`coalesce(${queueItem.assigneeId}, ${auth.userId})`,
      updatedAt: now,
    })
    .where(eq(queueItem.id, id))
    .returning();
  facts.push({ entity: 'queueItem', id });
  await takeConversation(d, tx, auth, row!, facts);
  return row!;
}

export async function nextItem(
  d: InboxDeps,
  auth: AuthContext,
  body: { commandId?: string | undefined },
): Promise<{ item: QueueItemRow | null }> {
  try {
    const fast = await claimNextFast(d, auth, body.commandId);
    if (fast.kind === 'claimed') {
      publishClaim(d, auth.workspaceId, fast.item, fast.seq);
      return { item: fast.item };
    }
    if (fast.kind === 'empty') return { item: null };
  } catch (err) {
    // A concurrent copy of this commandId stored its answer first: the path below returns it.
    if (!isUniqueViolation(err)) throw err;
  }
  return runCommand(
    d,
    auth,
    { kind: 'queue.next', commandId: body.commandId },
    async (tx, facts) => {
      const now = d.now();
      // One statement: pick the top open row nobody holds a lock on, and claim it.
      const top = tx
        .select({ id: queueItem.id })
        .from(queueItem)
        .where(
          and(
            eq(queueItem.workspaceId, auth.workspaceId),
            eq(queueItem.state, 'open'),
            mineOrTeam(auth.userId),
          ),
        )
        .orderBy(asc(queueItem.pinnedRank), asc(queueItem.rankKey), asc(queueItem.id))
        .limit(1)
        .for('update', { skipLocked: true });
      const [row] = await tx
        .update(queueItem)
        .set({
          state: 'claimed',
          claimedBy: auth.userId,
          claimedAt: now,
          assigneeId: sql`coalesce(${queueItem.assigneeId}, ${auth.userId})`,
          updatedAt: now,
        })
        .where(and(sql`${queueItem.id} = (${top})`, eq(queueItem.state, 'open')))
        .returning();
      if (!row) return { item: null };
      facts.push({ entity: 'queueItem', id: row.id });
      await takeConversation(d, tx, auth, row, facts);
      return { item: row };
    },
  );
}

async function lockItem(tx: Tx, auth: AuthContext, id: string): Promise<QueueItemRow> {
  const [row] = await tx
    .select()
    .from(queueItem)
    .where(and(eq(queueItem.id, id), eq(queueItem.workspaceId, auth.workspaceId)))
    .for('update');
  const manager = roleAtLeast(auth.role, 'manager');
  // SDRs cannot see others' items: 404 as for anything outside their view.
  if (
    !row ||
    (!manager &&
      row.assigneeId !== null &&
      row.assigneeId !== auth.userId &&
      row.claimedBy !== auth.userId)
  ) {
    throw new ApiError('not_found', 'No such queue item.');
  }
  return row;
}

async function heldBy(tx: Tx, userId: string | null): Promise<string> {
  if (!userId) return 'nobody';
  const [u] = await tx.select({ name: user.name }).from(user).where(eq(user.id, userId));
  return u?.name ?? userId;
}

async function conflict(tx: Tx, row: QueueItemRow, what: string): Promise<never> {
  const name = await heldBy(tx, row.claimedBy);
  throw new ApiError(
    'conflict',
    row.state === 'done' ? `The item is already done.` : `${what}: ${name} holds this item.`,
    { issues: [{ path: 'claimedBy', message: row.claimedBy ?? '' }] },
  );
}

export async function claimItem(
  d: InboxDeps,
  auth: AuthContext,
  id: string,
  body: { commandId?: string | undefined },
): Promise<{ item: QueueItemRow }> {
  return runCommand(
    d,
    auth,
    { kind: 'queue.claim', commandId: body.commandId },
    async (tx, facts) => {
      const row = await lockItem(tx, auth, id);
      if (row.state === 'claimed' && row.claimedBy === auth.userId) return { item: row };
      if (row.state !== 'open') await conflict(tx, row, 'Cannot claim');
      return { item: await claimRow(d, tx, auth, id, facts) };
    },
  );
}

export async function releaseItem(
  d: InboxDeps,
  auth: AuthContext,
  id: string,
  body: { commandId?: string | undefined },
): Promise<{ item: QueueItemRow }> {
  return runCommand(
    d,
    auth,
    { kind: 'queue.release', commandId: body.commandId },
    async (tx, facts) => {
      const row = await lockItem(tx, auth, id);
      if (row.state === 'open') return { item: row };
      const mine = row.claimedBy === auth.userId;
      if (row.state === 'done' || (!mine && !roleAtLeast(auth.role, 'manager'))) {
        await conflict(tx, row, 'Cannot release');
      }
      const now = d.now();
      const [updated] = await tx
        .update(queueItem)
        .set({ state: 'open', claimedBy: null, claimedAt: null, updatedAt: now })
        .where(eq(queueItem.id, id))
        .returning();
      facts.push({ entity: 'queueItem', id });
      return { item: updated! };
    },
  );
}

export async function completeItem(
  d: InboxDeps,
  auth: AuthContext,
  id: string,
  body: { commandId?: string | undefined },
): Promise<{ item: QueueItemRow }> {
  return runCommand(
    d,
    auth,
    { kind: 'queue.complete', commandId: body.commandId },
    async (tx, facts) => {
      const row = await lockItem(tx, auth, id);
      if (row.state === 'done') {
        if (row.claimedBy === auth.userId || roleAtLeast(auth.role, 'manager'))
          return { item: row };
        await conflict(tx, row, 'Cannot complete');
      }
      const holder = row.state === 'claimed' ? row.claimedBy : null;
      if (holder !== null && holder !== auth.userId && !roleAtLeast(auth.role, 'manager')) {
        await conflict(tx, row, 'Cannot complete');
      }
      const now = d.now();
      const [updated] = await tx
        .update(queueItem)
        .set({
          state: 'done',
          doneAt: now,
          claimedBy: row.claimedBy ?? auth.userId,
          claimedAt: row.claimedAt ?? now,
          updatedAt: now,
        })
        .where(eq(queueItem.id, id))
        .returning();
      facts.push({ entity: 'queueItem', id });
      return { item: updated! };
    },
  );
}

/** Managers pin items in the given order (pinnedRank 1..n) and unpin others. */
export async function reorder(
  d: InboxDeps,
  auth: AuthContext,
  body: { order: string[]; unpin?: string[] | undefined; commandId?: string | undefined },
): Promise<{ items: QueueItemRow[] }> {
  if (!roleAtLeast(auth.role, 'manager')) {
    throw new ApiError('forbidden', 'Only managers and admins reorder the queue.');
  }
  const overlap = (body.unpin ?? []).filter((id) => body.order.includes(id));
  if (overlap.length > 0) {
    throw new ApiError('invalid_input', 'An item cannot be pinned and unpinned at once.', {
      issues: [{ path: 'unpin', message: `also in order: ${overlap.join(', ')}` }],
    });
  }
  return runCommand(
    d,
    auth,
    { kind: 'queue.order', commandId: body.commandId },
    async (tx, facts) => {
      const ids = [...body.order, ...(body.unpin ?? [])];
      if (ids.length === 0) return { items: [] };
      const found = await tx
        .select({ id: queueItem.id })
        .from(queueItem)
        .where(and(eq(queueItem.workspaceId, auth.workspaceId), inArray(queueItem.id, ids)))
        .for('update');
      const known = new Set(found.map((r) => r.id));
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length > 0) {
        throw new ApiError('invalid_input', 'Unknown queue items.', {
          issues: [
            { path: 'order', message: `not in this workspace: ${missing.slice(0, 10).join(', ')}` },
          ],
        });
      }
      const now = d.now();
      const out: QueueItemRow[] = [];
      for (const [i, id] of body.order.entries()) {
        const [r] = await tx
          .update(queueItem)
          .set({ pinnedRank: i + 1, updatedAt: now })
          .where(eq(queueItem.id, id))
          .returning();
        out.push(r!);
        facts.push({ entity: 'queueItem', id });
      }
      for (const id of body.unpin ?? []) {
        const [r] = await tx
          .update(queueItem)
          .set({ pinnedRank: null, updatedAt: now })
          .where(eq(queueItem.id, id))
          .returning();
        out.push(r!);
        facts.push({ entity: 'queueItem', id });
      }
      return { items: out };
    },
  );
}

/** Open and claimed items in queue order: the caller's and the team's, or everyone's (managers). */
export async function listQueue(
  d: InboxDeps,
  auth: AuthContext,
  q: { scope: 'mine' | 'all'; limit: number },
): Promise<{ items: QueueItemRow[] }> {
  if (q.scope === 'all' && !roleAtLeast(auth.role, 'manager')) {
    throw new ApiError('forbidden', "Only managers and admins see everyone's queue.");
  }
  const items = await d.db
    .select()
    .from(queueItem)
    .where(
      and(
        eq(queueItem.workspaceId, auth.workspaceId),
        ne(queueItem.state, 'done'),
        q.scope === 'mine'
          ? or(mineOrTeam(auth.userId), eq(queueItem.claimedBy, auth.userId))
          : undefined,
      ),
    )
    .orderBy(asc(queueItem.pinnedRank), asc(queueItem.rankKey), asc(queueItem.id))
    .limit(q.limit);
  return { items };
}

/** Managers: per member open conversations (vs capacity), open and claimed items, SLA breaches. */
export async function teamView(d: InboxDeps, auth: AuthContext) {
  if (!roleAtLeast(auth.role, 'manager')) {
    throw new ApiError('forbidden', 'Only managers and admins see the team view.');
  }
  const ws = auth.workspaceId;
  const { settings } = await loadInboxSettings(d.db, ws);
  const members = await d.db
    .select({ userId: membership.userId, role: membership.role, name: user.name })
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(eq(membership.workspaceId, ws))
    .orderBy(membership.createdAt, membership.userId);
  const conv = await d.db
    .select({
      assigneeId: conversation.assigneeId,
      open: sql<number>`count(*)::int`,
      breaches: sql<number>`(count(*) filter (where jsonb_path_exists(${conversation.sla}, '$[*] ? (@.state == "breached")')))::int`,
    })
    .from(conversation)
    .where(and(eq(conversation.workspaceId, ws), ne(conversation.status, 'closed')))
    .groupBy(conversation.assigneeId);
  const items = await d.db
    .select({
      assigneeId: queueItem.assigneeId,
      claimedBy: queueItem.claimedBy,
      state: queueItem.state,
      n: sql<number>`count(*)::int`,
    })
    .from(queueItem)
    .where(and(eq(queueItem.workspaceId, ws), ne(queueItem.state, 'done')))
    .groupBy(queueItem.assigneeId, queueItem.claimedBy, queueItem.state);
  const convOf = (id: string | null) => conv.find((c) => c.assigneeId === id);
  const openItems = (id: string | null) =>
    items
      .filter((i) => i.state === 'open' && i.assigneeId === id)
      .reduce((s, i) => s + Number(i.n), 0);
  const claimed = (id: string) =>
    items
      .filter((i) => i.state === 'claimed' && i.claimedBy === id)
      .reduce((s, i) => s + Number(i.n), 0);
  return {
    members: members.map((m) => ({
      userId: m.userId,
      name: m.name,
      role: m.role,
      openConversations: Number(convOf(m.userId)?.open ?? 0),
      capacity: inboxCapacity(settings.routing, m.userId),
      openItems: openItems(m.userId),
      claimedItems: claimed(m.userId),
      breaches: Number(convOf(m.userId)?.breaches ?? 0),
    })),
    unassigned: {
      openConversations: Number(convOf(null)?.open ?? 0),
      openItems: openItems(null),
      breaches: Number(convOf(null)?.breaches ?? 0),
    },
  };
}
