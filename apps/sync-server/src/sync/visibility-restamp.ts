/**
 * Visibility changes that change no row: the workspace's `leadVisibility` policy, a member's
 * team, or a member's role (SDR ↔ manager/admin under `team`/`own`). Which leads and facts a
 * connected user sees changes, so the writer of the setting calls `restampForVisibility` in its
 * transaction: a `visibility` marker entry, then every row whose visibility may have changed for
 * someone gets the next workspace seq and a change-log entry.
 * Clients converge on both paths with what they already handle:
 * - live, the fan-out delivers each row again and every connection decides with the new rule: a
 *   record with its full state (or the fact's row) when visible, an `evict` (`data: null`) when not;
 * - in catch-up the re-stamped rows are newer than the client's cursor, and the page says the same.
 * The marker makes every instance reload the workspace's policy, teams and roles before it
 * delivers the rows after it (`Fanout`, `VisibilityService.reload`); clients never see it.
 *
 * Tasks are not in the change log but in the replication feed: the assigned tasks in scope get
 * new workspace data seqs in the same transaction (`restampTasks`), so replicas pull them again.
 *
 * Cost: one set-based statement per table. A policy change or a role change across the SDR line
 * re-stamps every owned lead and every assigned conversation, message and queue item of the
 * workspace (an admin action, rare); a team change only the rows of the two teams' members.
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import type { LeadVisibilityPolicy } from '@sdr/domain';
import { workspace } from '@sdr/schema/pg';
import type { Db } from '../db/schema.ts';
import type { ChangeBus, Wakeup } from './change-bus.ts';
import { lockWorkspaceData } from '../replication/data-seq.ts';
import { LEAD_PREFIX } from './lead-row.ts';
import { num, queryRows, type Executor } from './sql.ts';
import type { VisibilityService } from './visibility.service.ts';

/** The change-log `entity` of the marker (kind `fact`, entity id = the workspace id). */
export const VISIBILITY_MARKER = 'visibility';

/** Whose rows to re-stamp: every owned/assigned row, or those of these owners/assignees. */
export type RestampScope =
  { readonly kind: 'all' } | { readonly kind: 'owners'; readonly userIds: readonly string[] };

const FACT_TABLES = [
  ['conversation', 'conversation'],
  ['message', 'message'],
  ['queueItem', 'queue_item'],
] as const;

/**
 * In the writer's transaction, after the setting is written. Returns the wake-ups to hand to
 * `bus.afterCommit` after commit (the NOTIFY, when there is one, is already in the transaction).
 */
