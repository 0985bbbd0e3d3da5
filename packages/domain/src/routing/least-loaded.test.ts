import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leastLoaded } from './least-loaded.ts';

interface Case {
  readonly name: string;
  readonly loads: Readonly<Record<string, number>>;
  readonly caps: Readonly<Record<string, number | null>>;
  readonly after: { lastId: string; index: number } | null;
  readonly ok: readonly string[] | null;
  readonly pick: string | null;
}

describe('leastLoaded', () => {
  it.each<Case>([
    {
      name: 'fewest open items',
      loads: { a: 3, b: 1, c: 2 },
      caps: {},
      after: null,
      ok: null,
      pick: 'b',
    },
    {
      name: 'missing load counts as 0',
      loads: { a: 3, b: 1 },
      caps: {},
      after: null,
      ok: null,
      pick: 'c',
    },
    {
      name: 'skips those at capacity',
      loads: { a: 3, b: 1, c: 2 },
      caps: { b: 1 },
      after: null,
      ok: null,
      pick: 'c',
    },
    {
      name: 'null capacity is unlimited',
      loads: { a: 90, b: 99, c: 95 },
      caps: { a: 90, b: null, c: 95 },
      after: null,
      ok: null,
      pick: 'b',
    },
    {
      name: 'all at capacity',
      loads: { a: 1, b: 2, c: 0 },
      caps: { a: 1, b: 2, c: 0 },
      after: null,
      ok: null,
      pick: null,
    },
    {
      name: 'tie: first in order',
      loads: { a: 1, b: 1, c: 1 },
      caps: {},
      after: null,
      ok: null,
      pick: 'a',
    },
    {
      name: 'tie: rotates after the cursor',
      loads: { a: 1, b: 1, c: 1 },
      caps: {},
      after: { lastId: 'a', index: 0 },
      ok: null,
      pick: 'b',
    },
    {
      name: 'tie after cursor wraps',
      loads: { a: 1, b: 1, c: 2 },
      caps: {},
      after: { lastId: 'b', index: 1 },
      ok: null,
      pick: 'a',
    },
    {
      name: 'ineligible skipped',
      loads: { a: 0, b: 1, c: 2 },
      caps: {},
      after: null,
      ok: ['b', 'c'],
      pick: 'b',
    },
    { name: 'nobody eligible', loads: {}, caps: {}, after: null, ok: [], pick: null },
  ])('$name → $pick', ({ loads, caps, after, ok, pick }) => {
    const isEligible = ok === null ? undefined : (id: string) => ok.includes(id);
    expect(leastLoaded(['a', 'b', 'c'], loads, caps, { after, isEligible })).toBe(pick);
  });

  it('handles no candidates and ids that are also Object.prototype keys', () => {
    expect(leastLoaded([], { a: 0 }, {})).toBeNull();
    expect(leastLoaded(['constructor', 'toString'], { toString: 0 }, { toString: 0 })).toBe(
      'constructor',
    );
  });

  const world = fc
    .uniqueArray(fc.stringMatching(/^[a-z]{1,4}$/), { minLength: 0, maxLength: 8 })
    .chain((ids) =>
      fc.record({
        ids: fc.constant(ids),
        loads: fc.tuple(...ids.map(() => fc.nat(10))),
        caps: fc.tuple(...ids.map(() => fc.option(fc.nat(10)))),
      }),
    );

  it('picks an SDR below capacity with the minimum load, or null when none is below capacity', () => {
    fc.assert(
      fc.property(world, ({ ids, loads, caps }) => {
        const L = Object.fromEntries(ids.map((id, i) => [id, loads[i]!]));
        const C = Object.fromEntries(ids.map((id, i) => [id, caps[i]!]));
        const open = ids.filter((id) => C[id] === null || L[id]! < C[id]!);
        const pick = leastLoaded(ids, L, C);
        if (open.length === 0) {
          expect(pick).toBeNull();
        } else {
          expect(open).toContain(pick);
          expect(L[pick!]).toBe(Math.min(...open.map((id) => L[id]!)));
        }
      }),
    );
  });

  it('keeps loads balanced (max - min ≤ 1) when every assignment adds to the load', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.nat(100), (n, assignments) => {
        const ids = Array.from({ length: n }, (_, i) => `sdr${i}`);
        const loads: Record<string, number> = {};
        for (let k = 0; k < assignments; k++) {
          const id = leastLoaded(ids, loads, {})!;
          loads[id] = (loads[id] ?? 0) + 1;
        }
        const values = ids.map((id) => loads[id] ?? 0);
        expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
