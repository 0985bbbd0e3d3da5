/**
 * The projected lead row as it travels to clients (`change.row`, catch-up pages) and as the REST
 * API returns it: the doc's projected field values plus `id` and `schemaVersion`. Rows are read
 * from the `lead` table (snake_case) or built from a projection.
 */
import type { LeadFields, Projection } from '@sdr/schema/sync';
import { num } from './sql.ts';

export type LeadRow = LeadFields & { readonly id: string; readonly schemaVersion: number };

export const LEAD_PREFIX = 'lead:';

export function leadDocName(id: string): string {
  return `${LEAD_PREFIX}${id}`;
}

/** The lead id of a doc name, or null for other record types. */
export function leadIdOf(docName: string): string | null {
  return docName.startsWith(LEAD_PREFIX) ? docName.slice(LEAD_PREFIX.length) : null;
}

/** A lead projection (the authority's `projected` is typed loosely; it is a lead's). */
export function rowFromProjection(id: string, p: Projection<LeadFields> | Projection): LeadRow {
  return { id, ...(p.values as LeadFields), schemaVersion: p.schemaVersion };
}

/** Column list for raw queries that build a `LeadRow` with `rowFromDb`. */
export const LEAD_ROW_COLUMNS =
  'l.id, l.first_name, l.last_name, l.email, l.phone, l.company, l.title, l.status, l.owner_id, l.tags, l.deleted, l.schema_version';

export interface LeadDbRow {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  company: string;
  title: string;
  status: string;
  owner_id: string | null;
  tags: unknown;
  deleted: boolean;
  schema_version: unknown;
}

export function rowFromDb(r: LeadDbRow): LeadRow {
  const tags = typeof r.tags === 'string' ? (JSON.parse(r.tags) as unknown) : r.tags;
  return {
    id: r.id,
    firstName: r.first_name,
    lastName: r.last_name,
    email: r.email,
    phone: r.phone,
    company: r.company,
    title: r.title,
    status: r.status,
    ownerId: r.owner_id,
    tags: Array.isArray(tags) ? (tags as string[]) : [],
    deleted: r.deleted,
    schemaVersion: num(r.schema_version),
  };
}
