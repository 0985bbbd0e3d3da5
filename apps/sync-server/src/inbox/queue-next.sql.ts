/**
 * "Next" in one round trip: a single statement (data-modifying CTEs, so it commits or rolls back
 * as one) that picks the caller's top open item with `FOR UPDATE SKIP LOCKED`, claims it, stamps
 * it as a fact (next workspace seq, `change_log` entry, `NOTIFY` on Postgres) and, with a
 * `commandId`, stores the command's answer — what `runCommand` + `stampFacts` do in ~9 statements.
 *
 * It declines (`slow`) when the general path must run instead, which then decides exactly as
 * before: the top item's conversation is unassigned (claiming assigns it: routing settings,
 * history, notifications), the commandId already has a stored answer, or a concurrent copy of the
 * same commandId won the unique key (23505). Nothing is written when it declines. Copies of one
 * commandId are serialised by the advisory lock `runCommand` takes (taken here before any row lock).
 *
 * The row comes back in the table's columns and is mapped like drizzle maps it (`getTableColumns`),
 * so the answer, the stored answer (built with `jsonb_build_object` over the same columns) and the
 * fact pushed to the fan-out are the same row `readFacts` would read.
 */
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import { queueItem } from '@sdr/schema/pg';
import type { AuthContext } from '../context.ts';
import { SYNC_CHANNEL } from '../sync/change-bus.ts';
import { num, queryPrepared } from '../sync/sql.ts';
import type { InboxDeps } from './inbox.deps.ts';
import type { QueueItemRow } from './inbox.writes.ts';

const COLUMNS = Object.entries(getTableColumns(queueItem));

/** `jsonb_build_object('id', c."id", 'workspaceId', c."workspace_id", …)`: the row as the API answers it. */
const ROW_JSON = sql.raw(
  `jsonb_build_object(${COLUMNS.map(([key, col]) => `'${key}', c."${col.name}"`).join(', ')})`,
);

function mapRow(raw: Record<string, unknown>): QueueItemRow {
  const out: Record<string, unknown> = {};
  for (const [key, col] of COLUMNS) {
    const v = raw[col.name];
    out[key] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
  }
  return out as QueueItemRow;
}

export type FastNext =
  | { readonly kind: 'claimed'; readonly item: QueueItemRow; readonly seq: number }
  | { readonly kind: 'empty' }
  | { readonly kind: 'slow' };

export async function claimNextFast(
  d: InboxDeps,
  auth: AuthContext,
  commandId: string | undefined,
): Promise<FastNext> {
  const ws = auth.workspaceId;
  const me = auth.userId;
  const now = d.now();
  const cid = commandId ?? null;
  // The Postgres bus wakes other instances with NOTIFY in the writer's transaction.
  const notify = d.sync.bus.inTransaction([{ workspaceId: ws, seq: 0 }]) !== null;
  // With a commandId the statement first takes the same advisory lock as `runCommand`: two copies
  // of one command are serialised, so a copy that skipped the other's locked row can never store an
  // `{item: null}` answer ahead of it (the later copy hits the unique key and reads the first answer).
  // A scalar subquery (an InitPlan, run once before any row is locked): inside EXISTS Postgres would
  // drop the select list and never call the function.
  const stored: SQL = cid
    ? sql`select 1 from command_result
        where (select pg_advisory_xact_lock(hashtext(${`inbox-command:${ws}:${cid}`}::text))::text) is not null
          and workspace_id = ${ws}::text and command_id = ${cid}::text`
    : sql`select 1 where false`;
  const answer: SQL = cid
    ? sql`, answer as (
        insert into command_result (id, workspace_id, command_id, user_id, kind, status, response, created_at)
        select ${d.newId()}::text, ${ws}::text, ${cid}::text, ${me}::text, 'queue.next', 200,
          coalesce((select jsonb_build_object('item', ${ROW_JSON}) from claimed c), '{"item":null}'::jsonb),
          ${now}::bigint
        where not exists (select 1 from stored) and not exists (select 1 from top where take)
      )`
    : sql``;
  const wake: SQL = notify
    ? sql`, case when c.id is not null then pg_notify(${SYNC_CHANNEL}::text, ${ws}::text || ':' || c.seq::text) end as notified`
    : sql``;
  // Prepared (postgres.js): its text is one of four (with/without commandId and NOTIFY) and every
  // value is a parameter, so Postgres parses and plans it once per connection, not per call (the
  // generic plan is the same: an index scan of queue_item_next_ix that stops at the first row).
  const [row] = await queryPrepared<Record<string, unknown>>(
    d.db,
    sql`with stored as (${stored}),
      cand as (
        select q.id, q.conversation_id from queue_item q
        where q.workspace_id = ${ws}::text and q.state = 'open'
          and (q.assignee_id = ${me}::text or q.assignee_id is null)
          and not exists (select 1 from stored)
        order by q.pinned_rank, q.rank_key, q.id
        limit 1
        for update of q skip locked
      ),
      top as (
        select cand.id, (conv.id is not null and conv.assignee_id is null) as take
        from cand left join conversation conv on conv.id = cand.conversation_id
      ),
      go as (select id from top where not take),
      next_seq as (
        insert into workspace_seq (workspace_id, last_seq) select ${ws}::text, 1::bigint from go
        on conflict (workspace_id) do update set last_seq = workspace_seq.last_seq + 1
        returning last_seq
      ),
      claimed as (
        update queue_item q set state = 'claimed', claimed_by = ${me}::text,
          claimed_at = ${now}::bigint, assignee_id = coalesce(q.assignee_id, ${me}::text),
          updated_at = ${now}::bigint, seq = next_seq.last_seq
        from go, next_seq where q.id = go.id
        returning q.*
      ),
      log as (
        insert into change_log (id, workspace_id, seq, kind, entity, entity_id, created_at)
        select ${d.newId()}::text, ${ws}::text, c.seq, 'fact', 'queueItem', c.id,
          ${new Date(now).toISOString()}::timestamptz
        from claimed c
      )${answer}
      select (select count(*) from stored)::int as stored_answers,
        (select count(*) from top where take)::int as take_conversation, c.* ${wake}
      from (select 1) one left join claimed c on true`,
  );
  if (!row || num(row['stored_answers']) > 0 || num(row['take_conversation']) > 0) {
    return { kind: 'slow' };
  }
  if (row['id'] === null || row['id'] === undefined) return { kind: 'empty' };
  const item = mapRow(row);
  return { kind: 'claimed', item, seq: num(row['seq']) };
}

/** After the statement committed: this instance's fan-out gets the claimed item from memory. */
export function publishClaim(d: InboxDeps, workspaceId: string, item: QueueItemRow, seq: number) {
  d.sync.fanout.localFacts([
    {
      kind: 'fact',
      workspaceId,
      seq,
      entity: 'queueItem',
      id: item.id,
      data: item,
    },
  ]);
  d.sync.bus.afterCommit([{ workspaceId, seq }]);
}
