/**
 * SQL of the engine's `bulk_job` and `bulk_change` tables (entities in @sdr/schema `bulk.ts`):
 * prepared better-sqlite3 statements. Callers own transactions.
 */
import type Database from 'better-sqlite3';
import type { BulkJobDto } from '../../../shared/contract.ts';

export type BulkJobKind = BulkJobDto['kind'];
export type BulkJobState = BulkJobDto['state'];

export interface BulkJobRow {
  id: string;
  workspaceId: string;
  userId: string;
  kind: BulkJobKind;
  params: Record<string, unknown>;
  state: BulkJobState;
  total: number;
  done: number;
  changed: number;
  failed: number;
  restored: number;
  skipped: number;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface BulkChangeRow {
  leadId: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

interface JobSqlRow {
  id: string;
  workspace_id: string;
  user_id: string;
  kind: BulkJobKind;
  params: string;
  state: BulkJobState;
  total: number;
  done: number;
  changed: number;
  failed: number;
  restored: number;
  skipped: number;
  error: string | null;
  created_at: number;
  updated_at: number;
}

const fromSql = (r: JobSqlRow): BulkJobRow => ({
  id: r.id,
  workspaceId: r.workspace_id,
  userId: r.user_id,
  kind: r.kind,
  params: JSON.parse(r.params) as Record<string, unknown>,
  state: r.state,
  total: r.total,
  done: r.done,
  changed: r.changed,
  failed: r.failed,
  restored: r.restored,
  skipped: r.skipped,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type JobCounters = Pick<
  BulkJobRow,
  'state' | 'total' | 'done' | 'changed' | 'failed' | 'restored' | 'skipped' | 'error'
>;

export function createBulkStore(sqlite: Database.Database) {
  const insertJob = sqlite.prepare(
    `INSERT INTO bulk_job (id, workspace_id, user_id, kind, params, state, total, done, changed,
       failed, restored, skipped, error, created_at, updated_at)
     VALUES (@id, @workspaceId, @userId, @kind, @params, @state, @total, 0, 0, 0, 0, 0, NULL,
       @createdAt, @createdAt)`,
  );
  const updateJob = sqlite.prepare(
    `UPDATE bulk_job SET state = @state, total = @total, done = @done, changed = @changed,
       failed = @failed, restored = @restored, skipped = @skipped, error = @error,
       updated_at = @updatedAt
     WHERE id = @id`,
  );
  const byId = sqlite.prepare(`SELECT * FROM bulk_job WHERE id = ?`);
  const recent = sqlite.prepare(
    `SELECT * FROM bulk_job WHERE workspace_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
  );
  const beyond = sqlite
    .prepare(
      `SELECT id FROM bulk_job WHERE workspace_id = ?
       ORDER BY created_at DESC, id DESC LIMIT -1 OFFSET ?`,
    )
    .pluck();
  const deleteChanges = sqlite.prepare(`DELETE FROM bulk_change WHERE job_id = ?`);
  const deleteJob = sqlite.prepare(`DELETE FROM bulk_job WHERE id = ?`);
  const insertChange = sqlite.prepare(
    `INSERT INTO bulk_change (id, job_id, lead_id, before, after) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET after = excluded.after`,
  );
  const changesPage = sqlite.prepare(
    `SELECT lead_id, before, after FROM bulk_change
     WHERE job_id = ? AND lead_id > ? ORDER BY lead_id LIMIT ?`,
  );
  const interrupted = sqlite.prepare(
    `UPDATE bulk_job SET state = CASE state WHEN 'undoing' THEN 'undone' ELSE 'cancelled' END,
       error = 'The app stopped while this was running', updated_at = ?
     WHERE state IN ('running', 'undoing')`,
  );

  return {
    create(job: {
      id: string;
      workspaceId: string;
      userId: string;
      kind: BulkJobKind;
      params: Record<string, unknown>;
      total: number;
      createdAt: number;
    }): void {
      insertJob.run({ ...job, params: JSON.stringify(job.params), state: 'running' });
    },
    update(id: string, c: JobCounters, updatedAt: number): void {
      updateJob.run({ id, ...c, updatedAt });
    },
    get(id: string): BulkJobRow | undefined {
      const r = byId.get(id) as JobSqlRow | undefined;
      return r ? fromSql(r) : undefined;
    },
    recent(workspaceId: string, limit: number): BulkJobRow[] {
      return (recent.all(workspaceId, limit) as JobSqlRow[]).map(fromSql);
    },
    /** Deletes the workspace's jobs beyond the newest `keep` (and their change records). */
    prune(workspaceId: string, keep: number): number {
      const ids = beyond.all(workspaceId, keep) as string[];
      for (const id of ids) {
        deleteChanges.run(id);
        deleteJob.run(id);
      }
      return ids.length;
    },
    addChange(jobId: string, change: BulkChangeRow): void {
      insertChange.run(
        `${jobId}:${change.leadId}`,
        jobId,
        change.leadId,
        JSON.stringify(change.before),
        JSON.stringify(change.after),
      );
    },
    /** Change records of a job in lead id order, after `afterLeadId`. */
    changes(jobId: string, afterLeadId: string, limit: number): BulkChangeRow[] {
      return (
        changesPage.all(jobId, afterLeadId, limit) as {
          lead_id: string;
          before: string;
          after: string;
        }[]
      ).map((r) => ({
        leadId: r.lead_id,
        before: JSON.parse(r.before) as Record<string, unknown>,
        after: JSON.parse(r.after) as Record<string, unknown>,
      }));
    },
    /** Jobs a previous engine run left running (it stopped): what they changed stays undoable. */
    markInterrupted(now: number): number {
      return interrupted.run(now).changes;
    },
  };
}

export type BulkStore = ReturnType<typeof createBulkStore>;
