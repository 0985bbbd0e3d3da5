/**
 * SQL for the engine's replica of views, lists, list members and tasks (`saved_view`, `lead_list`,
 * `lead_list_member`, `task`), their outbox of unsent writes (`workspace_data_outbox`), the fired
 * task reminders (`task_reminder`) and, in `local_setting`, the pull cursor and the cached lead
 * settings. Rows have the server's shape (`@sdr/schema` *Row types); `seq` is 0 until the server
 * stored the row. Callers own transactions (`store.tx`).
 */
import type Database from 'better-sqlite3';
import type { LeadListRow, LeadSettings, ListMemberRow, SavedViewRow, TaskRow } from '@sdr/schema';

export type DataEntity = 'view' | 'list' | 'member' | 'task';

export interface OutboxEntry {
  entity: DataEntity;
  rowId: string;
  updatedAt: number;
}

export interface DueTask extends TaskRow {
  firedDueAt: number | null;
}

const memberId = (listId: string, leadId: string) => `${listId}:${leadId}`;
const bool = (v: unknown) => v === 1 || v === true;
const json = <T>(v: unknown): T => JSON.parse(v as string) as T;

type SqlRow = Record<string, unknown>;

const meta = (r: SqlRow) => ({
  deleted: bool(r.deleted),
  updatedAt: r.updated_at as number,
  updatedBy: r.updated_by as string,
  seq: r.seq as number,
});

function viewFromSql(r: SqlRow): SavedViewRow {
  return {
    id: r.id as string,
    ownerId: r.owner_id as string,
    name: r.name as string,
    scope: r.scope as SavedViewRow['scope'],
    filter: json(r.filter),
    columns: json(r.columns),
    sort: json(r.sort),
    search: (r.search as string | null) ?? '',
    listId: (r.list_id as string | null) ?? null,
    pinned: bool(r.pinned),
    ...meta(r),
  };
}

function listFromSql(r: SqlRow): LeadListRow {
  return {
    id: r.id as string,
    ownerId: r.owner_id as string,
    name: r.name as string,
    kind: r.kind as LeadListRow['kind'],
    filter: r.filter === null ? null : json(r.filter),
    ...meta(r),
  };
}

function memberFromSql(r: SqlRow): ListMemberRow {
  return { listId: r.list_id as string, leadId: r.lead_id as string, ...meta(r) };
}

function taskFromSql(r: SqlRow): TaskRow {
  return {
    id: r.id as string,
    leadId: r.lead_id as string,
    title: r.title as string,
    dueAt: r.due_at as number | null,
    done: bool(r.done),
    assigneeId: r.assignee_id as string | null,
    createdBy: r.created_by as string,
    ...meta(r),
  };
}

const META_COLUMNS = 'workspace_id, deleted, updated_at, updated_by, seq';
const metaParams = (
  ws: string,
  r: { deleted: boolean; updatedAt: number; updatedBy: string; seq: number },
) => [ws, r.deleted ? 1 : 0, r.updatedAt, r.updatedBy, r.seq];
const upsertSql = (table: string, columns: string[]) => {
  const all = [...columns, ...META_COLUMNS.split(', ')];
  return `INSERT INTO ${table} (${all.join(', ')}) VALUES (${all.map(() => '?').join(', ')})
    ON CONFLICT(id) DO UPDATE SET ${all
      .filter((c) => c !== 'id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}`;
};

