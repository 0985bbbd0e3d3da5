/**
 * Presence rooms on `/yjs`: `conversation:<id>` carries awareness only ("who else is viewing this
 * conversation"), admitted with the conversation's visibility. Stock `WebsocketProvider` clients
 * as the engine uses them; raw sockets where the close code is what is tested.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { addMember, signUp, testDatabaseKinds } from '../test/harness.ts';
import { inboxDepsFor, newPhone, sms } from '../inbox/test/inbox-kit.ts';
import { CLOSE_CODES } from './close-codes.ts';
import { useSyncSuite } from './test/sync-harness.ts';

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
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

/** Opens a raw socket; resolves with its close code (null if it is still open after `ms`). */
function closeCode(url: string, ms = 1500): Promise<{ code: number | null; ws: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => resolve({ code: null, ws }), ms);
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, ws });
    });
    ws.on('error', () => undefined);
  });
}

describe.each(testDatabaseKinds())('/yjs presence rooms for conversations (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('shows who else is viewing, stores no content, and follows the conversation’s visibility', async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const asAdmin = { token: admin.accessToken };
    const ana = await addMember(s, admin.accessToken, 'sdr');
    const ben = await addMember(s, admin.accessToken, 'sdr');
    const cat = await addMember(s, admin.accessToken, 'sdr');
    for (const [member, team] of [
      [ana, 'East'],
      [ben, 'East'],
      [cat, 'West'],
    ] as const) {
      expect(
        (await s.api.patch(`/api/v1/members/${member.userId}`, { team }, asAdmin)).status,
      ).toBe(200);
    }
    expect(
      (
        await s.api.request(
          'PUT',
          '/api/v1/workspace/settings',
          { leadVisibility: 'team' },
          asAdmin,
        )
      ).status,
    ).toBe(200);
    const inbound = await sms(inboxDepsFor(s), admin.workspaceId, newPhone(), 'Hi there');
    const id = inbound.conversationId!;
    const assign = await s.api.post(
      `/api/v1/conversations/${id}/assign`,
      { assigneeId: ana.userId },
      asAdmin,
    );
    expect(assign.status).toBe(200);
    const room = `conversation:${id}`;

    const a = provider(s.wsUrl, room, ana.accessToken);
    const b = provider(s.wsUrl, room, ben.accessToken);
    try {
      await until(() => a.p.synced && b.p.synced);
      // Each sees the other's awareness state.
      a.p.awareness.setLocalState({ user: { id: ana.userId, name: 'Ana' }, viewing: id });
      b.p.awareness.setLocalState({
        user: { id: ben.userId, name: 'Ben' },
        viewing: id,
        typing: true,
      });
      await until(() => b.p.awareness.getStates().get(a.doc.clientID)?.['user']?.name === 'Ana');
      await until(() => a.p.awareness.getStates().get(b.doc.clientID)?.['typing'] === true);

      // A state claiming to be someone else is dropped by the server.
      const seenByAna: unknown[] = [];
      a.p.awareness.on('change', () => {
        seenByAna.push(a.p.awareness.getStates().get(b.doc.clientID)?.['user']?.id);
      });
      b.p.awareness.setLocalState({ user: { id: ana.userId, name: 'Ana' }, viewing: id });
      b.p.awareness.setLocalState({ user: { id: ben.userId, name: 'Ben' }, viewing: id });
      await until(() => a.p.awareness.getStates().get(b.doc.clientID)?.['typing'] === undefined);
      expect(seenByAna).not.toContain(ana.userId);

      // Document content is neither stored nor relayed: a later joiner gets an empty doc.
      b.doc.getMap('x').set('secret', 'should not travel');
      const m = provider(s.wsUrl, room, admin.accessToken);
      try {
        await until(() => m.p.synced);
        await until(() => m.p.awareness.getStates().size >= 3);
        await new Promise((r) => setTimeout(r, 200));
        expect(m.doc.getMap('x').size).toBe(0);
        expect(a.doc.getMap('x').size).toBe(0);
      } finally {
        m.p.destroy();
      }

      // Leaving removes the viewer.
      a.p.destroy();
      await until(() => !b.p.awareness.getStates().has(a.doc.clientID));

      // An SDR of another team, an unknown conversation, another workspace: forbidden.
      const yjs = (name: string, token: string) =>
        `${s.wsUrl}/yjs/${encodeURIComponent(name)}?token=${encodeURIComponent(token)}`;
      expect((await closeCode(yjs(room, cat.accessToken))).code).toBe(CLOSE_CODES.forbidden);
      expect((await closeCode(yjs('conversation:nope', admin.accessToken))).code).toBe(
        CLOSE_CODES.forbidden,
      );
      const other = await signUp(s.api);
      expect((await closeCode(yjs(room, other.accessToken))).code).toBe(CLOSE_CODES.forbidden);
      expect((await closeCode(yjs(room, 'not-a-token'))).code).toBe(CLOSE_CODES.unauthorized);

      // Ben is in; reassigning the conversation to the other team ends his view of it.
      const open = await closeCode(yjs(room, ben.accessToken), 300);
      expect(open.code).toBeNull();
      const closed = new Promise<number>((r) => open.ws.on('close', (code) => r(code)));
      const moved = await s.api.post(
        `/api/v1/conversations/${id}/assign`,
        { assigneeId: cat.userId },
        asAdmin,
      );
      expect(moved.status).toBe(200);
      expect(await closed).toBe(CLOSE_CODES.forbidden);
    } finally {
      a.p.destroy();
      b.p.destroy();
    }
  });
});
