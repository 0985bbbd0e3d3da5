/**
 * The convergence model's ground truth: every write to a record field, by any replica, with what
 * its writer knew (the writer doc's state vector just before the write). Independent of Yjs
 * internals, it says which writes are causally later than which.
 */
import * as Y from 'yjs';
import { fieldsOf } from '../../records/doc-shape.ts';

export interface LoggedWrite {
  readonly docName: string;
  readonly field: string;
  readonly clientId: number;
  readonly clock: number;
  readonly value: unknown;
  /** State vector of the writer's doc before the write. */
  readonly knew: ReadonlyMap<number, number>;
}

/** The doc's state vector as a map: client id → number of its items the doc holds. */
export function stateOf(doc: Y.Doc): Map<number, number> {
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}

export class WriteLog {
  readonly writes: LoggedWrite[] = [];

  /** Runs `write` on `doc` and logs every field it set, as known by the doc before the write. */
  record<T>(doc: Y.Doc, write: () => T): T {
    const before = stateOf(doc);
    const result = write();
    this.logCurrent(doc, before, before);
    return result;
  }

  /** Logs each field whose current item was written after `since`, with the writer's knowledge. */
  logCurrent(
    doc: Y.Doc,
    since: ReadonlyMap<number, number>,
    knew: ReadonlyMap<number, number>,
  ): void {
    const map = fieldsOf(doc);
    for (const [field, item] of map._map) {
      if (item.deleted || item.id.clock < (since.get(item.id.client) ?? 0)) continue;
      const { client, clock } = item.id;
      this.writes.push({
        docName: doc.guid,
        field,
        clientId: client,
        clock,
        value: structuredClone(map.get(field)),
        knew,
      });
    }
  }
}

/** True when `later`'s writer had seen `earlier`. */
export function knows(later: LoggedWrite, earlier: LoggedWrite): boolean {
  return (later.knew.get(earlier.clientId) ?? 0) > earlier.clock;
}
