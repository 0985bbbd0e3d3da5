import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readRaw, readSchemaVersion } from './doc-shape.ts';
import { leadRecord } from './lead.ts';
import { projectLead, upcast } from './project.ts';
import { applyFieldChanges, loadRecordDoc } from './record-doc.ts';
import { migrateRaw } from './define.ts';

/**
 * A stored v0 lead doc (no `meta` map; `name` as one string; `tags` as "vip, fintech, ,vip"),
 * written by client 7 in two transactions. Never regenerate it: it is the old data being read.
 */
const V0_LEAD_BASE64 =
  'AQcHACgBBmZpZWxkcwRuYW1lAXcRQWRhIEtpbmcgTG92ZWxhY2UoAQZmaWVsZHMFZW1haWwBdw9hZGFAZXhhbXBsZS5jb20oAQZmaWVsZHMHY29tcGFueQF3EkFuYWx5dGljYWwgRW5naW5lcygBBmZpZWxkcwZzdGF0dXMBdwljb250YWN0ZWQoAQZmaWVsZHMEdGFncwF3EnZpcCwgZmludGVjaCwgLHZpcAQBBW5vdGVzIk1ldCBhdCB0aGUgZGlmZmVyZW5jZSBlbmdpbmUgZGVtby4oAQZmaWVsZHMFdGl0bGUBdwhDb3VudGVzcwA=';
const v0 = (): Y.Doc =>
  loadRecordDoc('lead:01HV0FIXTURE0000000000000', [Buffer.from(V0_LEAD_BASE64, 'base64')]);

const SERVER = 0xffff_ffff;

describe('lead upcasts from the stored v0 snapshot', () => {
  it('reads the fixture as version 0 in its old shape', () => {
    const doc = v0();
    expect(readSchemaVersion(doc)).toBe(0);
    expect(readRaw(doc).fields).toMatchObject({
      name: 'Ada King Lovelace',
      tags: 'vip, fintech, ,vip',
    });
  });

  it('projects a v0 doc at the current version without writing to it (read-time upcast)', () => {
    const doc = v0();
    const before = Y.encodeStateVector(doc);
    const p = projectLead(doc);
    expect(p.schemaVersion).toBe(0);
    expect(p.issues).toEqual([]);
    expect(p.values).toMatchObject({
      firstName: 'Ada',
      lastName: 'King Lovelace',
      email: 'ada@example.com',
      tags: ['vip', 'fintech'],
      title: 'Countess',
      status: 'contacted',
      deleted: false,
    });
    expect(p.notes).toBe('Met at the difference engine demo.');
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('upcasts in place to the current version and the update converges another replica', () => {
    const doc = v0();
    const update = upcast(leadRecord, doc, SERVER);
    expect(update).not.toBeNull();
    expect(readSchemaVersion(doc)).toBe(leadRecord.version);
    const raw = readRaw(doc).fields;
    expect(raw).not.toHaveProperty('name');
    expect(raw).toMatchObject({
      firstName: 'Ada',
      lastName: 'King Lovelace',
      tags: ['vip', 'fintech'],
    });
    const replica = v0();
    Y.applyUpdate(replica, update!);
    expect(projectLead(replica)).toEqual(projectLead(doc));
    expect(projectLead(doc).schemaVersion).toBe(leadRecord.version);
  });

  it('is idempotent: a current doc is not upcast again', () => {
    const doc = v0();
    upcast(leadRecord, doc, SERVER);
    expect(upcast(leadRecord, doc, SERVER)).toBeNull();
  });

  it('refuses local edits on an outdated doc until it is upcast', () => {
    const doc = v0();
    expect(() => applyFieldChanges(leadRecord, doc, { title: 'x' }, 42)).toThrow(/v0/);
    upcast(leadRecord, doc, SERVER);
    expect(applyFieldChanges(leadRecord, doc, { title: 'x' }, 42)).not.toBeNull();
  });

  it.each([
    { name: 'one word', fields: { name: 'Cher' }, expected: { firstName: 'Cher', lastName: '' } },
    {
      name: 'spaces trimmed',
      fields: { name: '  Grace  Hopper ' },
      expected: { firstName: 'Grace', lastName: 'Hopper' },
    },
    {
      name: 'explicit parts win',
      fields: { name: 'A B', firstName: 'X' },
      expected: { firstName: 'X', lastName: 'B' },
    },
    { name: 'no name', fields: { company: 'Co' }, expected: { company: 'Co' } },
    { name: 'tags already an array', fields: { tags: ['a'] }, expected: { tags: ['a'] } },
    { name: 'empty tag string', fields: { tags: ' , ' }, expected: { tags: [] } },
  ])('migrateRaw v0 → current: $name', ({ fields, expected }) => {
    const out = migrateRaw(leadRecord, { fields, notes: '' }, 0);
    expect(out.fields).toEqual(expected);
  });

  it('leaves a v1 doc’s names alone and only converts tags', () => {
    const out = migrateRaw(
      leadRecord,
      { fields: { name: 'ignored at v1', tags: 'a,b' }, notes: '' },
      1,
    );
    expect(out.fields).toEqual({ name: 'ignored at v1', tags: ['a', 'b'] });
  });
});
