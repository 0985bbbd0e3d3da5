import { describe, expect, it, vi } from 'vitest';
import type { FrameOf } from '@sdr/schema/sync';
import { createLogger } from '../logger.ts';
import { signUp, testDatabaseKinds } from '../test/harness.ts';
import { InProcessBus } from './change-bus.ts';
import { Fanout, type FanoutChange } from './fanout.ts';
import { SyncTestClient } from './test/sync-client.ts';
import { useSyncSuite } from './test/sync-harness.ts';

describe.each(testDatabaseKinds())('fan-out (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('finds changes whose wake-up never came by polling the change log, in order', async () => {
    const listening = await suite.start({ isolatedBus: true, sync: { pollMs: 50 } });
    const writer = suite.server;
    const admin = await signUp(writer.api);
    const c = await SyncTestClient.connect(listening.wsUrl, admin.accessToken);
    expect((await c.hello()).headSeq).toBe(0);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await writer.api.post(
        '/api/v1/leads',
        { firstName: `L${i}` },
        { token: admin.accessToken },
      );
      ids.push(res.body.id as string);
    }
    await c.waitFor((f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === 3);
    const changes = c.frames.filter((f): f is FrameOf<'change'> => f.type === 'change');
    expect(changes.map((f) => [f.change.seq, f.change.kind])).toEqual([
      [1, 'record'],
      [2, 'record'],
      [3, 'record'],
    ]);
    const first = changes[0]!.change;
    if (first.kind !== 'record') throw new Error('expected a record');
    expect(first).toMatchObject({ docName: `lead:${ids[0]}`, row: { firstName: 'L0' } });
    expect(first.update).not.toBeNull();
    c.close();
  });

  it("leaves its own commits' wake-ups to the in-memory path, and reads the log after a failed one", async () => {
    const bus = new InProcessBus();
    const fanout = new Fanout(suite.db, bus, createLogger('silent'), 0);
    const reads = vi.spyOn(
      fanout as unknown as { readFromLog: () => Promise<void> },
      'readFromLog',
    );
    const ws = 'ws-own-commits';
    const seen: number[] = [];
    await fanout.subscribe(ws, (c) => seen.push(c.seq));
    const change = (seq: number): FanoutChange => ({
      workspaceId: ws,
      seq,
      docName: `lead:L${seq}`,
      update: null,
      row: null,
      ownerChanged: false,
      state: null,
    });
    // The commit's own NOTIFY arrives before the commit returns: no log read, the changes come
    // from memory.
    fanout.expectLocal([{ workspaceId: ws, seq: 2 }]);
    bus.afterCommit([{ workspaceId: ws, seq: 2 }]);
    fanout.localCommit([change(1), change(2)]);
    await vi.waitFor(() => expect(seen).toEqual([1, 2]));
    expect(reads).not.toHaveBeenCalled();
    // A later wake-up (another instance) is read from the log as usual.
    bus.afterCommit([{ workspaceId: ws, seq: 3 }]);
    await vi.waitFor(() => expect(reads).toHaveBeenCalledTimes(1));
    // A commit that fails after announcing its seqs: what was skipped meanwhile is looked for.
    fanout.expectLocal([{ workspaceId: ws, seq: 4 }]);
    bus.afterCommit([{ workspaceId: ws, seq: 4 }]);
    await new Promise((r) => setTimeout(r, 20));
    expect(reads).toHaveBeenCalledTimes(1);
    fanout.localAborted([{ workspaceId: ws, seq: 4 }]);
    await vi.waitFor(() => expect(reads).toHaveBeenCalledTimes(2));
    fanout.close();
  });
});
