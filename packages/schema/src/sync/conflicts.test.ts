import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { leadRecord } from '../records/lead.ts';
import { applyFieldChanges, createRecordDoc, loadRecordDoc } from '../records/record-doc.ts';
import { fieldsOf } from '../records/doc-shape.ts';
import { SERVER_CLIENT_ID } from './client-id.ts';
import { applyAndDetectConflicts, detectFieldConflicts } from './conflicts.ts';

const LOW = 100;
const HIGH = 200;

function setup() {
  const { doc: server } = createRecordDoc(leadRecord, 'L1', { status: 'new' }, SERVER_CLIENT_ID);
  const replica = (): Y.Doc => loadRecordDoc(server.guid, [Y.encodeStateAsUpdate(server)]);
  const edit = (doc: Y.Doc, changes: Record<string, unknown>, client: number): Uint8Array =>
    applyFieldChanges(leadRecord, doc, changes, client)!;
  return { server, replica, edit };
}

describe('detectFieldConflicts', () => {
  it('reports nothing for a write made after seeing the current value', () => {
    const { server, replica, edit } = setup();
    const a = replica();
    applyAndDetectConflicts(server, edit(a, { status: 'contacted' }, LOW));
    const b = replica(); // sees "contacted"
    expect(detectFieldConflicts(server, edit(b, { status: 'won' }, HIGH))).toEqual([]);
  });

  it.each([
    {
      name: 'higher client id arrives second and wins',
      first: LOW,
      second: HIGH,
      winner: 'incoming',
    },
    {
      name: 'lower client id arrives second and loses',
      first: HIGH,
      second: LOW,
      winner: 'previous',
    },
  ] as const)('concurrent sets of one field: $name', ({ first, second, winner }) => {
    const { server, replica, edit } = setup();
    const a = replica();
    const b = replica();
    const ua = edit(a, { status: 'from-first' }, first);
    const ub = edit(b, { status: 'from-second' }, second);
    expect(applyAndDetectConflicts(server, ua).conflicts).toEqual([]);
    const { conflicts } = applyAndDetectConflicts(server, ub);
    expect(conflicts).toEqual([
      {
        field: 'status',
        previous: { clientId: first, clock: expect.any(Number), value: 'from-first' },
        incoming: { clientId: second, clock: expect.any(Number), value: 'from-second' },
        winner,
        sameValue: false,
      },
    ]);
    const expected = winner === 'incoming' ? 'from-second' : 'from-first';
    expect(fieldsOf(server).get('status')).toBe(expected);
  });

  it('ignores concurrent writes to different fields', () => {
    const { server, replica, edit } = setup();
    const ua = edit(replica(), { status: 'x' }, LOW);
    const ub = edit(replica(), { title: 'y' }, HIGH);
    applyAndDetectConflicts(server, ua);
    expect(applyAndDetectConflicts(server, ub).conflicts).toEqual([]);
  });

  it('reports a duplicate update as unchanged and conflict-free', () => {
    const { server, replica, edit } = setup();
    const ua = edit(replica(), { status: 'x' }, LOW);
    applyAndDetectConflicts(server, ua);
    expect(applyAndDetectConflicts(server, ua)).toEqual({ conflicts: [], changed: false });
  });

  it('reports a week-old offline edit that silently wins, after several newer sequential edits', () => {
    const { server, replica, edit } = setup();
    const offline = replica();
    const weekOld = edit(offline, { status: 'stale-offline' }, HIGH);
    for (const status of ['a', 'b', 'c'])
      applyAndDetectConflicts(server, edit(replica(), { status }, LOW));
    const { conflicts } = applyAndDetectConflicts(server, weekOld);
    expect(conflicts).toMatchObject([
      {
        field: 'status',
        previous: { clientId: LOW, value: 'c' },
        incoming: { clientId: HIGH, value: 'stale-offline' },
        winner: 'incoming',
      },
    ]);
    expect(fieldsOf(server).get('status')).toBe('stale-offline');
  });

  it('reports one conflict for a writer that set the field several times while unaware', () => {
    const { server, replica, edit } = setup();
    const a = replica();
    const b = replica();
    const ua = edit(a, { status: 'a' }, HIGH);
    const ub = Y.mergeUpdates([edit(b, { status: 'b1' }, LOW), edit(b, { status: 'b2' }, LOW)]);
    applyAndDetectConflicts(server, ua);
    expect(applyAndDetectConflicts(server, ub).conflicts).toMatchObject([
      { previous: { value: 'a' }, incoming: { value: 'b2' }, winner: 'previous' },
    ]);
  });

  it('reports two creators of the same key and flags equal values', () => {
    const { server, replica, edit } = setup();
    const ua = edit(replica(), { title: 'CEO' }, LOW);
    const ub = edit(replica(), { title: 'CEO' }, HIGH);
    applyAndDetectConflicts(server, ua);
    expect(applyAndDetectConflicts(server, ub).conflicts).toMatchObject([
      { field: 'title', previous: { value: 'CEO' }, incoming: { value: 'CEO' }, sameValue: true },
    ]);
  });

  it('does not change the doc it inspects', () => {
    const { server, replica, edit } = setup();
    const before = Y.encodeStateAsUpdate(server);
    detectFieldConflicts(server, edit(replica(), { status: 'x' }, LOW));
    expect(Y.encodeStateAsUpdate(server)).toEqual(before);
  });

  it('keeps the losing value readable although Yjs garbage-collects it', () => {
    const { server, replica, edit } = setup();
    const [a, b] = [replica(), replica()];
    applyAndDetectConflicts(server, edit(a, { tags: ['keep'] }, HIGH));
    const { conflicts } = applyAndDetectConflicts(server, edit(b, { tags: ['lost'] }, LOW));
    expect(conflicts[0]).toMatchObject({
      previous: { value: ['keep'] },
      incoming: { value: ['lost'] },
      winner: 'previous',
    });
  });
});
