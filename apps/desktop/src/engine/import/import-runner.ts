/**
 * Lead imports as resumable jobs. A job reads its staged file in batches; each batch is ONE SQLite
 * transaction holding the batch's new or updated leads (rows, doc states, outbox entries), its
 * row issues and the job's progress (`last_row`). A crash or a restart therefore loses at most the
 * uncommitted batch, which is read again on resume: no row is imported twice, none is lost.
 *
 * Per row: normalise (normalise-row.ts) → the record's own checks → dedupe on email, then phone,
 * against the workspace's leads (and the rows of this import already written) → skip, update the
 * existing lead, or create a new one.
 */
import type Database from 'better-sqlite3';
import { newId } from '../ids.ts';
import { checkFieldChanges, leadRecord, type LeadSettings } from '@sdr/schema';
import type { ImportJobDto, ImportOptions, ImportPreview } from '../../shared/contract.ts';
import { EngineFailure } from '../errors.ts';
import type { FileStore } from '../files/file-store.ts';
import type { LeadReplica, LocalEdit } from '../leads/lead-replica.ts';
import type { Logger } from '../logger.ts';
import type { OutboxEntry } from '../sync/outbox-store.ts';
import { deferCheckpoints } from '../wal-checkpoints.ts';
import { writeErrorReport } from './error-report.ts';
import { ImportError } from './import-error.ts';
import { checkMapping, suggestMapping, type ImportMapping } from './mapping.ts';
import {
  createRowNormaliser,
  type ImportedLead,
  type KnownOwner,
  type RowResult,
} from './normalise-row.ts';
import { openImportFile, type ImportFile } from './read-file.ts';
import { importTargets } from './targets.ts';

/**
 * Rows per transaction: sized as the import goes so that one transaction takes about
 * WRITE_SLICE_MS (the engine's event loop must stay free for the renderer's requests; a
 * transaction's cost per row depends on the workspace's size and the file's columns).
 */
const FIRST_BATCH_ROWS = 20;
const MIN_BATCH_ROWS = 20;
const MAX_BATCH_ROWS = 4000;
const WRITE_SLICE_MS = 30;
/** Longest stretch of reading and normalising rows before the engine gets its loop back. */
const READ_SLICE_MS = 20;
/** Progress events at most this often (and after the last batch). */
const PROGRESS_EVERY_MS = 150;
const PREVIEW_ROWS = 20;
const REPORT_PAGE = 500;

interface JobRow {
  id: string;
  workspace_id: string;
  file_name: string;
  file_id: string;
  format: 'csv' | 'xlsx';
  mapping: string;
  options: string;
  state: ImportJobDto['state'];
  last_row: number;
  rows_done: number;
  bytes_done: number;
  bytes_total: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  warnings: number;
  error: string | null;
  created_at: number;
  updated_at: number;
}

