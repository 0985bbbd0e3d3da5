/**
 * Tasks (follow-ups on a lead): rows replicated last-writer-wins (see `replication/data-seq.ts`).
 * Any member sees and changes any task, except that under a restricted lead visibility (`team`,
 * `own`) an SDR only sees and changes tasks assigned to them or to nobody (`canSeeTask`).
 */
import { and, asc, eq, gt, isNull, or, type SQL } from 'drizzle-orm';
import { canSeeTask, taskWriteError, type LeadVisibilityPolicy } from '@sdr/domain';
import { membership, task } from '@sdr/schema/pg';
import type { TaskPut, TaskRow } from '@sdr/schema';
import type { AuthContext, Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { dataTransaction, storedClock } from '../replication/data-seq.ts';
import type { SyncCore } from '../sync/sync-core.ts';

export type TaskDeps = Pick<Deps, 'db' | 'clock'> & { sync: SyncCore };
type Stored = typeof task.$inferSelect;

export function taskRow(r: Stored): TaskRow {
  return {
    id: r.id,
    leadId: r.leadId,
    title: r.title,
    dueAt: r.dueAt,
    done: r.done,
    assigneeId: r.assigneeId,
    createdBy: r.createdBy,
    deleted: r.deleted,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
    seq: r.seq,
  };
}

const notFound = () => new ApiError('not_found', 'No such task.');

const sameContent = (a: Stored, b: TaskPut) =>
  a.leadId === b.leadId &&
  a.title === b.title &&
  a.dueAt === b.dueAt &&
  a.done === b.done &&
  a.assigneeId === b.assigneeId &&
  a.deleted === b.deleted;

/** SQL for "tasks the caller may see" (mirrors `canSeeTask`). */
function visibleTasks(auth: AuthContext, policy: LeadVisibilityPolicy): SQL | undefined {
  if (policy === 'all' || auth.role !== 'sdr') return undefined;
  return or(isNull(task.assigneeId), eq(task.assigneeId, auth.userId));
}

export async function listTasks(
  d: TaskDeps,
  auth: AuthContext,
  q: {
    leadId?: string | undefined;
    assignee?: string | undefined;
    open?: boolean | undefined;
    includeDeleted: boolean;
    after?: string | undefined;
    limit: number;
  },
) {
  const policy = await d.sync.visibility.policy(auth.workspaceId);
  const assignee = q.assignee === 'me' ? auth.userId : q.assignee;
  const rows = await d.db
    .select()
    .from(task)
    .where(
      and(
        eq(task.workspaceId, auth.workspaceId),
        visibleTasks(auth, policy),
        q.leadId ? eq(task.leadId, q.leadId) : undefined,
        assignee === undefined
          ? undefined
          : assignee === 'none'
            ? isNull(task.assigneeId)
            : eq(task.assigneeId, assignee),
        q.open === undefined ? undefined : eq(task.done, !q.open),
        q.includeDeleted ? undefined : eq(task.deleted, false),
        q.after ? gt(task.id, q.after) : undefined,
      ),
    )
    .orderBy(asc(task.id))
    .limit(q.limit);
  return {
    items: rows.map(taskRow),
    nextCursor: rows.length === q.limit ? (rows.at(-1)?.id ?? null) : null,
  };
}

export async function getTask(d: TaskDeps, auth: AuthContext, id: string): Promise<TaskRow> {
  const [r] = await d.db
    .select()
    .from(task)
    .where(and(eq(task.id, id), eq(task.workspaceId, auth.workspaceId)));
  if (!r || !canSeeTask(auth, r, await d.sync.visibility.policy(auth.workspaceId))) {
    throw notFound();
  }
  return taskRow(r);
}

export async function putTask(
  d: TaskDeps,
  auth: AuthContext,
  id: string,
  input: TaskPut,
): Promise<TaskRow> {
  const updatedAt = storedClock(input.updatedAt, d.clock());
  const policy = await d.sync.visibility.policy(auth.workspaceId);
  return dataTransaction(d, auth.workspaceId, async (tx, write) => {
    const [stored] = await tx.select().from(task).where(eq(task.id, id));
    if (stored && stored.workspaceId !== auth.workspaceId) {
      throw new ApiError('conflict', 'This id is taken; use another one.');
    }
    const refused = taskWriteError(auth, stored ?? null, input, policy);
    if (refused === 'not_found') throw notFound();
    if (refused) {
      throw new ApiError(
        'forbidden',
        'SDRs may only change tasks assigned to them or to nobody, and not assign others.',
      );
    }
    if (input.assigneeId !== null && input.assigneeId !== stored?.assigneeId) {
      const [m] = await tx
        .select({ id: membership.id })
        .from(membership)
        .where(
          and(
            eq(membership.workspaceId, auth.workspaceId),
            eq(membership.userId, input.assigneeId),
          ),
        );
      if (!m) {
        throw new ApiError('invalid_input', 'The assignee is not a member of this workspace.', {
          issues: [{ path: 'assigneeId', message: 'not a member of this workspace' }],
        });
      }
    }
    if (stored && (updatedAt < stored.updatedAt || sameContent(stored, input))) {
      return taskRow(stored);
    }
    const seq = await write.take(1);
    const fields = {
      leadId: input.leadId,
      title: input.title,
      dueAt: input.dueAt,
      done: input.done,
      assigneeId: input.assigneeId,
      deleted: input.deleted,
      updatedAt,
      updatedBy: auth.userId,
      seq,
    };
    const [row] = await tx
      .insert(task)
      .values({ id, workspaceId: auth.workspaceId, createdBy: auth.userId, ...fields })
      .onConflictDoUpdate({ target: task.id, set: fields })
      .returning();
    return taskRow(row!);
  });
}

export async function deleteTask(
  d: TaskDeps,
  auth: AuthContext,
  id: string,
  updatedAt: number | undefined,
): Promise<TaskRow> {
  const stored = await getTask(d, auth, id);
  return putTask(d, auth, id, {
    leadId: stored.leadId,
    title: stored.title,
    dueAt: stored.dueAt,
    done: stored.done,
    assigneeId: stored.assigneeId,
    deleted: true,
    updatedAt: updatedAt ?? d.clock().getTime(),
  });
}
