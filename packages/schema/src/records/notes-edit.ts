/** Applies a notes edit from a text box to a record doc (the rebase is in text-rebase.ts). */
import type * as Y from 'yjs';
import { notesOf } from './doc-shape.ts';
import { writeAs } from './record-doc.ts';
import { rebaseTextEdit } from './text-rebase.ts';

/**
 * Applies the user's notes edit to a record doc as `clientId`. Returns the Yjs update, or null
 * when nothing changed.
 */
export function applyNotesEdit(
  doc: Y.Doc,
  base: string,
  next: string,
  clientId: number,
): Uint8Array | null {
  const notes = notesOf(doc);
  const ops = rebaseTextEdit(base, next, notes.toJSON());
  if (ops.length === 0) return null;
  return writeAs(doc, clientId, () => {
    for (const op of ops) {
      if (op.kind === 'insert') notes.insert(op.at, op.text);
      else notes.delete(op.at, op.length);
    }
  });
}
