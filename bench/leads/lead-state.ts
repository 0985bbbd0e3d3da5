/**
 * A new lead doc's Yjs state, encoded directly (about 20x faster than building a Y.Doc, which
 * would make seeding 1M leads CPU-bound) by the engine's `encodeNewLeadState`
 * (apps/desktop/src/engine/leads/new-lead-state.ts): the exact bytes `Y.encodeStateAsUpdate`
 * gives for a fresh doc in which one client, in one transaction, set `meta.schemaVersion`, then
 * every field of `fields` in order, then inserted the notes. `checkAgainstYjs` (run by every seed
 * worker) compares it byte for byte with Yjs.
 */
import * as Y from '../../packages/schema/node_modules/yjs/dist/yjs.mjs';
import {
  encodeNewLeadState,
  fieldsOf,
  leadRecord,
  metaOf,
  notesOf,
  SCHEMA_VERSION_KEY,
} from './deps.ts';

/** The engine's encoder of a new lead doc (imports use it too). */
export function encodeLeadState(
  fields: Readonly<Record<string, unknown>>,
  notes: string,
  clientId: number,
): Uint8Array {
  return encodeNewLeadState(fields, clientId, notes);
}

/** The same state built with Yjs itself. */
export function yjsLeadState(
  name: string,
  fields: Readonly<Record<string, unknown>>,
  notes: string,
  clientId: number,
): Uint8Array {
  const doc = new Y.Doc({ guid: name });
  doc.clientID = clientId;
  doc.transact(() => {
    metaOf(doc).set(SCHEMA_VERSION_KEY, leadRecord.version);
    const map = fieldsOf(doc);
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) map.set(key, value);
    if (notes) notesOf(doc).insert(0, notes);
  }, clientId);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/** Throws unless both encoders give identical bytes. */
export function checkAgainstYjs(
  name: string,
  fields: Readonly<Record<string, unknown>>,
  notes: string,
  clientId: number,
): void {
  const a = encodeLeadState(fields, notes, clientId);
  const b = yjsLeadState(name, fields, notes, clientId);
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) {
    throw new Error(`encodeLeadState differs from Yjs for ${name}`);
  }
}