function toDto(r: JobRow): ImportJobDto {
  return {
    id: r.id,
    fileName: r.file_name,
    state: r.state,
    rowsDone: r.rows_done,
    bytesDone: r.bytes_done,
    bytesTotal: r.bytes_total,
    created: r.created,
    updated: r.updated,
    skipped: r.skipped,
    failed: r.failed,
    warnings: r.warnings,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface ImportRunnerDeps {
  sqlite: Database.Database;
  replica: LeadReplica;
  files: FileStore;
  log: Logger;
  now: () => number;
  /** The workspace edits go to (throws when signed out or read-only). */
  workspace: () => string;
  /** The signed-in user (owner `me`). */
  userId: () => string | null;
  /** Pipeline stages and custom fields as last seen from the server. */
  settings: () => LeadSettings;
  /** Members an owner column is matched against (empty offline). */
  owners: () => Promise<KnownOwner[]>;
  /** A batch was committed: send its outbox entries and refresh the renderer. */
  committed: (entries: readonly (OutboxEntry | null)[]) => void;
  progress: (job: ImportJobDto) => void;
}

type Counters = Pick<JobRow, 'created' | 'updated' | 'skipped' | 'failed' | 'warnings'>;

export function createImportRunner(d: ImportRunnerDeps) {
  const q = {
    insert: d.sqlite.prepare(
      `INSERT INTO import_job (id, workspace_id, file_name, file_id, format, mapping, options,
         state, bytes_total, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
    ),
    get: d.sqlite.prepare(`SELECT * FROM import_job WHERE id = ?`),
    list: d.sqlite.prepare(
      `SELECT * FROM import_job WHERE workspace_id = ? ORDER BY created_at DESC LIMIT 50`,
    ),
    running: d.sqlite.prepare(`SELECT * FROM import_job WHERE state = 'running'`),
    progress: d.sqlite.prepare(
      `UPDATE import_job SET last_row = ?, rows_done = rows_done + ?, bytes_done = ?,
         created = created + ?, updated = updated + ?, skipped = skipped + ?, failed = failed + ?,
         warnings = warnings + ?, updated_at = ? WHERE id = ?`,
    ),
    finish: d.sqlite.prepare(
      `UPDATE import_job SET state = ?, error = ?, bytes_done = CASE WHEN ? THEN bytes_total
         ELSE bytes_done END, updated_at = ? WHERE id = ? AND state = 'running'`,
    ),
    issue: d.sqlite.prepare(
      `INSERT INTO import_issue (id, job_id, row_number, kind, "column", value, message)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    issues: d.sqlite.prepare(
      `SELECT row_number AS rowNumber, kind, "column" AS "column", value, message FROM import_issue
       WHERE job_id = ? ORDER BY row_number, rowid LIMIT ? OFFSET ?`,
    ),
    issuePage: d.sqlite.prepare(
      `SELECT rowid AS rid, row_number AS rowNumber, kind, "column" AS "column", value, message
       FROM import_issue WHERE job_id = ? AND (row_number > ? OR (row_number = ? AND rowid > ?))
       ORDER BY row_number, rowid LIMIT ?`,
    ),
    issueCount: d.sqlite.prepare(`SELECT count(*) AS n FROM import_issue WHERE job_id = ?`),
  };
  // INDEXED BY: with the query layer's many indexes SQLite's planner picked a scan of the
  // workspace per row (quadratic imports); these lookups are always one index probe. Catch-up mode
  // (leads/query/catch-up-mode.ts) drops the indexes while a big catch-up is stored: the lookups
  // then go without them (slower, still right), so they are prepared again when the schema moved.
  let lookups: { schema: number; byEmail: Database.Statement; byPhone: Database.Statement } | null =
    null;
  const schemaVersion = d.sqlite.prepare('PRAGMA schema_version').pluck();
  const dedupeLookups = () => {
    const schema = schemaVersion.get() as number;
    if (lookups?.schema === schema) return lookups;
    const by = (column: 'email' | 'phone') => {
      const index = `lead_ws_${column}_ix`;
      const exists = d.sqlite
        .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?`)
        .get(index);
      return d.sqlite.prepare(
        `SELECT id FROM lead ${exists ? `INDEXED BY ${index}` : ''}
         WHERE workspace_id = ? AND ${column} = ? AND deleted = 0 LIMIT 1`,
      );
    };
    lookups = { schema, byEmail: by('email'), byPhone: by('phone') };
    return lookups;
  };
  const active = new Map<string, { cancel: boolean }>();

  const getJob = (id: string, workspaceId?: string): JobRow => {
    const row = q.get.get(id) as JobRow | undefined;
    if (!row || (workspaceId !== undefined && row.workspace_id !== workspaceId)) {
      throw new EngineFailure('not_found', 'No such import');
    }
    return row;
  };

  async function normaliserFor(headers: string[], mapping: ImportMapping, defaultCountry?: string) {
    const settings = d.settings();
    const problems = checkMapping(headers, mapping, settings.customFields);
    if (problems.length > 0) {
      throw new EngineFailure('invalid_input', problems.join('; '), {
        issues: problems.map((message) => ({ path: 'mapping', message })),
      });
    }
    return createRowNormaliser(headers, mapping, {
      customFields: settings.customFields,
      ...(defaultCountry ? { defaultCountry } : {}),
      statuses: settings.pipeline.stages,
      owners: await d.owners(),
    });
  }

  async function openStaged(fileId: string, startAtRow?: number): Promise<ImportFile> {
    try {
      return await openImportFile(d.files.pathOf(fileId), startAtRow ? { startAtRow } : {});
    } catch (err) {
      if (err instanceof ImportError) throw new EngineFailure('invalid_input', err.message);
      throw err;
    }
  }

  /** The record values of a row, or the reasons it cannot be imported. */
  function recordValues(result: RowResult, options: ImportOptions): RowResult {
    if (!result.ok) return result;
    const fields: ImportedLead = { ...result.fields };
    if (options.tags.length > 0) {
      fields.tags = [...new Set([...(fields.tags ?? []), ...options.tags])];
    }
    const issues = checkFieldChanges(leadRecord, fields);
    if (issues.length === 0) return { ...result, fields };
    return {
      ok: false,
      warnings: result.warnings,
      errors: issues.map((i) => ({
        column: i.field,
        value: JSON.stringify((fields as Record<string, unknown>)[i.field] ?? ''),
        message: i.message,
      })),
    };
  }

  function existingId(workspaceId: string, f: ImportedLead): string | null {
    const q = dedupeLookups();
    const byEmail = f.email
      ? (q.byEmail.get(workspaceId, f.email) as { id: string } | undefined)
      : undefined;
    if (byEmail) return byEmail.id;
    const byPhone = f.phone
      ? (q.byPhone.get(workspaceId, f.phone) as { id: string } | undefined)
      : undefined;
    return byPhone?.id ?? null;
  }

  /** Writes one batch in one transaction; returns the outbox entries to send. */
  function commitBatch(
    job: JobRow,
    options: ImportOptions,
    rows: { rowNumber: number; result: RowResult }[],
    bytesDone: number,
  ): (OutboxEntry | null)[] {
    const entries: (OutboxEntry | null)[] = [];
    const c: Counters = { created: 0, updated: 0, skipped: 0, failed: 0, warnings: 0 };
    const owner =
      options.owner.kind === 'me'
        ? d.userId()
        : options.owner.kind === 'user'
          ? options.owner.userId
          : null;
    d.replica.bulkTransaction(() => {
      for (const { rowNumber, result } of rows) {
        for (const w of result.warnings) {
          q.issue.run(newId(), job.id, rowNumber, 'warning', w.column, w.value, w.message);
          c.warnings += 1;
        }
        if (!result.ok) {
          for (const e of result.errors) {
            q.issue.run(newId(), job.id, rowNumber, 'error', e.column, e.value, e.message);
          }
          c.failed += 1;
          continue;
        }
        const f = result.fields;
        const existing = options.dedupe === 'create' ? null : existingId(job.workspace_id, f);
        let edit: LocalEdit;
        if (existing && options.dedupe === 'skip') {
          c.skipped += 1;
          continue;
        } else if (existing) {
          const current = d.replica.leads.get(existing)!;
          const changes: Record<string, unknown> = { ...f };
          if (f.tags) changes.tags = [...new Set([...current.tags, ...f.tags])];
          if (f.custom) changes.custom = { ...current.custom, ...f.custom };
          try {
            edit = d.replica.write(job.workspace_id, existing, changes);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            q.issue.run(newId(), job.id, rowNumber, 'error', '', '', message);
            c.failed += 1;
            continue;
          }
          c.updated += 1;
        } else {
          const fields = { createdAt: d.now(), ...f } as Record<string, unknown>;
          if (fields.ownerId === undefined && owner) fields.ownerId = owner;
          edit = d.replica.insertLead(job.workspace_id, fields);
          c.created += 1;
        }
        entries.push(edit.entry);
      }
      const last = rows.at(-1)?.rowNumber ?? job.last_row;
      q.progress.run(
        last,
        rows.length,
        bytesDone,
        c.created,
        c.updated,
        c.skipped,
        c.failed,
        c.warnings,
        d.now(),
        job.id,
      );
    });
    return entries;
  }

  async function run(jobId: string): Promise<void> {
    if (active.has(jobId)) return;
    const flag = { cancel: false };
    active.set(jobId, flag);
    // Batch after batch of commits: checkpoint the WAL now and then, not at nearly every commit.
    const releaseCheckpoints = deferCheckpoints(d.sqlite);
    let file: ImportFile | null = null;
    try {
      let job = getJob(jobId);
      const options = JSON.parse(job.options) as ImportOptions;
      file = await openStaged(job.file_id, job.last_row > 0 ? job.last_row + 1 : undefined);
      const normalise = await normaliserFor(
        file.headers,
        JSON.parse(job.mapping) as ImportMapping,
        options.defaultCountry,
      );
      let batch: { rowNumber: number; result: RowResult }[] = [];
      let batchRows = FIRST_BATCH_ROWS;
      let lastProgress = 0;
      let sliceStart = performance.now();
      const pause = async () => {
        // Let the engine answer the renderer and run its other work.
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      };
      const flush = async (last = false) => {
        if (batch.length === 0) return;
        const started = performance.now();
        const entries = commitBatch(job, options, batch, file!.progress().bytesRead);
        // Size the next transaction so that it takes about WRITE_SLICE_MS.
        const perRow = (performance.now() - started) / batch.length;
        batchRows = Math.round(
          Math.min(
            MAX_BATCH_ROWS,
            Math.max(MIN_BATCH_ROWS, WRITE_SLICE_MS / Math.max(perRow, 1e-3)),
          ),
        );
        batch = [];
        job = getJob(jobId);
        d.committed(entries);
        if (last || performance.now() - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = performance.now();
          d.progress(toDto(job));
        }
        await pause();
      };
      for await (const row of file.rows()) {
        if (flag.cancel) break;
        if (row.rowNumber <= job.last_row) continue;
        batch.push({
          rowNumber: row.rowNumber,
          result: recordValues(normalise(row.cells), options),
        });
        if (batch.length >= batchRows) await flush();
        else if (performance.now() - sliceStart >= READ_SLICE_MS) await pause();
      }
      if (!flag.cancel) await flush(true);
      q.finish.run(flag.cancel ? 'cancelled' : 'done', null, flag.cancel ? 0 : 1, d.now(), jobId);
    } catch (err) {
      if (!d.sqlite.open) return; // The engine closed under the job: it resumes on the next start.
      const message =
        err instanceof EngineFailure || err instanceof ImportError
          ? err.message
          : `The import stopped: ${err instanceof Error ? err.message : String(err)}`;
      d.log.warn('import failed', { jobId, error: String(err) });
      q.finish.run('failed', message, 0, d.now(), jobId);
    } finally {
      active.delete(jobId);
      releaseCheckpoints();
      await file?.close().catch(() => undefined);
      if (d.sqlite.open) d.progress(toDto(getJob(jobId)));
    }
  }

  return {
    async preview(
      fileId: string,
      mapping: ImportMapping | undefined,
      defaultCountry: string | undefined,
    ): Promise<Omit<ImportPreview, 'file'>> {
      const file = await openStaged(fileId);
      try {
        const custom = d.settings().customFields;
        const chosen = mapping ?? suggestMapping(file.headers, custom);
        const normalise = await normaliserFor(file.headers, chosen, defaultCountry);
        const rows: ImportPreview['rows'] = [];
        for await (const row of file.rows()) {
          const r = normalise(row.cells);
          rows.push({
            rowNumber: row.rowNumber,
            cells: row.cells,
            ok: r.ok,
            fields: r.ok ? r.fields : null,
            errors: r.ok ? [] : r.errors,
            warnings: r.warnings,
          });
          if (rows.length >= PREVIEW_ROWS) break;
        }
        return {
          format: file.format,
          encoding: file.encoding,
          delimiter: file.delimiter,
          headers: file.headers,
          mapping: chosen,
          targets: importTargets(custom),
          rows,
        };
      } finally {
        await file.close();
      }
    },

    async start(
      fileId: string,
      mapping: ImportMapping,
      options: ImportOptions,
    ): Promise<ImportJobDto> {
      const workspaceId = d.workspace();
      const info = await d.files.info(fileId);
      const file = await openStaged(fileId);
      try {
        await normaliserFor(file.headers, mapping, options.defaultCountry); // refuse a bad mapping now
      } finally {
        await file.close();
      }
      const id = newId();
      const now = d.now();
      q.insert.run(
        id,
        workspaceId,
        info.name,
        fileId,
        file.format,
        JSON.stringify(mapping),
        JSON.stringify(options),
        info.size,
        now,
        now,
      );
      void run(id);
      return toDto(getJob(id));
    },

    /** Jobs left running by a previous engine (a crash, a restart) continue where they stopped. */
    resume(workspaceId: string): void {
      for (const job of q.running.all() as JobRow[]) {
        if (job.workspace_id === workspaceId) void run(job.id);
      }
    },

    jobs(workspaceId: string): ImportJobDto[] {
      return (q.list.all(workspaceId) as JobRow[]).map(toDto);
    },

    cancel(jobId: string, workspaceId: string): ImportJobDto {
      const job = getJob(jobId, workspaceId);
      const flag = active.get(jobId);
      if (flag) flag.cancel = true;
      else if (job.state === 'running') q.finish.run('cancelled', null, 0, d.now(), jobId);
      return toDto(getJob(jobId));
    },

    issues(jobId: string, workspaceId: string, offset: number, limit: number) {
      getJob(jobId, workspaceId);
      return {
        items: q.issues.all(jobId, limit, offset) as {
          rowNumber: number;
          kind: 'error' | 'warning';
          column: string;
          value: string;
          message: string;
        }[],
        total: (q.issueCount.get(jobId) as { n: number }).n,
      };
    },

    async errorReport(jobId: string, workspaceId: string) {
      const job = getJob(jobId, workspaceId);
      const { id, path } = await d.files.reserve();
      // Read in pages: a statement iterator held open across the writer's awaits would keep the
      // connection busy for every other request and background loop meanwhile.
      const pages = async function* () {
        let after: [number, number] = [-1, -1];
        for (;;) {
          const page = q.issuePage.all(jobId, after[0], after[0], after[1], REPORT_PAGE) as {
            rid: number;
            rowNumber: number;
            kind: 'error' | 'warning';
            column: string;
            value: string;
            message: string;
          }[];
          for (const { kind, rid: _rid, ...r } of page) yield { ...r, severity: kind };
          const last = page.at(-1);
          if (!last || page.length < REPORT_PAGE) return;
          after = [last.rowNumber, last.rid];
        }
      };
      await writeErrorReport(pages(), path);
      return d.files.describe(id, `${job.file_name.replace(/\.[^.]+$/, '')}-import-problems.csv`);
    },

    /** True while a job of this runner is reading its file (tests, shutdown). */
    busy(): boolean {
      return active.size > 0;
    },
  };
}

export type ImportRunner = ReturnType<typeof createImportRunner>;
