/**
 * What a committed change did to a lead, for its timeline: the fields it changed (before and
 * after), whether the notes changed, and the kind (created, changed, deleted, restored, merged).
 * Pure: the commit batch calls it with the lead as it was before the change and after.
 */
import { LEAD_FIELD_NAMES } from '@sdr/schema';
import { jsonEqual } from '@sdr/schema/sync';
import type { LeadRow } from './lead-row.ts';

export type ActivityKind = 'created' | 'changed' | 'deleted' | 'restored' | 'merged';

export interface Activity {
  readonly kind: ActivityKind;
  readonly changes: { field: string; from: unknown; to: unknown }[];
  readonly notesChanged: boolean;
}

/** The lead as the timeline compares it: its row and its notes. */
export interface LeadState {
  readonly row: LeadRow;
  readonly notes: string;
}

/** Null when the change changed nothing visible (e.g. a compensated edit that restored values). */
export function diffActivity(before: LeadState | null, after: LeadState): Activity | null {
  const changes: Activity['changes'] = [];
  for (const field of LEAD_FIELD_NAMES) {
    const from = before ? before.row[field] : undefined;
    const to = after.row[field];
    if (before ? !jsonEqual(from, to) : to !== undefined && !isBlank(to)) {
      changes.push({ field, from: from ?? null, to });
    }
  }
  const notesChanged = (before?.notes ?? '') !== after.notes;
  if (!before) return { kind: 'created', changes, notesChanged };
  if (changes.length === 0 && !notesChanged) return null;
  const deleted = changes.find((c) => c.field === 'deleted');
  const kind: ActivityKind = deleted
    ? after.row.deleted
      ? after.row.mergedInto
        ? 'merged'
        : 'deleted'
      : 'restored'
    : 'changed';
  return { kind, changes, notesChanged };
}

function isBlank(v: unknown): boolean {
  return (
    v === '' ||
    v === null ||
    v === false ||
    v === 0 ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && Object.keys(v).length === 0) ||
    v === 'unknown'
  );
}
