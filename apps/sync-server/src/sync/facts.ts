/**
 * Server-owned facts (design: ARCHITECTURE.md, Sync): conversations, messages, queue items and
 * notifications are plain rows the server alone writes. A writer changes the rows in its
 * transaction, then calls `stampFacts` in the same transaction: each changed row gets the next
 * workspace seq (the same sequence as record changes, so one cursor covers both) and a `fact`
 * entry in `change_log`. After commit, `publishFacts` hands the stamped rows to this instance's
 * fan-out and wakes the other instances. Clients receive `fact` changes live and in catch-up.
 *
 * The workspace_seq row lock taken here is held until commit, so per workspace commits happen in
 * seq order (as for record changes): a reader that saw seq n has every seq below it.
 */
import { inArray, sql } from 'drizzle-orm';
import { DEFAULT_NOTIFICATION_PREFS, NotificationPrefs } from '@sdr/schema';
import type { Db } from '../db/schema.ts';
import { schema } from '../db/schema.ts';
import type { ChangeBus, Wakeup } from './change-bus.ts';
import type { Fanout } from './fanout.ts';
import { num, queryPrepared, type Executor } from './sql.ts';

export const FACT_ENTITIES = ['conversation', 'message', 'queueItem', 'notification'] as const;
export type FactEntity = (typeof FACT_ENTITIES)[number];

/**
 * Per-user facts: `notificationPrefs` (entity id = the user id), stamped in every workspace of the
 * user when they change, so the user's other connected devices get them live (visible to that user
 * only). They have no row with a workspace seq, so catch-up does not carry them: an engine reads
 * them when it connects.
 */
export const USER_FACT_ENTITIES = ['notificationPrefs'] as const;

/**
 * Workspace facts: `workspaceData` (entity id = the workspace id; data: the workspace data
 * counter, `lastSeq`), stamped when saved views, lists, list members, tasks or the lead settings
 * change (`replication/data-seq.ts`), so connected engines pull them at once. Everyone in the
 * workspace sees it; it carries no row.
 */
export const WORKSPACE_FACT_ENTITIES = ['workspaceData'] as const;
export type FeedFactEntity =
  FactEntity | (typeof USER_FACT_ENTITIES)[number] | (typeof WORKSPACE_FACT_ENTITIES)[number];

export const FACT_TABLE_NAMES: Record<FactEntity, string> = {
  conversation: 'conversation',
  message: 'message',
  queueItem: 'queue_item',
  notification: 'notification',
};

const TABLES = {
  conversation: schema.conversation,
  message: schema.message,
  queueItem: schema.queueItem,
  notification: schema.notification,
};

export interface FactRef {
  readonly entity: FeedFactEntity;
  readonly id: string;
}

/** One committed fact change as the fan-out delivers it. */
export interface FanoutFact {
  readonly kind: 'fact';
  readonly workspaceId: string;
  readonly seq: number;
  readonly entity: FeedFactEntity;
  readonly id: string;
  /** The row after this change (or newer when read back); null when it no longer exists. */
  readonly data: Record<string, unknown> | null;
}

/** What `stampFacts` did, for `publishFacts` after commit. */
export interface FactStamp {
  readonly workspaceId: string;
  readonly refs: readonly (FactRef & { seq: number })[];
  readonly wakeups: readonly Wakeup[];
}

export const isFactEntity = (v: string): v is FactEntity =>
  (FACT_ENTITIES as readonly string[]).includes(v);

/** A fact the feed delivers: a table fact or a per-user fact. */
export const isFeedFactEntity = (v: string): v is FeedFactEntity =>
  isFactEntity(v) ||
  (USER_FACT_ENTITIES as readonly string[]).includes(v) ||
  (WORKSPACE_FACT_ENTITIES as readonly string[]).includes(v);

/**
 * In the writer's transaction: stamps each distinct row with the next workspace seq and appends
 * its change-log entry. Call it after the rows are written and before commit.
 *
 * Fixed-shape statements (the rows travel as one JSON text parameter, prepared once per
 * connection), so a batch of any size reuses the same plans. A writer that updates the rows
 * anyway can set `seq` in its own UPDATE instead: `reserveFactSeqs` then `logFacts`.
 */
