/**
 * The Y.Doc shape of every record (a public contract: see README.md). Root types:
 * - `Y.Map('fields')`: one key per field, each value a JSON-compatible value;
 * - `Y.Text('notes')`: the notes;
 * - `Y.Map('meta')`: `schemaVersion` (integer; a doc without it is version 0).
 */
import type * as Y from 'yjs';
import type { RawRecord } from './define.ts';

export const FIELDS_MAP = 'fields';
export const NOTES_TEXT = 'notes';
export const META_MAP = 'meta';
export const SCHEMA_VERSION_KEY = 'schemaVersion';

export function fieldsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(FIELDS_MAP);
}

export function notesOf(doc: Y.Doc): Y.Text {
  return doc.getText(NOTES_TEXT);
}

export function metaOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(META_MAP);
}

/** The doc's schema version; 0 when absent or not a non-negative integer. */
export function readSchemaVersion(doc: Y.Doc): number {
  const v = metaOf(doc).get(SCHEMA_VERSION_KEY);
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0;
}

/**
 * The stored values, unvalidated (fresh copies: mutating them never touches the doc). Primitives
 * are shared (immutable); only arrays and objects are copied — `structuredClone` on every scalar
 * was the largest cost of the server's per-update work (it runs ~3 times per update).
 */
export function readRaw(doc: Y.Doc): RawRecord {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of fieldsOf(doc).entries()) {
    fields[key] = value !== null && typeof value === 'object' ? structuredClone(value) : value;
  }
  return { fields, notes: notesOf(doc).toJSON() };
}

/** True when nothing was ever written to the doc. */
export function isEmptyDoc(doc: Y.Doc): boolean {
  return doc.store.clients.size === 0;
}
