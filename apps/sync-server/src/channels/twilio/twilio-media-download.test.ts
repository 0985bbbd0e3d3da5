/**
 * Inbound Twilio media end to end, on PGlite and (with TEST_DATABASE_URL) Postgres: the fake
 * Twilio posts a signed MMS/WhatsApp webhook whose MediaUrls it hosts (Basic auth, 307 to a CDN
 * on another origin); the webhook processor stores the message at once with metadata, the media
 * worker downloads the files into the store and swaps the attachments; the member downloads the
 * bytes through `/api/v1/files/{id}`. Also: a 503 from Twilio is retried, a wrong content type
 * or a file over the limit keeps the metadata marked unavailable (as do media still failing at the
 * last attempt), and the CDN never sees our credentials.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { message } from '@sdr/schema/pg';
import { secretBoxFor } from '../../crypto/secret-box.ts';
import { isStoredFileId } from '../../files/files.service.ts';
import type { InboxDeps } from '../../inbox/inbox.deps.ts';
import { createLogger } from '../../logger.ts';
import {
  openOutboxTestDb,
  resetOutbox,
  startTestBoss,
  waitUntil,
  type OutboxTestDb,
} from '../../outbox/test/outbox-harness.ts';
import { createSyncCore, type SyncCore } from '../../sync/sync-core.ts';
import {
  startFakeTwilio,
  type FakeTwilio,
  type SendInboundInput,
} from '../../test/fake-twilio/fake-twilio.ts';
import { newAccountCredentials } from '../../test/fake-twilio/messages.ts';
import {
  signUp,
  startTestServer,
  testDatabaseKinds,
  type SignedUp,
  type TestServer,
} from '../../test/harness.ts';
import {
  inboxWebhookHandlers,
  startWebhookProcessor,
  type WebhookProcessor,
} from '../../webhooks/webhook-processor.ts';
import {
  startTwilioMediaWorker,
  withTwilioMediaDownload,
  type TwilioMediaWorker,
} from './twilio-media-download.ts';

const logger = createLogger('silent');
const OUR = '+442079460000';
const LEAD = '+442079460958';

describe.each(testDatabaseKinds())('inbound Twilio media download (%s)', (kind) => {
  let t: OutboxTestDb;
  let boss: PgBoss;
  let fake: FakeTwilio;
  let sync: SyncCore;
  let server: TestServer;
  let admin: SignedUp;
  let processor: WebhookProcessor;
  let media: TwilioMediaWorker;
  let creds: { accountSid: string; authToken: string };

  beforeAll(async () => {
    t = await openOutboxTestDb(kind);
    boss = await startTestBoss(t);
    fake = await startFakeTwilio({ callbacks: { stepMs: 2 } });
    sync = createSyncCore({ db: t.db, logger, background: false });
  }, 60_000);
  afterAll(async () => {
    await sync?.close();
    await boss?.stop({ graceful: false, wait: true });
    await fake?.close();
    await t?.close();
  });
  beforeEach(async () => {
    await resetOutbox(t.db);
    await t.db.execute(`delete from pgboss.job where name = 'twilio-media'`);
    fake.reset();
    creds = newAccountCredentials();
    fake.addAccount(creds.accountSid, creds.authToken);
    server = await startTestServer(t.db);
    server.env.twilioApiBaseUrl = fake.url;
    admin = await signUp(server.api);
    const put = await server.api.put(
      '/api/v1/integrations/twilio',
      { ...creds, phoneNumbers: [OUR, `whatsapp:${OUR}`] },
      { token: admin.accessToken },
    );
    expect(put.status).toBe(200);
    const deps: InboxDeps = {
      db: t.db,
      sync,
      newId: () => crypto.randomUUID(),
      now: () => Date.now(),
      enqueueSend: async () => {},
      logger,
    };
    media = await startMedia({ limitBytes: 64 * 1024 });
    processor = startWebhookProcessor({
      db: t.db,
      handlers: withTwilioMediaDownload(inboxWebhookHandlers(deps), media),
      logger,
      pollMs: 100,
    });
  }, 60_000);
  afterEach(async () => {
    await processor.stop();
    await media.stop();
    await server.close();
  });

  /** The media worker against the fake, polling fast and retrying after 1 s. */
  const startMedia = (o: { limitBytes?: number; attempts?: number }) =>
    startTwilioMediaWorker({
      db: t.db,
      boss,
      box: secretBoxFor(server.env),
      sync,
      logger,
      apiBaseUrl: fake.url,
      retryDelaySeconds: 1,
      pollMs: 100,
      newId: () => crypto.randomUUID(),
      ...o,
    });
  /** A signed MMS from the lead to our number, as Twilio posts it. */
  const sendMms = (body: string, media: SendInboundInput['media']) =>
    fake.sendInbound({
      url: `${server.url}/webhooks/twilio/messaging`,
      accountSid: creds.accountSid,
      from: LEAD,
      to: OUR,
      body,
      media,
    });
  const stored = async (sid: string) => {
    const [m] = await t.db.select().from(message).where(eq(message.providerId, sid));
    return m;
  };
  const download = (id: string) =>
    fetch(`${server.url}/api/v1/files/${id}`, {
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });

  it('stores MMS and WhatsApp media and serves them to the member', async () => {
    const jpeg = randomBytes(20_000);
    const pdf = randomBytes(3_000);
    // The first media request gets a 503: retried, not lost.
    fake.failNext({ kind: 'status', status: 503 }, 1, 'media');
    const mms = await sendMms('photo and offer', [
      { contentType: 'image/jpeg', bytes: jpeg },
      { contentType: 'application/pdf', bytes: pdf },
    ]);
    expect(mms.status).toBe(200);
    // The message is there at once, with metadata.
    await waitUntil(async () => (await stored(mms.sid)) !== undefined, 20_000, 'message stored');
    await waitUntil(
      async () => (await stored(mms.sid))!.attachments.every((a) => isStoredFileId(a.fileId)),
      30_000,
      'media stored',
    );
    const m = (await stored(mms.sid))!;
    expect(m.attachments.map((a) => [a.contentType, a.size])).toEqual([
      ['image/jpeg', 20_000],
      ['application/pdf', 3_000],
    ]);
    for (const [i, bytes] of [jpeg, pdf].entries()) {
      const res = await download(m.attachments[i]!.fileId);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
    expect(media.stats.retried).toBeGreaterThanOrEqual(1);
    // Credentials at Twilio's API only, never at the CDN.
    const api = fake.mediaRequests.filter((r) => r.at === 'api');
    const cdn = fake.mediaRequests.filter((r) => r.at === 'cdn');
    expect(api.every((r) => r.authorization)).toBe(true);
    expect(api.map((r) => r.status)).toContain(307);
    expect(cdn).toHaveLength(2);
    expect(cdn.every((r) => !r.authorization && r.status === 200)).toBe(true);

    const wa = await fake.sendInbound({
      url: `${server.url}/webhooks/twilio/messaging`,
      accountSid: creds.accountSid,
      from: `whatsapp:${LEAD}`,
      to: `whatsapp:${OUR}`,
      body: '',
      media: [{ contentType: 'image/png', bytes: jpeg.subarray(0, 500) }],
    });
    await waitUntil(
      async () => isStoredFileId((await stored(wa.sid))?.attachments[0]?.fileId ?? ':'),
      30_000,
      'WhatsApp media stored',
    );
  }, 90_000);

  it('keeps metadata for a wrong content type or a file over the limit; needs credentials', async () => {
    // The stats add up over the file's tests: wait for this message's three downloads.
    const before = media.stats.stored + media.stats.permanent;
    const res = await sendMms('bad media', [
      // Announced as an image, served as HTML.
      { contentType: 'image/jpeg', bytes: Buffer.from('<html></html>'), servedType: 'text/html' },
      { contentType: 'video/mp4', bytes: randomBytes(64 * 1024 + 1) },
      { contentType: 'image/gif', bytes: randomBytes(100) },
    ]);
    expect(res.status).toBe(200);
    await waitUntil(async () => (await stored(res.sid)) !== undefined, 20_000, 'message stored');
    await waitUntil(
      async () => media.stats.stored + media.stats.permanent >= before + 3,
      30_000,
      'downloads finished',
    );
    // Counted before the message is written: wait for the stored one to be attached too.
    await waitUntil(
      async () => isStoredFileId((await stored(res.sid))?.attachments[2]?.fileId ?? ':'),
      30_000,
      'GIF attached',
    );
    const m = (await stored(res.sid))!;
    expect(m.attachments.map((a) => isStoredFileId(a.fileId))).toEqual([false, false, true]);
    expect(m.attachments[1]!.fileId.startsWith('twilio:')).toBe(true);
    // Given up on at once, with why (the thread shows it instead of "fetching").
    expect(m.attachments[0]!.unavailable).toMatch(/media is text\/html, expected image\/jpeg/);
    expect(m.attachments[1]!.unavailable).toMatch(/larger than 65536 bytes/);
    expect(m.attachments[2]!.unavailable).toBeUndefined();
    // Without Basic auth Twilio's media URL answers 401.
    const url = m.attachments[1]!.fileId.slice('twilio:'.length);
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(401);
  }, 90_000);

  it('marks media unavailable, with why, when the last attempt still fails', async () => {
    await media.stop();
    media = await startMedia({ attempts: 2 });
    // Both attempts get a 503; a third would succeed, but there is none.
    fake.failNext({ kind: 'status', status: 503 }, 2, 'media');
    const res = await sendMms('flaky media', [
      { contentType: 'image/png', bytes: randomBytes(200) },
    ]);
    expect(res.status).toBe(200);
    await waitUntil(
      async () => (await stored(res.sid))?.attachments[0]?.unavailable !== undefined,
      30_000,
      'media given up on',
    );
    const m = (await stored(res.sid))!;
    expect(m.attachments[0]!.fileId.startsWith('twilio:')).toBe(true);
    expect(m.attachments[0]!.unavailable).toMatch(/after 2 attempts: media answered HTTP 503/);
    expect(media.stats).toMatchObject({ retried: 1, gaveUp: 1, stored: 0 });
    // Retried once, then given up on: two requests reached Twilio's media URL.
    expect(fake.mediaRequests.filter((r) => r.at === 'api')).toHaveLength(2);
  }, 60_000);
});
