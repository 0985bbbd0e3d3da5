/**
 * WebSocket endpoints on the node http server's `upgrade` event: `GET /sync` (the multiplexed
 * sync socket) and `GET /yjs/:docName` (standard y-websocket). Both authenticate with the access
 * token (`?token=` or `Authorization: Bearer`); a bad token closes with 4401 (after an `error`
 * frame on `/sync`). A sweep closes sockets whose token expired or whose session ended.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { sql } from 'drizzle-orm';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeFrame, parseDocName } from '@sdr/schema/sync';
import type { Logger } from '../logger.ts';
import { loggableError } from '../logger.ts';
import { authenticateSocket, bufferMessages, tokenFrom, type SocketAuth } from './socket-auth.ts';
import { queryRows } from './sql.ts';
import { CLOSE_CODES } from './close-codes.ts';
import { SyncConnection } from './sync-connection.ts';
import type { SyncCore } from './sync-core.ts';
import { PRESENCE_PREFIX, YjsHub } from './yjs-hub.ts';

export interface SyncSocketsOptions {
  readonly secret: string;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** How often sockets are checked for expired tokens and ended sessions (ms). */
  readonly sessionCheckMs?: number;
  /** Largest accepted message (bytes). */
  readonly maxPayload?: number;
}

export interface SyncSockets {
  /** Open sockets on this instance. */
  readonly count: () => number;
  /** Runs the session sweep now (tests). */
  readonly checkSessions: () => Promise<void>;
  close(): Promise<void>;
}

interface Tracked {
  readonly auth: SocketAuth;
  readonly ws: WebSocket;
}

export function attachSyncSockets(
  server: Server,
  core: SyncCore,
  o: SyncSocketsOptions,
): SyncSockets {
  const clock = o.clock ?? (() => new Date());
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: o.maxPayload ?? 16 * 1024 * 1024,
  });
  const hub = new YjsHub(core, o.logger);
  const open = new Set<Tracked>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const yjs = /^\/yjs\/([^/]+)$/.exec(url.pathname);
    if (url.pathname !== '/sync' && !yjs) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const early = bufferMessages(ws);
      ws.on('error', () => ws.terminate());
      void accept(ws, req, url, yjs ? decodeURIComponent(yjs[1]!) : null, early).catch(
        (err: unknown) => {
          o.logger.error({ err: loggableError(err) }, 'socket setup failed');
          ws.close(1011, 'internal error');
        },
      );
    });
  };

  async function accept(
    ws: WebSocket,
    req: IncomingMessage,
    url: URL,
    docName: string | null,
    early: ReturnType<typeof bufferMessages>,
  ): Promise<void> {
    const auth = await authenticateSocket(core.db, o.secret, tokenFrom(req, url), clock());
    if (!auth) {
      if (docName === null) {
        ws.send(
          encodeFrame({
            type: 'error',
            code: 'unauthorized',
            message: 'sign in again',
            clientSeq: null,
          }),
        );
      }
      return ws.close(CLOSE_CODES.unauthorized, 'unauthorized');
    }
    const tracked = { auth, ws };
    open.add(tracked);
    ws.once('close', () => open.delete(tracked));
    if (docName !== null) {
      // Lead records, and awareness-only presence rooms of conversations (yjs-hub.ts).
      if (parseDocName(docName)?.type !== 'lead' && !docName.startsWith(PRESENCE_PREFIX))
        return ws.close(CLOSE_CODES.forbidden, 'unknown doc');
      return hub.join(ws, auth, docName, early);
    }
    const conn = new SyncConnection(ws, auth, core, o.logger);
    for (const [data, isBinary] of early.take()) conn.onMessage(data, isBinary);
    ws.on('message', (data: Buffer, isBinary: boolean) => conn.onMessage(data, isBinary));
    ws.once('close', () => conn.onClose());
  }

  async function checkSessions(): Promise<void> {
    if (open.size === 0) return;
    const now = clock();
    const ids = [...new Set([...open].map((t) => t.auth.sessionId))];
    const live = await queryRows<{ id: string }>(
      core.db,
      sql`select s.id from session s join membership m
            on m.user_id = s.user_id and m.workspace_id = s.workspace_id
          where s.id in (${sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          )}) and s.revoked_at is null and s.expires_at > ${now.toISOString()}::timestamptz`,
    );
    const alive = new Set(live.map((r) => r.id));
    for (const t of open) {
      if (!alive.has(t.auth.sessionId) || t.auth.expiresAt <= now) {
        t.ws.close(CLOSE_CODES.unauthorized, 'session ended or token expired');
      }
    }
  }

  const timer = setInterval(() => {
    checkSessions().catch((err: unknown) =>
      o.logger.warn({ err: loggableError(err) }, 'socket session check failed'),
    );
  }, o.sessionCheckMs ?? 30_000);
  timer.unref();
  server.on('upgrade', onUpgrade);

  return {
    count: () => open.size,
    checkSessions,
    async close() {
      clearInterval(timer);
      server.off('upgrade', onUpgrade);
      for (const t of open) t.ws.close(CLOSE_CODES.goingAway, 'server shutting down');
      for (const ws of wss.clients) ws.terminate();
      hub.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
