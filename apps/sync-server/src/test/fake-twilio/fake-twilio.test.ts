/**
 * The Twilio SDK, through `createTwilioClient`, against the fake over real HTTP: creates, fetches,
 * lists with paging and filters, Twilio's error codes, auth failures, and no retries.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  classifyTwilioErrorCode,
  createTwilioClient,
  rewriteTwilioUrl,
  sendTwilioMessage,
  TwilioSendError,
  type TwilioClient,
  type TwilioErrorInfo,
} from '../../channels/twilio/twilio-client.ts';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio.ts';
import { newAccountCredentials } from './messages.ts';

const FROM = '+15005550006';
const CALLBACK = 'http://127.0.0.1:9/twilio/status'; // nothing listens: callbacks fail quietly

let fake: FakeTwilio;
let account: { accountSid: string; authToken: string };
let client: TwilioClient;

beforeAll(async () => {
  fake = await startFakeTwilio({ callbacks: { stepMs: 1 } });
  account = newAccountCredentials();
  fake.addAccount(account.accountSid, account.authToken);
  client = createTwilioClient({ ...account, baseUrl: fake.url });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  await fake.settled();
  fake.reset();
});

async function sendError(promise: Promise<unknown>): Promise<TwilioErrorInfo> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TwilioSendError);
  return (error as TwilioSendError).info;
}

const creates = () => fake.requests.filter((r) => r.method === 'POST');

describe('create', () => {
  it('sends one SMS through the SDK and the fake records exactly that message', async () => {
    const sent = await sendTwilioMessage(client, {
      from: FROM,
      to: '+14155550100',
      body: 'Hello from the SDR',
      statusCallback: CALLBACK,
    });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent.status).toBe('queued');
    expect(fake.messages).toHaveLength(1);
    const m = fake.messages[0]!;
    expect(m.sid).toBe(sent.sid);
    expect(m.params).toEqual({
      To: '+14155550100',
      From: FROM,
      Body: 'Hello from the SDR',
      StatusCallback: CALLBACK,
    });
    expect(creates()).toHaveLength(1);
    expect(creates()[0]!.accountSid).toBe(account.accountSid);

    await fake.settled();
    const fetched = await client.messages(sent.sid).fetch();
    expect(fetched.status).toBe('delivered');
    expect(fetched.dateSent).toBeInstanceOf(Date);
    expect(fetched.numSegments).toBe('1');
  });

  it('sends WhatsApp with whatsapp: addresses, and media as an MM message', async () => {
    const sent = await sendTwilioMessage(client, {
      from: `whatsapp:${FROM}`,
      to: 'whatsapp:+4915112345678',
      body: 'Hallo',
      mediaUrl: ['https://example.com/a.png'],
      statusCallback: CALLBACK,
    });
    expect(sent.sid).toMatch(/^MM[0-9a-f]{32}$/);
    const fetched = await client.messages(sent.sid).fetch();
    expect(fetched.to).toBe('whatsapp:+4915112345678');
    expect(fetched.numMedia).toBe('1');
    expect(fake.messages[0]!.params['MediaUrl']).toBe('https://example.com/a.png');
  });

  it('with a Messaging Service the message is accepted and gets a sender when sent', async () => {
    const service = 'MG' + 'a'.repeat(32);
    const sent = await sendTwilioMessage(client, {
      messagingServiceSid: service,
      to: '+14155550101',
      body: 'via service',
      statusCallback: CALLBACK,
    });
    expect(sent.status).toBe('accepted');
    await fake.settled();
    const fetched = await client.messages(sent.sid).fetch();
    expect(fetched.messagingServiceSid).toBe(service);
    expect(fetched.from).toBe(FROM);
  });
});

describe('errors', () => {
  it.each([
    [21211, 'an invalid To', { to: '555-0100' }, 'invalid-recipient'],
    [21610, 'a magic unsubscribed number', { to: '+15005550004' }, 'opted-out'],
    [21614, 'a magic non-mobile number', { to: '+15005550009' }, 'invalid-recipient'],
    [21602, 'an empty body', { body: '' }, 'invalid-request'],
    [21212, 'an invalid From', { from: '12-34' }, 'invalid-request'],
    [21910, 'mixed channels', { to: 'whatsapp:+14155550100' }, 'invalid-request'],
    [21617, 'a body over 1600 characters', { body: 'x'.repeat(1601) }, 'invalid-request'],
  ] as const)('%i: %s', async (code, _name, override, kind) => {
    const info = await sendError(
      sendTwilioMessage(client, {
        from: FROM,
        to: '+14155550100',
        body: 'hi',
        statusCallback: CALLBACK,
        ...override,
      }),
    );
    expect(info).toMatchObject({ code, httpStatus: 400, kind, permanent: true, ambiguous: false });
    expect(fake.messages).toHaveLength(0);
  });

  it('a recipient rejected with rejectTo gets that code', async () => {
    fake.rejectTo('+14155550199', {
      code: 21610,
      message: 'Attempt to send to unsubscribed recipient',
    });
    const info = await sendError(
      sendTwilioMessage(client, {
        from: FROM,
        to: '+14155550199',
        body: 'hi',
        statusCallback: CALLBACK,
      }),
    );
    expect(info).toMatchObject({ code: 21610, kind: 'opted-out', permanent: true });
    expect(info.message).toBe('Attempt to send to unsubscribed recipient');
  });

  it('an RFC 9457 problem response (TwilioServiceException) maps the same way', async () => {
    fake.failNext({
      kind: 'status',
      status: 400,
      body: {
        type: 'https://www.twilio.com/docs/errors/21211',
        title: "Invalid 'To' Phone Number",
        status: 400,
        code: 21211,
        detail: 'The To number is not a valid phone number.',
      },
    });
    const info = await sendError(
      sendTwilioMessage(client, {
        from: FROM,
        to: '+14155550100',
        body: 'hi',
        statusCallback: CALLBACK,
      }),
    );
    expect(info).toMatchObject({
      code: 21211,
      httpStatus: 400,
      kind: 'invalid-recipient',
      permanent: true,
    });
  });

  it.each([
    [30003, 'delivery', false],
    [30005, 'invalid-recipient', true],
    [30007, 'delivery', true],
    [63016, 'delivery', true],
    [99999, 'delivery', false],
  ] as const)('callback ErrorCode %i is %s (permanent: %s)', (code, kind, permanent) => {
    expect(classifyTwilioErrorCode(code)).toEqual({ kind, permanent });
  });

  it('a wrong auth token is 401 / 20003, and nothing is created', async () => {
    const wrong = createTwilioClient({ ...account, authToken: 'f'.repeat(32), baseUrl: fake.url });
    const info = await sendError(
      sendTwilioMessage(wrong, {
        from: FROM,
        to: '+14155550100',
        body: 'hi',
        statusCallback: CALLBACK,
      }),
    );
    expect(info).toMatchObject({ code: 20003, httpStatus: 401, kind: 'auth', permanent: true });
    expect(fake.messages).toHaveLength(0);
  });

  it("another account's path with valid credentials is 401 too", async () => {
    const other = newAccountCredentials();
    fake.addAccount(other.accountSid, other.authToken);
    const res = await fetch(`${fake.url}/2010-04-01/Accounts/${account.accountSid}/Messages.json`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${other.accountSid}:${other.authToken}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
  });

  it('an unknown message is 404 / 20404', async () => {
    const error = await client
      .messages('SM' + '0'.repeat(32))
      .fetch()
      .catch((e: unknown) => e as { status: number; code: number });
    expect(error).toMatchObject({ status: 404, code: 20404 });
  });
});

describe('no automatic retries', () => {
  it.each([
    [503, 'server', true],
    [500, 'server', true],
    [429, 'rate-limited', false],
  ] as const)('HTTP %i once: one request, the error surfaces', async (status, kind, ambiguous) => {
    fake.failNext({ kind: 'status', status });
    const info = await sendError(
      sendTwilioMessage(client, {
        from: FROM,
        to: '+14155550100',
        body: 'hi',
        statusCallback: CALLBACK,
      }),
    );
    expect(info).toMatchObject({ httpStatus: status, kind, permanent: false, ambiguous });
    expect(creates()).toHaveLength(1);
    expect(fake.messages).toHaveLength(0);
    // The fault was used up: the caller's own retry goes through.
    await sendTwilioMessage(client, {
      from: FROM,
      to: '+14155550100',
      body: 'hi',
      statusCallback: CALLBACK,
    });
    expect(creates()).toHaveLength(2);
    expect(fake.messages).toHaveLength(1);
  });

  it('a connection reset after the create is ambiguous, and the message exists', async () => {
    fake.failNext({ kind: 'reset-after-create' });
    const info = await sendError(
      sendTwilioMessage(client, {
        from: FROM,
        to: '+14155550100',
        body: 'hi',
        statusCallback: CALLBACK,
      }),
    );
    expect(info).toMatchObject({ code: null, kind: 'network', permanent: false, ambiguous: true });
    expect(creates()).toHaveLength(1);
    expect(fake.messages).toHaveLength(1);
  });

  it('a refused connection is not ambiguous (nothing reached Twilio)', async () => {
    const port = await closedPort();
    const offline = createTwilioClient({ ...account, baseUrl: `http://127.0.0.1:${port}` });
    const info = await sendError(
      sendTwilioMessage(offline, {
        from: FROM,
        to: '+14155550100',
        body: 'hi',
        statusCallback: CALLBACK,
      }),
    );
    expect(info).toMatchObject({ kind: 'network', ambiguous: false, permanent: false });
  });

  it('a slow answer beyond the timeout is a network error, sent once', async () => {
    const impatient = createTwilioClient({ ...account, baseUrl: fake.url, timeoutMs: 100 });
    fake.failNext({ kind: 'delay', ms: 400 });
    const info = await sendError(
      sendTwilioMessage(impatient, {
        from: FROM,
        to: '+14155550100',
        body: 'hi',
        statusCallback: CALLBACK,
      }),
    );
    expect(info).toMatchObject({ kind: 'network', ambiguous: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(creates()).toHaveLength(1);
  });
});

describe('list', () => {
  it('pages through the SDK (next_page_uri goes through the rewriting client)', async () => {
    for (let i = 0; i < 5; i++) {
      await sendTwilioMessage(client, {
        from: FROM,
        to: '+14155550123',
        body: `m${i}`,
        statusCallback: CALLBACK,
      });
    }
    await sendTwilioMessage(client, {
      from: FROM,
      to: '+14155550999',
      body: 'other',
      statusCallback: CALLBACK,
    });
    await fake.settled();
    const listed = await client.messages.list({ to: '+14155550123', pageSize: 2 });
    expect(listed.map((m) => m.body).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    const gets = fake.requests.filter(
      (r) => r.method === 'GET' && r.path.endsWith('/Messages.json'),
    );
    expect(gets).toHaveLength(3);
    expect(gets.map((r) => r.params['Page'])).toEqual([undefined, '1', '2']);
    expect(gets[1]!.params['PageToken']).toMatch(/^PA(SM|MM)[0-9a-f]{32}$/);
  });

  it('filters by From and DateSent (on, on or before, on or after)', async () => {
    await sendTwilioMessage(client, {
      from: FROM,
      to: '+14155550123',
      body: 'a',
      statusCallback: CALLBACK,
    });
    await sendTwilioMessage(client, {
      from: '+15005550007',
      to: '+14155550123',
      body: 'b',
      statusCallback: CALLBACK,
    });
    await fake.settled();
    expect((await client.messages.list({ from: '+15005550007' })).map((m) => m.body)).toEqual([
      'b',
    ]);
    const today = new Date();
    const dayStart = new Date(
      Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()),
    );
    const yesterday = new Date(dayStart.getTime() - 86_400_000);
    const tomorrow = new Date(dayStart.getTime() + 86_400_000);
    expect(await client.messages.list({ dateSentAfter: yesterday })).toHaveLength(2);
    expect(await client.messages.list({ dateSentBefore: yesterday })).toHaveLength(0);
    expect(await client.messages.list({ dateSentAfter: tomorrow })).toHaveLength(0);
    const query = new URLSearchParams({ DateSent: dayStart.toISOString().slice(0, 10) });
    const res = await fetch(
      `${fake.url}/2010-04-01/Accounts/${account.accountSid}/Messages.json?${query.toString()}`,
      {
        headers: {
          authorization: `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`,
        },
      },
    );
    expect(((await res.json()) as { messages: unknown[] }).messages).toHaveLength(2);
  });
});

describe('rewriteTwilioUrl', () => {
  const base = new URL('http://127.0.0.1:4010/prefix/');
  it.each([
    [
      'https://api.twilio.com/2010-04-01/x.json?a=1',
      'http://127.0.0.1:4010/prefix/2010-04-01/x.json?a=1',
    ],
    ['https://messaging.twilio.com/v1/Services', 'http://127.0.0.1:4010/prefix/v1/Services'],
    ['https://api.sydney.au1.twilio.com/2010-04-01', 'http://127.0.0.1:4010/prefix/2010-04-01'],
    ['https://example.com/2010-04-01', 'https://example.com/2010-04-01'],
    ['https://nottwilio.com/x', 'https://nottwilio.com/x'],
  ])('%s → %s', (from, to) => {
    expect(rewriteTwilioUrl(from, base)).toBe(to);
  });
  it('leaves everything alone without a base URL (production)', () => {
    expect(rewriteTwilioUrl('https://api.twilio.com/x', undefined)).toBe(
      'https://api.twilio.com/x',
    );
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
