/**
 * The writes of one commit batch as one statement per table, each with ONE parameter: the batch's
 * rows as a JSON array, read back with `json_to_recordset` (bytes travel as base64). Building a
 * multi-row insert with a parameter per value (drizzle's query builder) cost ~8% of the server's
 * CPU at 256 rows of 40 columns; this costs one `JSON.stringify`. The statements do not depend on
 * each other, so the caller sends them together (postgres.js pipelines them on the transaction's
 * connection: one round trip for all of them).
 */
import { sql, type SQL } from 'drizzle-orm';
import { LEAD_SQL_COLUMNS, type ColumnKind } from '@sdr/schema';
import type { FieldConflict } from '@sdr/schema/sync';
import type { Activity } from './activity.ts';
import type { LeadRow } from './lead-row.ts';

const PG_TYPES: Record<ColumnKind, string> = {
  id: 'text',
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
  real: 'double precision',
  boolean: 'boolean',
  timestamp: 'timestamptz',
  json: 'jsonb',
  bytes: 'text',
};

export const base64 = (u: Uint8Array): string =>
  Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');

const q = (name: string) => `"${name}"`;
const json = (rows: readonly unknown[]) => sql`${JSON.stringify(rows)}::json`;

export interface ChangeLogRow {
  id: string;
  workspaceId: string;
  seq: number;
  docName: string;
  update: Uint8Array;
  clientId: number;
  userId: string | null;
}

export function insertChangeLog(rows: readonly ChangeLogRow[]): SQL {
  return sql`insert into change_log (id, workspace_id, seq, kind, doc_name, "update", client_id, user_id)
    select r.id, r.ws, r.seq, 'record', r.doc, decode(r.u, 'base64'), r.cid, r.uid
    from json_to_recordset(${json(
      rows.map((r) => ({
        id: r.id,
        ws: r.workspaceId,
        seq: r.seq,
        doc: r.docName,
        u: base64(r.update),
        cid: r.clientId,
        uid: r.userId,
      })),
    )}) as r(id text, ws text, seq bigint, doc text, u text, cid bigint, uid text)`;
}

export interface LeadWrite {
  row: LeadRow;
  workspaceId: string;
  seq: number;
  state: Uint8Array;
}

const LEAD_RECORD = [
  'id text',
  'workspace_id text',
  ...LEAD_SQL_COLUMNS.map((c) => `${q(c.column)} ${PG_TYPES[c.kind]}`),
  'schema_version integer',
  'seq bigint',
  'y_state text',
].join(', ');
const LEAD_INTO = [
  'id',
  'workspace_id',
  ...LEAD_SQL_COLUMNS.map((c) => q(c.column)),
  'schema_version',
  'seq',
  'y_state',
  'updated_at',
].join(', ');
const LEAD_SELECT = [
  'r.id',
  'r.workspace_id',
  ...LEAD_SQL_COLUMNS.map((c) => `r.${q(c.column)}`),
  'r.schema_version',
  'r.seq',
  `decode(r.y_state, 'base64')`,
].join(', ');
const LEAD_UPDATE = [
  ...LEAD_SQL_COLUMNS.map((c) => q(c.column)),
  'schema_version',
  'seq',
  'y_state',
  'updated_at',
]
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

function leadJson(w: LeadWrite): Record<string, unknown> {
  const out: Record<string, unknown> = { id: w.row.id, workspace_id: w.workspaceId };
  for (const { field, column, kind } of LEAD_SQL_COLUMNS) {
    const v = w.row[field] as unknown;
    // A timestamp field's 0 ("unknown") is stored as NULL (records/lead-sql.ts).
    out[column] =
      kind === 'timestamp'
        ? typeof v === 'number' && v > 0
          ? new Date(v).toISOString()
          : null
        : v;
  }
  out.schema_version = w.row.schemaVersion;
  out.seq = w.seq;
  out.y_state = base64(w.state);
  return out;
}

/** Upserts the leads' projected rows, merged states and seqs (one row per doc). */
export function upsertLeads(rows: readonly LeadWrite[], updatedAt: Date): SQL {
  return sql`insert into lead (${sql.raw(LEAD_INTO)})
    select ${sql.raw(LEAD_SELECT)}, ${updatedAt.toISOString()}::timestamptz
    from json_to_recordset(${json(rows.map(leadJson))}) as r(${sql.raw(LEAD_RECORD)})
    on conflict (id) do update set ${sql.raw(LEAD_UPDATE)}`;
}

export interface ConflictRow {
  id: string;
  workspaceId: string;
  docName: string;
  seq: number;
  userId: string | null;
  conflict: FieldConflict;
}

export function insertConflicts(rows: readonly ConflictRow[]): SQL {
  return sql`insert into field_conflict (id, workspace_id, doc_name, field, seq, previous_value,
      previous_client_id, previous_user_id, incoming_value, incoming_client_id, incoming_user_id,
      winner, same_value)
    select r.id, r.ws, r.doc, r.field, r.seq, r.pv, r.pc, null, r.iv, r.ic, r.iu, r.winner, r.same
    from json_to_recordset(${json(
      rows.map((r) => ({
        id: r.id,
        ws: r.workspaceId,
        doc: r.docName,
        field: r.conflict.field,
        seq: r.seq,
        // JSON null (and a missing value) reads as SQL NULL, as the drizzle insert wrote it.
        pv: r.conflict.previous.value ?? null,
        pc: r.conflict.previous.clientId,
        iv: r.conflict.incoming.value ?? null,
        ic: r.conflict.incoming.clientId,
        iu: r.userId,
        winner: r.conflict.winner,
        same: r.conflict.sameValue,
      })),
    )}) as r(id text, ws text, doc text, field text, seq bigint, pv jsonb, pc bigint, iv jsonb,
      ic bigint, iu text, winner text, same boolean)`;
}

export interface ActivityRow {
  id: string;
  workspaceId: string;
  leadId: string;
  seq: number;
  activity: Activity;
  userId: string | null;
  clientId: number;
}

/** One timeline row per change that changed something visible (activity.ts). */
export function insertActivity(rows: readonly ActivityRow[]): SQL {
  return sql`insert into lead_activity (id, workspace_id, lead_id, seq, kind, changes,
      notes_changed, user_id, client_id)
    select r.id, r.ws, r.lead, r.seq, r.kind, r.changes, r.notes, r.uid, r.cid
    from json_to_recordset(${json(
      rows.map((r) => ({
        id: r.id,
        ws: r.workspaceId,
        lead: r.leadId,
        seq: r.seq,
        kind: r.activity.kind,
        changes: r.activity.changes,
        notes: r.activity.notesChanged,
        uid: r.userId,
        cid: r.clientId,
      })),
    )}) as r(id text, ws text, lead text, seq bigint, kind text, changes jsonb, notes boolean,
      uid text, cid bigint)`;
}
