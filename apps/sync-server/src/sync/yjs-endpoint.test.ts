import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { fieldsOf, projectLead, type FrameOf } from '@sdr/schema/sync';
import { addMember, signUp, testDatabaseKinds } from '../test/harness.ts';
import { SyncTestClient, docNameOf } from './test/sync-client.ts';
import { useSyncSuite } from './test/sync-harness.ts';

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function provider(wsUrl: string, docName: string, token: string) {
  const doc = new Y.Doc();
  const p = new WebsocketProvider(`${wsUrl}/yjs`, docName, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return { doc, p };
}

describe.each(testDatabaseKinds())('/yjs with the stock y-websocket provider (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('edits one record live with presence, through the same authority as REST and /sync', async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const manager = await addMember(s, admin.accessToken, 'manager');
    const created = await s.api.post(
      '/api/v1/leads',
      { firstName: 'Ada', email: 'ada@example.com' },
      { token: admin.accessToken },
    );
    const id = created.body.id as string;
    const name = `lead:${id}`;
    const a = provider(s.wsUrl, name, admin.accessToken);
    const b = provider(s.wsUrl, name, manager.accessToken);
    const sync = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
    await sync.hello();
    try {
      await until(() => a.p.synced && b.p.synced);
      expect(projectLead(a.doc).values.firstName).toBe('Ada');
      expect(projectLead(b.doc).values.email).toBe('ada@example.com');

      // An edit on /yjs reaches the other provider, REST and the multiplexed socket.
      fieldsOf(a.doc).set('company', 'Analytical Engines');
      await until(() => projectLead(b.doc).values.company === 'Analytical Engines');
      await until(
        async () =>
          (await s.api.get(`/api/v1/leads/${id}`, { token: admin.accessToken })).body.company ===
          'Analytical Engines',
      );
      const pushed = await sync.waitFor(
        (f): f is FrameOf<'change'> =>
          f.type === 'change' &&
          f.change.kind === 'record' &&
          f.change.row?.['company'] === 'Analytical Engines',
      );
      expect(docNameOf(pushed.change)).toBe(name);

      // A REST write reaches both providers.
      await s.api.patch(
        `/api/v1/leads/${id}`,
        { status: 'contacted' },
        { token: admin.accessToken },
      );
      await until(() => projectLead(a.doc).values.status === 'contacted');
      await until(() => projectLead(b.doc).values.status === 'contacted');

      // An invalid edit is compensated on every replica.
      fieldsOf(b.doc).set('email', 'not an email');
      await until(
        () =>
          fieldsOf(a.doc).get('email') === 'ada@example.com' &&
          fieldsOf(b.doc).get('email') === 'ada@example.com',
      );
      expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));

      // Presence: awareness goes both ways and leaves with the client.
      a.p.awareness.setLocalStateField('user', { name: 'Admin' });
      await until(() => b.p.awareness.getStates().get(a.doc.clientID)?.['user']?.name === 'Admin');
      a.p.destroy();
      await until(() => !b.p.awareness.getStates().has(a.doc.clientID));
    } finally {
      a.p.destroy();
      b.p.destroy();
      sync.close();
    }
  });
});
