import { describe, expect, it } from 'vitest';
import { applyFieldChanges, leadRecord } from '@sdr/schema/sync';
import { addMember, signUp, testDatabaseKinds } from '../test/harness.ts';
import { SyncTestClient, replica } from '../sync/test/sync-client.ts';
import { useSyncSuite } from '../sync/test/sync-harness.ts';

describe.each(testDatabaseKinds())('/api/v1/leads (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('creates, reads, lists in pages, patches and tombstones leads', async () => {
    const { api } = suite.server;
    const admin = await signUp(api);
    const auth = { token: admin.accessToken };
    const created = await api.post(
      '/api/v1/leads',
      { firstName: 'Ada', tags: ['vip'], email: 'ada@example.com' },
      auth,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      firstName: 'Ada',
      lastName: '',
      status: 'new',
      ownerId: null,
      tags: ['vip'],
      deleted: false,
      schemaVersion: 2,
      seq: 1,
      notes: '',
    });
    const ids = [created.body.id as string];
    for (let i = 0; i < 4; i++)
      ids.push((await api.post('/api/v1/leads', { firstName: `L${i}` }, auth)).body.id as string);

    const page1 = await api.get('/api/v1/leads?limit=3', auth);
    expect(page1.body.items).toHaveLength(3);
    const page2 = await api.get(`/api/v1/leads?limit=3&after=${page1.body.nextCursor}`, auth);
    expect(page2.body.items).toHaveLength(2);
    expect(page2.body.nextCursor).toBeNull();
    expect([...page1.body.items, ...page2.body.items].map((l: { id: string }) => l.id)).toEqual(
      [...ids].sort(),
    );

    const patched = await api.patch(
      `/api/v1/leads/${ids[0]}`,
      { status: 'contacted', tags: [] },
      auth,
    );
    expect(patched.body).toMatchObject({ status: 'contacted', tags: [], seq: 6 });
    expect((await api.delete(`/api/v1/leads/${ids[0]}`, auth)).status).toBe(204);
    expect((await api.get(`/api/v1/leads/${ids[0]}`, auth)).body).toMatchObject({
      deleted: true,
      seq: 7,
    });
    expect((await api.get('/api/v1/leads', auth)).body.items).toHaveLength(4);
    expect((await api.get('/api/v1/leads?includeDeleted=true', auth)).body.items).toHaveLength(5);
    expect((await api.get('/api/v1/leads/01JNOSUCHLEAD0000000000000', auth)).status).toBe(404);
  });

  it('normalises phone, country and zone, and keeps a timeline with who, when and what', async () => {
    const { api } = suite.server;
    const admin = await signUp(api, { name: 'Tina Timeline' });
    const auth = { token: admin.accessToken };
    const bad = await api.post('/api/v1/leads', { phone: 'call me maybe' }, auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([expect.objectContaining({ path: 'phone' }) as unknown]);
    const made = await api.post(
      '/api/v1/leads',
      { firstName: 'Zoe', phone: '030 1234567', country: 'Germany' },
      auth,
    );
    expect(made.body).toMatchObject({
      phone: '+49301234567',
      country: 'DE',
      timezone: 'Europe/Berlin',
    });
    expect(made.body.createdAt).toBeGreaterThan(Date.now() - 60_000);
    const id = made.body.id as string;
    await api.patch(`/api/v1/leads/${id}`, { title: 'CEO' }, auth);
    await api.patch(
      `/api/v1/leads/${id}`,
      { status: 'disqualified', statusReason: 'No budget' },
      auth,
    );

    // A duplicate merged into it brings its history along.
    const dup = (await api.post('/api/v1/leads', { firstName: 'Zoe (dup)' }, auth)).body
      .id as string;
    await api.patch(`/api/v1/leads/${dup}`, { deleted: true, mergedInto: id }, auth);

    const timeline = await api.get(`/api/v1/leads/${id}/timeline`, auth);
    expect(timeline.status).toBe(200);
    const items = timeline.body.items as {
      leadId: string;
      kind: string;
      changes: { field: string; from: unknown; to: unknown }[];
      userName: string | null;
    }[];
    expect(items.map((i) => [i.leadId === id ? 'self' : 'dup', i.kind])).toEqual([
      ['dup', 'merged'],
      ['dup', 'created'],
      ['self', 'changed'],
      ['self', 'changed'],
      ['self', 'created'],
    ]);
    expect(items[2]!.changes).toEqual([
      { field: 'status', from: 'new', to: 'disqualified' },
      { field: 'statusReason', from: '', to: 'No budget' },
    ]);
    expect(items[3]!.changes).toEqual([{ field: 'title', from: '', to: 'CEO' }]);
    expect(items[4]!.changes).toEqual(
      expect.arrayContaining([{ field: 'phone', from: null, to: '+49301234567' }]) as unknown,
    );
    expect(items.map((i) => i.userName)).toEqual(Array(5).fill('Tina Timeline'));
    const page = await api.get(`/api/v1/leads/${id}/timeline?limit=2`, auth);
    expect(page.body.items).toHaveLength(2);
    const rest = await api.get(
      `/api/v1/leads/${id}/timeline?limit=10&before=${page.body.nextBefore}`,
      auth,
    );
    expect(rest.body.items).toHaveLength(3);
  });

  it('routes leads created without an owner by the workspace rule (round-robin, territory)', async () => {
    const { api } = suite.server;
    const admin = await signUp(api);
    const auth = { token: admin.accessToken };
    const a = await addMember(suite.server, admin.accessToken, 'sdr');
    const b = await addMember(suite.server, admin.accessToken, 'sdr');
    const settings = (await api.get('/api/v1/workspace/lead-settings', auth)).body.settings;
    const save = (routing: unknown) =>
      api.request('PUT', '/api/v1/workspace/lead-settings', { ...settings, routing }, auth);
    expect((await save({ kind: 'round-robin', sdrIds: [a.userId, b.userId] })).status).toBe(200);
    const owners: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      owners.push((await api.post('/api/v1/leads', { firstName: `R${i}` }, auth)).body.ownerId);
    }
    expect(owners).toEqual([a.userId, b.userId, a.userId, b.userId]);
    // An owner given by the caller is kept; the rule does not override it.
    const given = await api.post(
      '/api/v1/leads',
      { firstName: 'Mine', ownerId: admin.userId },
      auth,
    );
    expect(given.body.ownerId).toBe(admin.userId);
    // An SDR creating through the API is routed too (the rule assigns, not the SDR).
    const bySdr = await api.post(
      '/api/v1/leads',
      { firstName: 'FromSdr' },
      { token: a.accessToken },
    );
    expect(bySdr.status).toBe(201);
    expect(bySdr.body.ownerId).toBe(a.userId);

    expect(
      (
        await save({
          kind: 'territory',
          territories: [
            {
              id: 'dach',
              label: 'DACH',
              countries: ['DE', 'AT', 'CH'],
              assignTo: { kind: 'user', userId: b.userId },
            },
          ],
          fallback: { kind: 'unassigned' },
        })
      ).status,
    ).toBe(200);
    const de = await api.post('/api/v1/leads', { firstName: 'Klaus', country: 'Germany' }, auth);
    expect(de.body).toMatchObject({ country: 'DE', ownerId: b.userId });
    const fr = await api.post('/api/v1/leads', { firstName: 'Chloé', country: 'FR' }, auth);
    expect(fr.body.ownerId).toBeNull();
  });

  it('writes notes over REST as a diff into the collaborative text', async () => {
    const { api } = suite.server;
    const admin = await signUp(api);
    const auth = { token: admin.accessToken };
    const made = await api.post(
      '/api/v1/leads',
      { firstName: 'N', notes: 'Met at the fair.' },
      auth,
    );
    expect(made.body.notes).toBe('Met at the fair.');
    const id = made.body.id as string;
    const patched = await api.patch(
      `/api/v1/leads/${id}`,
      { notes: 'Met at the fair. Call back Monday.' },
      auth,
    );
    expect(patched.body.notes).toBe('Met at the fair. Call back Monday.');
    expect((await api.get(`/api/v1/leads/${id}`, auth)).body.notes).toBe(
      'Met at the fair. Call back Monday.',
    );
    const tooLong = await api.patch(`/api/v1/leads/${id}`, { notes: 'x'.repeat(100_001) }, auth);
    expect(tooLong.status).toBe(400);
    const timeline = await api.get(`/api/v1/leads/${id}/timeline`, auth);
    expect(timeline.body.items[0]).toMatchObject({
      kind: 'changed',
      notesChanged: true,
      changes: [],
    });
  });

  it('validates input with the record rules and the owner rules', async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const sdr = await addMember(s, admin.accessToken, 'sdr');
    const auth = { token: admin.accessToken };
    const bad = await s.api.post('/api/v1/leads', { email: 'nope' }, auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'invalid_input',
      issues: [expect.objectContaining({ path: 'email' })],
    });
    expect((await s.api.post('/api/v1/leads', { color: 'red' }, auth)).status).toBe(400);
    expect((await s.api.post('/api/v1/leads', { ownerId: 'stranger' }, auth)).status).toBe(400);

    const assigned = await s.api.post('/api/v1/leads', { ownerId: sdr.userId }, auth);
    expect(assigned.body.ownerId).toBe(sdr.userId);
    const own = await s.api.post(
      '/api/v1/leads',
      { ownerId: sdr.userId, firstName: 'Mine' },
      { token: sdr.accessToken },
    );
    expect(own.status).toBe(201);
    const other = await s.api.post(
      '/api/v1/leads',
      { ownerId: admin.userId },
      { token: sdr.accessToken },
    );
    expect(other.status).toBe(403);
    const reassign = await s.api.patch(
      `/api/v1/leads/${own.body.id}`,
      { ownerId: admin.userId },
      { token: sdr.accessToken },
    );
    expect(reassign.status).toBe(403);
    expect(
      (await s.api.delete(`/api/v1/leads/${own.body.id}`, { token: sdr.accessToken })).status,
    ).toBe(403);
    expect(
      (
        await s.api.patch(
          `/api/v1/leads/${own.body.id}`,
          { title: 'SDR' },
          { token: sdr.accessToken },
        )
      ).status,
    ).toBe(200);
  });

  it('lists same-field concurrent overwrites as conflicts', async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const id = (await s.api.post('/api/v1/leads', { title: 'Base' }, { token: admin.accessToken }))
      .body.id as string;
    const name = `lead:${id}`;
    const a = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
    const b = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
    await a.hello({ clientId: 10 });
    await b.hello({ clientId: 20 });
    const rec = (await a.catchup(0)).changes[0]!;
    if (rec.kind !== 'record') throw new Error('expected a record');
    const docA = replica(name, rec.update);
    const docB = replica(name, rec.update);
    const fromA = applyFieldChanges(leadRecord, docA, { title: 'From A' }, 10)!;
    const fromB = applyFieldChanges(leadRecord, docB, { title: 'From B' }, 20)!;
    expect(await a.update(name, 1, fromA)).toMatchObject({ type: 'ack', serverSeq: 2 });
    expect(await b.update(name, 1, fromB)).toMatchObject({ type: 'ack', serverSeq: 3 });
    const res = await s.api.get(`/api/v1/leads/${id}/conflicts`, { token: admin.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        field: 'title',
        seq: 3,
        previousValue: 'From A',
        previousClientId: 10,
        incomingValue: 'From B',
        incomingClientId: 20,
        incomingUserId: admin.userId,
        winner: 'incoming',
        sameValue: false,
      }),
    ]);
    expect((await s.api.get(`/api/v1/leads/${id}`, { token: admin.accessToken })).body.title).toBe(
      'From B',
    );
    a.close();
    b.close();
  });
});
