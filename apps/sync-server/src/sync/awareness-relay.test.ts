/**
 * `/yjs` awareness across two server instances on one Postgres (real NOTIFY, real sockets on
 * loopback, stock `WebsocketProvider` clients): users on different instances see each other's
 * presence and its removal, a late joiner gets the states at once, rooms stay per workspace, and
 * the clients of a dead instance time out. Plus the relay's message framing.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { addMember, signUp } from '../test/harness.ts';
import { inboxDepsFor, newPhone, sms } from '../inbox/test/inbox-kit.ts';
import { encodeRelayParts, RelayAssembler, type AwarenessRelayMessage } from './awareness-relay.ts';
import { useSyncSuite } from './test/sync-harness.ts';

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const providers: WebsocketProvider[] = [];

function join(wsUrl: string, docName: string, token: string, name: string) {
  const doc = new Y.Doc();
  const p = new WebsocketProvider(`${wsUrl}/yjs`, docName, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  providers.push(p);
  const id = doc.clientID;
  const names = () =>
    [...p.awareness.getStates().values()].map((s) => (s['user'] as { name?: string })?.name);
  return {
    p,
    id,
    name,
    names,
    sees: (other: { id: number }) => p.awareness.getStates().has(other.id),
  };
}

describe('awareness relay framing', () => {
  const msg = (update: Uint8Array): AwarenessRelayMessage => ({
    type: 'update',
    workspaceId: 'ws1',
    docName: 'conversation:ünï',
    update,
  });

  it('fits NOTIFY payloads, splits large updates into parts and ignores its own messages', () => {
    const big = new Uint8Array(30_000).map((_, i) => i % 251);
    const parts = encodeRelayParts('a', 7, msg(big));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThan(8000);
    const b = new RelayAssembler('b');
    // Parts may arrive in any order; nothing comes out before the last one.
    const shuffled = [...parts].reverse();
    for (const p of shuffled.slice(0, -1)) expect(b.add(p)).toBeNull();
    expect(b.add(shuffled.at(-1)!)).toEqual(msg(big));
    expect(b.add(encodeRelayParts('a', 8, msg(new Uint8Array([1, 2])))[0]!)).toEqual(
      msg(new Uint8Array([1, 2])),
    );
    expect(new RelayAssembler('a').add(parts[0]!)).toBe('own');
    expect(b.add('garbage')).toBeNull();
    expect(b.add('a 1 0 1 !!notbase64json')).toBeNull();
  });
});

describe.runIf(!!process.env.TEST_DATABASE_URL)('/yjs awareness across instances', () => {
  const suite = useSyncSuite('postgres');

  it('shows users on two instances each other, a late joiner, removal, and per-workspace rooms', async () => {
    const s1 = suite.server;
    const s2 = await suite.start();
    const admin = await signUp(s1.api);
    const ana = await addMember(s1, admin.accessToken, 'sdr');
    try {
      const lead = await s1.api.post(
        '/api/v1/leads',
        { firstName: 'Ada' },
        { token: admin.accessToken },
      );
      const room = `lead:${lead.body.id as string}`;
      const a = join(s1.wsUrl, room, admin.accessToken, 'A');
      const b = join(s2.wsUrl, room, ana.accessToken, 'B');
      await until(() => a.p.synced && b.p.synced);
      a.p.awareness.setLocalState({ user: { id: admin.userId, name: 'A' }, cursor: 1 });
      b.p.awareness.setLocalState({ user: { id: ana.userId, name: 'B' }, cursor: 2 });
      await until(() => a.sees(b) && b.sees(a));
      // Changes travel too, not only the first state.
      a.p.awareness.setLocalStateField('cursor', 42);
      await until(() => b.p.awareness.getStates().get(a.id)?.['cursor'] === 42);

      // A late joiner on instance 1 sees B at once (asked on join, no waiting for a renewal).
      const c = join(s1.wsUrl, room, admin.accessToken, 'C');
      await until(() => c.sees(a) && c.sees(b), 3000);
      c.p.awareness.setLocalState({ user: { id: admin.userId, name: 'C' } });
      await until(() => b.sees(c));

      // A leaves: gone on the other instance well before any timeout.
      a.p.destroy();
      await until(() => !b.sees(a) && !c.sees(a), 3000);
      expect(b.sees(c)).toBe(true);

      // Conversation presence rooms relay the same way.
      const inbound = await sms(inboxDepsFor(s1), admin.workspaceId, newPhone(), 'Hi');
      const conv = `conversation:${inbound.conversationId!}`;
      const x = join(s1.wsUrl, conv, admin.accessToken, 'X');
      const y = join(s2.wsUrl, conv, ana.accessToken, 'Y');
      x.p.awareness.setLocalState({ user: { id: admin.userId, name: 'X' } });
      y.p.awareness.setLocalState({ user: { id: ana.userId, name: 'Y' } });
      await until(() => x.sees(y) && y.sees(x));

      // Another workspace with a room of the same name (a doc nobody stored yet): kept apart.
      const other = await signUp(s1.api);
      const fresh = `lead:01ZZZZZZZZZZZZZZZZZZZZZZZZ`;
      const p1 = join(s1.wsUrl, fresh, admin.accessToken, 'P1');
      const p2 = join(s2.wsUrl, fresh, ana.accessToken, 'P2');
      const q2 = join(s2.wsUrl, fresh, other.accessToken, 'Q2');
      const q1 = join(s1.wsUrl, fresh, other.accessToken, 'Q1');
      await until(() => [p1, p2, q1, q2].every((j) => j.p.synced));
      for (const j of [p1, p2, q1, q2]) j.p.awareness.setLocalState({ user: { name: j.name } });
      await until(() => p1.sees(p2) && p2.sees(p1) && q1.sees(q2) && q2.sees(q1));
      await new Promise((r) => setTimeout(r, 300));
      expect(p1.names().sort()).toEqual(['P1', 'P2']);
      expect(p2.names().sort()).toEqual(['P1', 'P2']);
      expect(q1.names().sort()).toEqual(['Q1', 'Q2']);
      expect(q2.names().sort()).toEqual(['Q1', 'Q2']);
    } finally {
      for (const p of providers.splice(0)) p.destroy();
    }
  });

  it('times out the clients of an instance that died without a goodbye', async () => {
    const s1 = suite.server;
    const s2 = await suite.start();
    const admin = await signUp(s1.api);
    try {
      const room = `lead:${(await s1.api.post('/api/v1/leads', { firstName: 'Ada' }, { token: admin.accessToken })).body.id as string}`;
      const a = join(s1.wsUrl, room, admin.accessToken, 'A');
      const b = join(s2.wsUrl, room, admin.accessToken, 'B');
      a.p.awareness.setLocalState({ user: { name: 'A' } });
      b.p.awareness.setLocalState({ user: { name: 'B' } });
      await until(() => a.sees(b) && b.sees(a));
      // Instance 1 dies: its relay goes silent first, so no removal leaves it.
      await s1.sync.bus.awareness!.close();
      await s1.close();
      a.p.destroy();
      // B's own view of A times out the same way; the server's relayed copy has to go as well,
      // or a new joiner on instance 2 would be shown a ghost.
      await new Promise((r) => setTimeout(r, 3000));
      expect(b.sees(a)).toBe(true);
      await until(() => !b.sees(a), 40_000);
      // (A ghost held by the server would reach it on join and stay for its own 30 s.)
      const late = join(s2.wsUrl, room, admin.accessToken, 'L');
      await until(() => late.p.synced && late.sees(b));
      await until(() => !late.sees(a), 5000);
    } finally {
      for (const p of providers.splice(0)) p.destroy();
    }
  }, 60_000);
});
