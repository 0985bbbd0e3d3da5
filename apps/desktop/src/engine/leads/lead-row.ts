/**
 * A lead's local row: the projected columns of its doc plus sync bookkeeping. Rows come from two
 * places: the server (`change.row`, already projected by the server with `projectLead`) and local
 * projection of a decoded doc. Both end up as `LeadColumns`.
 */
import type * as Y from 'yjs';
import { LEAD_SQL_COLUMNS, leadRecord, leadValueToSqliteParam, type LeadFields } from '@sdr/schema';
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
  kind,
  guard: kind,
  default: leadRecord.fields[field].default,
  fix: field === 'tags' ? ('tags' as const) : field === 'custom' ? ('custom' as const) : null,
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
  for (const c of SERVER_ROW_COLUMNS) out[c.field] = serverValue(c, row);
  out.schemaVersion = serverSchemaVersion(row);
  return out as unknown as LeadColumns;
}

/**
 * `columnsFromServerRow` straight to the lead-store's field parameters (`LEAD_SQL_COLUMNS`
 * order, as `leadFieldsToSqliteParams` makes them): the initial sync's insert, without the
 * columns object in between.
 */
export function serverRowSqliteParams(row: Readonly<Record<string, unknown>>): unknown[] {
  const out = new Array<unknown>(SERVER_ROW_COLUMNS.length);
  for (let i = 0; i < SERVER_ROW_COLUMNS.length; i++) {
    const c = SERVER_ROW_COLUMNS[i]!;
    out[i] = leadValueToSqliteParam(c.kind, serverValue(c, row));
  }
  return out;
}

/** A shipped field's value when it has the field's type, else the field's default. */
function serverValue(
  c: (typeof SERVER_ROW_COLUMNS)[number],
  row: Readonly<Record<string, unknown>>,
): unknown {
  const v = row[c.field];
  const d = c.default;
  const out = v !== undefined && guard(c.guard, v) && (v !== null || d === null) ? v : d;
  if (c.fix === 'tags') {
    return Array.isArray(out) && out.every((t) => typeof t === 'string') ? out : [];
  }
  if (c.fix === 'custom' && Array.isArray(out)) return {};
  return out;
}

export function serverSchemaVersion(row: Readonly<Record<string, unknown>>): number {
  const version = row.schemaVersion;
  return typeof version === 'number' && Number.isInteger(version) ? version : leadRecord.version;
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
