import { col, defineEntity } from '../define.ts';

/**
 * Lead imports of the desktop engine (client only). A job's progress is committed in the same
 * SQLite transaction as the leads of each batch, so a restart resumes after the last committed
 * row: nothing is imported twice and nothing is lost.
 */
export const importJob = defineEntity(
  'importJob',
  {
    id: col.id(),
    workspaceId: col.text().notNull(),
    /** The name the user's file had. */
    fileName: col.text().notNull(),
    /** The engine's own copy of the file (staged under the data dir). */
    fileId: col.text().notNull(),
    format: col.enum(['csv', 'xlsx'] as const).notNull(),
    /** Column header → target (see engine import/mapping.ts). */
    mapping: col.json<Record<string, string>>().notNull(),
    /** Dedupe mode, default country, owner and tags for the imported leads. */
    options: col.json<Record<string, unknown>>().notNull(),
    state: col
      .enum(['running', 'paused', 'done', 'failed', 'cancelled'] as const)
      .notNull()
      .default('running'),
    /** The last file row number whose outcome is committed (0: none yet). */
    lastRow: col.integer().notNull().default(0),
    rowsDone: col.integer().notNull().default(0),
    bytesDone: col.integer().notNull().default(0),
    bytesTotal: col.integer().notNull().default(0),
    created: col.integer().notNull().default(0),
    updated: col.integer().notNull().default(0),
    skipped: col.integer().notNull().default(0),
    failed: col.integer().notNull().default(0),
    warnings: col.integer().notNull().default(0),
    /** Why the whole job stopped (`failed`): a broken file, a full disk. */
    error: col.text(),
    createdAt: col.timestamp().notNull().defaultNow(),
    updatedAt: col.timestamp().notNull().defaultNow(),
  },
  { placement: 'client', indexes: [{ name: 'import_job_ws_ix', columns: ['workspaceId'] }] },
);

/** One problem with one row of an import (errors skip the row; warnings do not). */
export const importIssue = defineEntity(
  'importIssue',
  {
    id: col.id(),
    jobId: col.text().notNull().references('importJob'),
    rowNumber: col.integer().notNull(),
    kind: col.enum(['error', 'warning'] as const).notNull(),
    column: col.text().notNull(),
    value: col.text().notNull(),
    message: col.text().notNull(),
  },
  {
    placement: 'client',
    indexes: [{ name: 'import_issue_job_ix', columns: ['jobId', 'rowNumber'] }],
  },
);
