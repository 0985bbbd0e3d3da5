/**
 * The file store over real HTTP (PGlite, and Postgres with TEST_DATABASE_URL): upload/download
 * round trip of arbitrary bytes with a UTF-8 name and the download headers; tenancy (another
 * workspace's file is a 404, no token a 401); the 20 MB limit (413, nothing stored, both by
 * Content-Length and by a chunked body without one); signed media URLs (valid, expired, forged,
 * for another file); createOutbound only takes files of the workspace and copies their metadata;
 * TwilioSender hands Twilio (the fake) signed media URLs that serve the bytes.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { conversation, storedFile } from '@sdr/schema/pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwilioSender } from '../channels/twilio/twilio-sender.ts';
import { createSecretBox } from '../crypto/secret-box.ts';
import { ApiError } from '../errors.ts';
import { createOutbound } from '../inbox/inbox.service.ts';
import { inboxDepsFor, newPhone, sms } from '../inbox/test/inbox-kit.ts';
import { saveTwilioIntegration } from '../integrations/integrations.service.ts';
import { createLogger } from '../logger.ts';
import { useSyncSuite } from '../sync/test/sync-harness.ts';
import { startFakeTwilio, type FakeTwilio } from '../test/fake-twilio/fake-twilio.ts';
import { newAccountCredentials } from '../test/fake-twilio/messages.ts';
import { signUp, testDatabaseKinds } from '../test/harness.ts';
import { FILE_LIMIT_BYTES } from './files.service.ts';
import { signedMediaUrl } from './media-url.ts';

const logger = createLogger('silent');

function allBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) % 256;
  return b;
}

async function upload(
  url: string,
  token: string | undefined,
  body: Uint8Array | string | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/api/v1/files`, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body as never,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.each(testDatabaseKinds())('file store (%s)', (kind) => {
  const t = useSyncSuite(kind);

  it('round trip: raw upload with a UTF-8 name, download as an attachment with nosniff', async () => {
    const s = t.server;
    const u = await signUp(s.api);
    const bytes = allBytes(300_000); // over the app's 64 KB JSON limit
    const up = await upload(s.url, u.accessToken, bytes, {
      'content-type': 'application/pdf',
      'x-file-name': encodeURIComponent('Angebot März "final".pdf'),
    });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      name: 'Angebot März final.pdf',
      contentType: 'application/pdf',
      size: 300_000,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    const res = await fetch(`${s.url}/api/v1/files/${String(up.body['id'])}`, {
      headers: { authorization: `Bearer ${u.accessToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Angebot M_rz final.pdf"; filename*=UTF-8''${encodeURIComponent('Angebot März final.pdf')}`,
    );
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);

    // HTML is stored as given but never rendered: attachment + nosniff + sandbox CSP.
    const html = await upload(s.url, u.accessToken, '<script>alert(1)</script>', {
      'content-type': 'text/html',
    });
    expect(html.body['name']).toBe('file');
    const h = await fetch(`${s.url}/api/v1/files/${String(html.body['id'])}`, {
      headers: { authorization: `Bearer ${u.accessToken}` },
    });
    expect(h.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(h.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('tenancy: another workspace gets 404, no token 401', async () => {
    const s = t.server;
    const a = await signUp(s.api);
    const b = await signUp(s.api);
    const up = await upload(s.url, a.accessToken, 'secret', { 'content-type': 'text/plain' });
    expect(up.status).toBe(201);
    const id = String(up.body['id']);
    const other = await fetch(`${s.url}/api/v1/files/${id}`, {
      headers: { authorization: `Bearer ${b.accessToken}` },
    });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await fetch(`${s.url}/api/v1/files/${id}`)).status).toBe(401);
    expect((await upload(s.url, undefined, 'x')).status).toBe(401);
  });

  it('over 20 MB: 413 and nothing stored (declared length and a chunked body)', async () => {
    const s = t.server;
    const u = await signUp(s.api);
    const big = new Uint8Array(FILE_LIMIT_BYTES + 1);
    const declared = await upload(s.url, u.accessToken, big, {
      'content-type': 'application/octet-stream',
    });
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({
      error: { code: 'payload_too_large', message: 'The file is larger than 20 MB.' },
    });
    // Without Content-Length (chunked): cut off while reading.
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > FILE_LIMIT_BYTES + 1024 * 1024) return controller.close();
        sent += 1024 * 1024;
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    const chunked = await upload(s.url, u.accessToken, stream, {
      'content-type': 'application/octet-stream',
    }).catch(() => ({ status: 413, body: {} })); // the server may close before reading it all
    expect(chunked.status).toBe(413);
    expect(await s.db.select({ id: storedFile.id }).from(storedFile)).toEqual([]);
  });

  it('signed media URL: valid serves the bytes; expired, forged and other-file URLs are 403', async () => {
    const s = t.server;
    const u = await signUp(s.api);
    const up = await upload(s.url, u.accessToken, allBytes(5000), {
      'content-type': 'image/png',
      'x-file-name': 'pic.png',
    });
    const id = String(up.body['id']);
    const secret = s.env.jwtSecret;
    const good = signedMediaUrl(s.url, secret, id, Date.now() + 60_000);
    const ok = await fetch(good);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await ok.arrayBuffer()).equals(Buffer.from(allBytes(5000)))).toBe(true);

    const expired = await fetch(signedMediaUrl(s.url, secret, id, Date.now() - 1000));
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { error: { message: string } }).error.message).toMatch(
      /expired/,
    );
    const u2 = new URL(good);
    u2.searchParams.set('exp', String(Number(u2.searchParams.get('exp')) + 3600));
    expect((await fetch(u2)).status).toBe(403); // exp changed, sig kept
    const forged = signedMediaUrl(
      s.url,
      'another-secret-0123456789-0123456789',
      id,
      Date.now() + 60_000,
    );
    expect((await fetch(forged)).status).toBe(403);
    expect((await fetch(`${s.url}/media/${id}`)).status).toBe(403);
    // A valid signature for one file does not open another.
    const up2 = await upload(s.url, u.accessToken, 'two', { 'content-type': 'text/plain' });
    const swapped = good.replace(`/media/${id}`, `/media/${String(up2.body['id'])}`);
    expect((await fetch(swapped)).status).toBe(403);
  });

  it('createOutbound takes only files of the workspace and uses their stored metadata', async () => {
    const s = t.server;
    const d = inboxDepsFor(s);
    const u = await signUp(s.api);
    const other = await signUp(s.api);
    const conv = await sms(d, u.workspaceId, newPhone(), 'Send me the brochure');
    const mine = await upload(s.url, u.accessToken, allBytes(1000), {
      'content-type': 'image/jpeg',
      'x-file-name': 'brochure.jpg',
    });
    const theirs = await upload(s.url, other.accessToken, 'x', { 'content-type': 'text/plain' });
    const send = (id: string, fileId: string) =>
      createOutbound(d, {
        workspaceId: u.workspaceId,
        userId: u.userId,
        conversationId: conv.conversationId!,
        id,
        kind: 'message',
        body: 'Here it is',
        attachments: [{ fileId, name: 'renamed.exe', size: 1, contentType: 'application/x-evil' }],
      });
    for (const fileId of [
      '01NOSUCHFILE0000000000000',
      String(theirs.body['id']),
      'imap:mb:1:2:3',
    ]) {
      const err = await send(`01MSG${fileId.slice(0, 6)}`, fileId).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ code: 'invalid_input', status: 400 });
    }
    expect(d.sent).toHaveLength(0);
    const ok = await send('01MSGOK', String(mine.body['id']));
    expect(ok.message.attachments).toEqual([
      { fileId: mine.body['id'], name: 'brochure.jpg', size: 1000, contentType: 'image/jpeg' },
    ]);
    expect(d.sent).toHaveLength(1);
  });

  describe('Twilio media', () => {
    let fake: FakeTwilio;
    beforeAll(async () => {
      fake = await startFakeTwilio({ callbacks: { stepMs: 1 } });
    });
    afterAll(async () => {
      await fake.close();
    });

    it('TwilioSender passes signed MediaUrls that serve the stored bytes', async () => {
      const s = t.server;
      const d = inboxDepsFor(s);
      const box = createSecretBox(Buffer.alloc(32, 5));
      const u = await signUp(s.api);
      const creds = newAccountCredentials();
      fake.addAccount(creds.accountSid, creds.authToken);
      await saveTwilioIntegration(
        s.db,
        box,
        { workspaceId: u.workspaceId, ...creds, phoneNumbers: ['+442079460000'] },
        Date.now(),
      );
      const conv = await sms(d, u.workspaceId, newPhone(), 'Photo please');
      const up = await upload(s.url, u.accessToken, allBytes(2000), {
        'content-type': 'image/png',
        'x-file-name': 'photo.png',
      });
      const { message: m } = await createOutbound(d, {
        workspaceId: u.workspaceId,
        userId: u.userId,
        conversationId: conv.conversationId!,
        id: '01MMSOUT',
        kind: 'message',
        body: 'Here',
        attachments: [
          {
            fileId: String(up.body['id']),
            name: 'photo.png',
            size: 2000,
            contentType: 'image/png',
          },
        ],
      });
      const sender = new TwilioSender({
        db: s.db,
        box,
        publicBaseUrl: s.url,
        apiBaseUrl: fake.url,
        mediaSecret: s.env.jwtSecret,
      });
      const [c] = await s.db
        .select()
        .from(conversation)
        .where(eq(conversation.id, conv.conversationId!));
      const r = await sender.send(m, c!, { workspaceId: u.workspaceId, now: Date.now(), logger });
      expect(r.providerId).toMatch(/^MM/);
      const sent = fake.messages.at(-1)!;
      expect(sent.mediaUrls).toHaveLength(1);
      expect(sent.mediaUrls[0]).toMatch(
        new RegExp(`^${s.url}/media/${String(up.body['id'])}\\?exp=\\d+&sig=`),
      );
      const media = await fetch(sent.mediaUrls[0]!);
      expect(media.status).toBe(200);
      expect(Buffer.from(await media.arrayBuffer()).equals(Buffer.from(allBytes(2000)))).toBe(true);
    });
  });
});
