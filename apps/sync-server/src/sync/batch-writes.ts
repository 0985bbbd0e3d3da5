/**
 * The writes of one commit batch as ONE statement: the next seqs of each workspace
 * (`workspace_seq`), the change log, the lead rows, the field conflicts, the timeline and the
 * wake-ups (NOTIFY, delivered on commit), as data-modifying CTEs. Rows travel as JSON parameters
 * read back with `json_to_recordset` (bytes as base64): building a multi-row insert with a
 * parameter per value (drizzle's query builder) cost ~8% of the server's CPU at 256 rows of 40
 * columns, this costs a `JSON.stringify`; the text never changes, so it is prepared once per
 * connection. One statement is one round trip whatever the batch size.
 *
 * Seqs: a change is the `k`th (1-based) of the `n` changes of its workspace in the batch, so its
 * seq is `last_seq - n + k`, with `last_seq` what the counter row holds after adding `n` (its row
 * lock is held until commit: per workspace, commit order = seq order). Counter rows are locked in
 * workspace order, so two batches never wait for each other in a cycle.
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

/** Where a change falls among its workspace's changes of the batch (see the top of the file). */
export interface SeqRef {
  workspaceId: string;
  /** 1-based position among the batch's changes of this workspace. */
  k: number;
  /** How many changes of this workspace the batch has. */
  n: number;
}

export interface ChangeLogRow extends SeqRef {
  id: string;
  docName: string;
  update: Uint8Array;
  clientId: number;
  userId: string | null;
}

/** A lead row as its doc's last change of the batch left it (`k`: that change). */
export interface LeadWrite extends SeqRef {
  row: LeadRow;
  state: Uint8Array;
}

export interface ConflictRow extends SeqRef {
  id: string;
  docName: string;
  userId: string | null;
  conflict: FieldConflict;
}

export interface ActivityRow extends SeqRef {
  id: string;
  leadId: string;
  activity: Activity;
  userId: string | null;
  clientId: number;
}

export interface BatchWrites {
  changeLog: readonly ChangeLogRow[];
  leads: readonly LeadWrite[];
  conflicts: readonly ConflictRow[];
  activity: readonly ActivityRow[];
  updatedAt: Date;
  /** NOTIFY this channel with `workspaceId:seq` of each workspace's last seq (see `encodeWakeup`). */
  notifyChannel: string | null;
}

const seqOf = (r: SeqRef) => ({ ws: r.workspaceId, k: r.k, n: r.n });

const LEAD_RECORD = [
  'id text',
  'ws text',
  'k bigint',
  'n bigint',
  ...LEAD_SQL_COLUMNS.map((c) => `${q(c.column)} ${PG_TYPES[c.kind]}`),
  'schema_version integer',
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
  'r.ws',
  ...LEAD_SQL_COLUMNS.map((c) => `r.${q(c.column)}`),
  'r.schema_version',
  's.last_seq - r.n + r.k',
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
  const out: Record<string, unknown> = { id: w.row.id, ...seqOf(w) };
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
  out.y_state = base64(w.state);
  return out;
}

/**
 * The statement; it returns each workspace's last seq after the batch (`workspace_id`,
 * `last_seq`).
 */
export function writeBatch(b: BatchWrites): SQL {
  const counts = new Map<string, number>();
  for (const c of b.changeLog) counts.set(c.workspaceId, c.n);
  const notify = b.notifyChannel
    ? sql`, pg_notify(${b.notifyChannel}, s.workspace_id || ':' || s.last_seq)`
    : sql``;
  return sql`with s as (
      insert into workspace_seq (workspace_id, last_seq)
      select c.ws, c.n from json_to_recordset(${json(
        [...counts].map(([ws, n]) => ({ ws, n })),
      )}) as c(ws text, n bigint) order by c.ws
      on conflict (workspace_id) do update set last_seq = workspace_seq.last_seq + excluded.last_seq
      returning workspace_id, last_seq
    ), log as (
      insert into change_log (id, workspace_id, seq, kind, doc_name, "update", client_id, user_id)
      select r.id, r.ws, s.last_seq - r.n + r.k, 'record', r.doc, decode(r.u, 'base64'), r.cid, r.uid
      from json_to_recordset(${json(
        b.changeLog.map((r) => ({
          id: r.id,
          ...seqOf(r),
          doc: r.docName,
          u: base64(r.update),
          cid: r.clientId,
          uid: r.userId,
        })),
      )}) as r(id text, ws text, k bigint, n bigint, doc text, u text, cid bigint, uid text)
      join s on s.workspace_id = r.ws
    ), leads as (
      insert into lead (${sql.raw(LEAD_INTO)})
      select ${sql.raw(LEAD_SELECT)}, ${b.updatedAt.toISOString()}::timestamptz
      from json_to_recordset(${json(b.leads.map(leadJson))}) as r(${sql.raw(LEAD_RECORD)})
      join s on s.workspace_id = r.ws
      on conflict (id) do update set ${sql.raw(LEAD_UPDATE)}
    ), conflicts as (
      insert into field_conflict (id, workspace_id, doc_name, field, seq, previous_value,
        previous_client_id, previous_user_id, incoming_value, incoming_client_id, incoming_user_id,
        winner, same_value)
      select r.id, r.ws, r.doc, r.field, s.last_seq - r.n + r.k, r.pv, r.pc, null, r.iv, r.ic,
        r.iu, r.winner, r.same
      from json_to_recordset(${json(
        b.conflicts.map((r) => ({
          id: r.id,
          ...seqOf(r),
          doc: r.docName,
          field: r.conflict.field,
          // JSON null (and a missing value) reads as SQL NULL, as the drizzle insert wrote it.
          pv: r.conflict.previous.value ?? null,
          pc: r.conflict.previous.clientId,
          iv: r.conflict.incoming.value ?? null,
          ic: r.conflict.incoming.clientId,
          iu: r.userId,
          winner: r.conflict.winner,
          same: r.conflict.sameValue,
        })),
      )}) as r(id text, ws text, k bigint, n bigint, doc text, field text, pv jsonb, pc bigint,
        iv jsonb, ic bigint, iu text, winner text, same boolean)
      join s on s.workspace_id = r.ws
    ), timeline as (
      insert into lead_activity (id, workspace_id, lead_id, seq, kind, changes, notes_changed,
        user_id, client_id)
      select r.id, r.ws, r.lead, s.last_seq - r.n + r.k, r.kind, r.changes, r.notes, r.uid, r.cid
      from json_to_recordset(${json(
        b.activity.map((r) => ({
          id: r.id,
          ...seqOf(r),
          lead: r.leadId,
          kind: r.activity.kind,
          changes: r.activity.changes,
          notes: r.activity.notesChanged,
          uid: r.userId,
          cid: r.clientId,
        })),
      )}) as r(id text, ws text, k bigint, n bigint, lead text, kind text, changes jsonb,
        notes boolean, uid text, cid bigint)
      join s on s.workspace_id = r.ws
    )
    select s.workspace_id, s.last_seq${notify} from s`;
}
