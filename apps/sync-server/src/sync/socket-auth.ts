/**
 * Authentication of `/sync` and `/yjs` upgrades: the access token from `?token=` or
 * `Authorization: Bearer`, verified exactly like the REST API (`authenticateAccessToken`: JWT,
 * live session, membership, role from the database).
 */
import type { IncomingMessage } from 'node:http';
import type { RoleName } from '@sdr/schema';
import type WebSocket from 'ws';
import type { Db } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import { authenticateAccessToken } from '../middleware/auth/index.ts';

export interface SocketAuth {
  readonly userId: string;
  readonly workspaceId: string;
  readonly sessionId: string;
  readonly role: RoleName;
  /** When the access token expires: the socket is closed with 4401 then. */
  readonly expiresAt: Date;
}

export function tokenFrom(req: IncomingMessage, url: URL): string | null {
  const q = url.searchParams.get('token');
  if (q) return q;
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1] ?? null;
}

/** The caller, or null when the token or its session is not valid (any reason). */
export async function authenticateSocket(
  db: Db,
  secret: string,
  token: string | null,
  now: Date,
): Promise<SocketAuth | null> {
  if (!token) return null;
  try {
    return await authenticateAccessToken(db, secret, token, now);
  } catch (err) {
    if (err instanceof ApiError) return null;
    throw err;
  }
}

/** Messages that arrive before a socket's handler is ready (auth and setup are async). */
export interface Backlog {
  /** Stops buffering and returns what arrived so far, oldest first. */
  take(): [Buffer, boolean][];
}

export function bufferMessages(ws: WebSocket): Backlog {
  const messages: [Buffer, boolean][] = [];
  const onMessage = (data: Buffer, isBinary: boolean): void => {
    messages.push([data, isBinary]);
  };
  ws.on('message', onMessage);
  return {
    take() {
      ws.off('message', onMessage);
      return messages.splice(0);
    },
  };
}
