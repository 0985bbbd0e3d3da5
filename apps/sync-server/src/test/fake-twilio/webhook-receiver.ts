/**
 * A tiny HTTP server that records the webhooks POSTed to it (status callbacks, inbound messages),
 * for tests of the fake Twilio and for tests that want to look at callbacks without the app.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formDecode, type FormParams } from './signature.ts';

export interface ReceivedWebhook {
  path: string;
  /** The full URL as requested (`http://127.0.0.1:<port><path>`), the one Twilio signed. */
  url: string;
  headers: IncomingHttpHeaders;
  params: FormParams;
  raw: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** What the receiver answers from now on (default: 200 with an empty TwiML response). */
  respondWith(status: number, body?: string): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let answer = { status: 200, body: EMPTY_TWIML };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      received.push({
        path,
        url: `${base}${path}`,
        headers: req.headers,
        params: formDecode(raw),
        raw,
      });
      res.writeHead(answer.status, { 'content-type': 'text/xml' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    received,
    respondWith(status, body = EMPTY_TWIML) {
      answer = { status, body };
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(
            `expected ${count} webhooks within ${timeoutMs} ms, got ${received.length}`,
          );
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      return received;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
