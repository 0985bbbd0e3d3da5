/**
 * Round-robin over an ordered list of unique candidate ids, with the cursor passed in and returned
 * (no hidden state). The cursor remembers the last picked id and its index, so the rotation
 * survives candidates being added, removed or reordered: it continues after the last pick, or at
 * its old position if the last pick left the list. Ineligible candidates are skipped, not owed.
 * Used by lead routing and, later, conversation routing.
 */
import type { RoundRobinCursor } from '@sdr/schema';

export interface RoundRobinPick {
  /** null when no candidate is eligible (the cursor is then returned unchanged). */
  readonly pickedId: string | null;
  readonly cursor: RoundRobinCursor | null;
}

/** Index in `candidates` where a rotation continuing from `cursor` starts. */
export function rotationStart(
  candidates: readonly string[],
  cursor: RoundRobinCursor | null | undefined,
): number {
  if (candidates.length === 0 || !cursor) return 0;
  const i = candidates.indexOf(cursor.lastId);
  return (i >= 0 ? i + 1 : cursor.index) % candidates.length;
}

/** The cursor after picking `id` from `candidates`. */
export function cursorAfter(candidates: readonly string[], id: string): RoundRobinCursor {
  return { lastId: id, index: Math.max(0, candidates.indexOf(id)) };
}

export function roundRobinPick(
  candidates: readonly string[],
  cursor: RoundRobinCursor | null | undefined,
  isEligible: (id: string) => boolean = () => true,
): RoundRobinPick {
  const n = candidates.length;
  const start = rotationStart(candidates, cursor);
  for (let k = 0; k < n; k++) {
    const index = (start + k) % n;
    const id = candidates[index]!;
    if (isEligible(id)) return { pickedId: id, cursor: { lastId: id, index } };
  }
  return { pickedId: null, cursor: cursor ?? null };
}
