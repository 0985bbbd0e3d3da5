import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from './engine.ts';
import { connectBridge, openEngine, rawExchange, tempDir, testLog } from './test/harness.ts';
import { startWebShell, type WebShell } from './web-shell.ts';

/** A raw GET that keeps the path exactly as written (fetch would normalise `/../`). */
function rawGet(port: number, rawPath: string, host = `127.0.0.1:${port}`) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>(
    (resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: rawPath, headers: { host } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe('web shell', () => {
  let engine: Engine;
  let shell: WebShell;
  let wsUrl: string;

  beforeAll(async () => {
    const root = tempDir('sdr-shell-');
    const rendererDir = path.join(root, 'renderer');
    fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>SDR</title>');
    fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'export {};');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'TOP SECRET');
    engine = await openEngine({ dataDir: path.join(root, 'data') });
    shell = await startWebShell({ engine, rendererDir, port: 0, log: testLog });
    wsUrl = `ws://127.0.0.1:${shell.port}/engine`;
  });
  afterAll(async () => {
    await shell.close();
    engine.close();
  });

  it('serves the renderer with a strict CSP, and index.html for client-side routes', async () => {
    const index = await rawGet(shell.port, '/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>SDR</title>');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['content-security-policy']).toContain("object-src 'none'");
    expect((await rawGet(shell.port, '/assets/app.js')).headers['content-type']).toMatch(
      /javascript/,
    );
    const route = await rawGet(shell.port, '/leads/123');
    expect(route.body).toContain('<title>SDR</title>');
    expect(route.headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await rawGet(shell.port, '/assets/missing.js')).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
  ])('refuses path traversal: %s', async (p) => {
    const res = await rawGet(shell.port, p);
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('TOP SECRET');
  });

  it('refuses requests for a foreign Host (DNS rebinding)', async () => {
    const res = await rawGet(shell.port, '/', 'evil.example:80');
    expect(res.status).toBe(421);
  });

  it('serves the contract over the WebSocket', async () => {
    const bridge = await connectBridge(wsUrl);
    expect(await bridge.invoke('app:info', {})).toEqual({
      ok: true,
      data: { version: '0.0.0-test', serverUrl: 'http://127.0.0.1:9', shell: 'web' },
    });
    const unknown = await bridge.invoke('nope', {});
    expect(!unknown.ok && unknown.error.code).toBe('unknown_channel');
    bridge.close();
  });

  it('answers a non-JSON frame with a typed protocol error and keeps serving', async () => {
    expect(await rawExchange(wsUrl, 'this is {not json')).toEqual({
      type: 'protocol-error',
      error: { code: 'invalid_input', message: 'Frames must be JSON text' },
    });
    expect(await rawExchange(wsUrl, Buffer.from([0xff, 0x00]))).toMatchObject({
      type: 'protocol-error',
    });
    const bridge = await connectBridge(wsUrl);
    expect((await bridge.invoke('settings:getTheme', {})).ok).toBe(true);
    bridge.close();
  });

  it('answers a wrong-shaped frame that has an id with an error response for that id', async () => {
    const frame = await rawExchange(wsUrl, JSON.stringify({ type: 'request', id: 7, channel: 42 }));
    expect(frame).toEqual({
      type: 'response',
      id: 7,
      result: { ok: false, error: { code: 'invalid_input', message: 'Malformed request frame' } },
    });
    expect(await rawExchange(wsUrl, JSON.stringify([1, 2, 3]))).toMatchObject({
      type: 'protocol-error',
    });
  });

  it('refuses WebSocket connections from another origin', async () => {
    await expect(connectBridge(wsUrl, 'https://evil.example')).rejects.toThrow();
    const own = await connectBridge(wsUrl, `http://127.0.0.1:${shell.port}`);
    own.close();
  });

  it('refuses WebSocket upgrades on other paths', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${shell.port}/other`);
    await expect(
      new Promise((resolve, reject) => {
        socket.on('open', resolve);
        socket.on('error', reject);
      }),
    ).rejects.toThrow(/403/);
  });
});

describe('web shell with a dev origin', () => {
  it('lets the configured dev server origin (and its Host) connect, and nobody else', async () => {
    const engine = await openEngine({ dataDir: tempDir() });
    const shell = await startWebShell({
      engine,
      rendererDir: tempDir(),
      port: 0,
      log: testLog,
      devOrigins: ['http://localhost:5999'],
    });
    const url = `ws://127.0.0.1:${shell.port}/engine`;
    const viaProxy = new WebSocket(url, {
      origin: 'http://localhost:5999',
      headers: { host: 'localhost:5999' },
    });
    await new Promise((resolve, reject) => {
      viaProxy.on('open', resolve);
      viaProxy.on('error', reject);
    });
    viaProxy.close();
    await expect(connectBridge(url, 'http://localhost:6000')).rejects.toThrow();
    await shell.close();
    engine.close();
  });
});
