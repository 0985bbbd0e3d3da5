/**
 * `starts_with` on a field whose column leads a NOCASE index (`lead_q_name`, `lead_q_company`)
 * compiles to `lower(col) LIKE 'nor%'`, which no index serves: SQLite reads the whole index to
 * find them. The same leads are those with `col >= 'nor' AND col < 'nos'` in NOCASE order (NOCASE
 * folds exactly the ASCII letters `lower()` and the filter fold, and compares the rest by code
 * point), so this adds that range next to the compiled filter for a `starts_with` at the top of
 * the filter (alone or in its top-level AND). The range only narrows what SQLite reads: the LIKE
 * still decides.
 */
import type { FilterNode } from '@sdr/schema';
import { LEAD_ALIAS as L } from './catalog.ts';

/** Field → its column, leading a NOCASE index of search-index.ts (`workspace_id, deleted, col…`). */
const PREFIX_INDEXED: Readonly<Record<string, string>> = {
  lastName: `${L}.last_name`,
  company: `${L}.company`,
};

/** ASCII-only lower case, as the filter compiler folds (`text.ts` in @sdr/domain). */
const fold = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** The smallest string greater than every string that starts with `prefix`; null if none fits. */
function after(prefix: string): string | null {
  const chars = [...prefix];
  const last = chars.pop();
  if (last === undefined) return null;
  const code = last.codePointAt(0)!;
  // Stay clear of the surrogate range and the last code point.
  if (code >= 0xd7ff && code <= 0xdfff) return null;
  if (code >= 0x10ffff) return null;
  return chars.join('') + String.fromCodePoint(code + 1);
}

export function prefixRanges(filter: FilterNode | undefined): { sql: string; params: string[] }[] {
  if (!filter) return [];
  const top = filter.kind === 'and' ? filter.children : [filter];
  const out: { sql: string; params: string[] }[] = [];
  for (const node of top) {
    if (node.kind !== 'condition' || node.op !== 'starts_with') continue;
    const col = Object.hasOwn(PREFIX_INDEXED, node.field) ? PREFIX_INDEXED[node.field] : undefined;
    const lo = fold(node.value);
    const hi = after(lo);
    if (!col || lo === '' || hi === null) continue;
    out.push({ sql: `${col} >= ? COLLATE NOCASE AND ${col} < ? COLLATE NOCASE`, params: [lo, hi] });
  }
  return out;
}
