/**
 * Applying what the server sends to the local replica: catch-up pages and live changes (one SQLite
 * transaction per page or change, together with the new cursor), evictions, acks with their
 * compensation, and doc syncs. Record states are merged without decoding (`Y.mergeUpdates`); a doc
 * is decoded only when it has local edits in the outbox (then the server's row lacks them and the
 * row is re-projected from the merged state) or when no row came with the state.
 */
import * as Y from 'yjs';
import { parseDocName, type Change } from '@sdr/schema/sync';
import {
  columnsFromDoc,
  columnsFromServerRow,
  serverUpdatedAt,
  type StoredLead,
} from '../leads/lead-row.ts';
import type { LeadReplica } from '../leads/lead-replica.ts';
import type { AppliedFact } from '../inbox/fact-store.ts';

export interface Applied {
  /** Ids of leads written or deleted. */
  ids: string[];
  /** Record rows stored. */
  rows: number;
  /** Server-owned facts stored or deleted. */
  facts: AppliedFact[];
  /** Facts refused as malformed (logged by the caller). */
  factErrors: string[];
}

function leadIdOf(name: string): string | null {
  const ref = parseDocName(name);
  return ref && ref.type === 'lead' ? ref.id : null;
}

/** Applies changes (a page or one live change) and moves the cursor, in one transaction. */
export function applyChanges(
  replica: LeadReplica,
  workspaceId: string,
  changes: readonly Change[],
  cursor: number | null,
): Applied {
  const applied: Applied = { ids: [], rows: 0, facts: [], factErrors: [] };
  // With nothing in the outbox no doc needs decoding (the common case, and all of initial sync).
  // An O(1) check: counting this workspace's entries per live change made a long offline
  // session's merge quadratic (bench:sync offline_merge_s).
  const anyPending = replica.outbox.hasAny();
  const touched: string[] = [];
  replica.transaction(() => {
    for (const change of changes) {
      if (change.kind === 'fact') {
        const r = replica.facts.apply(workspaceId, change.entity, change.id, change.data);
        if (r && 'error' in r) applied.factErrors.push(r.error);
        else if (r) applied.facts.push(r);
        continue;
      }
      const id = leadIdOf(change.docName);
      if (!id) continue;
      touched.push(change.docName);
      if (change.kind === 'evict') {
        evictLocal(replica, change.docName, id);
      } else if (applyRecord(replica, workspaceId, id, change, anyPending)) {
        applied.rows += 1;
      }
      applied.ids.push(id);
    }
    if (cursor !== null) replica.syncState.setCursor(workspaceId, cursor);
  }, touched);
  return applied;
}

function applyRecord(
  replica: LeadReplica,
  workspaceId: string,
  id: string,
  change: Extract<Change, { kind: 'record' }>,
  anyPending: boolean,
): boolean {
  const incoming = change.update;
  if (change.row && incoming) {
    // Fast path (all of initial sync): a lead not stored yet is one INSERT.
    const meta = {
      id,
      workspaceId,
      seq: change.seq,
      yState: incoming,
      updatedAt: serverUpdatedAt(change.row) ?? replica.now(),
    };
    if (replica.leads.insertServerRowIfNew(meta, change.row)) return true;
  }
  const existing = replica.leads.state(id);
  const state =
    incoming && existing?.yState
      ? Y.mergeUpdates([existing.yState, incoming])
      : (incoming ?? existing?.yState ?? null);
  const updatedAt = (change.row && serverUpdatedAt(change.row)) ?? replica.now();
  const seq = Math.max(existing?.seq ?? 0, change.seq);
  const base = { id, workspaceId, seq, yState: state, updatedAt };
  replica.cache.delete(change.docName);

  if (!existing) {
    if (change.row) {
      replica.leads.put({ ...base, ...columnsFromServerRow(change.row) });
      return true;
    }
    if (!state) return false;
    replica.leads.put({ ...base, ...columnsFromDoc(replica.doc(change.docName, asLead(base))!) });
    return true;
  }
  const pending = anyPending && replica.outbox.hasDoc(change.docName);
  if (change.row && !pending && change.seq >= existing.seq) {
    replica.leads.put({ ...base, ...columnsFromServerRow(change.row) });
    return true;
  }
  if (pending || !change.row) {
    // Local edits wait in the outbox (or no row came): the row is the merged doc's projection.
    const lead = replica.leads.get(id)!;
    const next = { ...lead, seq, yState: state, updatedAt };
    const doc = replica.doc(change.docName, next)!;
    replica.leads.put({ ...next, ...columnsFromDoc(doc) });
    return true;
  }
  // An older row than the one stored (a page read before a live change): keep the row, merge state.
  const lead = replica.leads.get(id)!;
  replica.leads.put({ ...lead, yState: state });
  return true;
}

function asLead(base: Pick<StoredLead, 'id' | 'workspaceId' | 'seq' | 'yState' | 'updatedAt'>) {
  return { ...base, ...columnsFromServerRow({}) };
}

function evictLocal(replica: LeadReplica, name: string, id: string): void {
  replica.outbox.removeDoc(name);
  replica.leads.remove(id);
  replica.cache.delete(name);
}

/** An `evict` frame: the lead left the user's visibility. Returns the lead id when one was removed. */
export function evict(replica: LeadReplica, name: string): string | null {
  const id = leadIdOf(name);
  if (!id) return null;
  replica.transaction(() => evictLocal(replica, name, id), [name]);
  return id;
}

/**
 * Merges an update into one stored doc and re-projects its row (a compensation, a doc sync step 2
 * from the server). Returns the lead id, or null when the lead is not stored.
 */
export function mergeIntoDoc(
  replica: LeadReplica,
  name: string,
  update: Uint8Array,
): string | null {
  const id = leadIdOf(name);
  if (!id) return null;
  const lead = replica.leads.get(id);
  if (!lead) return null;
  const doc = replica.doc(name, lead)!;
  try {
    Y.applyUpdate(doc, update);
    replica.leads.put({
      ...lead,
      ...columnsFromDoc(doc),
      yState: Y.encodeStateAsUpdate(doc),
      updatedAt: replica.now(),
    });
  } catch (err) {
    replica.cache.delete(name);
    throw err;
  }
  return id;
}

/**
 * An `ack`: the outbox entry is done; its compensation (what the server put back) is applied at
 * once. Returns the acknowledged doc's lead id (null for an entry already acknowledged).
 */
export function acknowledge(
  replica: LeadReplica,
  clientSeq: number,
  compensation: Uint8Array | null,
): { docName: string; leadId: string | null } | null {
  return replica.transaction(() => {
    const name = replica.outbox.remove(clientSeq);
    if (name === null) return null;
    if (compensation) mergeIntoDoc(replica, name, compensation);
    return { docName: name, leadId: leadIdOf(name) };
  });
}
