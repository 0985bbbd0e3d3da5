import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fieldsOf, metaOf, readSchemaVersion } from './doc-shape.ts';
import { leadRecord } from './lead.ts';
import { projectLead } from './project.ts';
import { applyFieldChanges, createRecordDoc, loadRecordDoc } from './record-doc.ts';
import { RecordError } from './record-error.ts';

const replicaOf = (doc: Y.Doc): Y.Doc => loadRecordDoc(doc.guid, [Y.encodeStateAsUpdate(doc)]);

describe('record docs', () => {
  it('creates a doc named <type>:<id> at the current version with the given fields', () => {
    const { doc, update } = createRecordDoc(
      leadRecord,
      '01ABC',
      { firstName: 'Ada', tags: ['x'] },
      5,
    );
    expect(doc.guid).toBe('lead:01ABC');
    expect(readSchemaVersion(doc)).toBe(leadRecord.version);
    const other = loadRecordDoc('lead:01ABC', [update]);
    expect(projectLead(other).values).toMatchObject({
      firstName: 'Ada',
      tags: ['x'],
      status: 'new',
    });
    expect(other.store.clients.has(5)).toBe(true);
  });

  it('writes only changed keys and returns null for a no-op', () => {
    const { doc } = createRecordDoc(leadRecord, 'a', { firstName: 'Ada', tags: ['x'] }, 5);
    expect(applyFieldChanges(leadRecord, doc, { firstName: 'Ada', tags: ['x'] }, 5)).toBeNull();
    const update = applyFieldChanges(leadRecord, doc, { firstName: 'Ada', lastName: 'L' }, 5)!;
    const decoded = Y.decodeUpdate(update);
    expect(decoded.structs).toHaveLength(1);
  });

  it('keeps the given client id even after loading foreign items under it', () => {
    const { update } = createRecordDoc(leadRecord, 'a', { firstName: 'Ada' }, 77);
    const doc = loadRecordDoc('lead:a', [update]);
    const u = applyFieldChanges(leadRecord, doc, { lastName: 'L' }, 77)!;
    expect(Y.decodeUpdate(u).structs[0]!.id).toEqual({ client: 77, clock: 2 });
  });

  it('does not alias caller values into the doc', () => {
    const tags = ['a'];
    const { doc } = createRecordDoc(leadRecord, 'a', { tags }, 5);
    tags.push('b');
    expect(fieldsOf(doc).get('tags')).toEqual(['a']);
    const read = projectLead(doc).values.tags;
    read.push('c');
    expect(fieldsOf(doc).get('tags')).toEqual(['a']);
  });

  it.each([
    { name: 'unknown field', changes: { nope: 1 }, code: 'unknown_field' },
    { name: 'non-JSON value', changes: { firstName: new Date(0) }, code: 'not_json' },
    { name: 'NaN', changes: { firstName: Number.NaN }, code: 'not_json' },
  ])('rejects $name', ({ changes, code }) => {
    const { doc } = createRecordDoc(leadRecord, 'a', {}, 5);
    try {
      applyFieldChanges(leadRecord, doc, changes, 5);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RecordError);
      expect((e as RecordError).code).toBe(code);
    }
  });

  it('refuses to write a doc of a newer schema version (older clients go read-only)', () => {
    const { doc } = createRecordDoc(leadRecord, 'a', {}, 5);
    metaOf(doc).set('schemaVersion', leadRecord.version + 1);
    expect(() => applyFieldChanges(leadRecord, doc, { title: 'x' }, 5)).toThrow(RecordError);
    expect(projectLead(doc).issues.map((i) => i.code)).toContain('newer_schema');
  });

  it('rejects a client id outside 32 bits', () => {
    expect(() => createRecordDoc(leadRecord, 'a', {}, 2 ** 32)).toThrow(RecordError);
  });

  it('property: applying the returned updates in any order reproduces the projection', () => {
    const change = fc.record(
      {
        firstName: fc.string({ maxLength: 5 }),
        status: fc.constantFrom('new', 'won', 'lost'),
        tags: fc.array(fc.constantFrom('a', 'b'), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.array(change, { maxLength: 8 }),
        fc.infiniteStream(fc.nat()),
        (changes, order) => {
          const { doc, update } = createRecordDoc(leadRecord, 'p', {}, 9);
          const updates = [update];
          for (const c of changes) {
            const u = applyFieldChanges(leadRecord, doc, c, 9);
            if (u) updates.push(u);
          }
          const shuffled = [...updates];
          const it = order[Symbol.iterator]();
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = it.next().value! % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const other = new Y.Doc();
          for (const u of shuffled) Y.applyUpdate(other, u);
          expect(projectLead(other)).toEqual(projectLead(doc));
          expect(projectLead(replicaOf(doc))).toEqual(projectLead(doc));
        },
      ),
      { numRuns: 100 },
    );
  });
});
