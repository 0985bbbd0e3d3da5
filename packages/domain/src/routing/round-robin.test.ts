import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RoundRobinCursor } from '@sdr/schema';
import { roundRobinPick } from './round-robin.ts';

const abc = ['a', 'b', 'c'];

describe('roundRobinPick', () => {
  it.each([
    { name: 'no cursor: first', list: abc, cursor: null, ok: null, picked: 'a', index: 0 },
    {
      name: 'after the last pick',
      list: abc,
      cursor: { lastId: 'a', index: 0 },
      ok: null,
      picked: 'b',
      index: 1,
    },
    {
      name: 'wraps around',
      list: abc,
      cursor: { lastId: 'c', index: 2 },
      ok: null,
      picked: 'a',
      index: 0,
    },
    {
      name: 'last pick left: its old slot',
      list: ['a', 'c'],
      cursor: { lastId: 'b', index: 1 },
      ok: null,
      picked: 'c',
      index: 1,
    },
    {
      name: 'last pick left at the end',
      list: ['a', 'b'],
      cursor: { lastId: 'c', index: 2 },
      ok: null,
      picked: 'a',
      index: 0,
    },
    {
      name: 'list reordered',
      list: ['c', 'a', 'b'],
      cursor: { lastId: 'a', index: 0 },
      ok: null,
      picked: 'b',
      index: 2,
    },
    {
      name: 'skips ineligible',
      list: abc,
      cursor: { lastId: 'a', index: 0 },
      ok: ['a', 'c'],
      picked: 'c',
      index: 2,
    },
    {
      name: 'only the last pick eligible',
      list: abc,
      cursor: { lastId: 'b', index: 1 },
      ok: ['b'],
      picked: 'b',
      index: 1,
    },
  ])('$name', ({ list, cursor, ok, picked, index }) => {
    const isEligible = ok === null ? undefined : (id: string) => ok.includes(id);
    expect(roundRobinPick(list, cursor, isEligible)).toEqual({
      pickedId: picked,
      cursor: { lastId: picked, index },
    });
  });

  it('returns null and keeps the cursor when nobody is eligible or there are no candidates', () => {
    const cursor = { lastId: 'b', index: 1 };
    expect(roundRobinPick(abc, cursor, () => false)).toEqual({ pickedId: null, cursor });
    expect(roundRobinPick([], cursor)).toEqual({ pickedId: null, cursor });
    expect(roundRobinPick([], null)).toEqual({ pickedId: null, cursor: null });
  });

  const ids = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 12 });

  it('is fair: over any number of picks the counts differ by at most 1', () => {
    fc.assert(
      fc.property(ids, fc.nat(200), (list, picks) => {
        const counts = new Map(list.map((id) => [id, 0]));
        let cursor: RoundRobinCursor | null = null;
        for (let i = 0; i < picks; i++) {
          const r = roundRobinPick(list, cursor);
          counts.set(r.pickedId!, counts.get(r.pickedId!)! + 1);
          cursor = r.cursor;
        }
        const values = [...counts.values()];
        expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('never picks an ineligible candidate and finds one whenever one exists', () => {
    fc.assert(
      fc.property(
        ids,
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.nat(20),
        (list, flags, after) => {
          const eligible = new Set(list.filter((_, i) => flags[i]));
          const last = list[after % list.length]!;
          const r = roundRobinPick(list, { lastId: last, index: after % list.length }, (id) =>
            eligible.has(id),
          );
          if (eligible.size === 0) expect(r.pickedId).toBeNull();
          else expect(eligible.has(r.pickedId!)).toBe(true);
        },
      ),
    );
  });

  it('serves an SDR added mid-rotation within one cycle', () => {
    let cursor: RoundRobinCursor | null = null;
    const seen: string[] = [];
    for (const list of [
      abc,
      abc,
      ['a', 'b', 'z', 'c'],
      ['a', 'b', 'z', 'c'],
      ['a', 'b', 'z', 'c'],
    ]) {
      const r = roundRobinPick(list, cursor);
      seen.push(r.pickedId!);
      cursor = r.cursor;
    }
    expect(seen).toEqual(['a', 'b', 'z', 'c', 'a']);
  });
});
