import { monotonicFactory } from 'ulid';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { signUp, testDatabaseKinds } from '../test/harness.ts';
import { SyncAuthority } from './authority.service.ts';
import type { ServerWriteResult } from './authority.types.ts';
import { DocCache } from './doc-cache.ts';
import type { FeedItem } from './fanout.ts';
import { useSyncSuite } from './test/sync-harness.ts';

describe.each(testDatabaseKinds())('authority batches running at once (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('keeps each doc in order, hands out results in seq order and leaves no seq gap', async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const ws = admin.workspaceId;
    const feed: FeedItem[] = [];
    const { head, unsubscribe } = await s.sync.fanout.subscribe(ws, (c) => feed.push(c));
    // Small batches, three at once: 40 docs × (create + 3 updates) make many batches, and a
    // doc's later writes must wait for the batch holding its earlier ones.
    const authority = new SyncAuthority({
      db: suite.db,
      cache: new DocCache(100),
      bus: s.sync.bus,
      fanout: s.sync.fanout,
      logger: createLogger('silent'),
      newId: monotonicFactory(),
      maxBatch: 7,
      pipeline: 3,
    });
    const order: { doc: number; step: number; r: ServerWriteResult }[] = [];
    const writes: Promise<void>[] = [];
    const newId = monotonicFactory();
    const docs = Array.from({ length: 40 }, () => `lead:${newId()}`);
    for (let step = 0; step < 4; step++) {
      docs.forEach((docName, doc) => {
        const write = authority.applyServerWrite({
          workspaceId: ws,
          userId: admin.userId,
          docName,
          changes: step === 0 ? { firstName: `Lead ${doc}` } : { company: `Co ${doc}.${step}` },
          mode: step === 0 ? 'create' : 'update',
        });
        writes.push(write.then((r) => void order.push({ doc, step, r })));
      });
    }
    await Promise.all(writes);
    await authority.drained();

    expect(authority.stats.peakRunning).toBeGreaterThan(1);
    expect(authority.stats.batches).toBeGreaterThanOrEqual(160 / 7);
    for (const o of order) expect(o.r).toMatchObject({ ok: true, changed: true });
    const seqs = order.map((o) => (o.r.ok ? o.r.seq : -1));
    // Results come out in commit order, which is seq order, with no gap and no repeat.
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs).toEqual(Array.from({ length: 160 }, (_, i) => head + 1 + i));
    // Per doc: its four writes in the order they were made.
    for (let doc = 0; doc < docs.length; doc++) {
      expect(order.filter((o) => o.doc === doc).map((o) => o.step)).toEqual([0, 1, 2, 3]);
    }
    const stored = await s.sync.authority.readDoc(docs[5]!);
    expect(stored?.seq).toBe(
      Math.max(...order.filter((o) => o.doc === 5).map((o) => (o.r.ok ? o.r.seq : 0))),
    );
    // The fan-out delivered every change once, in seq order.
    await expect.poll(() => feed.length).toBe(160);
    expect(feed.map((c) => c.seq)).toEqual(seqs);
    unsubscribe();
  });
});
