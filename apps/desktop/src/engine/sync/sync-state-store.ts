/** Per-workspace sync progress (`sync_state`): the cursor and whether the initial sync finished. */
import type Database from 'better-sqlite3';

export interface WorkspaceSyncState {
  cursor: number;
  initialSyncDone: boolean;
}

export function createSyncStateStore(sqlite: Database.Database, now: () => number) {
  const get = sqlite.prepare(
    `SELECT cursor, initial_sync_done AS done FROM sync_state WHERE workspace_id = ?`,
  );
  const upsert = sqlite.prepare(
    `INSERT INTO sync_state (workspace_id, cursor, initial_sync_done, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(workspace_id) DO UPDATE SET cursor = excluded.cursor,
       initial_sync_done = excluded.initial_sync_done, updated_at = excluded.updated_at`,
  );
  const remove = sqlite.prepare(`DELETE FROM sync_state WHERE workspace_id = ?`);

  const read = (workspaceId: string): WorkspaceSyncState => {
    const r = get.get(workspaceId) as { cursor: number; done: number } | undefined;
    return { cursor: r?.cursor ?? 0, initialSyncDone: (r?.done ?? 0) !== 0 };
  };

  return {
    get: read,
    setCursor(workspaceId: string, cursor: number): void {
      const s = read(workspaceId);
      upsert.run(workspaceId, cursor, s.initialSyncDone ? 1 : 0, now());
    },
    markInitialSyncDone(workspaceId: string): void {
      upsert.run(workspaceId, read(workspaceId).cursor, 1, now());
    },
    remove(workspaceId: string): void {
      remove.run(workspaceId);
    },
  };
}

export type SyncStateStore = ReturnType<typeof createSyncStateStore>;
