/**
 * The engine's read-only copies of server-owned facts (conversations, messages, queue items,
 * notifications; see ARCHITECTURE.md, Sync). A `fact` change from the server replaces the local
 * row whole, or deletes it when its data is `null` (the row left this user's view). The row is
 * validated against the entity's schema first: a malformed row is skipped (and logged by the
 * caller), never half-stored. Called inside the transaction that also moves the sync cursor.
 */
import type Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { eq } from 'drizzle-orm';
import { ENTITIES, rowSchema } from '@sdr/schema';
import { sqliteTables } from '@sdr/schema/sqlite';
import type { z } from 'zod';

export const FACT_ENTITIES = ['conversation', 'message', 'queueItem', 'notification'] as const;
export type FactEntity = (typeof FACT_ENTITIES)[number];

export const isFactEntity = (v: string): v is FactEntity =>
  (FACT_ENTITIES as readonly string[]).includes(v);

const TABLES = {
  conversation: sqliteTables.conversation,
  message: sqliteTables.message,
  queueItem: sqliteTables.queueItem,
  notification: sqliteTables.notification,
};

const SCHEMAS = Object.fromEntries(
  FACT_ENTITIES.map((name) => [name, rowSchema(ENTITIES.find((e) => e.name === name)!)]),
) as Record<FactEntity, z.ZodType<Record<string, unknown>>>;

/**
 * Facts the server pushes live and the engine does not store here: `notificationPrefs` (the
 * user's preferences changed on another device; the inbox caches them) and `workspaceData` (the
 * workspace's views, lists, tasks or lead settings changed: the engine pulls them now).
 */
export const PASS_THROUGH_FACTS = ['notificationPrefs', 'workspaceData'] as const;

/** One fact as applied: `data` null when the row was deleted. */
export interface AppliedFact {
  readonly entity: FactEntity | (typeof PASS_THROUGH_FACTS)[number];
  readonly id: string;
  readonly data: Record<string, unknown> | null;
  /** The stored row before this change (null: new). */
  readonly before: Record<string, unknown> | null;
}

export class FactStore {
  private readonly db: BetterSQLite3Database;

  constructor(sqlite: Database.Database) {
    this.db = drizzle(sqlite);
  }

  /**
   * Stores (or deletes) one fact. Returns what changed, or null when the change was ignored
   * (unknown entity, malformed row, or older than the stored row).
   */
  apply(
    workspaceId: string,
    entity: string,
    id: string,
    data: unknown,
  ): AppliedFact | { error: string } | null {
    if (entity === 'notificationPrefs' || entity === 'workspaceData') {
      const ok = data === null || (typeof data === 'object' && !Array.isArray(data));
      return ok
        ? { entity, id, data: data as Record<string, unknown> | null, before: null }
        : { error: `malformed ${entity} ${id}` };
    }
    if (!isFactEntity(entity)) return null;
    const table = TABLES[entity];
    const before = (this.db.select().from(table).where(eq(table.id, id)).get() ?? null) as Record<
      string,
      unknown
    > | null;
    if (data === null) {
      if (!before) return null;
      this.db.delete(table).where(eq(table.id, id)).run();
      return { entity, id, data: null, before };
    }
    const parsed = SCHEMAS[entity].safeParse(data);
    if (!parsed.success || parsed.data.id !== id) {
      return { error: `malformed ${entity} ${id}: ${parsed.error?.issues[0]?.message ?? 'id'}` };
    }
    const row: Record<string, unknown> = { ...parsed.data, workspaceId };
    if (before && Number(before.seq) > Number(row.seq)) return null; // an older copy
    this.db
      .insert(table)
      .values(row as never)
      .onConflictDoUpdate({ target: table.id, set: row })
      .run();
    return { entity, id, data: row, before };
  }
}
