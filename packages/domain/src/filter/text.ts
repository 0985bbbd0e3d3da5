/**
 * Text semantics shared by the SQL compilers and the in-memory evaluator. Case folding is ASCII
 * only (A-Z → a-z), because that is what SQLite's built-in `lower()` does; Postgres is made to
 * agree with `lower(col COLLATE "C")`.
 */

/** ASCII-only lower case: `ÉCOLE` → `École`, `ACME` → `acme`. */
export function foldCase(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Escapes LIKE's wildcards and the escape character itself, for `LIKE ? ESCAPE '\'`. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Distinct values, first occurrence order. */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
