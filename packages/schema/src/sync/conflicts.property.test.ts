import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fieldsOf } from '../records/doc-shape.ts';
import { leadRecord } from '../records/lead.ts';
import { applyFieldChanges, createRecordDoc, loadRecordDoc } from '../records/record-doc.ts';
import { SERVER_CLIENT_ID } from './client-id.ts';
import { applyAndDetectConflicts, type FieldConflict } from './conflicts.ts';
import { knows, WriteLog, type LoggedWrite } from './convergence/write-log.ts';

/**
 * Peers also sync with each other (as y-websocket or a future peer link could), so the updates the
 * server receives carry several authors' items at once, in any order.
 */
type Step =
  | { kind: 'edit'; peer: number; field: 'status' | 'title'; value: string }
  | { kind: 'peerSync'; from: number; to: number }
  | { kind: 'toServer'; peer: number }
  | { kind: 'fromServer'; peer: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('edit' as const),
    peer: fc.nat(2),
    field: fc.constantFrom('status' as const, 'title' as const),
    value: fc.constantFrom('a', 'b', 'c'),
  }),
  fc.record({ kind: fc.constant('peerSync' as const), from: fc.nat(2), to: fc.nat(2) }),
  fc.record({ kind: fc.constant('toServer' as const), peer: fc.nat(2) }),
  fc.record({ kind: fc.constant('fromServer' as const), peer: fc.nat(2) }),
);

describe('conflict detection with multi-author updates (property)', () => {
  it('logs every overwritten concurrent write, only concurrent pairs, and the right winner', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 3, maxLength: 3 }),
        fc.array(step, { maxLength: 40 }),
        (ids, steps) => {
          const log = new WriteLog();
          const { doc: server } = createRecordDoc(leadRecord, 'p', {}, SERVER_CLIENT_ID);
          const peers = ids.map(() => loadRecordDoc(server.guid, [Y.encodeStateAsUpdate(server)]));
          const conflicts: FieldConflict[] = [];
          for (const s of steps) {
            if (s.kind === 'edit')
              log.record(peers[s.peer]!, () =>
                applyFieldChanges(leadRecord, peers[s.peer]!, { [s.field]: s.value }, ids[s.peer]!),
              );
            if (s.kind === 'peerSync')
              Y.applyUpdate(
                peers[s.to]!,
                Y.encodeStateAsUpdate(peers[s.from]!, Y.encodeStateVector(peers[s.to]!)),
              );
            if (s.kind === 'toServer')
              conflicts.push(
                ...applyAndDetectConflicts(
                  server,
                  Y.encodeStateAsUpdate(peers[s.peer]!, Y.encodeStateVector(server)),
                ).conflicts,
              );
            if (s.kind === 'fromServer')
              Y.applyUpdate(
                peers[s.peer]!,
                Y.encodeStateAsUpdate(server, Y.encodeStateVector(peers[s.peer]!)),
              );
          }
          for (const p of peers)
            conflicts.push(
              ...applyAndDetectConflicts(
                server,
                Y.encodeStateAsUpdate(p, Y.encodeStateVector(server)),
              ).conflicts,
            );
          const idOf = (w: { clientId: number; clock: number }): string =>
            `${w.clientId}@${w.clock}`;
          const byId = new Map(log.writes.map((w) => [`${w.field}/${idOf(w)}`, w]));
          for (const field of ['status', 'title']) {
            const writes = log.writes.filter((w) => w.field === field);
            const maximal = writes.filter((w) => !writes.some((o) => o !== w && knows(o, w)));
            const item = fieldsOf(server)._map.get(field);
            const winner = item ? idOf({ clientId: item.id.client, clock: item.id.clock }) : null;
            if (writes.length > 0) expect(maximal.map(idOf)).toContain(winner);
            const logged = new Set(
              conflicts
                .filter((c) => c.field === field)
                .flatMap((c) => [idOf(c.previous), idOf(c.incoming)]),
            );
            for (const m of maximal) if (idOf(m) !== winner) expect(logged).toContain(idOf(m));
          }
          for (const c of conflicts) {
            const a: LoggedWrite | undefined = byId.get(`${c.field}/${idOf(c.previous)}`);
            const b: LoggedWrite | undefined = byId.get(`${c.field}/${idOf(c.incoming)}`);
            expect(a && b && !knows(a, b) && !knows(b, a)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
