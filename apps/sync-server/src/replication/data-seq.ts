/**
 * The workspace data sequence (`workspace_data_seq`): every stored change of a saved view, lead
 * list, list member or task gets the next seq of its workspace. A writer first locks its
 * workspace's counter row (`lockWorkspaceData`, held until commit), so writes of one workspace
 * commit one at a time, in seq order: a reader that saw seq n also sees every seq below it, and a
 * pull cursor never skips a row that commits later. Rows are small and edited by people, so one
 * writer at a time per workspace costs nothing that matters.
 *
 * Connected engines learn of a change at once: a writer that took seqs (or changed the lead
 * settings) stamps a `workspaceData` fact in its transaction (`dataTransaction`), pushed over the
 * sync socket after commit; an engine that gets it pulls now instead of at its next poll.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/schema.ts';
import { fastUlid } from '../fast-ulid.ts';
import type { ChangeBus } from '../sync/change-bus.ts';
import { publishFacts, stampFacts, type FactStamp } from '../sync/facts.ts';
import type { Fanout } from '../sync/fanout.ts';
import { num, queryRows, type Executor } from '../sync/sql.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Locks the workspace's data counter row until the transaction ends (creates it at 0). */
export async function lockWorkspaceData(tx: Executor, workspaceId: string): Promise<void> {
  await tx.execute(
    sql`insert into workspace_data_seq (workspace_id, last_seq) values (${workspaceId}, 0)
        on conflict (workspace_id) do update set last_seq = workspace_data_seq.last_seq`,
  );
}

export interface DataWriteDeps {
  db: Db;
  clock: () => Date;
  sync: { db: Db; bus: ChangeBus; fanout: Fanout };
}

/** What a data writer can do in `dataTransaction`. */
export interface DataWrite {
  /** Takes `count` seqs of the workspace; returns the first. */
  take(count: number): Promise<number>;
  /** Something engines pull changed without a seq (the lead settings). */
  changed(): void;
}

/**
 * A workspace data write: one transaction, the workspace's data counter row locked first (every
 * data writer locks it before the workspace's sync counter, so the two never wait in a cycle).
 * When the writer took seqs or said `changed()`, the `workspaceData` fact is stamped before commit
 * and pushed after it.
 */
export async function dataTransaction<T>(
  d: DataWriteDeps,
  workspaceId: string,
  fn: (tx: Tx, write: DataWrite) => Promise<T>,
): Promise<T> {
  let stamp: FactStamp | null = null;
  const out = await d.db.transaction(async (tx) => {
    await lockWorkspaceData(tx, workspaceId);
    let changed = false;
    const result = await fn(tx, {
      take: (count) => {
        changed = true;
        return takeSeqs(tx, workspaceId, count);
      },
      changed: () => void (changed = true),
    });
    if (changed) {
      const o = { bus: d.sync.bus, newId: fastUlid, now: d.clock().getTime() };
      stamp = await stampFacts(tx, o, workspaceId, [{ entity: 'workspaceData', id: workspaceId }]);
    }
    return result;
  });
  if (stamp) await publishFacts(d.sync, stamp);
  return out;
}

/** Takes `count` seqs (the counter row must be locked); returns the first. */
export async function takeSeqs(tx: Executor, workspaceId: string, count: number): Promise<number> {
  const [row] = await queryRows<{ last_seq: unknown }>(
    tx,
    sql`update workspace_data_seq set last_seq = last_seq + ${count}
        where workspace_id = ${workspaceId} returning last_seq`,
  );
  if (!row) throw new Error('workspace data counter row is not locked');
  return num(row.last_seq) - count + 1;
}

/**
 * A writer's clock as stored: at most a minute ahead of the server's, so a client with a clock far
 * in the future cannot make its rows unbeatable.
 */
export function storedClock(updatedAt: number, now: Date): number {
  return Math.min(updatedAt, now.getTime() + 60_000);
}

/** Whether two JSON values are equal (object key order aside: jsonb reorders keys). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson(ra[k], rb[k]));
}
