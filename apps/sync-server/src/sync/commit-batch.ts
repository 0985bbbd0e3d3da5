/**
 * One batch of writes, one transaction (design §6, with group commit): lock every doc of the batch
 * (`pg_advisory_xact_lock`, in hash order so instances never deadlock) and read their lead rows
 * (state only when the cached doc is stale), run the authority on each write in order, take the
 * next seqs of each workspace, insert the change log, upsert the lead rows, insert the field
 * conflicts and the timeline rows and queue the wake-ups (NOTIFY, out on commit), all in one
 * statement (batch-writes.ts). BEGIN + lock + read (three statements sent together,
 * pipelined-tx.ts), the writes, COMMIT: three round trips per batch whatever its size; the
 * statements are prepared.
 */
import { sql } from 'drizzle-orm';
import * as Y from 'yjs';
import { canSeeLead, fieldWriteCheck } from '@sdr/domain';
import {
  applyServerChanges,
  leadRecord,
  loadRecordDoc,
  notesOf,
  projectLead,
  SERVER_CLIENT_ID,
  validateAndCompensate,
  type FieldConflict,
} from '@sdr/schema/sync';
import type { Db } from '../db/schema.ts';
import type {
  ClientUpdateRequest,
  ClientUpdateResult,
  ServerWriteRequest,
  ServerWriteResult,
} from './authority.types.ts';
import { diffActivity, type Activity, type LeadState } from './activity.ts';
import { writeBatch } from './batch-writes.ts';
import { routeNewLeads } from './routing.ts';
import type { ChangeBus, Wakeup } from './change-bus.ts';
import type { DocCache } from './doc-cache.ts';
import type { FanoutChange } from './fanout.ts';
import { leadIdOf, rowFromProjection, type LeadRow } from './lead-row.ts';
import { pipelinedTransaction, type Tx } from './pipelined-tx.ts';
import { bytes, num, queryPrepared, queryRows, type Executor } from './sql.ts';

export type BatchItem =
  | { kind: 'client'; req: ClientUpdateRequest; resolve: (r: ClientUpdateResult) => void }
  | { kind: 'server'; req: ServerWriteRequest; resolve: (r: ServerWriteResult) => void };

/** A doc as the batch works on it. */
interface WorkDoc {
  readonly name: string;
  readonly id: string;
  doc: Y.Doc;
  /** Null for a doc that has no lead row yet. */
  workspaceId: string | null;
  ownerId: string | null;
  seq: number;
  /** The stored state the batch started from (to rebuild after a failed apply). */
  readonly baseState: Uint8Array | null;
  state: Uint8Array | null;
  dirty: boolean;
  poisoned: boolean;
  /** The lead as the last applied change left it (for the timeline); undefined until needed. */
  last?: LeadState | null;
}

/** A change-log entry the batch will write; `seq` is filled in before the inserts. */
interface Entry {
  readonly work: WorkDoc;
  readonly workspaceId: string;
  readonly update: Uint8Array;
  readonly clientId: number;
  readonly userId: string | null;
  readonly conflicts: readonly FieldConflict[];
  readonly row: LeadRow;
  readonly ownerChanged: boolean;
  /** What the change did, for the lead's timeline (null: nothing visible). */
  readonly activity: Activity | null;
  seq: number;
}

export interface BatchOutcome {
  readonly resolutions: (() => void)[];
  readonly changes: FanoutChange[];
  readonly wakeups: Wakeup[];
  readonly docs: WorkDoc[];
}

export interface BatchContext {
  readonly db: Db;
  readonly cache: DocCache;
  readonly bus: ChangeBus;
  readonly newId: () => string;
  /** The seqs this batch will commit, once known (before COMMIT; see `Fanout.expectLocal`). */
  readonly committing?: (wakeups: readonly Wakeup[]) => void;
}

function isEmptyUpdate(update: Uint8Array): boolean {
  try {
    const { structs, ds } = Y.decodeUpdate(update);
    return structs.length === 0 && ds.clients.size === 0;
  } catch {
    return false;
  }
}

/**
 * Locks every doc of the batch (`pg_advisory_xact_lock`, in hash order so instances never
 * deadlock; OFFSET 0 keeps the ordered subquery from being flattened) and reads their lead rows
 * (the state only when the cached doc is stale): two statements sent together, one round trip.
 * The read must reach the connection after the lock (it then starts once the locks are held and
 * sees every earlier commit of these docs): drizzle and postgres.js send a query when it is first
 * awaited, so both start here, in this order, through the same path (`queryPrepared`).
 */
