/**
 * Import and export of leads (see contract.ts). A file reaches the engine first ("staged": the web
 * shell uploads it to `POST /files`, Electron passes the chosen path to `files:stagePath`); the
 * import then runs as a resumable job with progress events. Reports and exports come back as
 * staged files, downloadable at `GET /files/<id>` in the web shell.
 */
import { z } from 'zod';
import { LeadSelection } from './contract-leads.ts';

const FileId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'Not a file id');

export const StoredFileDto = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int(),
  /** Where the web shell serves it (relative URL). */
  url: z.string(),
});
export type StoredFileDto = z.infer<typeof StoredFileDto>;

export const DEDUPE_MODES = ['skip', 'update', 'create'] as const;

export const ImportOptions = z
  .object({
    /** A row whose email or phone matches an existing lead: skip it, update that lead, or create. */
    dedupe: z.enum(DEDUPE_MODES).default('skip'),
    /** Read phone numbers without a country code in this country (ISO alpha-2). */
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    /** Owner of the new leads when the file has no owner column: the importer, nobody, a user. */
    owner: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('me') }),
        z.object({ kind: z.literal('none') }),
        z.object({ kind: z.literal('user'), userId: z.string().min(1).max(64) }),
      ])
      .default({ kind: 'none' }),
    /** Tags added to every imported lead (e.g. the trade show's name). */
    tags: z.array(z.string().trim().min(1).max(64)).max(10).default([]),
  })
  .strict();
export type ImportOptions = z.infer<typeof ImportOptions>;

export const ImportJobDto = z.object({
  id: z.string(),
  fileName: z.string(),
  state: z.enum(['running', 'paused', 'done', 'failed', 'cancelled']),
  rowsDone: z.number().int(),
  bytesDone: z.number().int(),
  bytesTotal: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  warnings: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ImportJobDto = z.infer<typeof ImportJobDto>;

const Mapping = z.record(z.string().max(300), z.string().max(120));

export const ImportPreview = z.object({
  file: StoredFileDto,
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  headers: z.array(z.string()),
  /** The suggested (or given) mapping: header → lead field, `custom:<key>`, `fullName`, `ignore`. */
  mapping: Mapping,
  /** Every target a column can map to, with a label. */
  targets: z.array(z.object({ value: z.string(), label: z.string() })),
  /** The first rows as the import would read them. */
  rows: z.array(
    z.object({
      rowNumber: z.number().int(),
      cells: z.array(z.string()),
      ok: z.boolean(),
      fields: z.record(z.string(), z.unknown()).nullable(),
      errors: z.array(z.object({ column: z.string(), value: z.string(), message: z.string() })),
      warnings: z.array(z.object({ column: z.string(), value: z.string(), message: z.string() })),
    }),
  ),
});
export type ImportPreview = z.infer<typeof ImportPreview>;

export const ImportIssueDto = z.object({
  rowNumber: z.number().int(),
  kind: z.enum(['error', 'warning']),
  column: z.string(),
  value: z.string(),
  message: z.string(),
});

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;

export const importChannels = {
  /** Electron: copy the file the user chose into the engine (the web shell uploads instead). */
  'files:stagePath': {
    input: z.object({ path: z.string().min(1).max(4096) }).strict(),
    output: StoredFileDto,
  },
  'import:preview': {
    input: z
      .object({
        fileId: FileId,
        mapping: Mapping.optional(),
        defaultCountry: z
          .string()
          .regex(/^[A-Z]{2}$/)
          .optional(),
      })
      .strict(),
    output: ImportPreview,
  },
  'import:start': {
    input: z.object({ fileId: FileId, mapping: Mapping, options: ImportOptions }).strict(),
    output: ImportJobDto,
  },
  'import:jobs': { input: z.object({}).strict(), output: z.array(ImportJobDto) },
  'import:cancel': {
    input: z.object({ jobId: z.string().min(1).max(64) }).strict(),
    output: ImportJobDto,
  },
  'import:issues': {
    input: z
      .object({
        jobId: z.string().min(1).max(64),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    output: z.object({ items: z.array(ImportIssueDto), total: z.number().int() }),
  },
  /** The job's problems as a CSV file to download (row, column, value, message). */
  'import:errorReport': {
    input: z.object({ jobId: z.string().min(1).max(64) }).strict(),
    output: StoredFileDto,
  },
  /** A view, a selection or everything, as CSV, XLSX or JSON (formulas neutralised). */
  'export:leads': {
    input: z
      .object({
        selection: LeadSelection.optional(),
        ids: z.array(z.string().min(1).max(64)).max(100_000).optional(),
        format: z.enum(EXPORT_FORMATS),
        /** Field keys in column order (default: every built-in field). */
        columns: z.array(z.string().min(1).max(64)).max(80).optional(),
      })
      .strict(),
    output: StoredFileDto.extend({ rows: z.number().int() }),
  },
} as const;

export const importEvents = {
  'import:progress': ImportJobDto,
} as const;
