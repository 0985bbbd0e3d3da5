/**
 * Inbox attachments end to end against the REAL sync server (in-process `startServer` on PGlite
 * with its outbox worker) and the fake Twilio process: a reply with a file composed OFFLINE waits
 * in the command outbox (the thread shows the file as `local:`), and once online the engine
 * uploads the file to the server's file store, then posts the message with the server file id;
 * the server sends the MMS once, with a signed media URL that serves the same bytes; the message's
 * fact carries the server file id and `inbox:attachment` downloads it back into the engine's file
 * store intact. A file the server does not have (an `imap:` reference) is refused clearly.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ConversationDto,
  InboxCommandDto,
  StoredFileDto,
  ThreadDto,
} from '../../shared/contract.ts';
import type { Engine } from '../engine.ts';
import { tempDir } from '../test/harness.ts';
import {
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
const LEAD = '+442079460777';

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

describe('engine inbox attachments against the real server', () => {
  let server: TestServer;
  let fake: FakeTwilioProcess;
  const engines: Engine[] = [];
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    fake = await startFakeTwilio();
    const { startServer } = await import('@sdr/sync-server');
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: tempDir('sdr-server-'),
      jwtSecret: 'engine-attachments-secret-0123456789abcdef',
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

  it('an offline reply with a file is uploaded and sent once online, with the file', async () => {
    const proxy = await startTcpProxy(server.url);
    proxies.push(proxy);
    const engine = await openSyncEngine(proxy.url, tempDir());
    engines.push(engine);
    const admin = await signUp(engine, 'attach');
    await waitOnline(engine);
    const rest = await restClient(server.url, admin.email, admin.password);
    const account = await fake.newAccount();
    expect(
      (await rest('PUT', '/api/v1/integrations/twilio', { ...account, phoneNumbers: [OUR] }))
        .status,
    ).toBe(200);
    expect(
      (await rest('PUT', '/api/v1/inbox/settings', { routing: { rule: 'manual' } })).status,
    ).toBe(200);
    const inbound = await fake.sendInbound({
      accountSid: account.accountSid,
      url: `${server.url}/webhooks/twilio/messaging`,
      signUrl: `${server.env.publicBaseUrl}/webhooks/twilio/messaging`,
      from: LEAD,
      to: OUR,
      body: 'Can you send me a picture?',
    });
    expect(inbound.status).toBe(200);
    const [conv] = await waitFor(
      async () => {
        const list = (
          await call<{ items: ConversationDto[] }>(engine, 'inbox:conversations', { view: 'all' })
        ).items;
        return list.length === 1 ? list : null;
      },
      { what: 'the conversation', timeoutMs: 20_000 },
    );

    // Offline: stage a file (as the web shell's POST /files does) and reply with it.
    proxy.cut();
    await waitFor(async () => {
      const s = await call<{ connection: string }>(engine, 'sync:status');
      return s.connection !== 'online';
    });
    const picture = Buffer.alloc(150_000);
    for (let i = 0; i < picture.length; i++) picture[i] = (i * 7 + 3) % 251;
    const staged = await engine.files.stageFromStream(Readable.from([picture]), 'house.png');
    const sent = await call<{ messageId: string }>(engine, 'inbox:send', {
      conversationId: conv!.id,
      body: 'Here it is',
      attachments: [{ localFileId: staged.id, contentType: 'image/png' }],
    });
    const waiting = await call<ThreadDto>(engine, 'inbox:thread', { conversationId: conv!.id });
    expect(waiting.messages.at(-1)).toMatchObject({
      id: sent.messageId,
      local: 'waiting',
      attachments: [
        {
          fileId: `local:${staged.id}`,
          name: 'house.png',
          size: 150_000,
          contentType: 'image/png',
        },
      ],
    });
    // The local copy is downloadable while waiting (the web shell serves it).
    expect(
      await call<StoredFileDto>(engine, 'inbox:attachment', { fileId: `local:${staged.id}` }),
    ).toMatchObject({ id: staged.id, url: `/files/${staged.id}` });
    expect((await fake.messages()).filter((m) => m.to === LEAD)).toHaveLength(0);

    // Online: upload, then the message; the server sends one MMS with a signed media URL.
    proxy.heal();
    await waitFor(
      async () => (await call<InboxCommandDto[]>(engine, 'inbox:commands')).length === 0,
      { what: 'outbox drained', timeoutMs: 20_000 },
    );
    const onServer = await rest<{
      items: { id: string; attachments: { fileId: string; name: string; size: number }[] }[];
    }>('GET', `/api/v1/conversations/${conv!.id}/messages`);
    const stored = onServer.body.items.find((m) => m.id === sent.messageId)!;
    expect(stored.attachments).toHaveLength(1);
    const fileId = stored.attachments[0]!.fileId;
    expect(stored.attachments[0]).toMatchObject({ name: 'house.png', size: 150_000 });
    expect(fileId).not.toContain(':');

    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const download = await fetch(`${server.url}/api/v1/files/${fileId}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(picture)).toBe(true);

    const mms = await waitFor(
      async () => {
        const list = (await fake.messages()).filter((m) => m.to === LEAD);
        return list.length === 1 ? list[0] : null;
      },
      { what: 'the fake Twilio got the MMS', timeoutMs: 20_000 },
    );
    expect(mms.body).toBe('Here it is');
    expect(mms.mediaUrls).toHaveLength(1);
    expect(mms.mediaUrls[0]).toContain(`/media/${fileId}?exp=`);
    const media = await fetch(mms.mediaUrls[0]!);
    expect(media.status).toBe(200);
    expect(Buffer.from(await media.arrayBuffer()).equals(picture)).toBe(true);

    // The fact comes back with the server's file id; the engine downloads it on demand.
    const synced = await waitFor(
      async () => {
        const t = await call<ThreadDto>(engine, 'inbox:thread', { conversationId: conv!.id });
        const m = t.messages.find((x) => x.id === sent.messageId);
        return m && m.local === null ? m : null;
      },
      { what: 'the message fact', timeoutMs: 20_000 },
    );
    expect(synced.attachments).toEqual([
      { fileId, name: 'house.png', size: 150_000, contentType: 'image/png' },
    ]);
    const local = await call<StoredFileDto>(engine, 'inbox:attachment', { fileId });
    expect(local).toMatchObject({ name: 'house.png', size: 150_000, url: `/files/${local.id}` });
    expect((await bytesOf(engine.files.open(local.id))).equals(picture)).toBe(true);
    // Asked again: the cached copy.
    expect((await call<StoredFileDto>(engine, 'inbox:attachment', { fileId })).id).toBe(local.id);
    // Not stored by the server: refused with a reason.
    const refused = await engine.dispatch('inbox:attachment', { fileId: 'imap:mb:1:2:3' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
  }, 90_000);
});
