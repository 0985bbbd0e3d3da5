/**
 * Presence between engines against the REAL sync server: two engines viewing the same
 * conversation see each other (name, typing), leaving clears it, and an engine cut off the
 * network shows nobody without raising errors (and sees the other viewer again once back).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/contract.ts';
import type { Engine } from '../engine.ts';
import { startTestServer } from '../test/harness.ts';
import {
  addMember,
  call,
  openSyncEngine,
  restClient,
  signUp,
  waitOnline,
  type TestServer,
} from '../sync/test/sync-harness.ts';
import { startTcpProxy, type TcpProxy } from '../sync/test/tcp-proxy.ts';
import { waitFor } from '../sync/test/wait.ts';

type Seen = EventPayload<'inbox:presence'>;

function presenceOf(engine: Engine) {
  const seen: Seen[] = [];
  const errors: unknown[] = [];
  engine.subscribe((event, payload) => {
    if (event === 'inbox:presence') seen.push(payload as Seen);
    if (event === 'inbox:commandFailed') errors.push(payload);
  });
  return {
    seen,
    errors,
    last: (conversationId: string) =>
      seen.filter((s) => s.conversationId === conversationId).at(-1),
  };
}

describe('presence: who else is viewing a conversation', () => {
  let server: TestServer;
  const engines: Engine[] = [];
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  }, 90_000);
  afterAll(async () => {
    for (const e of engines) e.close();
    for (const p of proxies) await p.close();
    await server?.close();
  });

  it('shows two engines viewing one conversation to each other, typing included', async () => {
    const proxy = await startTcpProxy(server.url);
    proxies.push(proxy);
    const admin = await openSyncEngine(proxy.url);
    engines.push(admin);
    const ada = await signUp(admin, 'ada');
    await waitOnline(admin);
    const grace = await addMember(server, admin, 'manager', 'grace');
    engines.push(grace.engine);
    await waitOnline(grace.engine);
    const rest = await restClient(server.url, ada.email, ada.password);
    const lead = await rest<{ id: string }>('POST', '/api/v1/leads', {
      firstName: 'Lin',
      phone: '+442079460123',
    });
    expect(lead.status).toBe(201);
    const conv = await rest<{ id: string }>('POST', `/api/v1/leads/${lead.body.id}/conversations`, {
      channel: 'sms',
    });
    expect(conv.status).toBeLessThan(300);
    const id = conv.body.id;

    const a = presenceOf(admin);
    const g = presenceOf(grace.engine);
    await call(admin, 'inbox:view', { conversationId: id });
    await call(grace.engine, 'inbox:view', { conversationId: id });
    await waitFor(() => a.last(id)?.viewers[0]?.userId === grace.me.user.id, {
      what: 'admin sees Grace',
    });
    await waitFor(() => g.last(id)?.viewers[0]?.userId === ada.me.user.id, {
      what: 'Grace sees the admin',
    });
    expect(a.last(id)!.viewers).toEqual([
      { userId: grace.me.user.id, name: grace.me.user.name, typing: false },
    ]);

    // Composing shows as typing; stopping clears it.
    await call(grace.engine, 'inbox:view', { conversationId: id, typing: true });
    await waitFor(() => a.last(id)?.viewers[0]?.typing === true, { what: 'typing' });
    await call(grace.engine, 'inbox:view', { conversationId: id, typing: false });
    await waitFor(() => a.last(id)?.viewers[0]?.typing === false, { what: 'not typing' });

    // Offline: nobody is shown, nothing fails; back online, Grace shows again.
    proxy.cut();
    await waitFor(() => a.last(id)?.viewers.length === 0, { what: 'nobody while offline' });
    await waitFor(() => g.last(id)?.viewers.length === 0, { what: 'the admin left for Grace' });
    proxy.heal();
    await waitFor(() => a.last(id)?.viewers[0]?.userId === grace.me.user.id, {
      what: 'Grace again after reconnecting',
      timeoutMs: 20_000,
    });

    // Grace closes the conversation: the admin sees nobody; a fresh view shows the admin alone.
    await call(grace.engine, 'inbox:view', { conversationId: null });
    await waitFor(() => a.last(id)?.viewers.length === 0, { what: 'Grace left' });
    expect(a.errors).toEqual([]);
    expect(g.errors).toEqual([]);
  });
});
