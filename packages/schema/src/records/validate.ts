/**
 * Pure validation and projection of raw record values: what the row of a record is, and which
 * stored values are wrong. Shared by the server (authority) and every client (projection).
 */
import type { FieldValues, RawRecord, RecordType } from './define.ts';
import { cloneJson } from './values.ts';

export type FieldIssueCode =
  'invalid_value' | 'unknown_field' | 'forbidden_field' | 'newer_schema' | 'notes_too_long';

export interface FieldIssue {
  readonly field: string;
  readonly code: FieldIssueCode;
  readonly message: string;
}

/** A record's projected values. Invalid or missing values read as the field's default. */
export interface Projection<V = Record<string, unknown>> {
  readonly values: V;
  readonly notes: string;
  readonly schemaVersion: number;
  readonly issues: readonly FieldIssue[];
}

/** Checks one value against its field; `null` when valid. */
export function checkFieldValue(
  type: RecordType,
  field: string,
  value: unknown,
): FieldIssue | null {
  const def = type.fields[field];
  if (!def) return { field, code: 'unknown_field', message: `${type.name} has no field ${field}` };
  const parsed = def.schema.safeParse(value);
  if (parsed.success) return null;
  const first = parsed.error.issues[0];
  return { field, code: 'invalid_value', message: first?.message ?? 'Invalid value' };
}

/** Validates a set of intended changes (e.g. a form or a REST body) before they are written. */
export function checkFieldChanges(
  type: RecordType,
  changes: Readonly<Record<string, unknown>>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const [field, value] of Object.entries(changes)) {
    const issue = checkFieldValue(type, field, value);
    if (issue) issues.push(issue);
  }
  return issues;
}

/**
 * Projects raw values already at `type.version` (see `migrateRaw`). Never throws: each unknown
 * key and invalid value is reported in `issues` and the field reads as its default.
 */
export function projectRaw<F extends RecordType>(
  type: F,
  raw: RawRecord,
  schemaVersion: number,
): Projection<FieldValues<F['fields']>> {
  const values: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  if (schemaVersion > type.version) {
    issues.push({
      field: '',
      code: 'newer_schema',
      message: `doc is at schema version ${schemaVersion}, this code knows ${type.version}`,
    });
  }
  for (const [field, def] of Object.entries(type.fields)) {
    if (!Object.hasOwn(raw.fields, field) || raw.fields[field] === undefined) {
      values[field] = cloneJson(def.default);
      continue;
    }
    const parsed = def.schema.safeParse(raw.fields[field]);
    if (parsed.success) {
      values[field] = parsed.data;
    } else {
      values[field] = cloneJson(def.default);
      issues.push({
        field,
        code: 'invalid_value',
        message: parsed.error.issues[0]?.message ?? 'Invalid value',
      });
    }
  }
  for (const field of Object.keys(raw.fields)) {
    if (!Object.hasOwn(type.fields, field)) {
      issues.push({ field, code: 'unknown_field', message: `${type.name} has no field ${field}` });
    }
  }
  if (raw.notes.length > type.maxNotesLength) {
    issues.push({
      field: 'notes',
      code: 'notes_too_long',
      message: `notes exceed ${type.maxNotesLength} characters`,
    });
  }
  return { values: values as FieldValues<F['fields']>, notes: raw.notes, schemaVersion, issues };
}
