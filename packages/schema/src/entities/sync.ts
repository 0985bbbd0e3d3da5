import { col, defineEntity } from '../define.ts';

/** Per-workspace change-log sequence: the next change gets `lastSeq + 1` (in the same transaction). */
export const workspaceSeq = defineEntity(
  'workspaceSeq',
  {
    workspaceId: col.id().references('workspace'),
    lastSeq: col.bigint().notNull().default(0),
  },
  { placement: 'server' },
);

/**
 * The workspace change log, the truth every instance and client catches up from. A `record` change
 * carries one Yjs update of one doc (a client's update or a server-authored one); a `fact` change
 * names a server-owned row that changed.
 */
export const changeLog = defineEntity(
  'changeLog',
  {
    id: col.id(),
    workspaceId: col.text().notNull().references('workspace'),
    seq: col.bigint().notNull(),
    kind: col.enum(['record', 'fact'] as const).notNull(),
    docName: col.text(),
    update: col.bytes(),
    /** Yjs client id of the update's author (`SERVER_CLIENT_ID` for server writers). */
    clientId: col.bigint(),
    /** The user who made the change; null for server-side writers. */
    userId: col.text(),
    entity: col.text(),
    entityId: col.text(),
    createdAt: col.timestamp().notNull().defaultNow(),
  },
  {
    placement: 'server',
    indexes: [
      { name: 'change_log_ws_seq_uq', columns: ['workspaceId', 'seq'], unique: true },
      { name: 'change_log_doc_ix', columns: ['docName', 'seq'] },
    ],
  },
);

/**
 * A doc's compacted state: every update of the doc up to `throughSeq`, merged. Not used yet: the
 * server keeps each lead's merged state in `lead.y_state` (see apps/sync-server README, Compaction);
 * kept for record types whose state will not live in a projected row.
 */
export const docSnapshot = defineEntity(
  'docSnapshot',
  {
    /** The doc name, `<type>:<id>` (ids are ULIDs, unique across workspaces). */
    docName: col.id(),
    workspaceId: col.text().notNull().references('workspace'),
    state: col.bytes().notNull(),
    throughSeq: col.bigint().notNull(),
    updatedAt: col.timestamp().notNull().defaultNow(),
  },
  { placement: 'server', indexes: [{ name: 'doc_snapshot_ws_ix', columns: ['workspaceId'] }] },
);

/** A same-field concurrent overwrite (see `detectFieldConflicts`), readable per record. */
export const fieldConflict = defineEntity(
  'fieldConflict',
  {
    id: col.id(),
    workspaceId: col.text().notNull().references('workspace'),
    docName: col.text().notNull(),
    field: col.text().notNull(),
    /** The change-log seq of the update that introduced the conflict. */
    seq: col.bigint().notNull(),
    previousValue: col.json<unknown>(),
    previousClientId: col.bigint().notNull(),
    previousUserId: col.text(),
    incomingValue: col.json<unknown>(),
    incomingClientId: col.bigint().notNull(),
    incomingUserId: col.text(),
    winner: col.enum(['previous', 'incoming'] as const).notNull(),
    sameValue: col.boolean().notNull(),
    createdAt: col.timestamp().notNull().defaultNow(),
  },
  {
    placement: 'server',
    indexes: [
      { name: 'field_conflict_doc_ix', columns: ['docName', 'seq'] },
      { name: 'field_conflict_ws_ix', columns: ['workspaceId', 'seq'] },
    ],
  },
);

/** Engine: local updates not yet acknowledged by the server, sent in `clientSeq` order. */
export const outbox = defineEntity(
  'outbox',
  {
    id: col.id(),
    clientSeq: col.bigint().notNull().unique(),
    docName: col.text().notNull(),
    update: col.bytes().notNull(),
    createdAt: col.timestamp().notNull().defaultNow(),
  },
  { placement: 'client', indexes: [{ name: 'outbox_doc_ix', columns: ['docName'] }] },
);

/** Engine: per-workspace sync progress. The installation's Yjs client id lives in `localSetting`. */
export const syncState = defineEntity(
  'syncState',
  {
    workspaceId: col.id(),
    /** Last change-log seq applied locally. */
    cursor: col.bigint().notNull().default(0),
    initialSyncDone: col.boolean().notNull().default(false),
    updatedAt: col.timestamp().notNull().defaultNow(),
  },
  { placement: 'client' },
);
