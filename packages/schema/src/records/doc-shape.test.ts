/** `readRaw`: the doc's values as fresh copies — a caller mutating them never changes the doc. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fieldsOf, notesOf, readRaw } from './doc-shape.ts';

describe('readRaw', () => {
  it('returns every field and the notes, with arrays and objects copied', () => {
    const doc = new Y.Doc();
    fieldsOf(doc).set('firstName', 'Ada');
    fieldsOf(doc).set('companySize', 42);
    fieldsOf(doc).set('deleted', false);
    fieldsOf(doc).set('ownerId', null);
    fieldsOf(doc).set('tags', ['vip', 'trade-show']);
    fieldsOf(doc).set('custom', { budget: 10, region: ['emea'] });
    notesOf(doc).insert(0, 'called');
    const raw = readRaw(doc);
    expect(raw).toEqual({
      fields: {
        firstName: 'Ada',
        companySize: 42,
        deleted: false,
        ownerId: null,
        tags: ['vip', 'trade-show'],
        custom: { budget: 10, region: ['emea'] },
      },
      notes: 'called',
    });
    (raw.fields['tags'] as string[]).push('mutated');
    (raw.fields['custom'] as { region: string[] }).region.push('apac');
    expect(fieldsOf(doc).get('tags')).toEqual(['vip', 'trade-show']);
    expect(fieldsOf(doc).get('custom')).toEqual({ budget: 10, region: ['emea'] });
    expect(readRaw(doc).fields['tags']).toEqual(['vip', 'trade-show']);
  });
});
