/**
 * The projected lead row as it travels to clients (`change.row`, catch-up pages) and as the REST
 * API returns it: the doc's projected field values plus `id` and `schemaVersion`. Rows are read
 * from the `lead` table (snake_case) or built from a projection.
 */
import type { LeadFields, Projection } from '@sdr/schema/sync';
import { LEAD_SQL_COLUMNS, leadColumnList, leadFieldsFromSqlRow } from '@sdr/schema';
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

/** Column list for raw queries that build a `LeadRow` with `rowFromDb` (table alias `l`). */
export const LEAD_ROW_COLUMNS = `l.id, ${leadColumnList('l')}, l.schema_version`;

export interface LeadDbRow extends Record<string, unknown> {
  id: string;
  schema_version: unknown;
}

export function rowFromDb(r: LeadDbRow): LeadRow {
  return { id: r.id, ...leadFieldsFromSqlRow(r), schemaVersion: num(r.schema_version) };
}

/** A `LeadRow` from a drizzle-selected `lead` row (camelCase keys, timestamps as `Date`). */
export function rowFromTable(r: Readonly<Record<string, unknown>> & { id: string }): LeadRow {
  const snake: Record<string, unknown> = {};
  for (const c of LEAD_SQL_COLUMNS) snake[c.column] = r[c.field];
  return { id: r.id, ...leadFieldsFromSqlRow(snake), schemaVersion: num(r.schemaVersion) };
}
