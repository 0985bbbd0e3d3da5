import { describe, expect, it } from 'vitest';
import { PageCache, queryKey } from './page-cache.ts';
import type { Fetched } from './page-cache.ts';

type Q = { name: string; size: number };

/** A fake engine: rows are `${name}:${index}`; every request waits until released. */
function fakeEngine() {
  const pending: {
    kind: 'page' | 'count';
    query: Q;
    offset: number;
    limit: number;
    resolve: (r: Fetched<never>) => void;
  }[] = [];
  const calls: string[] = [];
  let failNext: string | null = null;
  const fetchPage = (query: Q, offset: number, limit: number) =>
    new Promise<Fetched<string[]>>((resolve) => {
      calls.push(`page ${query.name} ${offset}`);
      pending.push({ kind: 'page', query, offset, limit, resolve });
    });
  const fetchCount = (query: Q) =>
    new Promise<Fetched<number>>((resolve) => {
      calls.push(`count ${query.name}`);
      pending.push({ kind: 'count', query, offset: 0, limit: 0, resolve });
    });
  /** Answers every request made so far (not those they cause), then lets promises settle. */
  async function release(filter: (p: (typeof pending)[number]) => boolean = () => true) {
    const now = pending.filter(filter);
    for (const p of now) {
      pending.splice(pending.indexOf(p), 1);
      if (failNext) {
        p.resolve({ ok: false, message: failNext } as never);
        continue;
      }
      if (p.kind === 'count') p.resolve({ ok: true, data: p.query.size } as never);
      else {
        const end = Math.min(p.query.size, p.offset + p.limit);
        const rows: string[] = [];
        for (let i = p.offset; i < end; i += 1) rows.push(`${p.query.name}:${i}`);
        p.resolve({ ok: true, data: rows } as never);
      }
    }
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
  }
  return {
    fetchPage,
    fetchCount,
    calls,
    pending,
    release,
    fail(message: string | null) {
      failNext = message;
    },
  };
}

const big: Q = { name: 'all', size: 1_000_000 };

