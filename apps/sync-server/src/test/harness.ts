/**
 * Test harness for the sync server, also used by other packages' tests
 * (`@sdr/sync-server/test-harness`).
 *
 * - Databases: PGlite (one in-memory instance per test process, shared by every test; data is
 *   truncated between tests) and, when `TEST_DATABASE_URL` is set, real Postgres (a fresh, uniquely
 *   named database per test file, dropped afterwards). `testDatabaseKinds()` lists what to run.
 * - Servers: the real app over real HTTP on 127.0.0.1, port 0, with its logs captured.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { simpleParser, type ParsedMail } from 'mailparser';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { z } from 'zod';
import { createApp, type App } from '../app.ts';
import type { ServerEnv } from '../context.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { openPglite, openPostgres, type DatabaseHandle } from '../db/open.ts';
import type { Db } from '../db/schema.ts';
import { countRows, truncateAll } from '../db/tables.ts';
import { loadEnv, loadTestEnv } from '../env.ts';
import { createLogger } from '../logger.ts';
import { createMailer } from '../mail/mailer.ts';
import { serveApp } from '../serve-app.ts';
import { apiClient, type ApiClient } from './http.ts';
import { tokenFromMail } from './smtp.ts';

export { apiClient, countRows };
export type { ApiClient };
export { startSmtpProcess, tokenFromMail, useSmtpProcess } from './smtp.ts';
export type { ReceivedMail, SmtpProcess } from './smtp.ts';

export type DbKind = 'pglite' | 'postgres';

/** PGlite always; Postgres too when `TEST_DATABASE_URL` is set. */
export function testDatabaseKinds(): DbKind[] {
  return loadTestEnv(process.env).testDatabaseUrl ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase {
  kind: DbKind;
  db: Db;
  /** Empties every table. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const shared = globalThis as { __sdrPglite?: Promise<DatabaseHandle> };

async function sharedPglite(): Promise<DatabaseHandle> {
  shared.__sdrPglite ??= openPglite(undefined).then(async (h) => {
    await migrateDatabase(h);
    return h;
  });
  return shared.__sdrPglite;
}

export async function openTestDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = await sharedPglite();
    // Shared for the whole process; it ends with the process.
    return { kind, db: handle.db, reset: () => truncateAll(handle.db), close: async () => {} };
  }
  const created = await createPostgresDatabase();
  const handle = openPostgres(created.url);
  await migrateDatabase(handle);
  return {
    kind,
    db: handle.db,
    reset: () => truncateAll(handle.db),
    async close() {
      await handle.close();
      await created.drop();
    },
  };
}

/** Creates a fresh, uniquely named database on the `TEST_DATABASE_URL` server. */
export async function createPostgresDatabase(): Promise<{
  url: string;
  name: string;
  drop(): Promise<void>;
}> {
  const adminUrl = loadTestEnv(process.env).testDatabaseUrl;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `sdr_test_${Date.now().toString(36)}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export interface TestServerOptions {
  /** SMTP_URL; without it mail goes to `.eml` files under `dataDir/mail` (see `readMailFiles`). */
  smtpUrl?: string;
  /** Requests per window per client IP on the auth endpoints (default 1000: effectively off). */
  authRateLimit?: number;
  clock?: () => Date;
}

export interface TestServer {
  url: string;
  api: ApiClient;
  app: App;
  env: ServerEnv;
  db: Db;
  dataDir: string;
  /** Every log line the server wrote, as raw JSON text. */
  logs: string[];
  server: Server;
  close(): Promise<void>;
}

/** Serves `createApp` over real HTTP on 127.0.0.1 with a random port, on an existing database. */
export async function startTestServer(
  db: Db,
  options: TestServerOptions = {},
): Promise<TestServer> {
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
    ...loadEnv({
      DATA_DIR: dataDir,
      AUTH_RATE_LIMIT: String(options.authRateLimit ?? 1000),
      SMTP_URL: options.smtpUrl,
    }),
    jwtSecret: 'test-secret-0123456789-0123456789-abcdef',
  };
  const mailer = createMailer({
    smtpUrl: env.smtpUrl,
    from: env.mailFrom,
    dataDir,
    logger,
    clock: options.clock,
  });
  const app = createApp({
    db,
    env,
    mailer,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const server = await serveApp(app, 0, '127.0.0.1');
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  env.publicBaseUrl = url;
  return {
    url,
    api: apiClient(url),
    app,
    env,
    db,
    dataDir,
    logs,
    server,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      mailer.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Parses the `.eml` files the no-SMTP mailer wrote, oldest first. */
export async function readMailFiles(dataDir: string): Promise<ParsedMail[]> {
  const dir = path.join(dataDir, 'mail');
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .sort();
  } catch {
    return [];
  }
  return Promise.all(files.map((f) => simpleParser(readFileSync(path.join(dir, f)))));
}

export interface ServerSuite {
  readonly db: Db;
  /** The server started for the current test. */
  readonly server: TestServer;
  readonly api: ApiClient;
  /** Base URL of the current test's server. */
  readonly url: string;
  /** Starts another server on the same database (closed after the test). */
  start(options?: TestServerOptions): Promise<TestServer>;
}

/**
 * Registers vitest hooks: opens the database once for the file, empties it and starts a fresh
 * server before each test, closes everything afterwards. Use inside `describe.each(testDatabaseKinds())`.
 */
export function useServerSuite(kind: DbKind, defaults: TestServerOptions = {}): ServerSuite {
  let database: TestDatabase | undefined;
  let current: TestServer | undefined;
  const started: TestServer[] = [];
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is not ready (use it inside a test)`);
    return v;
  };
  const start = async (options: TestServerOptions = {}) => {
    const s = await startTestServer(need(database, 'database').db, { ...defaults, ...options });
    started.push(s);
    return s;
  };
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  beforeEach(async () => {
    await need(database, 'database').reset();
    current = await start();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
    current = undefined;
  });
  afterAll(async () => {
    await database?.close();
  });
  return {
    get db() {
      return need(database, 'database').db;
    },
    get server() {
      return need(current, 'server');
    },
    get api() {
      return need(current, 'server').api;
    },
    get url() {
      return need(current, 'server').url;
    },
    start,
  };
}

