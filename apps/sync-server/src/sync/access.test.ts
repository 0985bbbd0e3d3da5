import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  applyFieldChanges,
  createRecordDoc,
  leadRecord,
  projectLead,
  syncStep1Payload,
  type FrameOf,
} from '@sdr/schema/sync';
import { addMember, signUp, testDatabaseKinds } from '../test/harness.ts';
import { closeOf } from './test/raw-ws.ts';
import { SyncTestClient, docNameOf, replica } from './test/sync-client.ts';
import { useSyncSuite } from './test/sync-harness.ts';

describe.each(testDatabaseKinds())('workspace isolation and visibility (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('never lets one workspace read or write another through the socket, /yjs, REST or catch-up', async () => {
    const s = suite.server;
    const one = await signUp(s.api);
    const two = await signUp(s.api);
    const lead = await s.api.post(
      '/api/v1/leads',
      { firstName: 'Secret' },
      { token: one.accessToken },
    );
    const id = lead.body.id as string;
    const name = `lead:${id}`;

    // REST
    for (const res of [
      await s.api.get(`/api/v1/leads/${id}`, { token: two.accessToken }),
      await s.api.patch(`/api/v1/leads/${id}`, { firstName: 'Stolen' }, { token: two.accessToken }),
      await s.api.delete(`/api/v1/leads/${id}`, { token: two.accessToken }),
      await s.api.get(`/api/v1/leads/${id}/conflicts`, { token: two.accessToken }),
    ]) {
      expect(res.status).toBe(404);
    }
    expect((await s.api.get('/api/v1/leads', { token: two.accessToken })).body.items).toEqual([]);

    // Socket: catch-up, writes (an edit of the real doc, and a fresh doc under the same name), doc sync.
    const c = await SyncTestClient.connect(s.wsUrl, two.accessToken);
    expect((await c.hello()).headSeq).toBe(0);
    expect((await c.catchup(0)).changes).toEqual([]);
    const stolenState = (await suite.server.sync.authority.readDoc(name))!.state!;
    const doc = replica(name, stolenState);
    const edit = applyFieldChanges(leadRecord, doc, { firstName: 'Stolen' }, 4242)!;
    expect(await c.update(name, 1, edit)).toMatchObject({ type: 'error', code: 'forbidden' });
    const fresh = createRecordDoc(leadRecord, id, { firstName: 'Squatter' }, 4242).update;
    expect(await c.update(name, 2, fresh)).toMatchObject({ type: 'error', code: 'forbidden' });
    const from = c.frames.length;
    c.send({ type: 'docSync', docName: name, payload: syncStep1Payload(new Y.Doc()) });
    expect(await c.waitType('error', from)).toMatchObject({ code: 'forbidden' });
    expect(c.frames.some((f) => f.type === 'docSync')).toBe(false);

    // Live: workspace one's change never reaches workspace two (a change of two's own proves delivery).
    await s.api.patch(`/api/v1/leads/${id}`, { title: 'CFO' }, { token: one.accessToken });
    const own = await s.api.post(
      '/api/v1/leads',
      { firstName: 'Mine' },
      { token: two.accessToken },
    );
    await c.waitFor(
      (f): f is FrameOf<'change'> =>
        f.type === 'change' && docNameOf(f.change) === `lead:${own.body.id}`,
    );
    expect(c.changesFor(name)).toEqual([]);
    expect((await c.catchup(0)).changes.map(docNameOf)).toEqual([`lead:${own.body.id}`]);

    // /yjs
    expect(await closeOf(`${s.wsUrl}/yjs/${name}?token=${two.accessToken}`)).toMatchObject({
      code: 4403,
    });
    expect(await closeOf(`${s.wsUrl}/yjs/${name}?token=nope`)).toMatchObject({ code: 4401 });

    const after = await s.api.get(`/api/v1/leads/${id}`, { token: one.accessToken });
    expect(after.body).toMatchObject({ firstName: 'Secret', title: 'CFO' });
    c.close();
  });

  it("evicts a lead from an 'own' SDR's socket when it is reassigned away", async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const sdr = await addMember(s, admin.accessToken, 'sdr');
    const token = { token: admin.accessToken };
    expect(
      (
        await s.api.request(
          'PUT',
          '/api/v1/workspace/settings',
          { leadVisibility: 'own' },
          { token: sdr.accessToken },
        )
      ).status,
    ).toBe(403);
    const put = await s.api.request(
      'PUT',
      '/api/v1/workspace/settings',
      { leadVisibility: 'own' },
      token,
    );
    expect(put).toMatchObject({ status: 200, body: { leadVisibility: 'own' } });

    const mine = (
      await s.api.post('/api/v1/leads', { firstName: 'Mine', ownerId: sdr.userId }, token)
    ).body.id as string;
    const theirs = (
      await s.api.post('/api/v1/leads', { firstName: 'Theirs', ownerId: admin.userId }, token)
    ).body.id as string;
    const open = (await s.api.post('/api/v1/leads', { firstName: 'Open' }, token)).body
      .id as string;

    const listed = await s.api.get('/api/v1/leads', { token: sdr.accessToken });
    expect((listed.body.items as { id: string }[]).map((l) => l.id).sort()).toEqual(
      [mine, open].sort(),
    );
    expect((await s.api.get(`/api/v1/leads/${theirs}`, { token: sdr.accessToken })).status).toBe(
      404,
    );

    const c = await SyncTestClient.connect(s.wsUrl, sdr.accessToken);
    await c.hello();
    const page = await c.catchup(0);
    expect(page.changes.map((ch) => [ch.kind, docNameOf(ch)])).toEqual([
      ['record', `lead:${mine}`],
      ['evict', `lead:${theirs}`],
      ['record', `lead:${open}`],
    ]);
    // Seq 1 is the policy change (its `visibility` marker; no rows to re-stamp yet).
    expect(page.cursor).toBe(4);

    // An SDR may not write a lead it cannot see, nor reassign one.
    const theirsDoc = replica(
      `lead:${theirs}`,
      (await s.sync.authority.readDoc(`lead:${theirs}`))!.state,
    );
    const sneaky = applyFieldChanges(leadRecord, theirsDoc, { status: 'won' }, 99)!;
    expect(await c.update(`lead:${theirs}`, 1, sneaky)).toMatchObject({ code: 'forbidden' });
    const rec = page.changes[0]!;
    if (rec.kind !== 'record') throw new Error('expected a record');
    const mineDoc = replica(rec.docName, rec.update);
    const grab = applyFieldChanges(leadRecord, mineDoc, { ownerId: admin.userId }, 99)!;
    const ack = await c.update(rec.docName, 2, grab);
    expect(ack).toMatchObject({
      type: 'ack',
      reasons: [expect.objectContaining({ field: 'ownerId', code: 'forbidden_field' })],
    });

    // Reassigned away by the admin: evicted, at that change's seq.
    const moved = await s.api.patch(`/api/v1/leads/${mine}`, { ownerId: admin.userId }, token);
    expect(moved.status).toBe(200);
    const evict = await c.waitFor(
      (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === moved.body.seq,
    );
    expect(evict.change).toEqual({ kind: 'evict', seq: moved.body.seq, docName: `lead:${mine}` });

    // Assigned to the SDR: arrives with its full state (the SDR never had this doc).
    const given = await s.api.patch(`/api/v1/leads/${theirs}`, { ownerId: sdr.userId }, token);
    const gained = await c.waitFor(
      (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === given.body.seq,
    );
    if (gained.change.kind !== 'record') throw new Error('expected a record');
    expect(projectLead(replica(gained.change.docName, gained.change.update)).values).toMatchObject({
      firstName: 'Theirs',
      ownerId: sdr.userId,
    });

    // /yjs follows the same rule.
    expect(await closeOf(`${s.wsUrl}/yjs/lead:${mine}?token=${sdr.accessToken}`)).toMatchObject({
      code: 4403,
    });
    c.close();
  });

  it('closes a /yjs socket whose lead is reassigned away while the socket is being admitted', async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const sdr = await addMember(s, admin.accessToken, 'sdr');
    const token = { token: admin.accessToken };
    const put = await s.api.request(
      'PUT',
      '/api/v1/workspace/settings',
      { leadVisibility: 'own' },
      token,
    );
    expect(put.status).toBe(200);
    const id = (
      await s.api.post('/api/v1/leads', { firstName: 'Mine', ownerId: sdr.userId }, token)
    ).body.id as string;
    const name = `lead:${id}`;
    const watcher = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
    await watcher.hello();

    // The socket's read of the doc still says "hers"; the reassignment commits and is fanned out
    // before that answer reaches the admission check.
    const authority = s.sync.authority;
    const readDoc = authority.readDoc.bind(authority);
    let raced = false;
    authority.readDoc = async (docName) => {
      const stored = await readDoc(docName);
      if (docName !== name || raced) return stored;
      raced = true;
      const moved = await s.api.patch(`/api/v1/leads/${id}`, { ownerId: admin.userId }, token);
      expect(moved.status).toBe(200);
      await watcher.waitFor(
        (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === moved.body.seq,
      );
      return stored;
    };
    try {
      expect(await closeOf(`${s.wsUrl}/yjs/${name}?token=${sdr.accessToken}`)).toMatchObject({
        code: 4403,
      });
      expect(raced).toBe(true);
    } finally {
      authority.readDoc = readDoc;
      watcher.close();
    }
  });
});
