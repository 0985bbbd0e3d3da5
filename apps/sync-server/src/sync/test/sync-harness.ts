/**
 * Test kit for the sync endpoints: a real server (REST + `/sync` + `/yjs`) over real HTTP on
 * 127.0.0.1 on the harness's databases (shared PGlite, or a fresh Postgres database per file with
 * LISTEN/NOTIFY), and a small `/sync` client that speaks the binary frames.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import type postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createApp } from '../../app.ts';
import type { ServerEnv } from '../../context.ts';
import type { Db } from '../../db/schema.ts';
import { loadEnv } from '../../env.ts';
import { createLogger } from '../../logger.ts';
import { createMailer } from '../../mail/mailer.ts';
import {
  apiClient,
  openTestDatabase,
  type DbKind,
  type TestDatabase,
  type TestServer,
} from '../../test/harness.ts';
import { InProcessBus } from '../change-bus.ts';
import { attachSyncSockets, type SyncSockets } from '../sockets.ts';
import { createSyncCore, DEFAULT_SYNC_ENV, startPostgresBus, type SyncCore } from '../sync-core.ts';
import type { SyncEnv } from '../../env.ts';

export const JWT_SECRET = 'test-secret-0123456789-0123456789-abcdef';

export interface SyncTestServer extends TestServer {
  sync: SyncCore;
  sockets: SyncSockets;
  wsUrl: string;
}

export interface SyncServerOptions {
  kind: DbKind;
  sync?: Partial<SyncEnv>;
  /** A bus of its own: no wake-ups from other instances (only the poll finds their changes). */
  isolatedBus?: boolean;
}

export async function startSyncTestServer(
  db: Db,
  options: SyncServerOptions,
): Promise<SyncTestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdr-sync-test-'));
  const logs: string[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(chunk.toString('utf8'));
        cb();
      },
    }),
  );
  const env: ServerEnv = {
    ...loadEnv({ DATA_DIR: dataDir, AUTH_RATE_LIMIT: '1000' }),
    jwtSecret: JWT_SECRET,
  };
  const mailer = createMailer({ smtpUrl: undefined, from: env.mailFrom, dataDir, logger });
  const pg =
    options.kind === 'postgres' ? (db as unknown as { $client: postgres.Sql }).$client : null;
  const sync = createSyncCore({
    db,
    logger,
    env: { ...DEFAULT_SYNC_ENV, pollMs: 200, ...options.sync },
    ...(options.isolatedBus
      ? { bus: new InProcessBus() }
      : pg
        ? { bus: await startPostgresBus(pg, logger) }
        : {}),
  });
  const app = createApp({ db, env, mailer, logger, sync });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s as Server),
    );
  });
  const sockets = attachSyncSockets(server, sync, { secret: JWT_SECRET, logger });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  env.publicBaseUrl = url;
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}`,
    api: apiClient(url),
    app,
    env,
    db,
    dataDir,
    logs,
    server,
    sync,
    sockets,
    async close() {
      await sockets.close();
      await sync.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      mailer.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SyncSuite {
  readonly db: Db;
  readonly server: SyncTestServer;
  start(options?: Partial<SyncServerOptions>): Promise<SyncTestServer>;
}

/** Vitest hooks: one database per file, emptied before each test, a fresh sync server per test. */
export function useSyncSuite(kind: DbKind, defaults: Partial<SyncServerOptions> = {}): SyncSuite {
  let database: TestDatabase | undefined;
  let current: SyncTestServer | undefined;
  const started: SyncTestServer[] = [];
  const start = async (o: Partial<SyncServerOptions> = {}) => {
    if (!database) throw new Error('database not ready');
    const s = await startSyncTestServer(database.db, { kind, ...defaults, ...o });
    started.push(s);
    return s;
  };
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  beforeEach(async () => {
    await database!.reset();
    current = await start();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await database?.close();
  });
  return {
    get db() {
      return database!.db;
    },
    get server() {
      if (!current) throw new Error('server not ready');
      return current;
    },
    start,
  };
}
