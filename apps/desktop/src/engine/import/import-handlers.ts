/** Handlers of `files:*`, `import:*` and `export:*` (see shared/contract-import.ts). */
import { LEAD_FIELD_NAMES } from '@sdr/schema';
import type { LeadSelection, StoredFileDto } from '../../shared/contract.ts';
import { EngineFailure } from '../errors.ts';
import { writeExport } from '../export/write-export.ts';
import type { FileStore, StoredFile } from '../files/file-store.ts';
import type { Handlers } from '../handlers.ts';
import type { StoredLead } from '../leads/lead-row.ts';
import type { ImportRunner } from './import-runner.ts';
import type { ImportMapping } from './mapping.ts';

type ImportChannelName =
  | 'files:stagePath'
  | 'import:preview'
  | 'import:start'
  | 'import:jobs'
  | 'import:cancel'
  | 'import:issues'
  | 'import:errorReport'
  | 'export:leads';

export interface ImportHandlerDeps {
  runner: ImportRunner;
  files: FileStore;
  workspace: () => string;
  /** Leads by id (the workspace's only). */
  lead: (id: string) => StoredLead | undefined;
  /** Every lead of a selection, in the list's default order. */
  select: (selection: LeadSelection) => Iterable<StoredLead>;
}

export const fileDto = (f: StoredFile): StoredFileDto => ({
  id: f.id,
  name: f.name,
  size: f.size,
  url: `/files/${f.id}`,
});

/** Export columns: the lead's fields except bookkeeping, with `id` first. */
const DEFAULT_COLUMNS = [
  'id',
  ...LEAD_FIELD_NAMES.filter((f) => f !== 'deleted' && f !== 'mergedInto'),
];

function exportValue(lead: StoredLead, key: string): unknown {
  if (key.startsWith('custom.')) return lead.custom[key.slice('custom.'.length)] ?? '';
  const v = (lead as unknown as Record<string, unknown>)[key];
  if (
    (key === 'createdAt' || key === 'lastContactedAt' || key === 'updatedAt') &&
    typeof v === 'number'
  ) {
    return v > 0 ? new Date(v).toISOString() : '';
  }
  if (Array.isArray(v)) return v.join('; ');
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return v ?? '';
}

export function createImportHandlers(d: ImportHandlerDeps): Pick<Handlers, ImportChannelName> {
  return {
    'files:stagePath': async ({ path }) => fileDto(await d.files.stageFromPath(path)),
    'import:preview': async ({ fileId, mapping, defaultCountry }) => {
      const file = await d.files.info(fileId);
      return {
        file: fileDto(file),
        ...(await d.runner.preview(fileId, mapping as ImportMapping | undefined, defaultCountry)),
      };
    },
    'import:start': ({ fileId, mapping, options }) =>
      d.runner.start(fileId, mapping as ImportMapping, options),
    'import:jobs': async () => d.runner.jobs(d.workspace()),
    'import:cancel': async ({ jobId }) => d.runner.cancel(jobId, d.workspace()),
    'import:issues': async ({ jobId, offset, limit }) =>
      d.runner.issues(jobId, d.workspace(), offset, limit),
    'import:errorReport': async ({ jobId }) =>
      fileDto(await d.runner.errorReport(jobId, d.workspace())),
    'export:leads': async ({ selection, ids, format, columns }) => {
      const workspaceId = d.workspace();
      if (!selection && !ids) {
        throw new EngineFailure('invalid_input', 'Export a selection of leads or a view', {
          issues: [{ path: 'ids', message: 'Choose leads to export' }],
        });
      }
      const keys = columns ?? DEFAULT_COLUMNS;
      const leads: Iterable<StoredLead> = ids
        ? (function* () {
            for (const id of ids) {
              const lead = d.lead(id);
              if (lead && lead.workspaceId === workspaceId) yield lead;
            }
          })()
        : d.select(selection!);
      const rows = (function* () {
        for (const lead of leads) {
          const row: Record<string, unknown> = {};
          for (const k of keys) row[k] = exportValue(lead, k);
          yield row;
        }
      })();
      const { id, path } = await d.files.reserve();
      const count = await writeExport(rows, {
        format,
        columns: keys.map((k) => ({ key: k, label: k })),
        path,
      });
      const stamp = new Date().toISOString().slice(0, 10);
      const file = await d.files.describe(id, `leads-${stamp}.${format}`);
      return { ...fileDto(file), rows: count };
    },
  };
}