async function lockAndLoad(tx: Executor, ctx: BatchContext, names: readonly string[]) {
  const locked = queryPrepared(
    tx,
    sql`select pg_advisory_xact_lock(s.h) from (select distinct hashtext(t.d) as h
        from json_array_elements_text(${JSON.stringify(names)}::json) as t(d) order by 1 offset 0) as s`,
  );
  const keys = names.map((n) => ({ id: leadIdOf(n), cseq: ctx.cache.peek(n)?.seq ?? -1 }));
  const read = queryPrepared<{
    id: string;
    workspace_id: string;
    owner_id: string | null;
    seq: unknown;
    y_state: unknown;
  }>(
    tx,
    sql`select l.id, l.workspace_id, l.owner_id, l.seq,
          case when l.seq = v.cseq then null else l.y_state end as y_state
        from lead l join json_to_recordset(${JSON.stringify(keys)}::json) as v(id text, cseq bigint)
        on l.id = v.id`,
  );
  const [, rows] = await Promise.all([locked, read]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const work = new Map<string, WorkDoc>();
  for (const name of names) {
    const id = leadIdOf(name)!;
    const r = byId.get(id);
    const cached = ctx.cache.get(name);
    if (r && cached && cached.seq === num(r.seq)) {
      work.set(name, {
        name,
        id,
        doc: cached.doc,
        workspaceId: cached.workspaceId,
        ownerId: cached.ownerId,
        seq: cached.seq,
        baseState: cached.state,
        state: cached.state,
        dirty: false,
        poisoned: false,
        ...(cached.last ? { last: cached.last } : {}),
      });
      continue;
    }
    const state = r ? bytes(r.y_state) : null;
    work.set(name, {
      name,
      id,
      doc: loadRecordDoc(name, state ? [state] : []),
      workspaceId: r?.workspace_id ?? null,
      ownerId: r?.owner_id ?? null,
      seq: r ? num(r.seq) : 0,
      baseState: state,
      state,
      dirty: false,
      poisoned: false,
    });
  }
  return work;
}

function currentRow(w: WorkDoc): LeadRow {
  return rowFromProjection(w.id, projectLead(w.doc));
}

/** The lead before the change about to be applied (projected once per doc and batch). */
function stateBefore(w: WorkDoc): LeadState | null {
  if (w.last === undefined) {
    const p = w.workspaceId === null ? null : projectLead(w.doc);
    w.last = p ? { row: rowFromProjection(w.id, p), notes: p.notes } : null;
  }
  return w.last;
}

/** Records the state a change left for the next diff, and returns what the change did. */
function activityOf(w: WorkDoc, before: LeadState | null, row: LeadRow, notes: string) {
  const after = { row, notes };
  w.last = after;
  return diffActivity(before, after);
}

function applyClient(
  item: Extract<BatchItem, { kind: 'client' }>,
  w: WorkDoc,
  entries: Entry[],
): () => ClientUpdateResult {
  const req = item.req;
  const refuse =
    (code: 'forbidden' | 'missing_dependencies' | 'malformed_update', message: string) => () =>
      ({
        ok: false,
        code,
        message,
        stateVector: code === 'missing_dependencies' ? Y.encodeStateVector(w.doc) : null,
      }) as const;
  if (w.workspaceId !== null && w.workspaceId !== req.workspaceId) {
    return refuse('forbidden', `${w.name} is not in your workspace`);
  }
  if (w.workspaceId !== null && !canSeeLead(req.viewer, { ownerId: w.ownerId }, req.policy)) {
    return refuse('forbidden', `${w.name} is not visible to you`);
  }
  const unchanged = () => () => ({
    ok: true as const,
    seq: w.seq,
    changed: false,
    compensation: null,
    reasons: [],
    row: w.workspaceId === null ? null : currentRow(w),
  });
  if (isEmptyUpdate(req.update)) return unchanged();
  const before = stateBefore(w);
  let r;
  try {
    r = validateAndCompensate(w.doc, req.update, {
      record: leadRecord,
      canWrite: fieldWriteCheck(req.role, 'lead'),
    });
  } catch (cause) {
    w.poisoned = true;
    return refuse('malformed_update', `the update could not be applied: ${String(cause)}`);
  }
  if (!r.accepted) return refuse(r.code, r.message);
  if (!r.changed && !r.compensation) return unchanged();
  const parts = [...(r.changed ? [req.update] : []), ...(r.compensation ? [r.compensation] : [])];
  const row = rowFromProjection(w.id, r.projected);
  const entry: Entry = {
    work: w,
    workspaceId: req.workspaceId,
    update: parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts),
    clientId: r.changed ? (req.clientId ?? 0) : SERVER_CLIENT_ID,
    userId: req.userId,
    conflicts: r.conflicts,
    row,
    ownerChanged: w.workspaceId !== null && row.ownerId !== w.ownerId,
    activity: activityOf(w, before, row, r.projected.notes),
    seq: 0,
  };
  entries.push(entry);
  w.workspaceId = req.workspaceId;
  w.ownerId = row.ownerId;
  w.dirty = true;
  const reasons = r.reasons;
  const compensation = r.compensation;
  return () => ({ ok: true, seq: entry.seq, changed: true, compensation, reasons, row });
}

