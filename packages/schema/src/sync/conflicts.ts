/**
 * Same-field concurrent writes. A Y.Map key holds a chain of items; each set's `origin` is the item
 * its writer saw as the key's value. Among items with one origin, Yjs orders by client id and the
 * rightmost wins, whatever the wall-clock time. So a write whose origin is not the key's current
 * item did not see that value: the two are concurrent, and one silently replaces the other.
 *
 * Detection replays the update's new items for each key, left to right in the final chain (an
 * order consistent with causality), against the key's value at that point. It runs inside the
 * transaction's `afterTransaction` event: after integration, before Yjs garbage-collects the
 * content of the losing items.
 *
 * One item may hold several consecutive sets of a key by one writer: Yjs merges adjacent deleted
 * items whose origins chain (each set saw the one before it), so a peer that relays another
 * client's overwritten sets sends them as one item, usually garbage-collected (`ContentDeleted`,
 * no value). Its origin is its first set's; the others saw their predecessor, and all of them lie
 * on the same side of any other item. Replayed set by set, such an item either wins against the
 * key's value (its first set overwrote that value unseen; the later ones saw the first) or loses
 * (every set was unaware of that value: they count once, as the last). `refOf` picks that set.
 */
import * as Y from 'yjs';
import { FIELDS_MAP } from '../records/doc-shape.ts';
import { jsonEqual } from '../records/values.ts';

export interface WriteRef {
  readonly clientId: number;
  readonly clock: number;
  /**
   * The value written; `undefined` for a key deleted (e.g. an unknown field removed), or when the
   * value is gone: an overwritten set relayed by a peer that had already garbage-collected it.
   */
  readonly value: unknown;
}

export interface FieldConflict {
  readonly field: string;
  /** The key's value when the incoming write arrived (its writer did not see it). */
  readonly previous: WriteRef;
  readonly incoming: WriteRef;
  /** Which of the two is the key's value after the incoming write. */
  readonly winner: 'previous' | 'incoming';
  readonly sameValue: boolean;
}

/**
 * The items the transaction added under each key of `fields`, read from the struct store (cheap),
 * not by walking the keys' chains (which grow with a record's history).
 */
function newFieldItems(tr: Y.Transaction, fields: Y.Map<unknown>): Map<string, Y.Item[]> {
  const byKey = new Map<string, Y.Item[]>();
  for (const [client, after] of tr.afterState) {
    const before = tr.beforeState.get(client) ?? 0;
    const structs = tr.doc.store.clients.get(client);
    if (after <= before || !structs) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const s = structs[i]!;
      if (!(s instanceof Y.Item) || s.id.clock < before || s.parent !== fields) continue;
      if (s.parentSub !== null) byKey.set(s.parentSub, [...(byKey.get(s.parentSub) ?? []), s]);
    }
  }
  return byKey;
}

/** Position within its key's chain, comparable between items of one key (higher: further right). */
function positionOf(item: Y.Item): number {
  let distance = 0;
  for (let r = item.right; r !== null; r = r.right) distance++;
  return -distance;
}

/**
 * The item's first or last set (an item may span several sets of its writer, see the module
 * comment), with its value unless garbage-collected (`ContentDeleted` has none).
 */
function refOf(item: Y.Item, set: 'first' | 'last'): WriteRef {
  const offset = set === 'first' ? 0 : item.length - 1;
  const v: unknown = item.content.getContent()[offset];
  const value = v instanceof Y.AbstractType ? undefined : structuredClone(v);
  return { clientId: item.id.client, clock: item.id.clock + offset, value };
}

/**
 * True when `id` is `item`'s last set. Integrating an item splits its origin's item right after
 * the origin, so an origin that saw only an earlier set of a merged item ends up pointing at a
 * shorter item, not into this one.
 */
function pointsTo(id: Y.ID | null, item: Y.Item | null): boolean {
  if (item === null) return id === null;
  return id !== null && id.client === item.id.client && id.clock === item.lastId.clock;
}

/** The conflicts introduced by one finished transaction on a record doc. */
export function conflictsOfTransaction(tr: Y.Transaction): FieldConflict[] {
  const fields = tr.doc.getMap<unknown>(FIELDS_MAP);
  const isNew = (item: Y.Item): boolean =>
    item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);
  const out: FieldConflict[] = [];
  for (const [key, added] of newFieldItems(tr, fields)) {
    // The key's value before the transaction: its rightmost item that is not new.
    let cur: Y.Item | null = fields._map.get(key) ?? null;
    while (cur !== null && isNew(cur)) cur = cur.left;
    let curPos = cur === null ? -Infinity : positionOf(cur);
    const ordered = added
      .map((item) => ({ item, pos: positionOf(item) }))
      .sort((a, b) => a.pos - b.pos);
    for (const { item, pos } of ordered) {
      if (cur !== null && !pointsTo(item.origin, cur)) {
        const winner = pos > curPos ? 'incoming' : 'previous';
        const previous = refOf(cur, 'last');
        const incoming = refOf(item, winner === 'incoming' ? 'first' : 'last');
        // A writer that set the key several times while unaware of `cur` made one overwrite:
        // report its last write only.
        const last = out.at(-1);
        if (
          last?.field === key &&
          last.previous.clientId === previous.clientId &&
          last.previous.clock === previous.clock &&
          last.incoming.clientId === incoming.clientId
        ) {
          out.pop();
        }
        out.push({
          field: key,
          previous,
          incoming,
          winner,
          sameValue:
            previous.value !== undefined &&
            incoming.value !== undefined &&
            jsonEqual(previous.value, incoming.value),
        });
      }
      if (pos > curPos) [cur, curPos] = [item, pos];
    }
  }
  return out;
}

/** Whether a finished transaction changed the doc's state (new items or deletions). */
function transactionChanged(tr: Y.Transaction): boolean {
  if (tr.deleteSet.clients.size > 0) return true;
  for (const [client, clock] of tr.afterState)
    if ((tr.beforeState.get(client) ?? 0) !== clock) return true;
  return false;
}

/**
 * Applies `update` to `doc` (the doc is changed) and returns the conflicts it introduced and
 * whether it changed anything (a duplicate update changes nothing).
 */
export function applyAndDetectConflicts(
  doc: Y.Doc,
  update: Uint8Array,
  origin?: unknown,
): { conflicts: FieldConflict[]; changed: boolean } {
  let conflicts: FieldConflict[] = [];
  let changed = false;
  const onAfter = (tr: Y.Transaction): void => {
    conflicts = conflicts.concat(conflictsOfTransaction(tr));
    changed ||= transactionChanged(tr);
  };
  doc.on('afterTransaction', onAfter);
  try {
    Y.applyUpdate(doc, update, origin);
  } finally {
    doc.off('afterTransaction', onAfter);
  }
  return { conflicts, changed };
}

/**
 * The same-field concurrent writes `update` would introduce into `doc`, without changing `doc`
 * (works on a copy). The server gets the same list from `validateAndCompensate` at no extra cost.
 */
export function detectFieldConflicts(doc: Y.Doc, update: Uint8Array): FieldConflict[] {
  const copy = new Y.Doc({ guid: doc.guid });
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return applyAndDetectConflicts(copy, update).conflicts;
}