export function createWorkspaceDataStore(sqlite: Database.Database) {
  const s = {
    view: sqlite.prepare(`SELECT * FROM saved_view WHERE id = ? AND workspace_id = ?`),
    views: sqlite.prepare(
      `SELECT * FROM saved_view WHERE workspace_id = ? AND deleted = 0
       ORDER BY pinned DESC, name COLLATE NOCASE, id`,
    ),
    upsertView: sqlite.prepare(
      upsertSql('saved_view', [
        'id',
        'owner_id',
        'name',
        'scope',
        'filter',
        'columns',
        'sort',
        'search',
        'list_id',
        'pinned',
      ]),
    ),
    deleteView: sqlite.prepare(`DELETE FROM saved_view WHERE id = ? AND workspace_id = ?`),
    list: sqlite.prepare(`SELECT * FROM lead_list WHERE id = ? AND workspace_id = ?`),
    lists: sqlite.prepare(
      `SELECT * FROM lead_list WHERE workspace_id = ? AND deleted = 0 ORDER BY name COLLATE NOCASE, id`,
    ),
    upsertList: sqlite.prepare(
      upsertSql('lead_list', ['id', 'owner_id', 'name', 'kind', 'filter']),
    ),
    member: sqlite.prepare(`SELECT * FROM lead_list_member WHERE id = ? AND workspace_id = ?`),
    upsertMember: sqlite.prepare(upsertSql('lead_list_member', ['id', 'list_id', 'lead_id'])),
    liveMembers: sqlite.prepare(
      `SELECT lead_id FROM lead_list_member WHERE list_id = ? AND workspace_id = ? AND deleted = 0
       ORDER BY lead_id`,
    ),
    task: sqlite.prepare(`SELECT * FROM task WHERE id = ? AND workspace_id = ?`),
    upsertTask: sqlite.prepare(
      upsertSql('task', ['id', 'lead_id', 'title', 'due_at', 'done', 'assignee_id', 'created_by']),
    ),
    deleteTask: sqlite.prepare(`DELETE FROM task WHERE id = ? AND workspace_id = ?`),
    mark: sqlite.prepare(
      `INSERT INTO workspace_data_outbox (id, workspace_id, entity, row_id, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at`,
    ),
    outboxEntry: sqlite.prepare(`SELECT updated_at FROM workspace_data_outbox WHERE id = ?`),
    unmark: sqlite.prepare(`DELETE FROM workspace_data_outbox WHERE id = ?`),
    unmarkIf: sqlite.prepare(`DELETE FROM workspace_data_outbox WHERE id = ? AND updated_at = ?`),
    outbox: sqlite.prepare(
      `SELECT entity, row_id AS rowId, updated_at AS updatedAt FROM workspace_data_outbox
       WHERE workspace_id = ? AND entity = ? ORDER BY updated_at, row_id LIMIT ?`,
    ),
    outboxCount: sqlite.prepare(
      `SELECT count(*) AS n FROM workspace_data_outbox WHERE workspace_id = ?`,
    ),
    dueTasks: sqlite.prepare(
      `SELECT t.*, r.fired_due_at FROM task t LEFT JOIN task_reminder r ON r.task_id = t.id
       WHERE t.workspace_id = ? AND t.deleted = 0 AND t.done = 0 AND t.due_at IS NOT NULL
         AND (t.assignee_id = ? OR (t.assignee_id IS NULL AND t.created_by = ?))
         AND (r.fired_due_at IS NULL OR r.fired_due_at <> t.due_at)
       ORDER BY t.due_at, t.id`,
    ),
    fired: sqlite.prepare(
      `INSERT INTO task_reminder (task_id, workspace_id, fired_due_at, fired_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(task_id) DO UPDATE SET fired_due_at = excluded.fired_due_at, fired_at = excluded.fired_at`,
    ),
    setting: sqlite.prepare(`SELECT value FROM local_setting WHERE key = ?`),
    setSetting: sqlite.prepare(
      `INSERT INTO local_setting (key, value) VALUES (?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    ),
    deleteSetting: sqlite.prepare(`DELETE FROM local_setting WHERE key = ?`),
  };
  const wipeStatements = [
    'saved_view',
    'lead_list',
    'lead_list_member',
    'task',
    'workspace_data_outbox',
    'task_reminder',
  ].map((t) => sqlite.prepare(`DELETE FROM ${t} WHERE workspace_id = ?`));

  const outboxKey = (entity: DataEntity, rowId: string) => `${entity}:${rowId}`;
  const getSetting = (key: string): unknown => {
    const v = s.setting.pluck().get(key) as string | undefined;
    return v === undefined ? undefined : (JSON.parse(v) as unknown);
  };
  const setSetting = (key: string, value: unknown) => s.setSetting.run(key, JSON.stringify(value));

  return {
    tx<T>(fn: () => T): T {
      return sqlite.transaction(fn)();
    },

    view(ws: string, id: string): SavedViewRow | null {
      const r = s.view.get(id, ws) as SqlRow | undefined;
      return r ? viewFromSql(r) : null;
    },
    views(ws: string): SavedViewRow[] {
      return (s.views.all(ws) as SqlRow[]).map(viewFromSql);
    },
    putView(ws: string, v: SavedViewRow): void {
      s.upsertView.run(
        v.id,
        v.ownerId,
        v.name,
        v.scope,
        JSON.stringify(v.filter),
        JSON.stringify(v.columns),
        JSON.stringify(v.sort),
        v.search,
        v.listId,
        v.pinned ? 1 : 0,
        ...metaParams(ws, v),
      );
    },
    removeView(ws: string, id: string): void {
      s.deleteView.run(id, ws);
      s.unmark.run(outboxKey('view', id));
    },

    list(ws: string, id: string): LeadListRow | null {
      const r = s.list.get(id, ws) as SqlRow | undefined;
      return r ? listFromSql(r) : null;
    },
    lists(ws: string): LeadListRow[] {
      return (s.lists.all(ws) as SqlRow[]).map(listFromSql);
    },
    putList(ws: string, l: LeadListRow): void {
      s.upsertList.run(
        l.id,
        l.ownerId,
        l.name,
        l.kind,
        l.filter === null ? null : JSON.stringify(l.filter),
        ...metaParams(ws, l),
      );
    },

    member(ws: string, listId: string, leadId: string): ListMemberRow | null {
      const r = s.member.get(memberId(listId, leadId), ws) as SqlRow | undefined;
      return r ? memberFromSql(r) : null;
    },
    putMember(ws: string, m: ListMemberRow): void {
      s.upsertMember.run(memberId(m.listId, m.leadId), m.listId, m.leadId, ...metaParams(ws, m));
    },
    /** Lead ids of a static list's current members. */
    memberLeadIds(ws: string, listId: string): string[] {
      return s.liveMembers.pluck().all(listId, ws) as string[];
    },

    task(ws: string, id: string): TaskRow | null {
      const r = s.task.get(id, ws) as SqlRow | undefined;
      return r ? taskFromSql(r) : null;
    },
    tasks(ws: string, q: { leadId?: string | undefined; open?: boolean | undefined }): TaskRow[] {
      const where = ['workspace_id = ?', 'deleted = 0'];
      const params: unknown[] = [ws];
      if (q.leadId !== undefined) {
        where.push('lead_id = ?');
        params.push(q.leadId);
      }
      if (q.open !== undefined) {
        where.push('done = ?');
        params.push(q.open ? 0 : 1);
      }
      const rows = sqlite
        .prepare(
          `SELECT * FROM task WHERE ${where.join(' AND ')}
           ORDER BY done, due_at IS NULL, due_at, updated_at DESC, id`,
        )
        .all(...params) as SqlRow[];
      return rows.map(taskFromSql);
    },
    putTask(ws: string, t: TaskRow): void {
      s.upsertTask.run(
        t.id,
        t.leadId,
        t.title,
        t.dueAt,
        t.done ? 1 : 0,
        t.assigneeId,
        t.createdBy,
        ...metaParams(ws, t),
      );
    },
    removeTask(ws: string, id: string): void {
      s.deleteTask.run(id, ws);
      s.unmark.run(outboxKey('task', id));
    },
    /** Open tasks of `userId` (assigned, or unassigned and created by them) whose reminder is due to fire. */
    pendingReminders(ws: string, userId: string): DueTask[] {
      return (s.dueTasks.all(ws, userId, userId) as SqlRow[]).map((r) => ({
        ...taskFromSql(r),
        firedDueAt: r.fired_due_at as number | null,
      }));
    },
    markFired(ws: string, taskId: string, dueAt: number, at: number): void {
      s.fired.run(taskId, ws, dueAt, at);
    },

    /** Marks a row as written locally and not yet acknowledged (as of its clock `updatedAt`). */
    mark(ws: string, entity: DataEntity, rowId: string, updatedAt: number): void {
      s.mark.run(outboxKey(entity, rowId), ws, entity, rowId, updatedAt);
    },
    isDirty(entity: DataEntity, rowId: string): boolean {
      return s.outboxEntry.get(outboxKey(entity, rowId)) !== undefined;
    },
    /** Clears the mark if it is still the one for `updatedAt` (no newer local edit); true if so. */
    unmarkIf(entity: DataEntity, rowId: string, updatedAt: number): boolean {
      return s.unmarkIf.run(outboxKey(entity, rowId), updatedAt).changes > 0;
    },
    unmark(entity: DataEntity, rowId: string): void {
      s.unmark.run(outboxKey(entity, rowId));
    },
    outbox(ws: string, entity: DataEntity, limit: number): OutboxEntry[] {
      return s.outbox.all(ws, entity, limit) as OutboxEntry[];
    },
    pending(ws: string): number {
      return s.outboxCount.pluck().get(ws) as number;
    },

    cursor(ws: string): number {
      const v = getSetting(`workspaceData.cursor.${ws}`);
      return typeof v === 'number' ? v : 0;
    },
    setCursor(ws: string, cursor: number): void {
      setSetting(`workspaceData.cursor.${ws}`, cursor);
    },
    leadSettings(ws: string): unknown {
      return getSetting(`leadSettings.${ws}`);
    },
    setLeadSettings(ws: string, settings: LeadSettings): void {
      setSetting(`leadSettings.${ws}`, settings);
    },
    /** The user whose data the workspace's local rows are (another user's are wiped first). */
    owner(ws: string): unknown {
      return getSetting(`workspaceData.user.${ws}`);
    },
    setOwner(ws: string, userId: string): void {
      setSetting(`workspaceData.user.${ws}`, userId);
    },

    /** Deletes every local row, mark, reminder, cursor and cached setting of a workspace. */
    wipe(ws: string): void {
      for (const st of wipeStatements) st.run(ws);
      for (const key of [
        `workspaceData.cursor.${ws}`,
        `leadSettings.${ws}`,
        `workspaceData.user.${ws}`,
      ]) {
        s.deleteSetting.run(key);
      }
    },
  };
}

export type WorkspaceDataStore = ReturnType<typeof createWorkspaceDataStore>;