function applyServer(
  item: Extract<BatchItem, { kind: 'server' }>,
  w: WorkDoc,
  entries: Entry[],
): () => ServerWriteResult {
  const req = item.req;
  const fail =
    (code: 'not_found' | 'conflict' | 'invalid_input', message: string, issues = []) =>
    () => ({ ok: false as const, code, message, issues });
  if (req.mode === 'create' && w.workspaceId !== null) return fail('conflict', 'already exists');
  if (req.mode === 'update') {
    const visible =
      w.workspaceId === req.workspaceId &&
      (!req.visibleTo ||
        canSeeLead(req.visibleTo.viewer, { ownerId: w.ownerId }, req.visibleTo.policy));
    if (!visible) return fail('not_found', 'No such lead.');
  }
  const before = stateBefore(w);
  const r = applyServerChanges(w.doc, req.changes, {
    record: leadRecord,
    ...(req.canWrite ? { canWrite: req.canWrite } : {}),
  });
  if (!r.ok) {
    return () => ({
      ok: false,
      code: 'invalid_input',
      message: 'Some values are not valid.',
      issues: r.issues,
    });
  }
  const row = rowFromProjection(w.id, r.projected);
  const notes = r.projected.notes;
  if (r.update === null) {
    return () => ({ ok: true, seq: w.seq, changed: false, row, notes });
  }
  const entry: Entry = {
    work: w,
    workspaceId: req.workspaceId,
    update: r.update,
    clientId: SERVER_CLIENT_ID,
    userId: req.userId,
    conflicts: [],
    row,
    ownerChanged: w.workspaceId !== null && row.ownerId !== w.ownerId,
    activity: activityOf(w, before, row, notes),
    seq: 0,
  };
  entries.push(entry);
  w.workspaceId = req.workspaceId;
  w.ownerId = row.ownerId;
  w.dirty = true;
  return () => ({ ok: true, seq: entry.seq, changed: true, row, notes });
}

/**
 * Takes the next seqs and writes the change log, the lead rows, the conflicts, the timeline and the
 * wake-ups: one statement (batch-writes.ts), one round trip. Sets each entry's seq; returns each
 * workspace's last seq.
 */
async function persist(tx: Tx, ctx: BatchContext, entries: readonly Entry[]): Promise<Wakeup[]> {
  const n = new Map<string, number>();
  const k = new Map<Entry, number>();
  for (const e of entries) {
    const i = (n.get(e.workspaceId) ?? 0) + 1;
    n.set(e.workspaceId, i);
    k.set(e, i);
  }
  const ref = (e: Entry) => ({
    workspaceId: e.workspaceId,
    k: k.get(e)!,
    n: n.get(e.workspaceId)!,
  });
  const lastByDoc = new Map<WorkDoc, Entry>();
  for (const e of entries) lastByDoc.set(e.work, e);
  const channel = ctx.bus.notifyChannel ?? null;
  const rows = await queryPrepared<{ workspace_id: string; last_seq: unknown }>(
    tx,
    writeBatch({
      changeLog: entries.map((e) => ({
        ...ref(e),
        id: ctx.newId(),
        docName: e.work.name,
        update: e.update,
        clientId: e.clientId,
        userId: e.userId,
      })),
      leads: [...lastByDoc.values()].map((e) => ({ ...ref(e), row: e.row, state: e.work.state! })),
      conflicts: entries.flatMap((e) =>
        e.conflicts.map((conflict) => ({
          ...ref(e),
          id: ctx.newId(),
          docName: e.work.name,
          userId: e.userId,
          conflict,
        })),
      ),
      activity: entries.flatMap((e) =>
        e.activity
          ? [
              {
                ...ref(e),
                id: ctx.newId(),
                leadId: e.work.id,
                activity: e.activity,
                userId: e.userId,
                clientId: e.clientId,
              },
            ]
          : [],
      ),
      updatedAt: new Date(),
      notifyChannel: channel,
    }),
  );
  const last = new Map(rows.map((r) => [r.workspace_id, num(r.last_seq)]));
  for (const e of entries) e.seq = last.get(e.workspaceId)! - n.get(e.workspaceId)! + k.get(e)!;
  const wakeups = rows.map((r) => ({ workspaceId: r.workspace_id, seq: num(r.last_seq) }));
  if (!channel) {
    const notify = ctx.bus.inTransaction(wakeups);
    if (notify) await queryRows(tx, notify);
  }
  return wakeups;
}