/** Parses a `{ items: [...] }` list response with the item schema. */
export function listItems<T>(body: unknown, item: z.ZodType<T>): T[] {
  return z.object({ items: z.array(item) }).parse(body).items;
}

export interface SignedUp {
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  userId: string;
  workspaceId: string;
}

let counter = 0;

/** Signs up a new user with their own workspace and returns their tokens. */
export async function signUp(
  api: ApiClient,
  overrides: Partial<{
    email: string;
    password: string;
    name: string;
    workspaceName: string;
    deviceName: string;
  }> = {},
): Promise<SignedUp> {
  counter += 1;
  const input = {
    email: `user${counter}-${Math.random().toString(36).slice(2, 7)}@example.com`,
    password: 'password-123456',
    name: `User ${counter}`,
    workspaceName: `Workspace ${counter}`,
    ...overrides,
  };
  const res = await api.post('/api/v1/auth/signup', input);
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
  return {
    email: input.email,
    password: input.password,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
    sessionId: res.body.sessionId,
    userId: res.body.user.id,
    workspaceId: res.body.workspace.id,
  };
}

/**
 * Adds a member to the admin's workspace the real way: invite (mail written as `.eml` by the
 * no-SMTP mailer), read the token from the mail, accept as a new user.
 */
export async function addMember(
  server: TestServer,
  adminAccessToken: string,
  role: 'admin' | 'manager' | 'sdr',
  email = `member${++counter}-${Math.random().toString(36).slice(2, 7)}@example.com`,
): Promise<SignedUp> {
  const inv = await server.api.post(
    '/api/v1/invitations',
    { email, role },
    { token: adminAccessToken },
  );
  if (inv.status !== 201) throw new Error(`invite failed: ${inv.status} ${inv.text}`);
  const mails = await readMailFiles(server.dataDir);
  const mail = mails
    .filter((m) => m.text?.includes('/invite/') && JSON.stringify(m.to).includes(email))
    .at(-1);
  if (!mail) throw new Error(`no invitation mail to ${email}`);
  const token = tokenFromMail(mail, 'invite', server.url);
  const password = 'member-password-1';
  const res = await server.api.post('/api/v1/invitations/accept', {
    token,
    password,
    name: `Member ${counter}`,
  });
  if (res.status !== 200) throw new Error(`accept failed: ${res.status} ${res.text}`);
  return {
    email,
    password,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
    sessionId: res.body.sessionId,
    userId: res.body.user.id,
    workspaceId: res.body.workspace.id,
  };
}
