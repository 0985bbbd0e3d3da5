/**
 * Twilio's webhooks served before Hono (`twilio-node-handler.ts`), over real HTTP on loopback, on
 * PGlite and (with TEST_DATABASE_URL) Postgres:
 *
 * - the test server (`serveApp`, as production) answers every case exactly as the Hono route does
 *   (`app.request`, which never takes the node fast path): status, content type, body, and what
 *   is stored;
 * - the handler alone in a node server (anything it leaves falls through to a 599) refuses forged,
 *   unsigned, oversize (declared or streamed) and wrongly typed bodies, stores nothing for them,
 *   keeps a valid request id, leaves other methods and paths alone, and survives a client that
 *   goes away mid-body.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookEvent } from '@sdr/schema/pg';
import { secretBoxFor } from '../crypto/secret-box.ts';
import { ApiError } from '../errors.ts';
import { saveTwilioIntegration } from '../integrations/integrations.service.ts';
import { createLogger, type Logger } from '../logger.ts';
import { newAccountCredentials } from '../test/fake-twilio/messages.ts';
import { formEncode, twilioSignature, type FormParams } from '../test/fake-twilio/signature.ts';
import { signUp, testDatabaseKinds, useServerSuite } from '../test/harness.ts';
import { twilioIntake, type TwilioIntake } from './twilio-intake.ts';
import { twilioNodeHandler } from './twilio-node-handler.ts';

const OUR = '+442079460000';
const LEAD = '+442079460958';
const FORM = 'application/x-www-form-urlencoded';

interface Answer {
  status: number;
  contentType: string | null;
  requestId: string | null;
  body: string;
}

describe.each(testDatabaseKinds())('Twilio webhooks before Hono (%s)', (kind) => {
  const suite = useServerSuite(kind);
  let creds: { accountSid: string; authToken: string };
  let n = 0;

  beforeEach(async () => {
    const admin = await signUp(suite.api);
    creds = newAccountCredentials();
    await saveTwilioIntegration(
      suite.db,
      secretBoxFor(suite.server.env),
      { workspaceId: admin.workspaceId, ...creds, phoneNumbers: [OUR] },
      Date.now(),
    );
  });

  const inbound = (extra: FormParams = {}): FormParams => {
    n += 1;
    const sid = `SM${n.toString(16).padStart(32, '0')}`;
    return {
      AccountSid: creds.accountSid,
      ApiVersion: '2010-04-01',
      Body: `Hello ${n} & more = yes +1 100% ✓`,
      From: LEAD,
      MessageSid: sid,
      NumMedia: '0',
      SmsSid: sid,
      SmsStatus: 'received',
      To: OUR,
      ...extra,
    };
  };
  const signed = (params: FormParams, path = '/webhooks/twilio/messaging') =>
    twilioSignature(creds.authToken, `${suite.server.env.publicBaseUrl}${path}`, params);
  const rows = async () =>
    (await suite.db.select().from(webhookEvent)).map((r) => [r.provider, r.eventKey]).sort();

  /** The same request over HTTP (the fast path) and through `app.request` (Hono's route). */
  async function both(
    path: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<[Answer, Answer]> {
    const read = async (res: Response): Promise<Answer> => ({
      status: res.status,
      contentType: res.headers.get('content-type'),
      requestId: res.headers.get('x-request-id'),
      body: (await res.text()).replace(/"requestId":"[^"]+"/, '"requestId":"…"'),
    });
    const init = { method: 'POST', headers, body };
    return [
      await read(await fetch(`${suite.url}${path}`, init)),
      await read(await suite.server.app.request(path, init)),
    ];
  }

  it('answers every case as the Hono route does, and stores the same', async () => {
    const ok = inbound();
    const status = {
      AccountSid: creds.accountSid,
      MessageSid: `SM${'c'.repeat(32)}`,
      MessageStatus: 'delivered',
    };
    const big = inbound({ Body: 'x'.repeat(70 * 1024) });
    const cases: [string, string, Record<string, string>][] = [
      [
        '/webhooks/twilio/messaging',
        formEncode(ok),
        { 'content-type': FORM, 'x-twilio-signature': signed(ok) },
      ],
      [
        '/webhooks/twilio/status?attempt=2',
        formEncode(status),
        {
          'content-type': FORM,
          'x-twilio-signature': signed(status, '/webhooks/twilio/status?attempt=2'),
        },
      ],
      ['/webhooks/twilio/messaging', formEncode(ok), { 'content-type': FORM }],
      [
        '/webhooks/twilio/messaging',
        formEncode(ok),
        { 'content-type': FORM, 'x-twilio-signature': signed(ok, '/webhooks/twilio/status') },
      ],
      [
        '/webhooks/twilio/messaging',
        JSON.stringify(ok),
        { 'content-type': 'application/json', 'x-twilio-signature': signed(ok) },
      ],
      [
        '/webhooks/twilio/messaging',
        formEncode(big),
        { 'content-type': FORM, 'x-twilio-signature': signed(big) },
      ],
      [
        '/webhooks/twilio/messaging',
        formEncode({ ...ok, AccountSid: 'AC' + '0'.repeat(32) }),
        { 'content-type': FORM, 'x-twilio-signature': signed(ok) },
      ],
    ];
    const seen: number[] = [];
    for (const [path, body, headers] of cases) {
      const [fast, hono] = await both(path, body, headers);
      expect(fast, `${path} ${body.slice(0, 60)}`).toEqual({ ...hono, requestId: fast.requestId });
      expect(fast.requestId).toMatch(/^[\w-]+$/);
      seen.push(fast.status);
    }
    expect(seen).toEqual([200, 200, 403, 403, 403, 413, 403]);
    // The replayed deliveries (the second of each pair) added nothing.
    expect(await rows()).toEqual([
      ['twilio_messaging', ok['MessageSid']],
      ['twilio_status', `${status.MessageSid}:delivered`],
    ]);
  });

  describe('the handler alone', () => {
    let server: Server;
    let base: string;
    let logs: string[];

    async function listen(intake: TwilioIntake, patch?: (logger: Logger) => void): Promise<void> {
      logs = [];
      const logger = createLogger('info', { write: (line: string) => logs.push(line) });
      patch?.(logger);
      const handle = twilioNodeHandler({ logger }, intake);
      server = createServer((req, res) => {
        if (!handle(req, res)) res.writeHead(599).end('not handled');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
    afterEach(async () => {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    });
    /** The real intake, verifying against this server's own URL. */
    async function listenReal(wrap = (i: TwilioIntake): TwilioIntake => i): Promise<void> {
      const env = { ...suite.server.env };
      await listen(wrap(twilioIntake({ db: suite.db, env, clock: () => new Date() })));
      env.publicBaseUrl = base;
    }
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': FORM, ...headers },
        body,
      });

    it('stores a signed delivery once and refuses forged, unsigned and oversize ones', async () => {
      await listenReal();
      const ok = inbound();
      const sig = twilioSignature(creds.authToken, `${base}/webhooks/twilio/messaging`, ok);
      const first = await post('/webhooks/twilio/messaging', formEncode(ok), {
        'x-twilio-signature': sig,
        'x-request-id': 'from-the-proxy-1',
      });
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toBe('text/xml; charset=utf-8');
      expect(first.headers.get('x-request-id')).toBe('from-the-proxy-1');
      expect(await first.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      const replay = await post('/webhooks/twilio/messaging', formEncode(ok), {
        'x-twilio-signature': sig,
        'x-request-id': 'not valid!',
      });
      expect(replay.status).toBe(200);
      expect(replay.headers.get('x-request-id')).not.toBe('not valid!');

      const forged = inbound();
      const refused = [
        await post('/webhooks/twilio/messaging', formEncode(forged), {
          'x-twilio-signature': twilioSignature(
            'f'.repeat(32),
            `${base}/webhooks/twilio/messaging`,
            forged,
          ),
        }),
        await post('/webhooks/twilio/messaging', formEncode(forged)),
        await post('/webhooks/twilio/messaging', JSON.stringify(forged), {
          'content-type': 'application/json',
          'x-twilio-signature': twilioSignature(
            creds.authToken,
            `${base}/webhooks/twilio/messaging`,
            forged,
          ),
        }),
      ];
      for (const res of refused) {
        expect(res.status).toBe(403);
        expect(res.headers.get('content-type')).toBe('application/json');
        expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
      }

      // Declared too long: refused before reading.
      const big = inbound({ Body: 'x'.repeat(70 * 1024) });
      const declared = await post('/webhooks/twilio/messaging', formEncode(big), {
        'x-twilio-signature': twilioSignature(
          creds.authToken,
          `${base}/webhooks/twilio/messaging`,
          big,
        ),
      });
      expect(declared.status).toBe(413);
      expect(await declared.json()).toMatchObject({ error: { code: 'payload_too_large' } });
      // Streamed (chunked, no Content-Length): refused once past the limit.
      const streamed = await new Promise<number>((resolve, reject) => {
        const req = request(`${base}/webhooks/twilio/messaging`, {
          method: 'POST',
          headers: { 'content-type': FORM, 'transfer-encoding': 'chunked' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        const chunk = 'Body=' + 'y'.repeat(16 * 1024);
        for (let i = 0; i < 6; i++) req.write(chunk);
        req.end();
      });
      expect(streamed).toBe(413);

      expect(await rows()).toEqual([['twilio_messaging', ok['MessageSid']]]);
      const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.filter((l) => l['msg'] === 'request').map((l) => l['status'])).toEqual([
        200, 200, 403, 403, 403, 413, 413,
      ]);
      expect(lines[0]).toMatchObject({
        requestId: 'from-the-proxy-1',
        path: '/webhooks/twilio/messaging',
      });
      expect(logs.join('\n')).not.toContain(creds.authToken);
      expect(logs.join('\n')).not.toContain('Hello');
    });

    it('leaves other methods and paths to the next listener', async () => {
      await listenReal();
      const ok = inbound();
      for (const [method, path] of [
        ['GET', '/webhooks/twilio/messaging'],
        ['PUT', '/webhooks/twilio/status'],
        ['POST', '/webhooks/twilio/messaging/'],
        ['POST', '/webhooks/twilio/other'],
        ['POST', '/webhooks/email/sendgrid'],
        ['POST', '/api/v1/webhooks/twilio/messaging'],
      ] as const) {
        const res = await fetch(`${base}${path}`, {
          method,
          ...(method === 'GET' ? {} : { body: formEncode(ok) }),
        });
        expect(res.status, `${method} ${path}`).toBe(599);
      }
      expect(await rows()).toEqual([]);
    });

    it('answers 500 with the API error body when storing fails, and logs the error', async () => {
      await listen(() => Promise.reject(new Error('database unreachable')));
      const res = await post('/webhooks/twilio/status', formEncode(inbound()));
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { code: string; requestId: string } };
      expect(body.error.code).toBe('internal');
      expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
      const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l['msg'])).toEqual(['unhandled error', 'request failed']);
      expect(lines[0]).toMatchObject({ err: { message: 'database unreachable' } });
    });

    it('logs a failure to answer and drops the connection instead of crashing', async () => {
      let broken = true;
      await listen(
        () => Promise.reject(new Error('database unreachable')),
        (logger) => {
          const child = logger.child.bind(logger);
          logger.child = ((...args: Parameters<typeof child>) => {
            if (broken) throw new Error('logger broken');
            return child(...args);
          }) as typeof logger.child;
        },
      );
      await expect(post('/webhooks/twilio/status', formEncode(inbound()))).rejects.toThrow();
      const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toMatchObject([
        { msg: 'webhook answer failed', err: { message: 'logger broken' } },
      ]);
      broken = false;
      expect((await post('/webhooks/twilio/status', formEncode(inbound()))).status).toBe(500);
    });

    it('passes an ApiError through with its own status', async () => {
      await listen(() => Promise.reject(new ApiError('forbidden', 'Unknown Twilio account.')));
      const res = await post('/webhooks/twilio/messaging', 'AccountSid=AC1');
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({
        error: { code: 'forbidden', message: 'Unknown Twilio account.' },
      });
    });

    it('stores nothing and stays up when the client goes away mid-body', async () => {
      let calls = 0;
      await listenReal((intake) => (d) => {
        calls += 1;
        return intake(d);
      });
      await new Promise<void>((resolve) => {
        const req = request(`${base}/webhooks/twilio/messaging`, {
          method: 'POST',
          headers: { 'content-type': FORM, 'content-length': '5000' },
        });
        req.on('error', () => resolve());
        req.write('AccountSid=AC', () => setTimeout(() => req.destroy(), 50));
      });
      await new Promise((r) => setTimeout(r, 100));
      const ok = inbound();
      const after = await post('/webhooks/twilio/messaging', formEncode(ok), {
        'x-twilio-signature': twilioSignature(
          creds.authToken,
          `${base}/webhooks/twilio/messaging`,
          ok,
        ),
      });
      expect(after.status).toBe(200);
      expect(calls).toBe(1);
      expect(await rows()).toEqual([['twilio_messaging', ok['MessageSid']]]);
      expect(logs.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['request']);
    });
  });
});
