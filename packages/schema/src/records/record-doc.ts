/**
 * Creating, loading and editing record docs. Every write goes through `writeAs`, which pins the
 * doc's Yjs client id first: Yjs silently renames a doc's client id when it sees foreign items
 * under it (e.g. while loading stored updates), and the whole design relies on one stable id per
 * installation (and `SERVER_CLIENT_ID` for the server).
 */
import * as Y from 'yjs';
import type { RawRecord, RecordType } from './define.ts';
import { docName, parseDocName } from './doc-name.ts';
import {
  fieldsOf,
  metaOf,
  notesOf,
  readRaw,
  readSchemaVersion,
  SCHEMA_VERSION_KEY,
} from './doc-shape.ts';
import { perKeyWrites } from './keyed-fields.ts';
import { RecordError } from './record-error.ts';
import { jsonEqual } from './values.ts';

const MAX_CLIENT_ID = 0xffff_ffff;

export function assertClientId(clientId: number): void {
  if (!Number.isInteger(clientId) || clientId < 0 || clientId > MAX_CLIENT_ID) {
    throw new RecordError('invalid_client_id', `not a 32-bit Yjs client id: ${clientId}`);
  }
}

function isJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJson);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.values(v).every(isJson);
  }
  return false;
}

/**
 * Runs `write` in one transaction authored by `clientId` and returns the update it produced
 * (`null` when it changed nothing). Must not be called inside another transaction.
 */
export function writeAs(doc: Y.Doc, clientId: number, write: () => void): Uint8Array | null {
  assertClientId(clientId);
  doc.clientID = clientId;
  let update: Uint8Array | null = null;
  const onUpdate = (u: Uint8Array): void => {
    update = update ? Y.mergeUpdates([update, u]) : u;
  };
  doc.on('update', onUpdate);
  try {
    doc.transact(write, clientId);
  } finally {
    doc.off('update', onUpdate);
  }
  return update;
}

/** A copy the caller cannot change under the doc (primitives are immutable: no copy needed). */
function cloneValue(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}

/** A doc named `name` holding the given stored updates (in any order; duplicates are harmless). */
export function loadRecordDoc(name: string, updates: readonly Uint8Array[]): Y.Doc {
  if (!parseDocName(name)) throw new RecordError('invalid_doc_name', `invalid doc name ${name}`);
  const doc = new Y.Doc({ guid: name });
  if (updates.length > 0)
    Y.applyUpdate(doc, updates.length === 1 ? updates[0]! : Y.mergeUpdates([...updates]));
  return doc;
}

/** A new record doc at the type's current version, with the given initial field values. */
export function createRecordDoc(
  type: RecordType,
  id: string,
  fields: Readonly<Record<string, unknown>>,
  clientId: number,
): { doc: Y.Doc; update: Uint8Array } {
  const doc = new Y.Doc({ guid: docName(type.name, id) });
  assertWritableChanges(type, fields);
  const update = writeAs(doc, clientId, () => {
    metaOf(doc).set(SCHEMA_VERSION_KEY, type.version);
    const map = fieldsOf(doc);
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) map.set(key, cloneValue(value));
    }
  });
  return { doc, update: update! };
}

export function assertWritableChanges(
  type: RecordType,
  changes: Readonly<Record<string, unknown>>,
): void {
  for (const [key, value] of Object.entries(changes)) {
    if (!Object.hasOwn(type.fields, key)) {
      throw new RecordError('unknown_field', `${type.name} has no field ${key}`);
    }
    if (value !== undefined && !isJson(value)) {
      throw new RecordError('not_json', `${type.name}.${key} is not a JSON value`);
    }
  }
}

/**
 * Writes the keys of `changes` whose value differs from the stored one (values are not validated:
 * the server is the authority; use `checkFieldChanges` to validate a form first). `undefined`
 * means "leave as is". Returns the update, or `null` when nothing changed. Throws `RecordError`
 * for unknown fields, non-JSON values, and docs not at the type's version (`outdated_doc`: wait
 * for the server's upcast; `newer_doc`: this client is too old and must stay read-only).
 */
export function applyFieldChanges(
  type: RecordType,
  doc: Y.Doc,
  changes: Readonly<Record<string, unknown>>,
  clientId: number,
): Uint8Array | null {
  const version = readSchemaVersion(doc);
  if (version < type.version)
    throw new RecordError('outdated_doc', `${doc.guid} is at v${version}`);
  if (version > type.version) throw new RecordError('newer_doc', `${doc.guid} is at v${version}`);
  assertWritableChanges(type, changes);
  const map = fieldsOf(doc);
  const changed: [string, unknown][] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (type.fields[key]!.perKey) {
      // Only the entries that differ are set: other entries merge with concurrent edits.
      changed.push(...Object.entries(perKeyWrites(type, readRaw(doc), key, value)));
    } else if (!(map.has(key) && jsonEqual(map.get(key), value))) changed.push([key, value]);
  }
  if (changed.length === 0) return null;
  return writeAs(doc, clientId, () => {
    for (const [key, value] of changed) map.set(key, cloneValue(value));
  });
}

/**
 * Makes the doc hold `to` where it holds `from` (the doc's current raw values): sets changed
 * keys, deletes removed ones, replaces the notes if they differ, and sets the schema version.
 * Used by upcasts and by the server's compensating updates.
 */
export function writeRawDiff(
  doc: Y.Doc,
  from: RawRecord,
  to: RawRecord,
  version: number,
  clientId: number,
): Uint8Array | null {
  const map = fieldsOf(doc);
  return writeAs(doc, clientId, () => {
    for (const key of Object.keys(from.fields)) if (!Object.hasOwn(to.fields, key)) map.delete(key);
    for (const [key, value] of Object.entries(to.fields)) {
      if (!Object.hasOwn(from.fields, key) || !jsonEqual(from.fields[key], value)) {
        map.set(key, structuredClone(value));
      }
    }
    if (from.notes !== to.notes) {
      const notes = notesOf(doc);
      notes.delete(0, notes.length);
      notes.insert(0, to.notes);
    }
    if (readSchemaVersion(doc) !== version || !metaOf(doc).has(SCHEMA_VERSION_KEY)) {
      metaOf(doc).set(SCHEMA_VERSION_KEY, version);
    }
  });
}
