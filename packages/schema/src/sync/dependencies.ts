/**
 * Does an update depend on anything the doc does not hold? Yjs would park such an update as
 * "pending" (and integrate the rest), which the server must not acknowledge; it asks the client
 * for a full doc sync instead. Throws when the bytes are not a Yjs update (callers map that to
 * `malformed_update`).
 */
import * as Y from 'yjs';

export function hasMissingDependencies(doc: Y.Doc, update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  const reach = new Map<number, number>();
  const reachOf = (client: number): number => reach.get(client) ?? Y.getState(doc.store, client);
  for (const s of structs) {
    if (s instanceof Y.Skip) continue;
    const { client, clock } = s.id;
    const r = reachOf(client);
    if (clock > r) return true;
    reach.set(client, Math.max(r, clock + s.length));
  }
  const known = (id: Y.ID | null): boolean => id === null || id.clock < reachOf(id.client);
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue;
    if (s.id.clock + s.length <= Y.getState(doc.store, s.id.client)) continue;
    if (!known(s.origin) || !known(s.rightOrigin)) return true;
    if (s.parent instanceof Y.ID && !known(s.parent)) return true;
  }
  for (const [client, deletes] of ds.clients) {
    for (const d of deletes) if (d.clock + d.len > reachOf(client)) return true;
  }
  return false;
}
