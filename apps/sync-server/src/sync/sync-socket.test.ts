import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  applyFieldChanges,
  encodeFrame,
  fieldsOf,
  FRAME_TYPES,
  leadRecord,
  projectLead,
  type FrameOf,
} from '@sdr/schema/sync';
import { signUp, testDatabaseKinds } from '../test/harness.ts';
import { SyncTestClient, replica } from './test/sync-client.ts';
import { useSyncSuite } from './test/sync-harness.ts';

const CLIENT = 777_001;

describe.each(testDatabaseKinds())('/sync socket (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  async function setup() {
    const s = suite.server;
    const admin = await signUp(s.api);
    const created = await s.api.post(
      '/api/v1/leads',
      { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
      { token: admin.accessToken },
    );
    expect(created.status).toBe(201);
    const client = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
    const welcome = await client.hello({ clientId: CLIENT });
    return { s, admin, client, welcome, leadId: created.body.id as string };
  }

  it('welcomes, catches up with rows and states, and pushes a REST PATCH live', async () => {
    const { s, admin, client, welcome, leadId } = await setup();
    expect(welcome).toMatchObject({ headSeq: 1, readOnly: false });
    const { changes, cursor } = await client.catchup(0);
    expect(cursor).toBe(1);
    expect(changes).toHaveLength(1);
    const rec = changes[0]!;
    expect(rec).toMatchObject({ kind: 'record', seq: 1, docName: `lead:${leadId}` });
    if (rec.kind !== 'record') throw new Error('expected a record');
    expect(rec.row).toMatchObject({ id: leadId, firstName: 'Ada', email: 'ada@example.com' });
    const doc = replica(rec.docName, rec.update);
    expect(projectLead(doc).values.lastName).toBe('Lovelace');

    const patched = await s.api.patch(
      `/api/v1/leads/${leadId}`,
      { status: 'contacted' },
      { token: admin.accessToken },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.seq).toBe(2);
    const push = await client.waitFor(
      (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === 2,
    );
    if (push.change.kind !== 'record') throw new Error('expected a record change');
    expect(push.change.row).toMatchObject({ status: 'contacted' });
    Y.applyUpdate(doc, push.change.update!);
    expect(projectLead(doc).values.status).toBe('contacted');
    client.close();
  });

  it('ships catch-up rows as JSON text to protocol 2 clients and lib0-encoded to protocol 1', async () => {
    const { s, admin, client: v2 } = await setup();
    const v1 = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
    await v1.hello({ clientId: CLIENT + 1, protocolVersion: 1 });
    const a = await v2.catchup(0);
    const b = await v1.catchup(0);
    expect(a).toEqual(b);
    expect(a.changes[0]).toMatchObject({
      kind: 'record',
      row: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', tags: [] },
    });
    const has = (bytes: Uint8Array, text: string) =>
      Buffer.from(bytes).includes(Buffer.from(text, 'utf8'));
    const pageOf = (c: SyncTestClient) => c.raw.find((m) => m[0] === FRAME_TYPES.catchupPage)!;
    expect(has(pageOf(v2), '"firstName" : "Ada"') || has(pageOf(v2), '"firstName":"Ada"')).toBe(
      true,
    );
    expect(has(pageOf(v1), '"firstName"')).toBe(false);

    for (const protocolVersion of [0, 3]) {
      const c = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
      c.send({
        type: 'hello',
        protocolVersion,
        clientVersion: '1.0.0',
        installationClientId: CLIENT + 2,
        cursor: 0,
      });
      const err = await c.waitType('error');
      expect(err).toMatchObject({ code: 'client_too_old' });
      expect((await c.waitClose()).code).toBe(4400);
    }
    v1.close();
    v2.close();
  });

  it('reads the next catch-up page ahead, and holds live changes only until it is sent or dropped', async () => {
    const { s, admin, client } = await setup();
    const token = { token: admin.accessToken };
    for (const firstName of ['Bea', 'Cy']) {
      expect((await s.api.post('/api/v1/leads', { firstName }, token)).status).toBe(201);
    }
    // Page by page (limit 1): a change committed while a page is read ahead comes after the pages.
    let from = client.frames.length;
    client.send({ type: 'catchupRequest', afterSeq: 0, limit: 1 });
    const first = await client.waitType('catchupPage', from);
    expect(first).toMatchObject({ done: false, nextSeq: 1 });
    const leadId = (first.changes[0] as { docName: string }).docName.slice('lead:'.length);
    const patched = await s.api.patch(`/api/v1/leads/${leadId}`, { title: 'CTO' }, token);
    expect(patched.body.seq).toBe(4);
    const { changes } = await client.catchup(1, 1);
    expect(changes.map((c) => c.seq)).toEqual([2, 3, 4]);
    const live = await client.waitFor(
      (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === 4,
    );
    const pages = client.frames.filter((f) => f.type === 'catchupPage');
    expect(client.frames.indexOf(live)).toBeGreaterThan(client.frames.indexOf(pages.at(-1)!));

    // A client that stops asking (a page read ahead for it, never taken) still gets live changes.
    from = client.frames.length;
    client.send({ type: 'catchupRequest', afterSeq: 0, limit: 1 });
    await client.waitType('catchupPage', from);
    const t0 = Date.now(); // the next page is being read ahead from about now
    const again = await s.api.patch(`/api/v1/leads/${leadId}`, { title: 'CEO' }, token);
    await client.waitFor(
      (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === again.body.seq,
      { from, timeoutMs: 5000 },
    );
    expect(Date.now() - t0).toBeGreaterThan(1500); // held until the read ahead was dropped (2 s)
    client.close();
  });

  it('reads a short first page at hello for a client behind the head; a request for more takes it', async () => {
    const s = await suite.start({ sync: { firstPageLimit: 2 } });
    const admin = await signUp(s.api);
    for (const firstName of ['Ada', 'Bea', 'Cy', 'Di', 'Ed']) {
      const created = await s.api.post(
        '/api/v1/leads',
        { firstName },
        { token: admin.accessToken },
      );
      expect(created.status).toBe(201);
    }
    const seqs = (p: FrameOf<'catchupPage'>) => p.changes.map((c) => c.seq);
    const client = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
    await client.hello({ clientId: CLIENT });
    let from = client.frames.length;
    client.send({ type: 'catchupRequest', afterSeq: 0, limit: 100 });
    const first = await client.waitType('catchupPage', from);
    // The page read at hello: fewer changes than asked for, and not the last.
    expect(seqs(first)).toEqual([1, 2]);
    expect(first).toMatchObject({ done: false, nextSeq: 2 });
    from = client.frames.length;
    client.send({ type: 'catchupRequest', afterSeq: 2, limit: 100 });
    const rest = await client.waitType('catchupPage', from);
    expect(seqs(rest)).toEqual([3, 4, 5]);
    expect(rest).toMatchObject({ done: true, nextSeq: 5 });
    client.close();

    // A first request for fewer changes than that page gets exactly what it asked for.
    const small = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
    await small.hello({ clientId: CLIENT + 1 });
    small.send({ type: 'catchupRequest', afterSeq: 0, limit: 1 });
    const one = await small.waitType('catchupPage');
    expect(seqs(one)).toEqual([1]);
    expect(one.done).toBe(false);
    expect((await small.catchup(1, 1)).changes.map((c) => c.seq)).toEqual([2, 3, 4, 5]);
    small.close();
  });

  it("applies a socket client's edit and shows it in REST", async () => {
    const { s, admin, client, leadId } = await setup();
    const { changes } = await client.catchup(0);
    const rec = changes[0]!;
    if (rec.kind !== 'record') throw new Error('expected a record');
    const doc = replica(rec.docName, rec.update);
    const update = applyFieldChanges(leadRecord, doc, { company: 'Analytical Engines' }, CLIENT)!;
    const ack = await client.update(rec.docName, 1, update);
    expect(ack).toMatchObject({
      type: 'ack',
      clientSeq: 1,
      serverSeq: 2,
      compensation: null,
      reasons: [],
    });
    const got = await s.api.get(`/api/v1/leads/${leadId}`, { token: admin.accessToken });
    expect(got.body).toMatchObject({ company: 'Analytical Engines', seq: 2 });

    // Re-sending the same outbox entry after a reconnect is a no-op, still acked.
    const again = await client.update(rec.docName, 1, update);
    expect(again).toMatchObject({ type: 'ack', clientSeq: 1, serverSeq: 2 });
    const list = await s.api.get('/api/v1/leads', { token: admin.accessToken });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].seq).toBe(2);
    client.close();
  });

  it('creates a lead from a client-made doc', async () => {
    const { s, admin, client } = await setup();
    const doc = new Y.Doc({ guid: 'lead:01JCLIENTMADE0000000000001' });
    const { createRecordDoc } = await import('@sdr/schema/sync');
    const made = createRecordDoc(
      leadRecord,
      '01JCLIENTMADE0000000000001',
      { firstName: 'Grace' },
      CLIENT,
    );
    Y.applyUpdate(doc, made.update);
    const ack = await client.update('lead:01JCLIENTMADE0000000000001', 5, made.update);
    expect(ack).toMatchObject({ type: 'ack', clientSeq: 5, serverSeq: 2 });
    const got = await s.api.get('/api/v1/leads/01JCLIENTMADE0000000000001', {
      token: admin.accessToken,
    });
    expect(got.body).toMatchObject({ firstName: 'Grace', ownerId: null });
    client.close();
  });

  it('compensates an invalid edit on every replica and tells the author why', async () => {
    const { s, admin, client, leadId } = await setup();
    const other = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
    await other.hello({ clientId: CLIENT + 1 });
    const name = `lead:${leadId}`;
    const page = await client.catchup(0);
    const rec = page.changes[0]!;
    if (rec.kind !== 'record') throw new Error('expected a record');
    const authorDoc = replica(name, rec.update);
    const otherDoc = replica(name, rec.update);

    const bad = applyFieldChanges(
      leadRecord,
      authorDoc,
      { email: 'not an email', title: 'CEO' },
      CLIENT,
    )!;
    expect(fieldsOf(authorDoc).get('email')).toBe('not an email');
    const ack = await client.update(name, 1, bad);
    if (ack.type !== 'ack') throw new Error(`expected an ack, got ${ack.message}`);
    expect(ack.reasons).toEqual([
      expect.objectContaining({ field: 'email', code: 'invalid_value' }),
    ]);
    expect(ack.compensation).not.toBeNull();
    Y.applyUpdate(authorDoc, ack.compensation!);
    expect(projectLead(authorDoc).values).toMatchObject({ email: 'ada@example.com', title: 'CEO' });

    const push = await other.waitFor(
      (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === ack.serverSeq,
    );
    if (push.change.kind !== 'record') throw new Error('expected a record change');
    Y.applyUpdate(otherDoc, push.change.update!);
    expect(fieldsOf(otherDoc).get('email')).toBe('ada@example.com');
    expect(projectLead(otherDoc).values.title).toBe('CEO');
    expect(Y.encodeStateVector(otherDoc)).toEqual(Y.encodeStateVector(authorDoc));
    const got = await s.api.get(`/api/v1/leads/${leadId}`, { token: admin.accessToken });
    expect(got.body).toMatchObject({ email: 'ada@example.com', title: 'CEO' });
    client.close();
    other.close();
  });

  it('asks for a doc sync when an update depends on state the server lacks', async () => {
    const { client, leadId } = await setup();
    const name = `lead:${leadId}`;
    const page = await client.catchup(0);
    const rec = page.changes[0]!;
    if (rec.kind !== 'record') throw new Error('expected a record');
    const doc = replica(name, rec.update);
    applyFieldChanges(leadRecord, doc, { title: '1' }, CLIENT); // never sent
    const second = applyFieldChanges(leadRecord, doc, { title: '2' }, CLIENT)!;
    const from = client.frames.length;
    const err = await client.update(name, 2, second);
    expect(err).toMatchObject({ type: 'error', code: 'missing_dependencies', clientSeq: 2 });
    const ask = await client.waitType('docSync', from);
    const { decodeSyncPayload, syncStep2Payload } = await import('@sdr/schema/sync');
    const step1 = decodeSyncPayload(ask.payload);
    if (!step1.ok || step1.value.kind !== 'step1') throw new Error('expected a step 1');
    client.send({
      type: 'docSync',
      docName: name,
      payload: syncStep2Payload(doc, step1.value.stateVector),
    });
    const ack = await client.update(name, 2, second);
    expect(ack.type).toBe('ack');
    const push = await client.waitFor(
      (f): f is FrameOf<'change'> =>
        f.type === 'change' && f.change.kind === 'record' && f.change.row?.['title'] === '2',
    );
    expect(push.change.seq).toBeGreaterThan(1);
    client.close();
  });

  it('answers malformed frames with error frames and keeps serving', async () => {
    const { s, admin } = await setup();
    const c = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
    c.ws.send('hello as text');
    c.ws.send(new Uint8Array([99, 1, 2]));
    c.ws.send(new Uint8Array([]));
    c.ws.send(new Uint8Array([2, 5, 0x6c]));
    c.send({ type: 'catchupRequest', afterSeq: 0, limit: 10 }); // before hello
    const bogusName = encodeFrame({ type: 'evict', docName: 'lead:x' });
    c.ws.send(bogusName);
    await c.waitUntil(() => c.frames.filter((f) => f.type === 'error').length >= 6);
    const errors = c.frames.filter((f): f is FrameOf<'error'> => f.type === 'error');
    expect(errors.map((e) => e.code)).toEqual([
      'malformed_frame',
      'malformed_frame',
      'malformed_frame',
      'malformed_frame',
      'malformed_frame',
      'malformed_frame',
    ]);
    const welcome = await c.hello();
    expect(welcome.headSeq).toBe(1);
    c.send({
      type: 'update',
      docName: 'lead:01JNOTYJS00000000000000001',
      clientSeq: 9,
      payload: new Uint8Array([1, 2, 3, 4]),
    });
    const bad = await c.waitFor(
      (f): f is FrameOf<'error'> => f.type === 'error' && f.clientSeq === 9,
    );
    expect(bad.code).toBe('malformed_update');
    expect((await c.catchup(0)).changes).toHaveLength(1);
    expect(c.closed).toBeNull();
    c.close();
  });

  it('closes with 4401 after an error frame when the token is bad', async () => {
    const c = await SyncTestClient.connect(suite.server.wsUrl, 'not-a-token');
    const closed = await c.waitClose();
    expect(closed.code).toBe(4401);
    expect(c.frames[0]).toMatchObject({ type: 'error', code: 'unauthorized' });
  });

  it('makes clients older than MIN_CLIENT_VERSION read-only', async () => {
    const s = await suite.start({ sync: { minClientVersion: '2.0.0' } });
    const admin = await signUp(s.api);
    const c = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
    const welcome = await c.hello({ clientVersion: '1.9.0' });
    expect(welcome).toMatchObject({ readOnly: true, minClientVersion: '2.0.0' });
    const doc = new Y.Doc();
    const { createRecordDoc } = await import('@sdr/schema/sync');
    const made = createRecordDoc(
      leadRecord,
      '01JREADONLY000000000000001',
      { firstName: 'X' },
      CLIENT,
    );
    doc.destroy();
    const r = await c.update('lead:01JREADONLY000000000000001', 1, made.update);
    expect(r).toMatchObject({ type: 'error', code: 'read_only', clientSeq: 1 });
    expect((await c.catchup(0)).changes).toHaveLength(0);
    c.close();
  });
});
