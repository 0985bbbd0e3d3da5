/**
 * Workspace data changes reach connected engines at once: a `workspaceData` fact on the sync
 * socket after every change of views, lists, list members, tasks or the lead settings, and after a
 * visibility change that re-sent tasks (data-seq.ts `dataTransaction`, visibility-restamp.ts).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LEAD_SETTINGS } from '@sdr/schema';
import type { Frame, FrameOf } from '@sdr/schema/sync';
import { newId, put, taskBody, viewBody } from '../test/data-fixtures.ts';
import { addMember, signUp, testDatabaseKinds } from '../test/harness.ts';
import { SyncTestClient } from '../sync/test/sync-client.ts';
import { useSyncSuite } from '../sync/test/sync-harness.ts';

type ChangeFrame = FrameOf<'change'>;

const isDataFact = (f: Frame): f is ChangeFrame =>
  f.type === 'change' && f.change.kind === 'fact' && f.change.entity === 'workspaceData';

describe.each(testDatabaseKinds())('workspace data pushed to sockets (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('tells every connected member right after a change, and nobody in another workspace', async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const sdr = await addMember(s, admin.accessToken, 'sdr');
    const stranger = await signUp(s.api);
    const c = await SyncTestClient.connect(s.wsUrl, sdr.accessToken);
    await c.hello();
    const other = await SyncTestClient.connect(s.wsUrl, stranger.accessToken);
    await other.hello();

    let seen = c.frames.length;
    /** Runs a write and returns the `workspaceData` fact it caused. */
    const nudged = async (write: () => Promise<unknown>) => {
      await write();
      const f = await c.waitFor(isDataFact, { from: seen });
      seen = c.frames.indexOf(f) + 1;
      if (f.change.kind !== 'fact') throw new Error('expected a fact');
      return f.change;
    };

    const view = newId('v');
    const first = await nudged(() =>
      put(s.api, `/api/v1/views/${view}`, viewBody(), admin.accessToken),
    );
    expect(first).toMatchObject({ id: admin.workspaceId, data: { lastSeq: 1 } });
    const list = newId('l');
    expect(
      await nudged(() =>
        put(
          s.api,
          `/api/v1/lists/${list}`,
          { name: 'L', kind: 'static', updatedAt: 1 },
          sdr.accessToken,
        ),
      ),
    ).toMatchObject({ data: { lastSeq: 2 } });
    expect(
      await nudged(() =>
        s.api.post(
          `/api/v1/lists/${list}/members`,
          { add: ['a', 'b'] },
          { token: sdr.accessToken },
        ),
      ),
    ).toMatchObject({ data: { lastSeq: 4 } });
    const task = newId('t');
    expect(
      await nudged(() =>
        put(
          s.api,
          `/api/v1/tasks/${task}`,
          taskBody({ assigneeId: sdr.userId }),
          admin.accessToken,
        ),
      ),
    ).toMatchObject({ data: { lastSeq: 5 } });
    // The lead settings have no seq: the fact still goes out, with the same counter.
    expect(
      await nudged(() =>
        s.api.request(
          'PUT',
          '/api/v1/workspace/lead-settings',
          { ...DEFAULT_LEAD_SETTINGS, routing: { kind: 'unassigned' } },
          { token: admin.accessToken },
        ),
      ),
    ).toMatchObject({ data: { lastSeq: 5 } });
    // A visibility change that re-sends tasks.
    expect(
      await nudged(() =>
        s.api.request(
          'PUT',
          '/api/v1/workspace/settings',
          { leadVisibility: 'own' },
          { token: admin.accessToken },
        ),
      ),
    ).toMatchObject({ data: { lastSeq: 6 } });

    // A write that changes nothing (the same view again) tells nobody.
    const before = c.frames.length;
    await put(s.api, `/api/v1/views/${view}`, viewBody(), admin.accessToken);
    const marker = newId('t');
    await nudged(() =>
      put(
        s.api,
        `/api/v1/tasks/${marker}`,
        taskBody({ assigneeId: sdr.userId }),
        admin.accessToken,
      ),
    );
    expect(c.frames.slice(before).filter(isDataFact)).toHaveLength(1);
    // The other workspace heard nothing of all this.
    expect(other.frames.filter(isDataFact)).toEqual([]);
    c.close();
    other.close();
  });
});
