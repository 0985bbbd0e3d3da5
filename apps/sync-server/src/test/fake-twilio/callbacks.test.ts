/**
 * What the fake POSTs to the application: status callbacks (order, parameters, signatures,
 * duplicates, shuffling, delivery failures) and inbound-message webhooks (SMS, WhatsApp, media),
 * each checked with the production signature check. Also the fake as a separate process.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createTwilioClient,
  sendTwilioMessage,
  validateTwilioSignature,
  type TwilioClient,
} from '../../channels/twilio/twilio-client.ts';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio.ts';
import { newAccountCredentials } from './messages.ts';
import { startFakeTwilioProcess } from './process.ts';
import {
  startWebhookReceiver,
  type ReceivedWebhook,
  type WebhookReceiver,
} from './webhook-receiver.ts';

const FROM = '+15005550006';
const account = newAccountCredentials();
let fake: FakeTwilio;
let receiver: WebhookReceiver;
let client: TwilioClient;

beforeAll(async () => {
  fake = await startFakeTwilio({ callbacks: { stepMs: 1 }, seed: 7 });
  fake.addAccount(account.accountSid, account.authToken);
  receiver = await startWebhookReceiver();
  client = createTwilioClient({ ...account, baseUrl: fake.url });
});
afterAll(async () => {
  await fake.close();
  await receiver.close();
});
beforeEach(async () => {
  await fake.settled();
  fake.reset();
  fake.setCallbackOptions({ stepMs: 1 });
  receiver.received.length = 0;
  receiver.respondWith(200);
});

function signedOk(w: ReceivedWebhook): boolean {
  const header = w.headers['x-twilio-signature'];
  return validateTwilioSignature(
    account.authToken,
    typeof header === 'string' ? header : undefined,
    w.url,
    w.params,
  );
}

const statuses = (ws: ReceivedWebhook[], sid?: string) =>
  ws
    .filter((w) => sid === undefined || w.params['MessageSid'] === sid)
    .map((w) => w.params['MessageStatus']);

async function send(to: string, body = 'hi', path = '/twilio/status') {
  return sendTwilioMessage(client, {
    from: FROM,
    to,
    body,
    statusCallback: `${receiver.url}${path}`,
  });
}

describe('status callbacks', () => {
  it('queued → sent → delivered, signed, with the parameters Twilio sends', async () => {
    const { sid } = await send('+14155550100', 'hello', '/twilio/status?tenant=a%20b');
    await fake.settled();
    expect(statuses(receiver.received)).toEqual(['queued', 'sent', 'delivered']);
    for (const w of receiver.received) {
      expect(w.path).toBe('/twilio/status?tenant=a%20b');
      expect(w.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(signedOk(w)).toBe(true);
      expect(Object.keys(w.params).sort()).toEqual(
        [
          'AccountSid',
          'ApiVersion',
          'From',
          'MessageSid',
          'MessageStatus',
          'SmsSid',
          'SmsStatus',
          'To',
        ].sort(),
      );
      expect(w.params).toMatchObject({
        AccountSid: account.accountSid,
        ApiVersion: '2010-04-01',
        From: FROM,
        To: '+14155550100',
        MessageSid: sid,
        SmsSid: sid,
        SmsStatus: w.params['MessageStatus'],
      });
    }
    expect(fake.callbacks.map((c) => c.responseStatus)).toEqual([200, 200, 200]);
  });

  it('a tampered callback fails the signature check', async () => {
    await send('+14155550100');
    await fake.settled();
    const w = receiver.received[0]!;
    expect(signedOk({ ...w, params: { ...w.params, MessageStatus: 'delivered' } })).toBe(false);
    expect(signedOk({ ...w, url: w.url.replace('/twilio/status', '/twilio/other') })).toBe(false);
  });

  it.each([
    ['undelivered', 30005, ['queued', 'sent', 'undelivered']],
    ['failed', 30003, ['queued', 'failed']],
  ] as const)(
    'a number set to fail ends %s with ErrorCode %i',
    async (status, errorCode, expected) => {
      fake.failDelivery('+14155550166', { status, errorCode });
      const { sid } = await send('+14155550166');
      await send('+14155550100');
      await fake.settled();
      expect(statuses(receiver.received, sid)).toEqual(expected);
      const last = receiver.received.filter((w) => w.params['MessageSid'] === sid).at(-1)!;
      expect(last.params['ErrorCode']).toBe(String(errorCode));
      expect(signedOk(last)).toBe(true);
      const others = receiver.received.filter((w) => w.params['MessageSid'] !== sid);
      expect(others.every((w) => w.params['ErrorCode'] === undefined)).toBe(true);
      expect((await client.messages(sid).fetch()).status).toBe(status);
    },
  );

  it('duplicates every callback', async () => {
    fake.setCallbackOptions({ stepMs: 1, duplicate: 2 });
    await send('+14155550100');
    await fake.settled();
    expect(statuses(receiver.received)).toEqual([
      ...['queued', 'queued', 'queued'],
      ...['sent', 'sent', 'sent'],
      ...['delivered', 'delivered', 'delivered'],
    ]);
    expect(receiver.received.every(signedOk)).toBe(true);
  });

  it('shuffles callbacks out of order; the resource still ends delivered', async () => {
    fake.setCallbackOptions({ stepMs: 1, shuffle: true, duplicate: 1 });
    const sids: string[] = [];
    for (let i = 0; i < 6; i++) sids.push((await send(`+1415555020${i}`)).sid);
    await fake.settled();
    const natural = ['queued', 'queued', 'sent', 'sent', 'delivered', 'delivered'];
    let outOfOrder = 0;
    for (const sid of sids) {
      const got = statuses(receiver.received, sid);
      expect([...got].sort()).toEqual([...natural].sort());
      if (got.join() !== natural.join()) outOfOrder++;
      expect((await client.messages(sid).fetch()).status).toBe('delivered');
    }
    expect(outOfOrder).toBeGreaterThan(0);
    expect(receiver.received.every(signedOk)).toBe(true);
  });

  it('records a receiver error and goes on', async () => {
    receiver.respondWith(500);
    await send('+14155550100');
    await fake.settled();
    expect(fake.callbacks.map((c) => c.responseStatus)).toEqual([500, 500, 500]);
  });

  it('sends no callbacks without StatusCallback', async () => {
    await client.messages.create({ from: FROM, to: '+14155550100', body: 'x' });
    await fake.settled();
    expect(receiver.received).toHaveLength(0);
    expect(fake.callbacks).toHaveLength(0);
  });

  it('WhatsApp callbacks carry whatsapp: addresses', async () => {
    await sendTwilioMessage(client, {
      from: `whatsapp:${FROM}`,
      to: 'whatsapp:+4915112345678',
      body: 'Hallo',
      statusCallback: `${receiver.url}/wa`,
    });
    await fake.settled();
    expect(receiver.received.map((w) => w.params['To'])).toEqual(
      Array(3).fill('whatsapp:+4915112345678'),
    );
    expect(receiver.received[0]!.params['From']).toBe(`whatsapp:${FROM}`);
    expect(receiver.received.every(signedOk)).toBe(true);
  });
});

describe('inbound messages', () => {
  it('an SMS arrives as a signed form POST with the incoming-message parameters', async () => {
    const result = await fake.sendInbound({
      url: `${receiver.url}/twilio/inbound`,
      from: '+14155550123',
      to: FROM,
      body: 'Yes, call me tomorrow',
    });
    expect(result.status).toBe(200);
    expect(result.body).toContain('<Response>');
    expect(result.sid).toMatch(/^SM[0-9a-f]{32}$/);
    const [w] = await receiver.waitFor(1);
    expect(signedOk(w!)).toBe(true);
    expect(w!.params).toMatchObject({
      MessageSid: result.sid,
      SmsMessageSid: result.sid,
      SmsSid: result.sid,
      AccountSid: account.accountSid,
      From: '+14155550123',
      To: FROM,
      Body: 'Yes, call me tomorrow',
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
    });
    expect(fake.inbound).toHaveLength(1);
    expect(fake.messages).toHaveLength(0);
  });

  it('WhatsApp with media: whatsapp: prefixes, ProfileName, WaId, MediaUrl0', async () => {
    const result = await fake.sendInbound({
      url: `${receiver.url}/twilio/inbound`,
      from: 'whatsapp:+4915112345678',
      to: `whatsapp:${FROM}`,
      body: 'Foto',
      profileName: 'Anna',
      media: [{ url: 'https://media.example/1.jpg', contentType: 'image/jpeg' }],
    });
    expect(result.sid).toMatch(/^MM[0-9a-f]{32}$/);
    const [w] = await receiver.waitFor(1);
    expect(signedOk(w!)).toBe(true);
    expect(w!.params).toMatchObject({
      From: 'whatsapp:+4915112345678',
      To: `whatsapp:${FROM}`,
      ProfileName: 'Anna',
      WaId: '4915112345678',
      NumMedia: '1',
      MediaUrl0: 'https://media.example/1.jpg',
      MediaContentType0: 'image/jpeg',
      MessageType: 'image',
    });
  });

  it('can sign wrongly on purpose (wrong token, other URL)', async () => {
    await fake.sendInbound({
      url: `${receiver.url}/in`,
      from: '+14155550123',
      to: FROM,
      body: 'x',
      signWithToken: 'f'.repeat(32),
    });
    await fake.sendInbound({
      url: `${receiver.url}/in`,
      from: '+14155550123',
      to: FROM,
      body: 'x',
      signUrl: `${receiver.url}/elsewhere`,
    });
    const ws = await receiver.waitFor(2);
    expect(ws.map(signedOk)).toEqual([false, false]);
  });
});

describe('as a separate process (main.ts)', () => {
  it('prints its URL, serves the SDK, and is driven through the control routes', async () => {
    const proc = await startFakeTwilioProcess({ accounts: [account] });
    try {
      expect(proc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const remoteClient = createTwilioClient({ ...account, baseUrl: proc.url });
      await proc.failNext({ kind: 'status', status: 503 });
      await expect(
        sendTwilioMessage(remoteClient, {
          from: FROM,
          to: '+14155550100',
          body: 'x',
          statusCallback: `${receiver.url}/p`,
        }),
      ).rejects.toThrow(/503|Service unavailable/);
      const { sid } = await sendTwilioMessage(remoteClient, {
        from: FROM,
        to: '+14155550100',
        body: 'from the other process',
        statusCallback: `${receiver.url}/p`,
      });
      await proc.settled();
      const state = await proc.state();
      expect(state.messages.map((m) => m.sid)).toEqual([sid]);
      expect(state.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([
        503, 201,
      ]);
      expect(statuses(receiver.received, sid)).toEqual(['queued', 'sent', 'delivered']);
      const inbound = await proc.sendInbound({
        url: `${receiver.url}/in`,
        from: '+14155550123',
        to: FROM,
        body: 'hey',
      });
      expect(inbound.status).toBe(200);
      expect(signedOk(receiver.received.at(-1)!)).toBe(true);
    } finally {
      await proc.close();
    }
  });
});
