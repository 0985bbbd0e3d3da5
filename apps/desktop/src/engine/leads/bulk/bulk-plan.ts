/**
 * What a bulk action changes on one lead, and what its undo writes back. Pure functions over the
 * lead's projected values.
 *
 * Undo rule (per lead):
 * - Plain fields (owner, status + reason, tombstone, merged values) are restored together, and only
 *   when the lead still holds every value the job wrote. If anyone changed one of them since, the
 *   lead keeps its current values and counts as skipped: undo never overwrites a newer edit.
 * - Tags are undone by meaning, not by value: the tags the job added are taken out and the tags it
 *   removed are put back, leaving tags others added or removed since alone. Never skipped.
 * - Notes a merge appended (`@notes`) are taken out with the same three-way merge a person's notes
 *   edit uses, so others' later notes stay.
 */
import { isDeepStrictEqual } from 'node:util';
import type { BulkAction } from '../../../shared/contract.ts';
import type { StoredLead } from '../lead-row.ts';

/**
 * Keys of a change record that are not lead fields (they start with `@`): a merge winner's notes
 * texts, and references moved by a merge or an add-to-list (undone by the job runner).
 */
export const NOTES_KEY = '@notes';
/** Loser of a merge: ids of its tasks moved to the winner (`after.mergedInto`). */
export const MOVED_TASKS_KEY = '@movedTasks';
/** Loser of a merge: static lists it was taken out of (the winner joined them). */
export const LEFT_LISTS_KEY = '@leftLists';
/** Winner of a merge: static lists it joined in place of a loser. */
export const JOINED_LISTS_KEY = '@joinedLists';
/** Add to list: the list the lead was added to. */
export const ADDED_TO_KEY = '@addedTo';
const isField = (key: string) => !key.startsWith('@');

export interface PlannedChange {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

const fieldOf = (lead: StoredLead, field: string): unknown =>
  (lead as unknown as Record<string, unknown>)[field];

/** Only the fields whose value differs; null when the lead already is as asked. */
export function diffChange(
  lead: StoredLead,
  wanted: Readonly<Record<string, unknown>>,
): PlannedChange | null {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(wanted)) {
    const current = fieldOf(lead, field);
    if (isDeepStrictEqual(current, value)) continue;
    before[field] = current;
    after[field] = value;
  }
  return Object.keys(after).length > 0 ? { before, after } : null;
}

/** The change `action` makes to `lead` (already-deleted leads are left alone). */
export function planAction(lead: StoredLead, action: BulkAction): PlannedChange | null {
  if (lead.deleted) return null;
  switch (action.kind) {
    case 'assign':
      return diffChange(lead, { ownerId: action.ownerId });
    case 'status':
      return diffChange(lead, {
        status: action.status,
        ...(action.statusReason === undefined ? {} : { statusReason: action.statusReason }),
      });
    case 'addTags': {
      const tags = [...lead.tags];
      for (const t of action.tags) if (!tags.includes(t)) tags.push(t);
      return diffChange(lead, { tags });
    }
    case 'removeTags': {
      const remove = new Set(action.tags);
      return diffChange(lead, { tags: lead.tags.filter((t) => !remove.has(t)) });
    }
    case 'delete':
      return diffChange(lead, { deleted: true });
    case 'addToList':
      return null; // not a field: the job runner adds list members
  }
}

export interface PlannedUndo {
  /** Field values to write (empty: nothing to write). */
  changes: Record<string, unknown>;
  /** Notes edit: from the text the job left to the text before it (three-way merged). */
  notes: { base: string; next: string } | null;
  /** True when plain fields were left alone because the lead changed since. */
  skipped: boolean;
}

/** What undoing `change` writes to `lead` (see the rule at the top). */
export function planUndo(
  lead: StoredLead,
  change: { before: Record<string, unknown>; after: Record<string, unknown> },
): PlannedUndo {
  const changes: Record<string, unknown> = {};
  const plain = Object.keys(change.after).filter((k) => k !== 'tags' && isField(k));
  const holdsAfter = plain.every((k) => isDeepStrictEqual(fieldOf(lead, k), change.after[k]));
  const holdsBefore = plain.every((k) => isDeepStrictEqual(fieldOf(lead, k), change.before[k]));
  let skipped = false;
  if (holdsAfter) {
    for (const k of plain) changes[k] = change.before[k];
  } else if (!holdsBefore) {
    skipped = true;
  }
  if ('tags' in change.after) {
    const before = (change.before.tags ?? []) as string[];
    const after = change.after.tags as string[];
    const added = new Set(after.filter((t) => !before.includes(t)));
    const removed = before.filter((t) => !after.includes(t));
    const tags = lead.tags.filter((t) => !added.has(t));
    for (const t of removed) if (!tags.includes(t)) tags.push(t);
    if (!isDeepStrictEqual(tags, lead.tags)) changes.tags = tags;
  }
  const notesBefore = change.before[NOTES_KEY];
  const notesAfter = change.after[NOTES_KEY];
  const notes =
    typeof notesBefore === 'string' && typeof notesAfter === 'string' && notesBefore !== notesAfter
      ? { base: notesAfter, next: notesBefore }
      : null;
  return { changes, notes, skipped };
}