describe('PageCache', () => {
  it('counts, then fetches only the pages around the viewport of a million rows', async () => {
    const engine = fakeEngine();
    const cache = new PageCache<Q, string>({ ...engine, pageSize: 100, prefetch: 1 });
    cache.setQuery('all', big);
    expect(cache.total()).toBeNull();
    expect(cache.loading()).toBe(true);
    await engine.release();
    expect(cache.total()).toBe(1_000_000);

    cache.ensure(0, 30);
    expect(engine.calls.filter((c) => c.startsWith('page'))).toEqual([
      'page all 0',
      'page all 100',
    ]);
    expect(cache.row(5)).toBeUndefined();
    await engine.release();
    expect(cache.row(5)).toBe('all:5');
    expect(cache.row(150)).toBe('all:150'); // prefetched page
    expect(cache.loading()).toBe(false);

    // Jump to the middle: only the pages there are fetched; the start is dropped.
    engine.calls.length = 0;
    cache.ensure(500_010, 500_040);
    await engine.release();
    expect(engine.calls).toEqual(['page all 500000', 'page all 499900', 'page all 500100']);
    expect(cache.row(500_020)).toBe('all:500020');
    expect(cache.row(5)).toBeUndefined();
    expect(cache.cachedPages()).toEqual([4999, 5000, 5001]);
  });

  it('keeps at most maxInFlight requests and skips pages scrolled past before they were sent', async () => {
    const engine = fakeEngine();
    const cache = new PageCache<Q, string>({
      ...engine,
      maxInFlight: 2,
      prefetch: 0,
      keepAround: 0,
    });
    cache.setQuery('all', big);
    await engine.release();
    engine.calls.length = 0;
    // A fling: many windows before any answer.
    for (let row = 0; row <= 10_000; row += 1000) cache.ensure(row, row + 30);
    // Two were sent; the queue holds only the pages still near the last window.
    expect(engine.pending).toHaveLength(2);
    await engine.release();
    await engine.release();
    const pages = engine.calls.map((c) => Number(c.split(' ')[2]));
    expect(pages).toContain(10_000);
    expect(pages.length).toBeLessThanOrEqual(3);
    expect(cache.row(10_005)).toBe('all:10005');
  });

  it('caches by query key: switching back shows the old pages at once', async () => {
    const engine = fakeEngine();
    const cache = new PageCache<Q, string>({ ...engine, prefetch: 0 });
    cache.setQuery('all', big);
    await engine.release();
    cache.ensure(0, 20);
    await engine.release();
    cache.setQuery('small', { name: 'small', size: 3 });
    await engine.release();
    cache.ensure(0, 20);
    await engine.release();
    expect(cache.total()).toBe(3);
    expect(cache.row(2)).toBe('small:2');
    expect(cache.row(3)).toBeUndefined();

    engine.calls.length = 0;
    cache.setQuery('all', big);
    expect(cache.total()).toBe(1_000_000);
    expect(cache.row(1)).toBe('all:1');
    cache.ensure(0, 20);
    expect(engine.calls).toEqual([]);
  });

  it('ignores answers for a query that is no longer shown or was refreshed since', async () => {
    const engine = fakeEngine();
    const cache = new PageCache<Q, string>({ ...engine, prefetch: 0, maxPages: 1 });
    cache.setQuery('a', { name: 'a', size: 500 });
    await engine.release();
    cache.ensure(0, 10);
    // Page 0 of "a" is in flight; the user switches away and "a" is evicted (maxPages 1).
    cache.setQuery('b', { name: 'b', size: 500 });
    await engine.release((p) => p.kind === 'count');
    cache.ensure(0, 10);
    cache.ensure(100, 110);
    await engine.release();
    expect(cache.row(105)).toBe('b:105');

    // A refresh while a page is in flight: the older answer is dropped, the newer one wins.
    cache.ensure(200, 210);
    expect(engine.pending.filter((p) => p.kind === 'page')).toHaveLength(1);
    const stale = engine.pending[0]!;
    cache.refresh();
    engine.pending.splice(engine.pending.indexOf(stale), 1);
    stale.resolve({ ok: true, data: ['old'] } as never);
    await Promise.resolve();
    expect(cache.row(200)).toBeUndefined();
    await engine.release();
    expect(cache.row(200)).toBe('b:200');
  });

  it('refresh keeps the rows on screen until the new ones arrive and drops other pages', async () => {
    const engine = fakeEngine();
    const q = { name: 'r', size: 1000 };
    const cache = new PageCache<Q, string>({ ...engine, prefetch: 1 });
    cache.setQuery('r', q);
    await engine.release();
    cache.ensure(0, 20);
    await engine.release();
    expect(cache.cachedPages()).toEqual([0, 1]);
    q.name = 'r2'; // the data changed under the same query
    cache.refresh();
    expect(cache.row(3)).toBe('r:3');
    expect(cache.cachedPages()).toEqual([0]);
    await engine.release();
    expect(cache.row(3)).toBe('r2:3');
  });

  it('reports errors and retries a failed page on refresh', async () => {
    const engine = fakeEngine();
    const cache = new PageCache<Q, string>({ ...engine, prefetch: 0 });
    cache.setQuery('e', { name: 'e', size: 50 });
    await engine.release();
    engine.fail('The engine is busy');
    cache.ensure(0, 10);
    await engine.release();
    expect(cache.error()).toBe('The engine is busy');
    expect(cache.loading()).toBe(false);
    engine.fail(null);
    cache.refresh();
    await engine.release();
    expect(cache.error()).toBeNull();
    expect(cache.row(0)).toBe('e:0');
  });

  it('does not fetch past the end and shrinks when the count drops', async () => {
    const engine = fakeEngine();
    const q = { name: 's', size: 250 };
    const cache = new PageCache<Q, string>({ ...engine, prefetch: 2 });
    cache.setQuery('s', q);
    await engine.release();
    cache.ensure(200, 249);
    expect(engine.calls.filter((c) => c.startsWith('page'))).toEqual([
      'page s 200',
      'page s 100',
      'page s 0',
    ]);
    await engine.release();
    q.size = 90;
    cache.refresh();
    await engine.release();
    expect(cache.total()).toBe(90);
    expect(cache.cachedPages()).toEqual([0]);
  });
});

describe('queryKey', () => {
  it('ignores key order but not array order', () => {
    expect(queryKey({ a: 1, b: { c: 2, d: 3 } })).toBe(queryKey({ b: { d: 3, c: 2 }, a: 1 }));
    expect(queryKey({ s: [1, 2] })).not.toBe(queryKey({ s: [2, 1] }));
  });
});
