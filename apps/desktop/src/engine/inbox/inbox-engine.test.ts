/**
 * The engine's inbox against the REAL sync server (in-process `startServer` on PGlite with its
 * webhook processor and outbox worker) and the fake Twilio as its own process: an inbound SMS
 * posted to the signed webhook reaches the engine live (conversation, thread, queue item, OS
 * notification); a reply composed offline waits in the command outbox across an engine restart
 * and is sent once when online (and a resend of the same command after a "crash" is a no-op); a
 * claim made offline shows unconfirmed, then confirmed, and one the server refuses (another
 * member holds the item) shows refused with the reason.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ConversationDto,
  InboxCommandDto,
  NotificationDto,
  QueueItemDto,
  ThreadDto,
} from '../../shared/contract.ts';
import type { Engine } from '../engine.ts';
import { recordEvents, tempDir } from '../test/harness.ts';
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
import { startFakeTwilio, type FakeTwilioProcess } from './test/fake-twilio-process.ts';

const OUR = '+442079460000';
let leadCounter = 100;
const nextLeadNumber = () => `+442079460${String(leadCounter++).padStart(3, '0')}`;

describe('engine inbox against the real server', () => {
  let server: TestServer;
  let fake: FakeTwilioProcess;
  const engines: Engine[] = [];
  const proxies: TcpProxy[] = [];
  const track = (engine: Engine) => {
    engines.push(engine);
    return engine;
  };

  beforeAll(async () => {
    fake = await startFakeTwilio();
    const { startServer } = await import('@sdr/sync-server');
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: tempDir('sdr-server-'),
      jwtSecret: 'engine-tests-secret-0123456789abcdef',
      seedDemo: false,
      logLevel: 'silent',
      env: { AUTH_RATE_LIMIT: '10000', TWILIO_API_BASE_URL: fake.url },
    });
  }, 90_000);
  afterAll(async () => {
    for (const engine of engines) engine.close();
    for (const p of proxies) await p.close();
    await server?.close();
    await fake?.close();
  });

  /** A workspace connected to the fake Twilio, its inbox routed as asked. */
  async function workspace(label: string, routing: Record<string, unknown>) {
    const proxy = await startTcpProxy(server.url);
    proxies.push(proxy);
    const dir = tempDir();
    const engine = track(await openSyncEngine(proxy.url, dir));
    const admin = await signUp(engine, label);
    await waitOnline(engine);
    const rest = await restClient(server.url, admin.email, admin.password);
    const account = await fake.newAccount();
    const put = await rest('PUT', '/api/v1/integrations/twilio', {
      ...account,
      phoneNumbers: [OUR],
    });
    expect(put.status).toBe(200);
    const settings = await rest('PUT', '/api/v1/inbox/settings', { routing });
    expect(settings.status).toBe(200);
    return { proxy, dir, engine, admin, rest, account };
  }

  /** An inbound SMS as Twilio posts it (signed for the server's public URL). */
  async function inbound(accountSid: string, from: string, body: string) {
    const res = await fake.sendInbound({
      accountSid,
      url: `${server.url}/webhooks/twilio/messaging`,
      signUrl: `${server.env.publicBaseUrl}/webhooks/twilio/messaging`,
      from,
      to: OUR,
      body,
    });
    expect(res.status).toBe(200);
  }

  const conversations = async (engine: Engine, view = 'all') =>
    (await call<{ items: ConversationDto[] }>(engine, 'inbox:conversations', { view })).items;

  it('shows an inbound SMS live: conversation, thread, queue item and an OS notification', async () => {
    const notified: { title: string; body: string }[] = [];
    const proxy = await startTcpProxy(server.url);
    proxies.push(proxy);
    // This engine raises OS notifications through `notify`, as in Electron.
    const { openEngine } = await import('../test/harness.ts');
    const engine = track(
      await openEngine({
        dataDir: tempDir(),
        serverUrl: proxy.url,
        notify: (title, body) => notified.push({ title, body }),
        sync: { backoff: { baseMs: 40, capMs: 300 } },
      }),
    );
    const admin = await signUp(engine, 'inbound');
    await waitOnline(engine);
    const rest = await restClient(server.url, admin.email, admin.password);
    const account = await fake.newAccount();
    expect(
      (await rest('PUT', '/api/v1/integrations/twilio', { ...account, phoneNumbers: [OUR] }))
        .status,
    ).toBe(200);
    expect(
      (
        await rest('PUT', '/api/v1/inbox/settings', {
          routing: { rule: 'round_robin', sdrIds: [admin.me.user.id], preferLeadOwner: false },
        })
      ).status,
    ).toBe(200);
    const events = recordEvents(engine);

    const from = nextLeadNumber();
    await inbound(account.accountSid, from, 'Is this still available?');
    const [conv] = await waitFor(
      async () => {
        const list = await conversations(engine, 'mine');
        return list.length === 1 ? list : null;
      },
      { what: 'the conversation reaches the engine', timeoutMs: 20_000 },
    );
    expect(conv).toMatchObject({
      channel: 'sms',
      status: 'open',
      assigneeId: admin.me.user.id,
      unreadCount: 1,
      leadAddress: from,
      lastMessagePreview: 'Is this still available?',
    });
    expect(conv!.slaDueAt).toBeGreaterThan(Date.now());
    const counts = await call<{ views: { mine: { unread: number } } }>(engine, 'inbox:counts');
    expect(counts.views.mine.unread).toBe(1);
    // Search finds it by the message text; a filter on another channel does not.
    expect(
      (
        await call<{ items: ConversationDto[] }>(engine, 'inbox:conversations', {
          q: 'still avail',
        })
      ).items,
    ).toHaveLength(1);
    expect(
      (
        await call<{ items: ConversationDto[] }>(engine, 'inbox:conversations', {
          channel: 'email',
        })
      ).items,
    ).toHaveLength(0);

    const thread = await call<ThreadDto>(engine, 'inbox:thread', { conversationId: conv!.id });
    expect(thread.messages).toMatchObject([
      { direction: 'in', body: 'Is this still available?', status: 'received', local: null },
    ]);
    await waitFor(() => events.some((e) => e.event === 'inbox:changed'), { what: 'inbox:changed' });

    const queue = await waitFor(
      async () => {
        const q = await call<QueueItemDto[]>(engine, 'queue:list', { team: false });
        return q.length > 0 ? q : null;
      },
      { what: 'queue item' },
    );
    expect(queue[0]).toMatchObject({ kind: 'inbound_message', conversationId: conv!.id });
    expect(queue[0]!.explanation.length).toBeGreaterThan(0);

    // The assignment and the reply each notify me (the server decides which it writes).
    const news = () =>
      events
        .filter((e) => e.event === 'notifications:new')
        .map(
          (e) =>
            e.payload as {
              notification: NotificationDto;
              os: boolean;
              sound: boolean;
              shown: boolean;
            },
        );
    await waitFor(() => news().some((n) => n.notification.category === 'reply'), {
      what: 'reply notification',
    });
    expect(news().every((n) => n.os && n.shown)).toBe(true);
    expect(notified.length).toBe(news().length);
    expect(notified.map((n) => n.body).join(' ')).toContain('Is this still available?');
    const centre = await call<{ items: NotificationDto[]; unread: number }>(
      engine,
      'notifications:list',
      {},
    );
    expect(centre.unread).toBe(news().length);

    // Mark read: at once locally, then on the server (the fact comes back read).
    await call(engine, 'inbox:markRead', { conversationId: conv!.id });
    expect((await conversations(engine))[0]!.unreadCount).toBe(0);
    await call(engine, 'notifications:markRead', {});
    expect((await call<{ unread: number }>(engine, 'notifications:list', {})).unread).toBe(0);
    await waitFor(
      async () => (await call<InboxCommandDto[]>(engine, 'inbox:commands')).length === 0,
      {
        what: 'commands sent',
      },
    );
    const server1 = await rest<{ items: { id: string; unreadCount: number }[] }>(
      'GET',
      '/api/v1/conversations?team=true',
    );
    expect(server1.body.items.find((c) => c.id === conv!.id)?.unreadCount).toBe(0);

    // A second notification while do-not-disturb is on: in the centre, no OS notification.
    await call(engine, 'notifications:setPrefs', {
      ...(await call<Record<string, unknown>>(engine, 'notifications:getPrefs')),
      doNotDisturbUntil: Date.now() + 3_600_000,
    });
    const before = notified.length;
    await inbound(account.accountSid, from, 'Hello again?');
    await waitFor(
      async () => (await call<{ unread: number }>(engine, 'notifications:list', {})).unread === 1,
      { what: 'second notification' },
    );
    const quiet = await waitFor(
      () => news().find((n) => n.notification.body.includes('Hello again')),
      { what: 'notification event while in do-not-disturb' },
    );
    expect(quiet).toMatchObject({ os: false, shown: false });
    expect(notified.length).toBe(before);
  }, 60_000);

  it('a reply composed offline waits across a restart and is sent exactly once when online', async () => {
    const w = await workspace('reply', {
      rule: 'manual',
      preferLeadOwner: false,
    });
    const from = nextLeadNumber();
    await inbound(w.account.accountSid, from, 'Can you call me back?');
    const [conv] = await waitFor(
      async () => {
        const list = await conversations(w.engine);
        return list.length === 1 ? list : null;
      },
      { what: 'conversation', timeoutMs: 20_000 },
    );

    w.proxy.cut();
    await waitFor(async () => {
      const s = await call<{ connection: string }>(w.engine, 'sync:status');
      return s.connection !== 'online';
    });
    const sent = await call<{ messageId: string; commandId: string }>(w.engine, 'inbox:send', {
      conversationId: conv!.id,
      body: 'Sure, calling you at 3pm.',
    });
    const waiting = await call<ThreadDto>(w.engine, 'inbox:thread', { conversationId: conv!.id });
    expect(waiting.messages.at(-1)).toMatchObject({
      id: sent.messageId,
      direction: 'out',
      local: 'waiting',
    });
    await call(w.engine, 'inbox:update', { conversationId: conv!.id, priority: 'high' });
    expect((await conversations(w.engine))[0]).toMatchObject({ priority: 'high', pending: true });

    // Restart while still cut off: the commands are still there, in order.
    w.engine.close();
    const engine = track(await openSyncEngine(w.proxy.url, w.dir));
    const pending = await call<InboxCommandDto[]>(engine, 'inbox:commands');
    expect(pending.map((c) => [c.kind, c.state])).toEqual([
      ['send', 'pending'],
      ['update', 'pending'],
    ]);
    expect(
      (await call<ThreadDto>(engine, 'inbox:thread', { conversationId: conv!.id })).messages.at(-1),
    ).toMatchObject({ id: sent.messageId, local: 'waiting' });
    expect((await fake.messages()).filter((m) => m.to === from)).toHaveLength(0);

    w.proxy.heal();
    await waitFor(
      async () => (await call<InboxCommandDto[]>(engine, 'inbox:commands')).length === 0,
      {
        what: 'outbox drained',
        timeoutMs: 20_000,
      },
    );
    // The server stored the message under the engine's id; its fact replaces the local copy.
    const mine = await w.rest<{ items: { id: string; body: string }[] }>(
      'GET',
      `/api/v1/conversations/${conv!.id}/messages`,
    );
    expect(mine.body.items.filter((m) => m.id === sent.messageId)).toHaveLength(1);
    await waitFor(
      async () => {
        const t = await call<ThreadDto>(engine, 'inbox:thread', { conversationId: conv!.id });
        const m = t.messages.find((x) => x.id === sent.messageId);
        return m && m.local === null && m.status !== 'queued' ? m : null;
      },
      { what: 'the sent message as the server has it', timeoutMs: 20_000 },
    );
    expect((await conversations(engine))[0]).toMatchObject({ priority: 'high', pending: false });
    await waitFor(async () => (await fake.messages()).filter((m) => m.to === from).length === 1, {
      what: 'the fake Twilio got it',
      timeoutMs: 20_000,
    });

    // A crash between sending and forgetting the command: it is sent again at the next start, with
    // the same commandId and message id, and the server does not send it twice.
    const commandRow = {
      id: sent.commandId,
      workspace_id: w.admin.me.workspace.id,
      kind: 'send',
      payload: JSON.stringify({
        conversationId: conv!.id,
        id: sent.messageId,
        kind: 'message',
        body: 'Sure, calling you at 3pm.',
        authorId: w.admin.me.user.id,
      }),
      created_at: Date.now(),
    };
    engine.close();
    const db = new Database(path.join(w.dir, 'engine.sqlite'));
    db.prepare(
      `INSERT INTO inbox_command (id, workspace_id, kind, payload, created_at, state, attempts)
       VALUES (@id, @workspace_id, @kind, @payload, @created_at, 'pending', 0)`,
    ).run(commandRow);
    db.close();
    const again = track(await openSyncEngine(w.proxy.url, w.dir));
    await waitFor(
      async () => (await call<InboxCommandDto[]>(again, 'inbox:commands')).length === 0,
      {
        what: 'resend done',
        timeoutMs: 20_000,
      },
    );
    await new Promise((r) => setTimeout(r, 500));
    expect((await fake.messages()).filter((m) => m.to === from)).toHaveLength(1);
  }, 90_000);

  it('a claim made offline is unconfirmed until the server confirms or refuses it', async () => {
    const w = await workspace('claims', { rule: 'manual', preferLeadOwner: false });
    const sdr = await addMember(server, w.engine, 'sdr', 'claims-sdr');
    track(sdr.engine);
    await waitOnline(sdr.engine);
    await inbound(w.account.accountSid, nextLeadNumber(), 'First question');
    await inbound(w.account.accountSid, nextLeadNumber(), 'Second question');
    const items = await waitFor(
      async () => {
        const q = await call<QueueItemDto[]>(w.engine, 'queue:list', { team: false });
        return q.length === 2 ? q : null;
      },
      { what: 'two queue items', timeoutMs: 20_000 },
    );
    const [first, second] = items;

    w.proxy.cut();
    await waitFor(async () => {
      const s = await call<{ connection: string }>(w.engine, 'sync:status');
      return s.connection !== 'online';
    });
    // Offline: "Next" takes the top item, unconfirmed.
    const next = await call<{ itemId: string }>(w.engine, 'queue:next');
    expect(next.itemId).toBe(first!.id);
    await call(w.engine, 'queue:claim', { id: second!.id });
    const offline = await call<QueueItemDto[]>(w.engine, 'queue:list', { team: false });
    expect(offline.map((i) => i.claim)).toEqual(['unconfirmed', 'unconfirmed']);

    // Meanwhile the SDR (online) claims the second one on the server.
    await waitFor(
      async () =>
        (await call<QueueItemDto[]>(sdr.engine, 'queue:list', { team: false })).length === 2,
      { what: 'the SDR sees both' },
    );
    await call(sdr.engine, 'queue:claim', { id: second!.id });
    await waitFor(
      async () =>
        (await call<QueueItemDto[]>(sdr.engine, 'queue:list', { team: false })).find(
          (i) => i.id === second!.id,
        )?.claim === 'mine',
      { what: "the SDR's claim confirmed" },
    );

    w.proxy.heal();
    const settled = await waitFor(
      async () => {
        const q = await call<QueueItemDto[]>(w.engine, 'queue:list', { team: false });
        const a = q.find((i) => i.id === first!.id);
        const b = q.find((i) => i.id === second!.id);
        return a?.claim === 'mine' && b?.claim === 'refused' ? { a, b } : null;
      },
      { what: 'confirmed and refused', timeoutMs: 20_000 },
    );
    expect(settled.b.claimError).toBeTruthy();
    const commands = await call<InboxCommandDto[]>(w.engine, 'inbox:commands');
    expect(commands).toMatchObject([{ kind: 'claim', state: 'failed', target: second!.id }]);
    await call(w.engine, 'inbox:dismissCommand', { id: commands[0]!.id });
    // Dismissed: the item is the SDR's now, so it leaves my queue.
    const after = await call<QueueItemDto[]>(w.engine, 'queue:list', { team: false });
    expect(after.map((i) => i.id)).toEqual([first!.id]);
    // The manager's team view still has it, claimed by the SDR.
    const team = await call<QueueItemDto[]>(w.engine, 'queue:list', { team: true });
    expect(team.find((i) => i.id === second!.id)).toMatchObject({ claim: 'other' });
  }, 90_000);
});
