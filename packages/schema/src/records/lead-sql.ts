/**
 * The lead's projected fields as SQL columns, written once for every raw-SQL reader and writer (the
 * engine's prepared statements, the server's catch-up and fan-out queries, the benchmarks). Column
 * names and kinds come from the `lead` entity, so a new field is one line in `records/lead.ts` and
 * one in `entities/lead.ts`.
 *
 * Encodings: a timestamp field's 0 ("unknown") is stored as NULL in both. SQLite stores booleans as 0/1, JSON as text and timestamps as epoch ms; Postgres
 * returns booleans, parsed JSON (or text) and `Date`s. The doc side is always epoch ms numbers.
 */
import { sqlName, type ColumnKind } from '../define.ts';
import { lead } from '../entities/lead.ts';
import { LEAD_FIELD_NAMES, leadRecord, type LeadFieldName, type LeadFields } from './lead.ts';

export interface LeadSqlColumn {
  readonly field: LeadFieldName;
  readonly column: string;
  readonly kind: ColumnKind;
}

export const LEAD_SQL_COLUMNS: readonly LeadSqlColumn[] = LEAD_FIELD_NAMES.map((field) => {
  const c = (lead.columns as Record<string, { kind: ColumnKind } | undefined>)[field];
  if (!c) throw new Error(`lead entity has no column for record field ${field}`);
  return { field, column: sqlName(field), kind: c.kind };
});

/** `first_name, last_name, ...` (optionally qualified: `l.first_name, ...`). */
export function leadColumnList(alias?: string): string {
  return LEAD_SQL_COLUMNS.map((c) => (alias ? `${alias}.${c.column}` : c.column)).join(', ');
}

function toMs(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

function readJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}

function readColumn(kind: ColumnKind, raw: unknown, dflt: unknown): unknown {
  if (kind === 'boolean') {
    return raw === null || raw === undefined ? dflt : raw === true || raw === 1 || raw === 't';
  }
  if (kind === 'json') return readJson(raw) ?? dflt;
  if (kind === 'timestamp') return toMs(raw) ?? dflt;
  if (kind === 'integer' || kind === 'bigint' || kind === 'real') {
    return raw === null || raw === undefined ? dflt : Number(raw);
  }
  return typeof raw === 'string' ? raw : dflt;
}

/**
 * Lead fields from a snake_case row of either database. Types are guarded, not validated (rows were
 * projected and validated before they were written): a wrong type reads as the field's default.
 */
export function leadFieldsFromSqlRow(row: Readonly<Record<string, unknown>>): LeadFields {
  const out: Record<string, unknown> = {};
  for (const { field, column, kind } of LEAD_SQL_COLUMNS) {
    const raw = row[column];
    const dflt: unknown = leadRecord.fields[field].default;
    out[field] = readColumn(kind, raw, dflt);
  }
  return out as LeadFields;
}

/** A SQL literal for a field's default (strings quoted, JSON as jsonb). */
function pgDefaultLiteral(kind: ColumnKind, dflt: unknown): string {
  if (kind === 'json') return `'${JSON.stringify(dflt).replaceAll("'", "''")}'::jsonb`;
  if (typeof dflt === 'string') return `'${dflt.replaceAll("'", "''")}'`;
  return String(dflt);
}

/** One column as `leadFieldsFromSqlRow` reads it, as a Postgres expression. */
function pgJsonValue(kind: ColumnKind, ref: string, dflt: unknown): string {
  const orDefault = (e: string) =>
    dflt === null ? e : `coalesce(${e}, ${pgDefaultLiteral(kind, dflt)})`;
  // Epoch ms, exact for the column's millisecond precision (as `Date.getTime()` reads it).
  if (kind === 'timestamp') return orDefault(`floor(extract(epoch from ${ref}) * 1000)::bigint`);
  // A JSON `null` reads as the default too (`readJson(raw) ?? dflt`).
  if (kind === 'json') return orDefault(`nullif(${ref}, 'null'::jsonb)`);
  return orDefault(ref);
}

/**
 * Postgres only: a lead row (`id`, the fields as `leadFieldsFromSqlRow` reads them, then
 * `schemaVersion`) as one JSON text, built by the database (table alias `alias`). The catch-up
 * reads rows this way (one column instead of one per field to parse) and ships the text as is
 * (protocol v2). `lead-sql.pg.test.ts` proves it equals `leadFieldsFromSqlRow`.
 */
export function leadRowJsonSql(alias: string): string {
  const pairs = [
    `'id', ${alias}.id`,
    ...LEAD_SQL_COLUMNS.map(
      ({ field, column, kind }) =>
        `'${field}', ${pgJsonValue(kind, `${alias}.${column}`, leadRecord.fields[field].default)}`,
    ),
    `'schemaVersion', ${alias}.schema_version`,
  ];
  return `json_build_object(${pairs.join(', ')})::text`;
}

/** One field value as a better-sqlite3 parameter of a column of this kind. */
export function leadValueToSqliteParam(kind: ColumnKind, v: unknown): unknown {
  if (kind === 'boolean') return v ? 1 : 0;
  if (kind === 'json') return JSON.stringify(v);
  if (kind === 'timestamp') return typeof v === 'number' && v > 0 ? v : null;
  return v ?? null;
}

/** Parameters for better-sqlite3, in `LEAD_SQL_COLUMNS` order. */
export function leadFieldsToSqliteParams(f: LeadFields): unknown[] {
  return LEAD_SQL_COLUMNS.map(({ field, kind }) => leadValueToSqliteParam(kind, f[field]));
}

/** Values for a drizzle Postgres insert of the `lead` table (timestamps as `Date`). */
export type LeadPgValues = Omit<LeadFields, 'createdAt' | 'lastContactedAt'> & {
  createdAt: Date | null;
  lastContactedAt: Date | null;
};
export function leadFieldsToPgValues(f: LeadFields): LeadPgValues {
  const out: Record<string, unknown> = {};
  for (const { field, kind } of LEAD_SQL_COLUMNS) {
    const v = f[field] as unknown;
    out[field] = kind === 'timestamp' ? (typeof v === 'number' && v > 0 ? new Date(v) : null) : v;
  }
  return out as LeadPgValues;
}
