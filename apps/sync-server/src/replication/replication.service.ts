/**
 * The replication feed of views, lists, list members and tasks: every row whose last change has a
 * workspace data seq above the cursor, in seq order. One statement (one snapshot) reads the four
 * tables, so a page never shows seq n without every seq below it (see `data-seq.ts`). Rows the
 * caller may not see (another member's personal view; for an SDR under `team`/`own` visibility,
 * a task assigned to someone else) are sent as `row: null`, so a replica holding an older,
 * visible version deletes it.
 */
import { sql } from 'drizzle-orm';
import { canSeeTask, canSeeView } from '@sdr/domain';
import type { ReplicationItem, ReplicationPage } from '@sdr/schema';
import type { AuthContext, Deps } from '../context.ts';
import { num, queryRows } from '../sync/sql.ts';
import type { SyncCore } from '../sync/sync-core.ts';

type Raw = { entity: 'view' | 'list' | 'member' | 'task'; seq: unknown; id: string; row: unknown };

const meta = (t: string) =>
  `'deleted', ${t}.deleted, 'updatedAt', ${t}.updated_at, 'updatedBy', ${t}.updated_by, 'seq', ${t}.seq`;

const VIEW = `json_build_object('id', v.id, 'ownerId', v.owner_id, 'name', v.name, 'scope', v.scope,
  'filter', v.filter, 'columns', v.columns, 'sort', v.sort, 'search', v.search, 'listId', v.list_id,
  'pinned', v.pinned, ${meta('v')})`;
const LIST = `json_build_object('id', l.id, 'ownerId', l.owner_id, 'name', l.name, 'kind', l.kind,
  'filter', l.filter, ${meta('l')})`;
const MEMBER = `json_build_object('listId', m.list_id, 'leadId', m.lead_id, ${meta('m')})`;
const TASK = `json_build_object('id', t.id, 'leadId', t.lead_id, 'title', t.title, 'dueAt', t.due_at,
  'done', t.done, 'assigneeId', t.assignee_id, 'createdBy', t.created_by, ${meta('t')})`;

/** json_build_object keeps int8 as JSON numbers; PGlite and postgres.js may hand back text. */
const parsed = (v: unknown): Record<string, unknown> =>
  (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;

export async function replicationPage(
  d: Pick<Deps, 'db'> & { sync: SyncCore },
  auth: AuthContext,
  q: { after: number; limit: number },
): Promise<ReplicationPage> {
  const ws = auth.workspaceId;
  const part = (entity: string, table: string, alias: string, row: string) =>
    sql`(select ${entity}::text as entity, ${sql.raw(alias)}.seq, ${sql.raw(alias)}.id, ${sql.raw(row)} as row
         from ${sql.raw(table)} ${sql.raw(alias)}
         where ${sql.raw(alias)}.workspace_id = ${ws} and ${sql.raw(alias)}.seq > ${q.after}
         order by ${sql.raw(alias)}.seq limit ${q.limit})`;
  const rows = await queryRows<Raw>(
    d.db,
    sql`select * from (
          ${part('view', 'saved_view', 'v', VIEW)} union all
          ${part('list', 'lead_list', 'l', LIST)} union all
          ${part('member', 'lead_list_member', 'm', MEMBER)} union all
          ${part('task', 'task', 't', TASK)}
        ) x order by seq limit ${q.limit}`,
  );
  const policy = await d.sync.visibility.policy(ws);
  const items = rows.map((r): ReplicationItem => {
    const seq = num(r.seq);
    const row = parsed(r.row);
    for (const k of ['updatedAt', 'seq', 'dueAt'] as const) {
      if (row[k] !== null && row[k] !== undefined) row[k] = num(row[k]);
    }
    switch (r.entity) {
      case 'view': {
        const view = row as Extract<ReplicationItem, { entity: 'view' }>['row'] & object;
        return { entity: 'view', seq, id: r.id, row: canSeeView(auth, view) ? view : null };
      }
      case 'task': {
        const t = row as Extract<ReplicationItem, { entity: 'task' }>['row'] & object;
        return { entity: 'task', seq, id: r.id, row: canSeeTask(auth, t, policy) ? t : null };
      }
      case 'list':
        return { entity: 'list', seq, id: r.id, row: row as never };
      case 'member':
        return { entity: 'member', seq, id: r.id, row: row as never };
    }
  });
  return {
    items,
    nextAfter: items.at(-1)?.seq ?? q.after,
    done: items.length < q.limit,
  };
}
