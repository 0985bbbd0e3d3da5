/**
 * The web shell: the engine as a plain Node process. Serves the built renderer over HTTP and the
 * contract over a WebSocket at `/engine`, on 127.0.0.1 only. Cross-origin pages cannot connect
 * (Origin check) and DNS-rebinding hosts are refused (Host check).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { EngineFrame, EventName } from '../shared/contract.ts';
import type { Engine } from './engine.ts';
import { EngineFailure } from './errors.ts';
import type { FileStore } from './files/file-store.ts';
import { fileDto } from './import/import-handlers.ts';
import { handleFrame } from './frames.ts';
import type { Logger } from './logger.ts';
import { contentSecurityPolicy, readStatic } from './static-files.ts';

export interface WebShellOptions {
  engine: Engine;
  rendererDir: string;
  port: number;
  log: Logger;
  /** Extra origins (and their hosts) allowed in, e.g. the Vite dev server that proxies `/engine`. */
  devOrigins?: string[];
}

export interface WebShell {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_FRAME_BYTES = 1024 * 1024;

export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const { engine, rendererDir, port, log } = opts;
  const devOrigins = opts.devOrigins ?? [];
  let actualPort = port;
  const ownHosts = () => [`127.0.0.1:${actualPort}`, `localhost:${actualPort}`];
  const allowedHosts = () => new Set([...ownHosts(), ...devOrigins.map((o) => new URL(o).host)]);
  const allowedOrigins = () => new Set([...ownHosts().map((h) => `http://${h}`), ...devOrigins]);

  const server = http.createServer((req, res) => {
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res
        .writeHead(421, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Misdirected request');
      return;
    }
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://x');
    if (pathname === '/files' || pathname.startsWith('/files/')) {
      const origin = req.headers.origin;
      // Uploads must come from the app's own page; downloads are plain links (no Origin sent).
      if (req.method === 'POST' && (origin === undefined || !allowedOrigins().has(origin))) {
        res.writeHead(403).end();
        return;
      }
      serveFiles(engine.files, req, res, pathname, searchParams, log);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    readStatic(rendererDir, req.url ?? '/')
      .then((result) => {
        res.writeHead(result.status, {
          'content-type': result.contentType,
          'content-security-policy': contentSecurityPolicy(actualPort),
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'referrer-policy': 'no-referrer',
          'cross-origin-opener-policy': 'same-origin',
          'cache-control': 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : result.body);
      })
      .catch((err: unknown) => {
        log.error('static file failed', { err });
        res.writeHead(500).end();
      });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin;
    const hostOk = allowedHosts().has(req.headers.host ?? '');
    const originOk = origin === undefined || allowedOrigins().has(origin);
    if (pathname !== '/engine' || !hostOk || !originOk) {
      log.warn('refused a WebSocket connection', { pathname, origin });
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws));
  });

  function connect(ws: WebSocket) {
    const send = (frame: EngineFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const unsubscribe = engine.subscribe((event: EventName, payload) =>
      send({ type: 'event', event, payload }),
    );
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? null : textOf(data);
      handleFrame(engine.dispatch, text)
        .then(send)
        .catch((err: unknown) => log.error('frame handling failed', { err }));
    });
    ws.on('close', unsubscribe);
    ws.on('error', (err) => log.warn('socket error', { err }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  actualPort = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${actualPort}/`,
    port: actualPort,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * `POST /files?name=<file name>` stages an upload (the body is the file's bytes) and answers its
 * `StoredFileDto`; `GET /files/<id>` downloads a staged file (error reports, exports).
 */
function serveFiles(
  files: FileStore,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  pathname: string,
  params: URLSearchParams,
  log: Logger,
): void {
  const json = (status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const fail = (err: unknown) => {
    const known = err instanceof EngineFailure;
    if (!known) log.error('file request failed', { err });
    json(known && err.code === 'not_found' ? 404 : known ? 400 : 500, {
      error: { code: known ? err.code : 'internal', message: known ? err.message : 'File error' },
    });
  };
  if (req.method === 'POST' && pathname === '/files') {
    files
      .stageFromStream(req, params.get('name') ?? 'upload')
      .then((f) => json(201, fileDto(f)))
      .catch(fail);
    return;
  }
  if ((req.method === 'GET' || req.method === 'HEAD') && pathname.startsWith('/files/')) {
    const id = pathname.slice('/files/'.length);
    files
      .info(id)
      .then((f) => {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': String(f.size),
          'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(f.name)}`,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-store',
        });
        if (req.method === 'HEAD') res.end();
        else files.open(id).on('error', fail).pipe(res);
      })
      .catch(fail);
    return;
  }
  res.writeHead(405, { allow: 'GET, HEAD, POST' }).end();
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}
