/**
 * The WebSocket transport against a real `ws` server on loopback, playing the engine's side of the
 * frames: request/response matching, events, queueing before connect, reconnecting, timeouts.
 */
// eslint-disable-next-line no-restricted-imports -- the test runs in Node and plays the engine over a real socket
import { WebSocket, WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestFrame } from '../shared/contract.ts';
import { createEngineClient, createSocketBridge, engineSocketUrl } from './engine-client.ts';
import type { ConnectionState, SocketBridge } from './engine-client.ts';

type FakeEngine = {
  port: number;
  url: string;
  requests: RequestFrame[];
  sockets: Set<WebSocket>;
  /** How to answer each request; `undefined` answers nothing. */
  answer: (frame: RequestFrame, socket: WebSocket) => void;
  close(): Promise<void>;
};

async function startEngine(port = 0): Promise<FakeEngine> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/engine' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const actual = (wss.address() as { port: number }).port;
  const engine: FakeEngine = {
    port: actual,
    url: `ws://127.0.0.1:${actual}/engine`,
    requests: [],
    sockets: new Set(),
    answer: (frame, socket) =>
      socket.send(
        JSON.stringify({
          type: 'response',
          id: frame.id,
          result: { ok: true, data: { echo: frame.input } },
        }),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of engine.sockets) socket.terminate();
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (socket) => {
    engine.sockets.add(socket);
    socket.on('close', () => engine.sockets.delete(socket));
    socket.on('message', (data) => {
      const frame = JSON.parse((data as Buffer).toString('utf8')) as RequestFrame;
      engine.requests.push(frame);
      engine.answer(frame, socket);
    });
  });
  return engine;
}

