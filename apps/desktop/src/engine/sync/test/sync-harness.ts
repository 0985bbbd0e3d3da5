/**
 * Helpers for engine sync tests against the REAL sync server (`startTestServer`): engines with a
 * short reconnect backoff, members of one workspace, and the server's REST API.
 */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import type { RoleName } from '@sdr/schema';
import type { AuthState, LeadDto, SyncStatus } from '../../../shared/contract.ts';
import type { Engine, EngineOptions } from '../../engine.ts';
import { newAccount, openEngine, tempDir, type startTestServer } from '../../test/harness.ts';
import { waitFor } from './wait.ts';

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;
type Me = Extract<AuthState, { status: 'signed-in' }>['me'];

/**
 * A fetch with its own connection pool, like a real engine process has. Engines of one test
 * process would otherwise share Node's global pool, and a keep-alive socket another engine left
 * idle while the event loop was busy can be reset by the server as it is reused.
 */
function ownFetch(): typeof globalThis.fetch {
  const dispatcher = new Agent();
  return ((url: string, init?: RequestInit) =>
    undiciFetch(url, { ...(init as object), dispatcher })) as unknown as typeof globalThis.fetch;
}

export function openSyncEngine(
  serverUrl: string,
  dataDir = tempDir(),
  sync: { pageLimit?: number } = {},
  engine: Pick<EngineOptions, 'catchUp'> = {},
): Promise<Engine> {
  return openEngine({
    dataDir,
    serverUrl,
    fetch: ownFetch(),
    sync: { backoff: { baseMs: 40, capMs: 300 }, gapFillDelayMs: 50, ...sync },
    ...engine,
  });
}

export async function call<T>(engine: Engine, channel: string, input: unknown = {}): Promise<T> {
  const r = await engine.dispatch(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

export async function signUp(
  engine: Engine,
  label: string,
): Promise<{ me: Me; email: string; password: string }> {
  const account = newAccount(label);
  const state = await call<AuthState>(engine, 'auth:signup', account);
  if (state.status !== 'signed-in') throw new Error('sign-up failed');
  return { me: state.me, email: account.email, password: account.password };
}

export const syncStatus = (engine: Engine) => call<SyncStatus>(engine, 'sync:status');

export async function getLead(engine: Engine, id: string): Promise<LeadDto | null> {
  const r = await engine.dispatch('leads:get', { id });
  if (r.ok) return r.data as LeadDto;
  if (r.error.code === 'not_found') return null;
  throw new Error(`leads:get: ${r.error.code} ${r.error.message}`);
}

export async function waitOnline(engine: Engine): Promise<SyncStatus> {
  return waitFor(
    async () => {
      const s = await syncStatus(engine);
      return s.connection === 'online' && s.initialSync.done && s.pending === 0 ? s : null;
    },
    { what: 'engine online, caught up, outbox empty' },
  );
}

/** Invites a new user into the admin's workspace and signs them in on a new engine. */
export async function addMember(
  server: TestServer,
  admin: Engine,
  role: RoleName,
  label: string,
): Promise<{ engine: Engine; me: Me; email: string; password: string }> {
  const account = newAccount(label);
  await call(admin, 'members:invite', { email: account.email, role });
  const token = await invitationToken(server.env.dataDir, account.email);
  const res = await fetch(`${server.url}/api/v1/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password: account.password, name: account.name }),
  });
  if (res.status !== 200) throw new Error(`accept: ${res.status} ${await res.text()}`);
  const engine = await openSyncEngine(server.url);
  const state = await call<AuthState>(engine, 'auth:login', {
    email: account.email,
    password: account.password,
  });
  if (state.status !== 'signed-in') throw new Error('login failed');
  return { engine, me: state.me, email: account.email, password: account.password };
}

export async function invitationToken(serverDataDir: string, email: string): Promise<string> {
  const dir = path.join(serverDataDir, 'mail');
  const mails = (await readdir(dir)).sort().map((f) => readFileSync(path.join(dir, f), 'utf8'));
  const mail = mails.filter((m) => m.includes(email)).at(-1);
  const match = mail && /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.replace(/=\r?\n/g, ''));
  if (!match?.[1]) throw new Error(`no invitation mail to ${email}`);
  return match[1];
}

/** The server's REST API with a user's own access token. */
export async function restClient(serverUrl: string, email: string, password: string) {
  const login = await fetch(`${serverUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  return async <T = unknown>(method: string, url: string, body?: unknown) => {
    const res = await fetch(`${serverUrl}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
}
