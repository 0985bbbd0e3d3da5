/**
 * Provider webhooks over real HTTP on loopback, on PGlite and (with TEST_DATABASE_URL) Postgres:
 * Twilio signatures (valid, forged, unsigned, wrong URL, behind a TLS proxy on another port),
 * unknown numbers, body limit, dedupe of a delivery posted 10× at once, inbound SMS creating a
 * lead + conversation and attaching to an existing lead (through the fake Twilio's signed
 * inbound webhook), shuffled + duplicated status callbacks from the fake ending at `delivered`,
 * SendGrid's ECDSA-signed events, and the Twilio integration endpoints.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { conversation, lead, message, twilioIntegration, webhookEvent } from '@sdr/schema/pg';
import { TwilioSender } from '../channels/twilio/twilio-sender.ts';
import { secretBoxFor } from '../crypto/secret-box.ts';
import type { InboxDeps } from '../inbox/inbox.deps.ts';
import { createLogger } from '../logger.ts';
import { createOutbox, type Outbox } from '../outbox/outbox.ts';
import {
  messageRows,
  openOutboxTestDb,
  queueSms,
  resetOutbox,
  startTestBoss,
  waitUntil,
  type OutboxTestDb,
} from '../outbox/test/outbox-harness.ts';
import { startOutboxWorker, type OutboxWorker } from '../outbox/worker.ts';
import { createSyncCore, type SyncCore } from '../sync/sync-core.ts';
import { startFakeTwilio, type FakeTwilio } from '../test/fake-twilio/fake-twilio.ts';
import { newAccountCredentials } from '../test/fake-twilio/messages.ts';
import { formEncode, twilioSignature } from '../test/fake-twilio/signature.ts';
import {
  signUp,
  startTestServer,
  testDatabaseKinds,
  type SignedUp,
  type TestServer,
} from '../test/harness.ts';
import {
  inboxWebhookHandlers,
  startWebhookProcessor,
  type WebhookProcessor,
} from './webhook-processor.ts';

const logger = createLogger('silent');
const OUR = '+442079460000';
const LEAD = '+442079460958';

describe.each(testDatabaseKinds())('provider webhooks (%s)', (kind) => {
  let t: OutboxTestDb;
  let boss: PgBoss;
  let outbox: Outbox;
  let fake: FakeTwilio;
  let sync: SyncCore;
  let server: TestServer;
  let admin: SignedUp;
  let processor: WebhookProcessor;
  let worker: OutboxWorker | null = null;
  let creds: { accountSid: string; authToken: string };

  beforeAll(async () => {
    t = await openOutboxTestDb(kind);
    boss = await startTestBoss(t, { retryDelaySeconds: 1 });
    outbox = createOutbox(boss, t.db);
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
    fake.reset();
    creds = newAccountCredentials();
    fake.addAccount(creds.accountSid, creds.authToken);
    server = await startTestServer(t.db);
    server.env.twilioApiBaseUrl = fake.url;
    admin = await signUp(server.api);
    const put = await server.api.put(
      '/api/v1/integrations/twilio',
      { ...creds, phoneNumbers: [OUR, `whatsapp:${OUR}`, '+15550001111'] },
      { token: admin.accessToken },
    );
    expect(put.status).toBe(200);
    const deps: InboxDeps = {
      db: t.db,
      sync,
      newId: () => crypto.randomUUID(),
      now: () => Date.now(),
      enqueueSend: (tx, job) => outbox.enqueueSend(tx, job),
      logger,
    };
    processor = startWebhookProcessor({
      db: t.db,
      handlers: inboxWebhookHandlers(deps),
      logger,
      pollMs: 100,
    });
  });
  afterEach(async () => {
    await worker?.stop();
    worker = null;
    await processor.stop();
    await server.close();
  });

  const inboundUrl = () => `${server.url}/webhooks/twilio/messaging`;
  const eventCount = async () => (await t.db.select().from(webhookEvent)).length;

  it('connects Twilio only with working credentials and never shows the token', async () => {
    const bad = await server.api.put(
      '/api/v1/integrations/twilio',
      { accountSid: creds.accountSid, authToken: 'f'.repeat(32), phoneNumbers: [OUR] },
      { token: admin.accessToken },
    );
    expect(bad.status).toBe(400);
    const get = await server.api.get('/api/v1/integrations/twilio', { token: admin.accessToken });
    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({ connected: true, accountSid: creds.accountSid });
    expect(get.text).not.toContain(creds.authToken);
    const [row] = await t.db.select().from(twilioIntegration);
    expect(row!.authTokenEnc).not.toContain(creds.authToken);
    expect(
      fake.requests.some((r) => r.path === `/2010-04-01/Accounts/${creds.accountSid}.json`),
    ).toBe(true);
  });

  it('accepts a signed inbound SMS, answers empty TwiML, creates a lead + conversation, attaches the next one', async () => {
    const res = await fake.sendInbound({
      accountSid: creds.accountSid,
      url: inboundUrl(),
      from: LEAD,
      to: OUR,
      body: 'Is this still available?',
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<Response/>');
    expect(await eventCount()).toBe(1);
    await waitUntil(
      async () => (await t.db.select().from(message)).length === 1,
      10_000,
      'ingested',
    );
    const [c] = await t.db.select().from(conversation);
    const [l] = await t.db.select().from(lead).where(eq(lead.id, c!.leadId));
    expect(l!.phone).toBe(LEAD);
    expect(c).toMatchObject({ channel: 'sms', workspaceId: admin.workspaceId, unreadCount: 1 });

    // An existing lead (created through the API) is matched by phone, whatever the formatting.
    const known = await server.api.post(
      '/api/v1/leads',
      { firstName: 'Known', phone: '+44 20 7946 0123' },
      { token: admin.accessToken },
    );
    expect(known.status).toBe(201);
    const second = await fake.sendInbound({
      accountSid: creds.accountSid,
      url: inboundUrl(),
      from: '+442079460123',
      to: OUR,
      body: 'Hi',
    });
    expect(second.status).toBe(200);
    await waitUntil(
      async () => (await t.db.select().from(conversation)).length === 2,
      10_000,
      'second',
    );
    const convs = await t.db.select().from(conversation);
    expect(convs.find((x) => x.leadAddress?.endsWith('0123'))!.leadId).toBe(known.body.id);
    expect(await t.db.select().from(lead)).toHaveLength(2);
  });

  it('refuses forged, unsigned, wrongly addressed and unknown-number requests and stores nothing', async () => {
    const forged = await fake.sendInbound({
      accountSid: creds.accountSid,
      url: inboundUrl(),
      from: LEAD,
      to: OUR,
      body: 'x',
      signWithToken: 'f'.repeat(32),
    });
    expect(forged.status).toBe(403);
    const wrongUrl = await fake.sendInbound({
      accountSid: creds.accountSid,
      url: inboundUrl(),
      signUrl: `${server.url}/webhooks/twilio/status`,
      from: LEAD,
      to: OUR,
      body: 'x',
    });
    expect(wrongUrl.status).toBe(403);
    const otherHost = await fake.sendInbound({
      accountSid: creds.accountSid,
      url: inboundUrl(),
      signUrl: 'https://evil.example.com/webhooks/twilio/messaging',
      from: LEAD,
      to: OUR,
      body: 'x',
    });
    expect(otherHost.status).toBe(403);
    const notOurs = await fake.sendInbound({
      accountSid: creds.accountSid,
      url: inboundUrl(),
      from: LEAD,
      to: '+442079469999',
      body: 'x',
    });
    expect(notOurs.status).toBe(403);
    const params = {
      AccountSid: creds.accountSid,
      MessageSid: 'SM' + 'a'.repeat(32),
      From: LEAD,
      To: OUR,
      Body: 'x',
    };
    const unsigned = await fetch(inboundUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formEncode(params),
    });
    expect(unsigned.status).toBe(403);
    const big = { ...params, Body: 'x'.repeat(70 * 1024) };
    const tooBig = await fetch(inboundUrl(), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(creds.authToken, inboundUrl(), big),
      },
      body: formEncode(big),
    });
    expect(tooBig.status).toBe(413);
    expect(await eventCount()).toBe(0);
  });

  it('verifies against PUBLIC_BASE_URL behind a TLS-terminating proxy on another port', async () => {
    const publicBase = 'https://public.example.com:8443';
    server.env.publicBaseUrl = publicBase;
    const viaProxy = await fake.sendInbound({
      accountSid: creds.accountSid,
      url: inboundUrl(),
      signUrl: `${publicBase}/webhooks/twilio/messaging?x=1`.replace('?x=1', ''),
      from: LEAD,
      to: OUR,
      body: 'through the proxy',
    });
    expect(viaProxy.status).toBe(200);
    // Signed for the address the server listens on: not the URL Twilio was given.
    const local = await fake.sendInbound({
      accountSid: creds.accountSid,
      url: inboundUrl(),
      from: LEAD,
      to: OUR,
      body: 'direct',
    });
    expect(local.status).toBe(403);
    // The query string is part of the signed URL.
    const withQuery = await fake.sendInbound({
      accountSid: creds.accountSid,
      url: `${inboundUrl()}?tenant=a`,
      signUrl: `${publicBase}/webhooks/twilio/messaging?tenant=a`,
      from: LEAD,
      to: OUR,
      body: 'query',
    });
    expect(withQuery.status).toBe(200);
    expect(await eventCount()).toBe(2);
  });

  it('stores one row when the same delivery is posted 10 times at once', async () => {
    const params = {
      AccountSid: creds.accountSid,
      ApiVersion: '2010-04-01',
      Body: 'duplicate me',
      From: LEAD,
      MessageSid: 'SM' + 'b'.repeat(32),
      NumMedia: '0',
      SmsStatus: 'received',
      To: OUR,
    };
    const signature = twilioSignature(creds.authToken, inboundUrl(), params);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        fetch(inboundUrl(), {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': signature,
          },
          body: formEncode(params),
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await eventCount()).toBe(1);
    await waitUntil(
      async () => (await t.db.select().from(message)).length === 1,
      10_000,
      'ingested',
    );
    // A replay later is a no-op too.
    const replay = await fetch(inboundUrl(), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
      },
      body: formEncode(params),
    });
    expect(replay.status).toBe(200);
    expect(await eventCount()).toBe(1);
    await processor.drain();
    expect(await t.db.select().from(message)).toHaveLength(1);
  });

  it('ends at delivered whatever order and how often the status callbacks arrive', async () => {
    fake.setCallbackOptions({ shuffle: true, duplicate: 2, stepMs: 2 });
    const { messageIds } = await queueSms(t.db, outbox, admin.workspaceId, { n: 8 });
    const sender = new TwilioSender({
      db: t.db,
      box: secretBoxFor(server.env),
      publicBaseUrl: () => server.env.publicBaseUrl,
      apiBaseUrl: fake.url,
    });
    worker = startOutboxWorker({
      db: t.db,
      boss,
      senders: { sms: sender },
      sync,
      logger,
      pollMs: 50,
    });
    await waitUntil(
      async () => (await messageRows(t.db, messageIds)).every((m) => m.providerId !== null),
      15_000,
      'sent',
    );
    await fake.settled();
    expect(fake.callbacks.length).toBe(8 * 3 * 3);
    expect(fake.callbacks.every((cb) => cb.responseStatus === 200)).toBe(true);
    // One row per (MessageSid, status).
    expect(await eventCount()).toBe(8 * 3);
    await waitUntil(
      async () => (await messageRows(t.db, messageIds)).every((m) => m.status === 'delivered'),
      20_000,
      'delivered',
    );
    const rows = await messageRows(t.db, messageIds);
    expect(rows.every((m) => m.deliveredAt !== null)).toBe(true);
    expect(fake.messages).toHaveLength(8);
  }, 40_000);

  it('verifies SendGrid events with the workspace key and applies them', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const put = await server.api.put(
      '/api/v1/integrations/sendgrid',
      { publicKey: der },
      { token: admin.accessToken },
    );
    expect(put.status).toBe(200);
    const { messageIds } = await queueSms(t.db, outbox, admin.workspaceId, { n: 1 });
    await t.db.update(message).set({ status: 'sent' }).where(eq(message.id, messageIds[0]!));
    const events = [
      {
        event: 'delivered',
        sg_event_id: 'ev-1',
        timestamp: 1_700_000_000,
        sdr_workspace_id: admin.workspaceId,
        sdr_message_id: messageIds[0],
      },
      {
        event: 'open',
        sg_event_id: 'ev-2',
        timestamp: 1_700_000_100,
        sdr_workspace_id: admin.workspaceId,
        sdr_message_id: messageIds[0],
      },
    ];
    const body = JSON.stringify(events);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign('sha256', Buffer.from(timestamp + body), privateKey).toString('base64');
    const url = `${server.url}/webhooks/email/sendgrid`;
    const post = (sig: string, b = body) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-twilio-email-event-webhook-signature': sig,
          'x-twilio-email-event-webhook-timestamp': timestamp,
        },
        body: b,
      });
    const tampered = await post(signature, body.replace('delivered', 'bounce'));
    expect(tampered.status).toBe(403);
    expect(await eventCount()).toBe(0);
    expect((await post(signature)).status).toBe(200);
    expect((await post(signature)).status).toBe(200);
    expect(await eventCount()).toBe(2);
    await waitUntil(
      async () => {
        const [m] = await messageRows(t.db, messageIds);
        return m!.status === 'delivered' && m!.openedAt !== null;
      },
      10_000,
      'delivered + opened',
    );
    await waitUntil(
      async () => (await t.db.select().from(webhookEvent)).every((e) => e.processedAt !== null),
      10_000,
      'events processed',
    );
    expect((await t.db.select().from(webhookEvent)).every((e) => e.lastError === null)).toBe(true);
  });
});
