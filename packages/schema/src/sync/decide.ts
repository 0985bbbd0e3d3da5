/**
 * The pure part of server authority: given a record's values before and after an update (both
 * already at the current schema version), which values may stand. Invalid values go back to the
 * previous valid value (or the field's default), writes to fields the author may not write go back to the
 * previous value, unknown keys are removed, and notes beyond the limit or written without
 * permission go back to the previous notes. An entry of a per-key field (`cf:<key>` of the lead's
 * `custom`) is judged on its own: its key and value, and the author's right to write the field.
 */
import { NOTES_FIELD, type RawRecord, type RecordType } from '../records/define.ts';
import { foldPerKey, perKeyEntryIssue, perKeyFieldOf } from '../records/keyed-fields.ts';
import { checkFieldValue } from '../records/validate.ts';
import { jsonEqual } from '../records/values.ts';

/** Which fields (or `notes`) the update's author may write. */
export type FieldWriteCheck = (field: string) => boolean;

export const ALL_FIELDS_WRITABLE: FieldWriteCheck = () => true;

export type CompensationCode =
  'invalid_value' | 'forbidden_field' | 'unknown_field' | 'notes_too_long' | 'schema_version';

export interface CompensationReason {
  readonly field: string;
  readonly code: CompensationCode;
  readonly message: string;
}

export function decideFinalValues(
  type: RecordType,
  before: RawRecord,
  after: RawRecord,
  canWrite: FieldWriteCheck,
): { final: RawRecord; reasons: CompensationReason[] } {
  const fields: Record<string, unknown> = {};
  const reasons: CompensationReason[] = [];
  const keys = new Set([...Object.keys(before.fields), ...Object.keys(after.fields)]);
  // Put back the previous value if it was valid, else the default: always an explicit set, so
  // every replica sees a server-authored write that knows the value it replaces.
  const restore = (key: string): void => {
    const valid =
      Object.hasOwn(before.fields, key) && checkFieldValue(type, key, before.fields[key]) === null;
    fields[key] = valid ? before.fields[key] : type.fields[key]!.default;
  };
  const changedEntries: string[] = [];
  for (const key of keys) {
    const hasAfter = Object.hasOwn(after.fields, key);
    const value = after.fields[key];
    const changed =
      hasAfter !== Object.hasOwn(before.fields, key) || !jsonEqual(value, before.fields[key]);
    const entry = Object.hasOwn(type.fields, key) ? null : perKeyFieldOf(type, key);
    if (entry) {
      const issue = () => perKeyEntryIssue(entry.def, entry.key, value);
      // A previous entry that was valid goes back; otherwise the entry is cleared (`null`).
      const restoreEntry = () => {
        const prev = before.fields[key];
        const ok =
          Object.hasOwn(before.fields, key) && !perKeyEntryIssue(entry.def, entry.key, prev);
        fields[key] = ok ? prev : null;
      };
      if (changed && !canWrite(entry.field)) {
        reasons.push({
          field: key,
          code: 'forbidden_field',
          message: `You may not change ${entry.field}`,
        });
        restoreEntry();
      } else if (hasAfter && value !== null && issue()) {
        reasons.push({ field: key, code: 'invalid_value', message: issue()! });
        restoreEntry();
      } else if (hasAfter) {
        fields[key] = value;
        if (changed) changedEntries.push(key);
      }
      continue;
    }
    if (!Object.hasOwn(type.fields, key)) {
      if (hasAfter)
        reasons.push({
          field: key,
          code: 'unknown_field',
          message: `${type.name} has no field ${key}`,
        });
      continue;
    }
    if (changed && !canWrite(key)) {
      reasons.push({ field: key, code: 'forbidden_field', message: `You may not change ${key}` });
      restore(key);
      continue;
    }
    if (!hasAfter) continue;
    const issue = checkFieldValue(type, key, value);
    if (issue) {
      reasons.push({ field: key, code: 'invalid_value', message: issue.message });
      restore(key);
      continue;
    }
    fields[key] = value;
  }
  // The entries together must still make a valid field (e.g. at most 200 custom fields).
  for (const key of changedEntries) {
    const entry = perKeyFieldOf(type, key)!;
    const folded = foldPerKey(type, { fields, notes: '' }).fields[entry.field];
    const issue = checkFieldValue(type, entry.field, folded ?? type.fields[entry.field]!.default);
    if (!issue) continue;
    reasons.push({ field: key, code: 'invalid_value', message: issue.message });
    const prev = before.fields[key];
    fields[key] = Object.hasOwn(before.fields, key) ? prev : null;
  }
  let notes = after.notes;
  if (after.notes !== before.notes && !canWrite(NOTES_FIELD)) {
    reasons.push({
      field: NOTES_FIELD,
      code: 'forbidden_field',
      message: 'You may not change the notes',
    });
    notes = before.notes;
  } else if (after.notes.length > type.maxNotesLength) {
    reasons.push({
      field: NOTES_FIELD,
      code: 'notes_too_long',
      message: `Notes are limited to ${type.maxNotesLength} characters`,
    });
    notes = before.notes.slice(0, type.maxNotesLength);
  }
  return { final: { fields, notes }, reasons };
}