/**
 * Leads created on clients without an owner (the app, imports) get one from the workspace's
 * routing rule as they arrive: a server-authored update per lead, in this transaction.
 */
async function routeCreated(tx: Tx, entries: Entry[]): Promise<void> {
  const last = new Map<WorkDoc, Entry>();
  for (const e of entries) last.set(e.work, e);
  const byWorkspace = new Map<string, WorkDoc[]>();
  for (const [w, e] of last) {
    const created = entries.find((x) => x.work === w)?.activity?.kind === 'created';
    if (!created || e.row.ownerId !== null || e.row.deleted || w.poisoned) continue;
    const list = byWorkspace.get(e.workspaceId) ?? [];
    list.push(w);
    byWorkspace.set(e.workspaceId, list);
  }
  // In workspace order: batches running at once lock the routing rows without a cycle.
  for (const [workspaceId, docs] of [...byWorkspace].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const rows = docs.map((w) => last.get(w)!.row);
    const owners = await routeNewLeads(tx, workspaceId, rows, Date.now());
    docs.forEach((w, i) => {
      const ownerId = owners[i];
      if (!ownerId) return;
      const before = w.last ?? null;
      const r = applyServerChanges(w.doc, { ownerId }, { record: leadRecord });
      if (!r.ok || r.update === null) return;
      const row = rowFromProjection(w.id, r.projected);
      entries.push({
        work: w,
        workspaceId,
        update: r.update,
        clientId: SERVER_CLIENT_ID,
        userId: null,
        conflicts: [],
        row,
        ownerChanged: true,
        activity: activityOf(w, before, row, r.projected.notes),
        seq: 0,
      });
      w.ownerId = ownerId;
      w.dirty = true;
    });
  }
}

/** A doc whose apply threw is rebuilt from its base state and the entries that did apply. */
function rebuild(w: WorkDoc, entries: readonly Entry[]): void {
  const mine = entries.filter((e) => e.work === w).map((e) => e.update);
  w.doc.destroy();
  w.doc = loadRecordDoc(w.name, [...(w.baseState ? [w.baseState] : []), ...mine]);
}

/** Runs one batch in one transaction. Throws (and writes nothing) when the database fails. */
export async function commitBatch(ctx: BatchContext, items: BatchItem[]): Promise<BatchOutcome> {
  const names = [...new Set(items.map((i) => i.req.docName))].sort();
  return pipelinedTransaction(ctx.db, async (tx) => {
    const work = await lockAndLoad(tx, ctx, names);
    const entries: Entry[] = [];
    const results: (() => void)[] = [];
    for (const item of items) {
      const w = work.get(item.req.docName)!;
      if (item.kind === 'client') {
        const r = applyClient(item, w, entries);
        results.push(() => item.resolve(r()));
      } else {
        const r = applyServer(item, w, entries);
        results.push(() => item.resolve(r()));
      }
    }
    await routeCreated(tx, entries);
    for (const w of work.values()) {
      if (w.poisoned) rebuild(w, entries);
      if (w.dirty) w.state = Y.encodeStateAsUpdate(w.doc);
    }
    let wakeups: Wakeup[] = [];
    if (entries.length > 0) {
      wakeups = await persist(tx, ctx, entries);
      ctx.committing?.(wakeups);
    }
    for (const e of entries) e.work.seq = e.seq;
    const changes: FanoutChange[] = entries.map((e) => ({
      workspaceId: e.workspaceId,
      seq: e.seq,
      docName: e.work.name,
      update: e.update,
      row: e.row,
      ownerChanged: e.ownerChanged,
      state: e.work.state,
    }));
    return { resolutions: results, changes, wakeups, docs: [...work.values()] };
  });
}

/** Reads a doc's notes (REST GET) from its state. */
export function notesFromState(name: string, state: Uint8Array | null): string {
  if (!state) return '';
  const doc = loadRecordDoc(name, [state]);
  const notes = notesOf(doc).toJSON();
  doc.destroy();
  return notes;
}
