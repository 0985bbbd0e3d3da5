/**
 * Client versions (`major.minor.patch`, optional pre-release suffix ignored). The server requires
 * a minimum version: older clients go read-only (they may read, never write), so they cannot
 * corrupt data written in a newer shape.
 */

function parts(version: string): [number, number, number] | null {
  const m = /^(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?:[-+].*)?$/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** Negative, zero or positive like a comparator; `null` when either is not a version. */
export function compareVersions(a: string, b: string): number | null {
  const x = parts(a);
  const y = parts(b);
  if (!x || !y) return null;
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** True when a client must stay read-only; unparseable versions are treated as too old. */
export function isReadOnlyClient(clientVersion: string, minClientVersion: string): boolean {
  const c = compareVersions(clientVersion, minClientVersion);
  return c === null || c < 0;
}
