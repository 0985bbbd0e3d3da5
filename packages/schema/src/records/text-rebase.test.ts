import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRecordDoc, loadRecordDoc } from './record-doc.ts';
import { leadRecord } from './lead.ts';
import { applyNotesEdit } from './notes-edit.ts';
import { notesOf } from './doc-shape.ts';
import { applyTextOps, rebaseTextEdit } from './text-rebase.ts';

const merge = (base: string, next: string, current: string) =>
  applyTextOps(current, rebaseTextEdit(base, next, current));

describe('rebaseTextEdit', () => {
  it.each([
    // [base, user's next, current (others' edits), expected]
    ['hello', 'hello world', 'hello', 'hello world'],
    ['call back', 'call back Monday', 'Ada: call back', 'Ada: call back Monday'],
    ['abc', 'abXc', 'zabc', 'zabXc'],
    ['one two three', 'one three', 'one two three!', 'one three!'],
    ['one two three', 'one 2 three', 'one two three', 'one 2 three'],
    // both deleted the same word: deleted once
    ['a b c', 'a c', 'a c', 'a c'],
    // the user deletes a range into which someone else typed: their text survives
    ['keep XXXX end', 'keep end', 'keep XX(new)XX end', 'keep (new)end'],
    ['', 'first', '', 'first'],
    ['', 'mine', 'theirs', 'minetheirs'],
  ])('%j → %j over %j = %j', (base, next, current, expected) => {
    expect(merge(base, next, current)).toBe(expected);
  });

  it('is the user’s text when nobody else edited, for any edit', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (base, next) => {
        expect(merge(base, next, base)).toBe(next);
      }),
    );
  });

  it('keeps every character others inserted that the user did not see', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.nat(), (base, next, at) => {
        const pos = base.length === 0 ? 0 : at % (base.length + 1);
        const marker = '\u2603';
        fc.pre(!base.includes(marker) && !next.includes(marker));
        const current = base.slice(0, pos) + marker + base.slice(pos);
        expect(merge(base, next, current)).toContain(marker);
      }),
    );
  });
});

describe('applyNotesEdit on record docs', () => {
  it('merges two concurrent text-box edits character by character', () => {
    const { update } = createRecordDoc(leadRecord, 'n1', {}, 11);
    const a = loadRecordDoc('lead:n1', [update]);
    const b = loadRecordDoc('lead:n1', [update]);
    const seed = applyNotesEdit(a, '', 'Met at the fair.', 11)!;
    Y.applyUpdate(b, seed);
    const ua = applyNotesEdit(a, 'Met at the fair.', 'Met at the fair. Wants a demo.', 11)!;
    const ub = applyNotesEdit(b, 'Met at the fair.', 'Met Ada at the fair.', 12)!;
    Y.applyUpdate(a, ub);
    Y.applyUpdate(b, ua);
    expect(notesOf(a).toJSON()).toBe('Met Ada at the fair. Wants a demo.');
    expect(notesOf(b).toJSON()).toBe(notesOf(a).toJSON());
  });

  it('returns null when the text did not change', () => {
    const { doc } = createRecordDoc(leadRecord, 'n2', {}, 11);
    expect(applyNotesEdit(doc, '', '', 11)).toBeNull();
  });
});
