/** Reading a record doc as a row: upcast on read, validate, report. */
import type * as Y from 'yjs';
import { migrateRaw, type FieldValues, type RawRecord, type RecordType } from './define.ts';
import { readRaw, readSchemaVersion } from './doc-shape.ts';
import { foldPerKey } from './keyed-fields.ts';
import { leadRecord, type LeadFields } from './lead.ts';
import { writeRawDiff } from './record-doc.ts';
import { projectRaw, type Projection } from './validate.ts';

/**
 * The doc's raw values brought to `type.version` in memory (the doc is not changed), with per-key
 * fields' entries folded into their field (`cf:tier` → `custom.tier`: keyed-fields.ts).
 */
export function readCurrentRaw(
  type: RecordType,
  doc: Y.Doc,
): { raw: RawRecord; fromVersion: number } {
  const fromVersion = readSchemaVersion(doc);
  return { raw: foldPerKey(type, migrateRaw(type, readRaw(doc), fromVersion)), fromVersion };
}

/**
 * Projects a doc of `type` to its row values. Older docs are upcast in memory; invalid values and
 * unknown keys are reported in `issues` (the field reads as its default), never thrown.
 */
export function projectRecord<T extends RecordType>(
  type: T,
  doc: Y.Doc,
): Projection<FieldValues<T['fields']>> {
  const { raw, fromVersion } = readCurrentRaw(type, doc);
  return projectRaw(type, raw, fromVersion);
}

export function projectLead(doc: Y.Doc): Projection<LeadFields> {
  return projectRecord(leadRecord, doc);
}

/**
 * Upcasts the doc in place to `type.version` with the type's migrations, as one update authored by
 * `clientId` (the server uses `SERVER_CLIENT_ID`, under the doc's lock: two concurrent upcasts of
 * one doc would both rewrite the notes). Returns the update, or `null` when already current or
 * newer.
 */
export function upcast(type: RecordType, doc: Y.Doc, clientId: number): Uint8Array | null {
  const fromVersion = readSchemaVersion(doc);
  if (fromVersion >= type.version) return null;
  const before = readRaw(doc);
  return writeRawDiff(doc, before, migrateRaw(type, before, fromVersion), type.version, clientId);
}
