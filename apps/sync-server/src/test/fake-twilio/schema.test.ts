/**
 * The fake's JSON against Twilio's published OpenAPI spec (../shared/specs/twilio): every Message
 * it returns (create, fetch, list, inbound, failed) validates against `api.v2010.account.message`
 * with exactly the spec's properties, list pages against `ListMessageResponse`, the Account
 * against `api.v2010.account`; errors have Twilio's `{code, message, more_info, status}`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio.ts';
import { newAccountCredentials } from './messages.ts';
import { twilioResponseSchema, twilioValidator } from './spec.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

let fake: FakeTwilio;
let receiver: WebhookReceiver;
const account = newAccountCredentials();
const auth = `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`;
const base = () => `${fake.url}/2010-04-01/Accounts/${account.accountSid}`;

const message = twilioValidator('api.v2010.account.message', { strict: true });
const page = twilioValidator(
  twilioResponseSchema('/2010-04-01/Accounts/{AccountSid}/Messages.json', 'get', '200'),
  {
    strict: true,
  },
);

beforeAll(async () => {
  fake = await startFakeTwilio({ callbacks: { stepMs: 1 } });
  fake.addAccount(account.accountSid, account.authToken);
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await fake.close();
  await receiver.close();
});

async function api(method: 'GET' | 'POST', path: string, form?: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form ?? {})) for (const x of [v].flat()) body.append(k, x);
  const res = await fetch(`${base()}${path}`, {
    method,
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    ...(method === 'POST' ? { body: body.toString() } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

function expectValid(validate: ReturnType<typeof twilioValidator>, value: unknown) {
  const ok = validate(value);
  expect(validate.errors ?? [], JSON.stringify(value)).toEqual([]);
  expect(ok).toBe(true);
}

describe('responses match the OpenAPI spec', () => {
  it('the validator is not vacuous: it rejects broken messages', () => {
    const good = {
      account_sid: account.accountSid,
      api_version: '2010-04-01',
      body: 'x',
      date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
      date_sent: null,
      date_updated: 'Thu, 24 Aug 2023 05:01:45 +0000',
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: '+15005550006',
      messaging_service_sid: null,
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid: 'SM' + 'a'.repeat(32),
      status: 'queued',
      subresource_uris: {},
      to: '+14155550100',
      uri: '/2010-04-01/x.json',
    };
    expectValid(message, good);
    for (const broken of [
      { ...good, sid: 'XX' + 'a'.repeat(32) },
      { ...good, status: 'lost' },
      { ...good, direction: 'sideways' },
      { ...good, num_media: 0 },
      { ...good, date_created: '2023-08-24T05:01:45Z' },
      { ...good, extra: 1 },
      Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'price')),
    ]) {
      expect(message(broken), JSON.stringify(broken)).toBe(false);
    }
  });

  it('create, fetch and list of SMS, WhatsApp, media and service messages', async () => {
    const creates: Record<string, string | string[]>[] = [
      {
        To: '+14155550100',
        From: '+15005550006',
        Body: 'Hello',
        StatusCallback: `${receiver.url}/s`,
      },
      { To: 'whatsapp:+14155550100', From: 'whatsapp:+15005550006', Body: 'Hi 👋' },
      {
        To: '+14155550100',
        From: '+15005550006',
        Body: '',
        MediaUrl: ['https://e.com/a.png', 'https://e.com/b.png'],
      },
      { To: '+14155550100', MessagingServiceSid: 'MG' + 'b'.repeat(32), Body: 'x'.repeat(400) },
    ];
    const sids: string[] = [];
    for (const form of creates) {
      const created = await api('POST', '/Messages.json', form);
      expect(created.status).toBe(201);
      expectValid(message, created.json);
      sids.push(String(created.json['sid']));
    }
    await fake.settled();
    for (const sid of sids) {
      const fetched = await api('GET', `/Messages/${sid}.json`);
      expect(fetched.status).toBe(200);
      expectValid(message, fetched.json);
      expect(['delivered', 'sent']).toContain(fetched.json['status']);
    }
    const listed = await api('GET', '/Messages.json?PageSize=3');
    expectValid(page, listed.json);
    const messages = listed.json['messages'] as unknown[];
    expect(messages).toHaveLength(3);
    for (const m of messages) expectValid(message, m);
    expect(listed.json['next_page_uri']).toMatch(/Page=1&PageToken=PA/);
    const next = await fetch(`${fake.url}${String(listed.json['next_page_uri'])}`, {
      headers: { authorization: auth },
    });
    const second = (await next.json()) as Record<string, unknown>;
    expectValid(page, second);
    expect(second['next_page_uri']).toBeNull();
    expect(second['previous_page_uri']).toMatch(/Page=0/);
  });

  it('failed and inbound messages', async () => {
    fake.failDelivery('+14155550177', { status: 'undelivered', errorCode: 30005 });
    const created = await api('POST', '/Messages.json', {
      To: '+14155550177',
      From: '+15005550006',
      Body: 'x',
    });
    await fake.settled();
    const failed = await api('GET', `/Messages/${String(created.json['sid'])}.json`);
    expectValid(message, failed.json);
    expect(failed.json).toMatchObject({ status: 'undelivered', error_code: 30005 });

    const inbound = await fake.sendInbound({
      url: `${receiver.url}/in`,
      from: '+14155550123',
      to: '+15005550006',
      body: 'STOP',
    });
    const fetched = await api('GET', `/Messages/${inbound.sid}.json`);
    expectValid(message, fetched.json);
    expect(fetched.json).toMatchObject({ direction: 'inbound', status: 'received', body: 'STOP' });
  });

  it('the Account resource', async () => {
    const res = await fetch(`${fake.url}/2010-04-01/Accounts/${account.accountSid}.json`, {
      headers: { authorization: auth },
    });
    expect(res.status).toBe(200);
    expectValid(twilioValidator('api.v2010.account', { strict: true }), await res.json());
  });

  it.each([
    ['missing auth', 401, 20003, {}, undefined],
    ['an invalid To', 400, 21211, { To: 'abc', From: '+15005550006', Body: 'x' }, auth],
    ['no Body', 400, 21602, { To: '+14155550100', From: '+15005550006' }, auth],
    ['no To', 400, 21604, { From: '+15005550006', Body: 'x' }, auth],
    ['no From', 400, 21603, { To: '+14155550100', Body: 'x' }, auth],
  ] as const)(
    'errors have Twilio’s shape: %s',
    async (_name, status, code, form, authorization) => {
      const res = await fetch(`${base()}/Messages.json`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(authorization ? { authorization } : {}),
        },
        body: new URLSearchParams(form).toString(),
      });
      expect(res.status).toBe(status);
      const json = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(json).sort()).toEqual(['code', 'message', 'more_info', 'status']);
      expect(json).toMatchObject({
        code,
        status,
        more_info: `https://www.twilio.com/docs/errors/${code}`,
      });
      expect(typeof json['message']).toBe('string');
    },
  );
});