async function freePort(): Promise<number> {
  const probe = await startEngine();
  await probe.close();
  return probe.port;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function bridgeTo(url: string, options: { requestTimeoutMs?: number } = {}): SocketBridge {
  const bridge = createSocketBridge({
    url,
    createSocket: (target) => new WebSocket(target),
    initialRetryMs: 20,
    maxRetryMs: 100,
    ...options,
  });
  cleanups.push(() => bridge.close());
  return bridge;
}

function waitFor(bridge: SocketBridge, state: ConnectionState): Promise<void> {
  if (bridge.connection() === state) return Promise.resolve();
  return new Promise((resolve) => {
    const off = bridge.onConnection((next) => {
      if (next === state) {
        off();
        resolve();
      }
    });
  });
}

describe('createSocketBridge', () => {
  it('matches responses to requests by id, even when they arrive out of order', async () => {
    const engine = await startEngine();
    cleanups.push(() => engine.close());
    const held: { frame: RequestFrame; socket: WebSocket }[] = [];
    engine.answer = (frame, socket) => {
      held.push({ frame, socket });
      if (held.length < 3) return;
      for (const { frame: f, socket: s } of held.reverse()) {
        s.send(
          JSON.stringify({ type: 'response', id: f.id, result: { ok: true, data: f.channel } }),
        );
      }
    };
    const bridge = bridgeTo(engine.url);
    const results = await Promise.all([
      bridge.invoke('app:info', {}),
      bridge.invoke('auth:state', {}),
      bridge.invoke('members:list', {}),
    ]);
    expect(results).toEqual([
      { ok: true, data: 'app:info' },
      { ok: true, data: 'auth:state' },
      { ok: true, data: 'members:list' },
    ]);
    expect(new Set(engine.requests.map((r) => r.id)).size).toBe(3);
  });

  it('sends the request frame of the contract and passes error results through unchanged', async () => {
    const engine = await startEngine();
    cleanups.push(() => engine.close());
    engine.answer = (frame, socket) =>
      socket.send(
        JSON.stringify({
          type: 'response',
          id: frame.id,
          result: {
            ok: false,
            error: {
              code: 'invalid_input',
              message: 'Invalid',
              issues: [{ path: 'email', message: 'Bad' }],
            },
          },
        }),
      );
    const client = createEngineClient(bridgeTo(engine.url));
    const result = await client.invoke('auth:login', { email: 'x', password: 'y' });
    expect(engine.requests).toEqual([
      {
        type: 'request',
        id: expect.any(Number),
        channel: 'auth:login',
        input: { email: 'x', password: 'y' },
      },
    ]);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'Invalid',
        issues: [{ path: 'email', message: 'Bad' }],
      },
    });
  });

  it('delivers events to their listeners until they unsubscribe', async () => {
    const engine = await startEngine();
    cleanups.push(() => engine.close());
    const bridge = bridgeTo(engine.url);
    const seen: unknown[] = [];
    const off = bridge.on('auth:changed', (payload) => seen.push(payload));
    bridge.on('something:else', () => seen.push('wrong listener'));
    await bridge.invoke('auth:state', {}); // connected
    const push = (payload: unknown) => {
      for (const socket of engine.sockets)
        socket.send(JSON.stringify({ type: 'event', event: 'auth:changed', payload }));
    };
    push({ status: 'signed-out' });
    await expect.poll(() => seen).toEqual([{ status: 'signed-out' }]);
    off();
    push({ status: 'signed-in' });
    await bridge.invoke('auth:state', {}); // a round trip after the event: it has been processed
    expect(seen).toEqual([{ status: 'signed-out' }]);
  });

  it('waits for the engine to come up and then sends what was asked meanwhile', async () => {
    const port = await freePort();
    const bridge = bridgeTo(`ws://127.0.0.1:${port}/engine`);
    const pending = bridge.invoke('auth:state', { early: true });
    await waitFor(bridge, 'reconnecting');
    const engine = await startEngine(port);
    cleanups.push(() => engine.close());
    await expect(pending).resolves.toEqual({ ok: true, data: { echo: { early: true } } });
    expect(bridge.connection()).toBe('open');
  });

  it('fails requests in flight when the connection drops, then reconnects by itself', async () => {
    const engine = await startEngine();
    const bridge = bridgeTo(engine.url);
    const states: ConnectionState[] = [];
    bridge.onConnection((state) => states.push(state));
    await bridge.invoke('auth:state', {});

    engine.answer = () => undefined; // the engine dies before answering
    const inFlight = bridge.invoke('auth:login', { email: 'a@b.c', password: 'x' });
    await expect.poll(() => engine.requests.length).toBe(2);
    const port = engine.port;
    await engine.close();
    await expect(inFlight).resolves.toMatchObject({
      ok: false,
      error: { code: 'server_unreachable' },
    });

    const restarted = await startEngine(port);
    cleanups.push(() => restarted.close());
    await waitFor(bridge, 'open');
    await expect(bridge.invoke('auth:state', { again: 1 })).resolves.toEqual({
      ok: true,
      data: { echo: { again: 1 } },
    });
    // The failed request was not re-sent to the new engine: it may have acted on it already.
    expect(restarted.requests.map((r) => r.channel)).toEqual(['auth:state']);
    expect(states).toEqual(['open', 'reconnecting', 'open']);
  });

  it('gives up on a request the engine never answers', async () => {
    const engine = await startEngine();
    cleanups.push(() => engine.close());
    engine.answer = () => undefined;
    const bridge = bridgeTo(engine.url, { requestTimeoutMs: 150 });
    await expect(bridge.invoke('auth:state', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'server_unreachable', message: expect.stringMatching(/did not answer/) },
    });
  });

  it('ignores frames that are not JSON and answers to unknown ids', async () => {
    const engine = await startEngine();
    cleanups.push(() => engine.close());
    engine.answer = (frame, socket) => {
      socket.send('not json');
      socket.send(
        JSON.stringify({ type: 'response', id: 9999, result: { ok: true, data: 'stray' } }),
      );
      socket.send(
        JSON.stringify({ type: 'response', id: frame.id, result: { ok: true, data: 'mine' } }),
      );
    };
    const bridge = bridgeTo(engine.url);
    await expect(bridge.invoke('auth:state', {})).resolves.toEqual({ ok: true, data: 'mine' });
  });

  it('after close, resolves pending requests with an error and stops reconnecting', async () => {
    const engine = await startEngine();
    cleanups.push(() => engine.close());
    engine.answer = () => undefined;
    const bridge = bridgeTo(engine.url);
    const pending = bridge.invoke('auth:state', {});
    await expect.poll(() => engine.requests.length).toBe(1);
    bridge.close();
    await expect(pending).resolves.toMatchObject({
      ok: false,
      error: { code: 'server_unreachable' },
    });
    await expect(bridge.invoke('auth:state', {})).resolves.toMatchObject({ ok: false });
    await expect.poll(() => engine.sockets.size).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(engine.sockets.size).toBe(0);
    expect(bridge.connection()).toBe('closed');
  });
});

describe('engineSocketUrl', () => {
  it.each([
    [{ protocol: 'http:', host: '127.0.0.1:5174' }, 'ws://127.0.0.1:5174/engine'],
    [{ protocol: 'https:', host: 'app.example.com' }, 'wss://app.example.com/engine'],
  ])('%o → %s', (location, url) => {
    expect(engineSocketUrl(location)).toBe(url);
  });
});
