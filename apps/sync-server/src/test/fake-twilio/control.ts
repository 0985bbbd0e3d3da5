/**
 * Control routes of the fake Twilio (`/__fake/*`, JSON), so a fake running as its own process
 * (`main.ts`, for e2e and benchmarks) can be configured and inspected like the in-process one, and
 * `connectFakeTwilio(url)`, the client for them. These routes are not part of Twilio's API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  CallbackOptions,
  DeliveredCallback,
  DeliveryFailure,
  FakeTwilio,
  Fault,
  FaultTarget,
  InboundResult,
  RecordedRequest,
  SendInboundInput,
} from './fake-twilio.ts';
import { messageJson, type FakeMessage } from './messages.ts';
import type { FormParams } from './signature.ts';

/** A message as the control API reports it: the API JSON plus the create parameters. */
export type ReportedMessage = Record<string, unknown> & { sid: string; params: FormParams };

export interface FakeTwilioState {
  messages: ReportedMessage[];
  inbound: ReportedMessage[];
  requests: RecordedRequest[];
  callbacks: DeliveredCallback[];
}

function report(m: FakeMessage): ReportedMessage {
  return { ...messageJson(m), sid: m.sid, params: m.params };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  fake: FakeTwilio,
): Promise<void> {
  const reply = (status: number, json?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(json === undefined ? '' : JSON.stringify(json));
  };
  const route = `${req.method ?? 'GET'} ${url.pathname}`;
  if (route === 'GET /__fake/state') {
    const state: FakeTwilioState = {
      messages: fake.messages.map(report),
      inbound: fake.inbound.map(report),
      requests: [...fake.requests],
      callbacks: [...fake.callbacks],
    };
    return reply(200, state);
  }
  const body = req.method === 'POST' ? await readJson(req) : {};
  switch (route) {
    case 'POST /__fake/accounts':
      fake.addAccount(String(body['accountSid']), String(body['authToken']));
      return reply(204);
    case 'POST /__fake/inbound':
      return reply(200, await fake.sendInbound(body as unknown as SendInboundInput));
    case 'POST /__fake/reject':
      fake.rejectTo(String(body['to']), body as unknown as { code: number });
      return reply(204);
    case 'POST /__fake/fail-delivery':
      fake.failDelivery(String(body['to']), body as unknown as DeliveryFailure);
      return reply(204);
    case 'POST /__fake/fail-next':
      fake.failNext(
        body['fault'] as Fault,
        Number(body['count'] ?? 1),
        body['on'] === 'list' || body['on'] === 'media' ? body['on'] : 'create',
      );
      return reply(204);
    case 'POST /__fake/callback-options':
      fake.setCallbackOptions(body);
      return reply(204);
    case 'POST /__fake/settled':
      await fake.settled();
      return reply(204);
    case 'POST /__fake/reset':
      fake.reset();
      return reply(204);
    default:
      return reply(404, { error: `no control route ${route}` });
  }
}

/** The control API of a fake Twilio running elsewhere (e.g. started with `main.ts`). */
export interface FakeTwilioRemote {
  readonly url: string;
  addAccount(accountSid: string, authToken: string): Promise<void>;
  state(): Promise<FakeTwilioState>;
  sendInbound(input: SendInboundInput): Promise<InboundResult>;
  rejectTo(to: string, error: { code: number; message?: string; status?: number }): Promise<void>;
  failDelivery(to: string, failure: DeliveryFailure): Promise<void>;
  failNext(fault: Fault, count?: number, on?: FaultTarget): Promise<void>;
  setCallbackOptions(options: CallbackOptions): Promise<void>;
  settled(): Promise<void>;
  reset(): Promise<void>;
}

export function connectFakeTwilio(url: string): FakeTwilioRemote {
  const base = url.replace(/\/+$/, '');
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}/__fake/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`fake Twilio ${method} ${path}: HTTP ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    url: base,
    addAccount: (accountSid, authToken) => call('POST', 'accounts', { accountSid, authToken }),
    state: () => call('GET', 'state'),
    sendInbound: (input) => call('POST', 'inbound', input),
    rejectTo: (to, error) => call('POST', 'reject', { to, ...error }),
    failDelivery: (to, failure) => call('POST', 'fail-delivery', { to, ...failure }),
    failNext: (fault, count = 1, on = 'create') => call('POST', 'fail-next', { fault, count, on }),
    setCallbackOptions: (options) => call('POST', 'callback-options', options),
    settled: () => call('POST', 'settled'),
    reset: () => call('POST', 'reset'),
  };
}