export async function stampFacts(
  tx: Executor,
  o: { bus: ChangeBus; newId: () => string; now: number },
  workspaceId: string,
  refs: readonly FactRef[],
): Promise<FactStamp> {
  const seen = new Set<string>();
  const distinct = refs.filter((r) => {
    const k = `${r.entity}:${r.id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (distinct.length === 0) return { workspaceId, refs: [], wakeups: [] };
  const first = await reserveFactSeqs(tx, workspaceId, distinct.length);
  const stamped = distinct.map((r, i) => ({ ...r, seq: first + i }));
  for (const entity of FACT_ENTITIES) {
    const mine = stamped.filter((r) => r.entity === entity);
    if (mine.length === 0) continue;
    await queryPrepared(
      tx,
      sql`update ${sql.raw(FACT_TABLE_NAMES[entity])} t set seq = v.seq
          from json_to_recordset(${JSON.stringify(mine.map((r) => ({ id: r.id, seq: r.seq })))}::text::json)
            as v(id text, seq bigint)
          where t.id = v.id and t.workspace_id = ${workspaceId}`,
    );
  }
  return logFacts(tx, o, workspaceId, stamped);
}

/**
 * In the writer's transaction: takes `n` consecutive seqs of the workspace (its `workspace_seq`
 * row stays locked until commit) and returns the first. The caller sets them on its rows and
 * calls `logFacts` with the same seqs.
 */
export async function reserveFactSeqs(
  tx: Executor,
  workspaceId: string,
  n: number,
): Promise<number> {
  const [row] = await queryPrepared<{ last_seq: unknown }>(
    tx,
    sql`insert into workspace_seq (workspace_id, last_seq) values (${workspaceId}, ${n}::bigint)
        on conflict (workspace_id) do update set last_seq = workspace_seq.last_seq + excluded.last_seq
        returning last_seq`,
  );
  return num(row!.last_seq) - n + 1;
}

/**
 * In the writer's transaction: the change-log entries of rows already stamped with seqs from
 * `reserveFactSeqs` (distinct, in seq order), and the wake-up sent on commit.
 */
export async function logFacts(
  tx: Executor,
  o: { bus: ChangeBus; newId: () => string; now: number },
  workspaceId: string,
  stamped: readonly (FactRef & { seq: number })[],
): Promise<FactStamp> {
  if (stamped.length === 0) return { workspaceId, refs: [], wakeups: [] };
  const entries = JSON.stringify(
    stamped.map((r) => ({ id: o.newId(), seq: r.seq, entity: r.entity, entity_id: r.id })),
  );
  await queryPrepared(
    tx,
    sql`insert into change_log (id, workspace_id, seq, kind, entity, entity_id, created_at)
        select v.id, ${workspaceId}, v.seq, 'fact', v.entity, v.entity_id, ${new Date(o.now).toISOString()}::timestamptz
        from json_to_recordset(${entries}::text::json) as v(id text, seq bigint, entity text, entity_id text)`,
  );
  let last = 0;
  for (const r of stamped) if (r.seq > last) last = r.seq;
  const wakeups = [{ workspaceId, seq: last }];
  const notify = o.bus.inTransaction(wakeups);
  if (notify) await tx.execute(notify);
  return { workspaceId, refs: stamped, wakeups };
}

/** Reads the current rows of facts by entity and id (camelCase, times as ms numbers). */
export async function readFacts(
  db: Executor & Pick<Db, 'select'>,
  refs: readonly FactRef[],
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const entity of FACT_ENTITIES) {
    const ids = [...new Set(refs.filter((r) => r.entity === entity).map((r) => r.id))];
    if (ids.length === 0) continue;
    const table = TABLES[entity];
    const rows = (await db.select().from(table).where(inArray(table.id, ids))) as unknown as Record<
      string,
      unknown
    >[];
    for (const r of rows) out.set(`${entity}:${String(r.id)}`, r);
  }
  const users = [...new Set(refs.filter((r) => r.entity === 'notificationPrefs').map((r) => r.id))];
  if (users.length > 0) {
    const t = schema.userNotificationPrefs;
    const rows = await db.select().from(t).where(inArray(t.userId, users));
    for (const r of rows) {
      const prefs = NotificationPrefs.safeParse(r.prefs);
      out.set(`notificationPrefs:${r.userId}`, {
        id: r.userId,
        userId: r.userId,
        prefs: prefs.success ? prefs.data : DEFAULT_NOTIFICATION_PREFS,
        updatedAt: r.updatedAt,
      });
    }
  }
  const spaces = [...new Set(refs.filter((r) => r.entity === 'workspaceData').map((r) => r.id))];
  if (spaces.length > 0) {
    const t = schema.workspaceDataSeq;
    const rows = await db.select().from(t).where(inArray(t.workspaceId, spaces));
    for (const r of rows) {
      out.set(`workspaceData:${r.workspaceId}`, {
        id: r.workspaceId,
        workspaceId: r.workspaceId,
        lastSeq: Number(r.lastSeq),
      });
    }
  }
  return out;
}

/**
 * After commit: hands the stamped facts to this instance's fan-out (read back from the database,
 * so listeners get the committed rows) and wakes other instances. Nothing is read back when no
 * socket of this instance follows the workspace: one that joins later starts from a head that
 * already includes these seqs.
 */
export async function publishFacts(
  core: { db: Db; fanout: Fanout; bus: ChangeBus },
  stamp: FactStamp,
): Promise<void> {
  if (stamp.refs.length === 0) return;
  if (!core.fanout.follows(stamp.workspaceId)) {
    core.bus.afterCommit(stamp.wakeups);
    return;
  }
  const rows = await readFacts(core.db, stamp.refs);
  core.fanout.localFacts(
    stamp.refs.map((r) => ({
      kind: 'fact',
      workspaceId: stamp.workspaceId,
      seq: r.seq,
      entity: r.entity,
      id: r.id,
      data: rows.get(`${r.entity}:${r.id}`) ?? null,
    })),
  );
  core.bus.afterCommit(stamp.wakeups);
}
