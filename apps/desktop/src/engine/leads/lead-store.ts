/**
 * SQL for the local `lead` table, as prepared better-sqlite3 statements (drizzle is too slow for
 * the initial sync's hot path: 100k rows must land in about a second). Callers own transactions.
 */
import type Database from 'better-sqlite3';
import { LEAD_SQL_COLUMNS, leadFieldsFromSqlRow, leadFieldsToSqliteParams } from '@sdr/schema';
import { serverRowSqliteParams, serverSchemaVersion, type StoredLead } from './lead-row.ts';

interface LeadMetaSqlRow {
  id: string;
  workspace_id: string;
  schema_version: number;
  seq: number;
  y_state: Buffer | null;
  updated_at: number;
}

export type LeadSort = 'updatedAt' | 'name';

const FIELD_COLUMNS = LEAD_SQL_COLUMNS.map((c) => c.column);
const COLUMNS = [
  'id',
  'workspace_id',
  ...FIELD_COLUMNS,
  'schema_version',
  'seq',
  'y_state',
  'updated_at',
];
const COLUMN_LIST = COLUMNS.join(', ');
const PLACEHOLDERS = COLUMNS.map(() => '?').join(', ');
const UPDATE_SET = COLUMNS.filter((c) => c !== 'id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

function fromSql(r: LeadMetaSqlRow & Record<string, unknown>): StoredLead {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    ...leadFieldsFromSqlRow(r),
    schemaVersion: r.schema_version,
    seq: r.seq,
    yState: r.y_state
      ? new Uint8Array(r.y_state.buffer, r.y_state.byteOffset, r.y_state.length)
      : null,
    updatedAt: r.updated_at,
  };
}

function toParams(l: StoredLead): unknown[] {
  return [
    l.id,
    l.workspaceId,
    ...leadFieldsToSqliteParams(l),
    l.schemaVersion,
    l.seq,
    l.yState,
    l.updatedAt,
  ];
}

export function createLeadStore(sqlite: Database.Database) {
  const upsert = sqlite.prepare(
    `INSERT INTO lead (${COLUMN_LIST}) VALUES (${PLACEHOLDERS})
     ON CONFLICT(id) DO UPDATE SET ${UPDATE_SET}`,
  );
  const insertNew = sqlite.prepare(
    `INSERT INTO lead (${COLUMN_LIST}) VALUES (${PLACEHOLDERS}) ON CONFLICT(id) DO NOTHING`,
  );
  const byId = sqlite.prepare(`SELECT ${COLUMN_LIST} FROM lead WHERE id = ?`);
  const stateById = sqlite.prepare(`SELECT seq, y_state FROM lead WHERE id = ?`);
  const remove = sqlite.prepare(`DELETE FROM lead WHERE id = ?`);
  const removeWorkspace = sqlite.prepare(`DELETE FROM lead WHERE workspace_id = ?`);
  const countLive = sqlite.prepare(
    `SELECT count(*) AS n FROM lead WHERE workspace_id = ? AND deleted = 0`,
  );
  const countAll = sqlite.prepare(`SELECT count(*) AS n FROM lead WHERE workspace_id = ?`);
  // The page's rowids first, its rows after: sorting whole rows carries every row's Yjs state
  // through the sorter. Without a sort index (right after an initial sync, before catch-up mode
  // has rebuilt it) that took ~0.7 s at 100k leads against ~0.05 s, and a deep page with the
  // index ~0.28 s against ~0.05 s.
  const page = (sort: LeadSort, includeDeleted: boolean) => {
    const order =
      sort === 'name'
        ? 'last_name COLLATE NOCASE, first_name COLLATE NOCASE, id'
        : 'updated_at DESC, id';
    return sqlite.prepare(
      `SELECT ${COLUMN_LIST} FROM lead WHERE rowid IN (
         SELECT rowid FROM lead WHERE workspace_id = ? ${includeDeleted ? '' : 'AND deleted = 0'}
         ORDER BY ${order} LIMIT ? OFFSET ?)
       ORDER BY ${order}`,
    );
  };
  const pages = {
    'updatedAt:live': page('updatedAt', false),
    'updatedAt:all': page('updatedAt', true),
    'name:live': page('name', false),
    'name:all': page('name', true),
  };

  return {
    get(id: string): StoredLead | undefined {
      const r = byId.get(id) as (LeadMetaSqlRow & Record<string, unknown>) | undefined;
      return r ? fromSql(r) : undefined;
    },
    /** Just the sync bookkeeping of a row (cheap: no column decoding). */
    state(id: string): { seq: number; yState: Uint8Array | null } | undefined {
      const r = stateById.get(id) as { seq: number; y_state: Buffer | null } | undefined;
      return r ? { seq: r.seq, yState: r.y_state } : undefined;
    },
    put(lead: StoredLead): void {
      upsert.run(...toParams(lead));
    },
    /**
     * Inserts a lead not stored yet from a row the server shipped (`columnsFromServerRow`);
     * false (and nothing written) when it exists.
     */
    insertServerRowIfNew(
      meta: Pick<StoredLead, 'id' | 'workspaceId' | 'seq' | 'yState' | 'updatedAt'>,
      row: Readonly<Record<string, unknown>>,
    ): boolean {
      return (
        insertNew.run(
          meta.id,
          meta.workspaceId,
          ...serverRowSqliteParams(row),
          serverSchemaVersion(row),
          meta.seq,
          meta.yState,
          meta.updatedAt,
        ).changes > 0
      );
    },
    remove(id: string): boolean {
      return remove.run(id).changes > 0;
    },
    removeWorkspace(workspaceId: string): number {
      return removeWorkspace.run(workspaceId).changes;
    },
    count(workspaceId: string, includeDeleted = false): number {
      return ((includeDeleted ? countAll : countLive).get(workspaceId) as { n: number }).n;
    },
    list(
      workspaceId: string,
      opts: { sort: LeadSort; offset: number; limit: number; includeDeleted: boolean },
    ): StoredLead[] {
      const stmt = pages[`${opts.sort}:${opts.includeDeleted ? 'all' : 'live'}`];
      return (
        stmt.all(workspaceId, opts.limit, opts.offset) as (LeadMetaSqlRow &
          Record<string, unknown>)[]
      ).map(fromSql);
    },
  };
}

export type LeadStore = ReturnType<typeof createLeadStore>;
