/**
 * A lead's local row: the projected columns of its doc plus sync bookkeeping. Rows come from two
 * places: the server (`change.row`, already projected by the server with `projectLead`) and local
 * projection of a decoded doc. Both end up as `LeadColumns`.
 */
import type * as Y from 'yjs';
import { LEAD_SQL_COLUMNS, leadRecord, type LeadFields } from '@sdr/schema';
import { projectLead } from '@sdr/schema/sync';
import type { LeadDto } from '../../shared/contract.ts';

export interface LeadColumns extends LeadFields {
  schemaVersion: number;
}

export interface StoredLead extends LeadColumns {
  id: string;
  workspaceId: string;
  seq: number;
  yState: Uint8Array | null;
  updatedAt: number;
}

export function columnsFromDoc(doc: Y.Doc): LeadColumns {
  const p = projectLead(doc);
  return { ...p.values, schemaVersion: p.schemaVersion };
}

/** Each column's field, type guard and default, worked out once. */
const SERVER_ROW_COLUMNS = LEAD_SQL_COLUMNS.map(({ field, kind }) => ({
  field,
  guard: kind,
  default: leadRecord.fields[field].default,
}));

function guard(kind: string, v: unknown): boolean {
  switch (kind) {
    case 'boolean':
      return typeof v === 'boolean';
    case 'json':
      return typeof v === 'object' && v !== null;
    case 'integer':
    case 'timestamp':
      return v === null || (typeof v === 'number' && Number.isFinite(v));
    default:
      return v === null || typeof v === 'string';
  }
}

/**
 * Columns from a row the server shipped. The server projects with the same function, so this only
 * guards types (a wrong type reads as the field's default, like `projectRaw` does); it is on the
 * hot path of initial sync and deliberately avoids zod.
 */
export function columnsFromServerRow(row: Readonly<Record<string, unknown>>): LeadColumns {
  const out: Record<string, unknown> = {};
  for (const c of SERVER_ROW_COLUMNS) {
    const v = row[c.field];
    const d = c.default;
    out[c.field] = v !== undefined && guard(c.guard, v) && (v !== null || d === null) ? v : d;
  }
  const tags = out.tags;
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) out.tags = [];
  if (Array.isArray(out.custom)) out.custom = {};
  const version = row.schemaVersion;
  out.schemaVersion =
    typeof version === 'number' && Number.isInteger(version) ? version : leadRecord.version;
  return out as unknown as LeadColumns;
}

/** `updatedAt` of a server row when it carries one (ms number, ISO string or Date). */
export function serverUpdatedAt(row: Readonly<Record<string, unknown>>): number | null {
  const v = row.updatedAt;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

export function toDto(lead: StoredLead, pending: boolean): LeadDto {
  const { workspaceId: _w, yState: _y, schemaVersion: _v, ...rest } = lead;
  return { ...rest, pending };
}
