/**
 * A lead's local row: the projected columns of its doc plus sync bookkeeping. Rows come from two
 * places: the server (`change.row`, already projected by the server with `projectLead`) and local
 * projection of a decoded doc. Both end up as `LeadColumns`.
 */
import type * as Y from 'yjs';
import { leadRecord, type LeadFields } from '@sdr/schema';
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

const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);

/**
 * Columns from a row the server shipped. The server projects with the same function, so this only
 * guards types (a wrong type reads as the field's default, like `projectRaw` does); it is on the
 * hot path of initial sync and deliberately avoids zod.
 */
export function columnsFromServerRow(row: Readonly<Record<string, unknown>>): LeadColumns {
  const d = leadRecord.fields;
  const tags = row.tags;
  const ownerId = row.ownerId;
  const version = row.schemaVersion;
  return {
    firstName: str(row.firstName, d.firstName.default),
    lastName: str(row.lastName, d.lastName.default),
    email: str(row.email, d.email.default),
    phone: str(row.phone, d.phone.default),
    company: str(row.company, d.company.default),
    title: str(row.title, d.title.default),
    status: str(row.status, d.status.default),
    ownerId: typeof ownerId === 'string' ? ownerId : null,
    tags: Array.isArray(tags) && tags.every((t) => typeof t === 'string') ? tags : [],
    deleted: row.deleted === true,
    schemaVersion:
      typeof version === 'number' && Number.isInteger(version) ? version : leadRecord.version,
  };
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
  return {
    id: lead.id,
    firstName: lead.firstName,
    lastName: lead.lastName,
    email: lead.email,
    phone: lead.phone,
    company: lead.company,
    title: lead.title,
    status: lead.status,
    ownerId: lead.ownerId,
    tags: lead.tags,
    deleted: lead.deleted,
    updatedAt: lead.updatedAt,
    seq: lead.seq,
    pending,
  };
}
