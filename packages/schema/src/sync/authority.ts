/**
 * Server authority over record docs. Yjs cannot reject part of an update, and dropping one would
 * strand every later update of its author, so the server always applies a client's update and
 * then appends a compensating update, authored by `SERVER_CLIENT_ID`, that puts back what may not
 * stand. Everything here runs on the server's copy of the doc, under that doc's lock, and the doc
 * must hold every stored update first: server-authored writes reuse one client id, so a stale
 * copy would reuse clocks.
 */
import * as Y from 'yjs';
import { migrateRaw, NOTES_FIELD, type RecordType } from '../records/define.ts';
import { isEmptyDoc, notesOf, readRaw, readSchemaVersion } from '../records/doc-shape.ts';
import { applyNotesEdit } from '../records/notes-edit.ts';
import { projectRecord, upcast } from '../records/project.ts';
import { applyFieldChanges, writeRawDiff } from '../records/record-doc.ts';
import { foldPerKey } from '../records/keyed-fields.ts';
import {
  checkFieldChanges,
  projectRaw,
  type FieldIssue,
  type Projection,
} from '../records/validate.ts';
import { SERVER_CLIENT_ID } from './client-id.ts';
import { applyAndDetectConflicts, type FieldConflict } from './conflicts.ts';
import {
  ALL_FIELDS_WRITABLE,
  decideFinalValues,
  type CompensationReason,
  type FieldWriteCheck,
} from './decide.ts';
import { hasMissingDependencies } from './dependencies.ts';

export interface AuthorityRules {
  readonly record: RecordType;
  /** Which fields the update's author may write (see `fieldWriteCheck` in @sdr/domain). */
  readonly canWrite?: FieldWriteCheck;
}

export type AuthorityResult =
  | {
      readonly accepted: true;
      /** False for a duplicate (nothing new): no change-log entry is needed. */
      readonly changed: boolean;
      readonly projected: Projection;
      readonly conflicts: readonly FieldConflict[];
      /** Server-authored update to persist and broadcast after `update`; `null` when none. */
      readonly compensation: Uint8Array | null;
      /** Why values were put back (empty when the compensation only upcast the doc). */
      readonly reasons: readonly CompensationReason[];
    }
  | {
      readonly accepted: false;
      /** `missing_dependencies`: ask the client for a doc sync; the doc is unchanged. */
      readonly code: 'missing_dependencies' | 'malformed_update';
      readonly message: string;
    };

/** Applies a client's `update` to `doc` (changing it), validates, and compensates. */
export function validateAndCompensate(
  doc: Y.Doc,
  update: Uint8Array,
  rules: AuthorityRules,
): AuthorityResult {
  const type = rules.record;
  try {
    if (hasMissingDependencies(doc, update)) {
      return {
        accepted: false,
        code: 'missing_dependencies',
        message: `update depends on state ${doc.guid} lacks`,
      };
    }
  } catch (cause) {
    return {
      accepted: false,
      code: 'malformed_update',
      message: `not a Yjs update: ${String(cause)}`,
    };
  }
  const wasEmpty = isEmptyDoc(doc);
  const versionBefore = readSchemaVersion(doc);
  const before = migrateRaw(type, readRaw(doc), versionBefore);
  const { conflicts, changed } = applyAndDetectConflicts(doc, update, 'client');
  const versionAfter = readSchemaVersion(doc);
  const afterRaw = readRaw(doc);
  if (versionBefore > type.version) {
    // A newer server wrote this doc: this one cannot judge its values and must not downgrade them.
    return {
      accepted: true,
      changed,
      projected: projectRecord(type, doc),
      conflicts,
      compensation: null,
      reasons: [],
    };
  }
  // Only a doc's creator sets its version; the server alone moves it afterwards (upcasts).
  const claimed = wasEmpty ? versionAfter : versionBefore;
  const { final, reasons } = decideFinalValues(
    type,
    before,
    migrateRaw(type, afterRaw, Math.min(claimed, type.version)),
    rules.canWrite ?? ALL_FIELDS_WRITABLE,
  );
  if (versionAfter !== claimed || claimed > type.version) {
    reasons.push({
      field: 'schemaVersion',
      code: 'schema_version',
      message: 'Only the server changes the schema version',
    });
  }
  const compensation = writeRawDiff(doc, afterRaw, final, type.version, SERVER_CLIENT_ID);
  // Nothing written back and nothing migrated: the doc still reads as `afterRaw` (which nothing
  // mutated) at `type.version`, so it is projected from that rather than read again.
  const projected =
    compensation === null && claimed === type.version && versionAfter === type.version
      ? projectRaw(type, foldPerKey(type, afterRaw), versionAfter)
      : projectRecord(type, doc);
  return {
    accepted: true,
    changed,
    projected,
    conflicts,
    compensation,
    reasons,
  };
}

export type ServerWriteResult =
  | { readonly ok: true; readonly update: Uint8Array | null; readonly projected: Projection }
  | { readonly ok: false; readonly issues: readonly FieldIssue[] };

/**
 * A server-side writer's change (REST API, campaign sender, CRM sync): validated up front (a bad
 * request is refused, not compensated), written as `SERVER_CLIENT_ID`, upcasting an old doc first.
 * Persist and broadcast `update` like any client update.
 */
export function applyServerChanges(
  doc: Y.Doc,
  changes: Readonly<Record<string, unknown>>,
  rules: AuthorityRules,
): ServerWriteResult {
  const type = rules.record;
  const canWrite = rules.canWrite ?? ALL_FIELDS_WRITABLE;
  // `notes` (the whole new text) is not a field: it is diffed into the doc's Y.Text.
  const { [NOTES_FIELD]: notes, ...fields } = changes;
  const issues: FieldIssue[] = checkFieldChanges(type, fields);
  if (notes !== undefined && (typeof notes !== 'string' || notes.length > type.maxNotesLength)) {
    issues.push({
      field: NOTES_FIELD,
      code: typeof notes === 'string' ? 'notes_too_long' : 'invalid_value',
      message:
        typeof notes === 'string'
          ? `Notes can hold at most ${type.maxNotesLength} characters`
          : 'Notes are text',
    });
  }
  for (const field of Object.keys(changes)) {
    if (!canWrite(field))
      issues.push({ field, code: 'forbidden_field', message: `You may not change ${field}` });
  }
  if (issues.length > 0) return { ok: false, issues };
  const parts = [
    upcast(type, doc, SERVER_CLIENT_ID),
    applyFieldChanges(type, doc, fields, SERVER_CLIENT_ID),
    typeof notes === 'string'
      ? applyNotesEdit(doc, notesOf(doc).toJSON(), notes, SERVER_CLIENT_ID)
      : null,
  ];
  const present = parts.filter((u): u is Uint8Array => u !== null);
  const update =
    present.length === 0 ? null : present.length === 1 ? present[0]! : Y.mergeUpdates(present);
  return { ok: true, update, projected: projectRecord(type, doc) };
}
