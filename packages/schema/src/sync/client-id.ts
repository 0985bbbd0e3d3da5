/**
 * Yjs client ids. Every installation has one stable id (persisted in the same database as its
 * docs, and regenerated whenever those docs are wiped); the server and all its writers use
 * `SERVER_CLIENT_ID`. Yjs orders concurrent sets of one key by client id, highest last (the
 * winner), so server-authored writes win ties against concurrent client writes; every such tie is
 * reported by `detectFieldConflicts`.
 */

/** The largest 32-bit client id, reserved for the server. */
export const SERVER_CLIENT_ID = 0xffff_ffff;

/** True for ids an installation may use: 1 .. 2^32 - 2. */
export function isInstallationClientId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id < SERVER_CLIENT_ID;
}

/**
 * A new installation client id from a source of random 32-bit unsigned integers (e.g.
 * `() => crypto.getRandomValues(new Uint32Array(1))[0]`); call once per installation and persist.
 */
export function newInstallationClientId(randomUint32: () => number): number {
  for (let i = 0; i < 16; i++) {
    const id = randomUint32() >>> 0;
    if (isInstallationClientId(id)) return id;
  }
  throw new Error('newInstallationClientId: the random source keeps returning reserved ids');
}