export async function restampForVisibility(
  tx: Executor,
  o: { bus: ChangeBus; newId: () => string; now: number },
  workspaceId: string,
  scope: RestampScope,
): Promise<Wakeup[]> {
  if (scope.kind === 'owners' && scope.userIds.length === 0) return [];
  const createdAt = new Date(o.now).toISOString();
  // The data counter before the sync counter, as every workspace-data writer takes them.
  await lockWorkspaceData(tx, workspaceId);
  // The workspace_seq row lock is held until commit: commits of this workspace wait (seq order).
  const [row] = await queryRows<{ last_seq: unknown }>(
    tx,
    sql`insert into workspace_seq (workspace_id, last_seq) values (${workspaceId}, 1)
        on conflict (workspace_id) do update set last_seq = workspace_seq.last_seq + 1
        returning last_seq`,
  );
  let last = num(row!.last_seq);
  await tx.execute(
    sql`insert into change_log (id, workspace_id, seq, kind, entity, entity_id, created_at)
        values (${o.newId()}, ${workspaceId}, ${last}, 'fact', ${VISIBILITY_MARKER}, ${workspaceId},
                ${createdAt}::timestamptz)`,
  );
  const owned = (column: string): SQL =>
    scope.kind === 'all'
      ? sql`${sql.raw(column)} is not null`
      : sql`${sql.raw(column)} in (${sql.join(
          scope.userIds.map((u) => sql`${u}`),
          sql`, `,
        )})`;
  // Change-log ids: one fresh id per statement, suffixed with the row's seq (unique).
  const restamp = async (table: string, column: string, entry: SQL): Promise<void> => {
    const [r] = await queryRows<{ n: unknown }>(
      tx,
      sql`with r as (
            select id, row_number() over (order by seq, id) as n from ${sql.raw(table)}
            where workspace_id = ${workspaceId} and ${owned(column)}),
          u as (
            update ${sql.raw(table)} t set seq = ${last}::bigint + r.n from r
            where t.id = r.id returning t.id, t.seq),
          i as (
            insert into change_log (id, workspace_id, seq, kind, doc_name, entity, entity_id, created_at)
            select ${o.newId()} || '.' || u.seq::text, ${workspaceId}, u.seq, ${entry},
                   ${createdAt}::timestamptz
            from u returning 1)
          select count(*) as n from i`,
    );
    last += num(r?.n);
  };
  await restamp('lead', 'owner_id', sql`'record', ${LEAD_PREFIX} || u.id, null, null`);
  for (const [entity, table] of FACT_TABLES) {
    await restamp(table, 'assignee_id', sql`'fact', null, ${entity}, u.id`);
  }
  if ((await restampTasks(tx, workspaceId, owned('assignee_id'))) > 0) {
    // Engines pull the re-stamped tasks now (`workspaceData`, facts.ts), not at their next poll.
    last += 1;
    await tx.execute(
      sql`insert into change_log (id, workspace_id, seq, kind, entity, entity_id, created_at)
          values (${o.newId()}, ${workspaceId}, ${last}, 'fact', 'workspaceData', ${workspaceId},
                  ${createdAt}::timestamptz)`,
    );
  }
  await tx.execute(
    sql`update workspace_seq set last_seq = ${last} where workspace_id = ${workspaceId}`,
  );
  const wakeups = [{ workspaceId, seq: last }];
  const notify = o.bus.inTransaction(wakeups);
  if (notify) await tx.execute(notify);
  return wakeups;
}

/**
 * Tasks travel in the replication feed (workspace data seq, `replication.service.ts`), which
 * judges each row by `canSeeTask` when it is read: the assigned tasks in scope get the next data
 * seqs, so every replica pulls them again and keeps or deletes them (`row: null`) by the new rule.
 * The data counter row is locked (by the caller, first) until commit like any workspace-data
 * writer's.
 */
async function restampTasks(tx: Executor, workspaceId: string, assigned: SQL): Promise<number> {
  const [row] = await queryRows<{ n: unknown }>(
    tx,
    sql`with r as (
          select id, row_number() over (order by seq, id) as n from task
          where workspace_id = ${workspaceId} and ${assigned}),
        c as (
          select last_seq from workspace_data_seq where workspace_id = ${workspaceId}),
        u as (
          update task t set seq = c.last_seq + r.n from r, c where t.id = r.id returning 1),
        n as (select count(*) as n from u),
        s as (
          update workspace_data_seq set last_seq = last_seq + (select n from n)
          where workspace_id = ${workspaceId})
        select n from n`,
  );
  return num(row?.n);
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Runs a settings write and the re-stamp it asks for (`scope`, null: none) in one transaction,
 * then drops this instance's cached visibility and wakes the fan-out. The workspace row is locked
 * first and `write` gets its policy: visibility writers of one workspace run one at a time.
 */
export async function writeVisibility<T>(
  deps: { db: Db; newId: () => string; clock: () => Date },
  sync: { bus: ChangeBus; visibility: VisibilityService },
  workspaceId: string,
  write: (
    tx: Tx,
    policy: LeadVisibilityPolicy | null,
  ) => Promise<{ result: T; scope: RestampScope | null }>,
): Promise<T> {
  const { result, wakeups } = await deps.db.transaction(async (tx) => {
    const [ws] = await tx
      .select({ policy: workspace.leadVisibility })
      .from(workspace)
      .where(eq(workspace.id, workspaceId))
      .for('update');
    const w = await write(tx, ws?.policy ?? null);
    const o = { bus: sync.bus, newId: deps.newId, now: deps.clock().getTime() };
    return {
      result: w.result,
      wakeups: w.scope ? await restampForVisibility(tx, o, workspaceId, w.scope) : [],
    };
  });
  sync.visibility.invalidate(workspaceId);
  sync.bus.afterCommit(wakeups);
  return result;
}
