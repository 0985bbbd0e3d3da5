/**
 * Collaborative notes edits from a plain text box. The user turned `base` (the notes as their
 * screen last showed them) into `next`; meanwhile the doc's notes may have become `current` through
 * other people's edits. The user's edit is rebased onto `current` (a three-way merge on character
 * ranges, with fast-diff), so both people's typing survives, and applied to the Y.Text as minimal
 * inserts and deletes: concurrent editors on other replicas then merge character by character.
 */
import diff from 'fast-diff';

export type TextOp =
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number };

interface Equal {
  readonly b: number;
  readonly c: number;
  readonly len: number;
}

/** Runs of `base` that survive unchanged in `current`, with their offsets in both. */
function equalRuns(base: string, current: string): Equal[] {
  const runs: Equal[] = [];
  let b = 0;
  let c = 0;
  for (const [op, text] of diff(base, current)) {
    if (op === diff.EQUAL) {
      runs.push({ b, c, len: text.length });
      b += text.length;
      c += text.length;
    } else if (op === diff.DELETE) b += text.length;
    else c += text.length;
  }
  return runs;
}

/** Where base offset `p` is in `current` (inside text deleted there: just after what survives). */
function mapPosition(runs: readonly Equal[], p: number): number {
  let at = 0;
  for (const r of runs) {
    if (p < r.b) break;
    if (p <= r.b + r.len) return r.c + (p - r.b);
    at = r.c + r.len;
  }
  return at;
}

/**
 * The user's edit (`base` → `next`) as operations on `current`, in the order to apply them (from
 * the end backwards, so each position is still valid when applied).
 */
export function rebaseTextEdit(base: string, next: string, current: string): TextOp[] {
  const runs = equalRuns(base, current);
  const ops: TextOp[] = [];
  let p = 0;
  for (const [op, text] of diff(base, next)) {
    if (op === diff.EQUAL) {
      p += text.length;
    } else if (op === diff.INSERT) {
      ops.push({ kind: 'insert', at: mapPosition(runs, p), text });
    } else {
      // Delete only what still exists in `current` of base[p, p + len): text others inserted
      // inside the range stays, text others already deleted is not deleted twice.
      const end = p + text.length;
      for (const r of runs) {
        const from = Math.max(p, r.b);
        const to = Math.min(end, r.b + r.len);
        if (from < to) ops.push({ kind: 'delete', at: r.c + (from - r.b), length: to - from });
      }
      p = end;
    }
  }
  // Later positions first; at one position the delete goes before the insert (a replacement).
  return ops.sort((x, y) => y.at - x.at || (x.kind === 'delete' ? -1 : 1));
}

/** What `current` becomes after `ops` (for tests and for the renderer's own rebase). */
export function applyTextOps(current: string, ops: readonly TextOp[]): string {
  let out = current;
  for (const op of ops) {
    out =
      op.kind === 'insert'
        ? out.slice(0, op.at) + op.text + out.slice(op.at)
        : out.slice(0, op.at) + out.slice(op.at + op.length);
  }
  return out;
}
