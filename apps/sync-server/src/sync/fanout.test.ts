import { describe, expect, it } from 'vitest';
import type { FrameOf } from '@sdr/schema/sync';
import { signUp, testDatabaseKinds } from '../test/harness.ts';
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
});
