/**
 * The account session against a REAL sync server (PGlite, loopback, port 0): sign-up, sign-in,
 * sign-out over the web shell's WebSocket, restart survival, and refresh of an expired access token.
 */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberDto, SessionDto } from '@sdr/schema';
import type { AuthState } from '../shared/contract.ts';
import type { Engine } from './engine.ts';
import {
  connectBridge,
  newAccount,
  openEngine,
  recordEvents,
  startTestServer,
  tempDir,
  testLog,
} from './test/harness.ts';
import { startWebShell } from './web-shell.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

function storedAccount(dataDir: string) {
  const db = new Database(path.join(dataDir, 'engine.sqlite'), { readonly: true });
  try {
    return db
      .prepare('select refresh_token, refresh_token_encrypted, profile from account')
      .all() as {
      refresh_token: Buffer;
      refresh_token_encrypted: number;
      profile: string;
    }[];
  } finally {
    db.close();
  }
}

function signedIn(result: { ok: boolean; data?: unknown }) {
  expect(result.ok).toBe(true);
  const state = result.data as AuthState;
  expect(state.status).toBe('signed-in');
  if (state.status !== 'signed-in') throw new Error('not signed in');
  return state;
}

async function refreshStatus(server: Server, refreshToken: string) {
  const res = await fetch(`${server.url}/api/v1/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { refreshToken?: string; error?: { code: string } },
  };
}

describe('session against a real sync server', () => {
  let server: Server;
  const engines: Engine[] = [];
  const open = async (dataDir: string, now?: () => number) => {
    const engine = await openEngine({ dataDir, serverUrl: server.url, ...(now ? { now } : {}) });
    engines.push(engine);
    return engine;
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const engine of engines) engine.close();
    await server.close();
  });

  it('signs up, signs out and signs in again over the WebSocket, with auth:changed events', async () => {
    const dataDir = tempDir();
    const engine = await open(dataDir);
    const shell = await startWebShell({ engine, rendererDir: tempDir(), port: 0, log: testLog });
    const bridge = await connectBridge(`ws://127.0.0.1:${shell.port}/engine`);
    const changes: AuthState[] = [];
    bridge.on('auth:changed', (payload) => changes.push(payload as AuthState));
    const account = newAccount('ada');

    const up = signedIn(await bridge.invoke('auth:signup', account));
    expect(up.offline).toBe(false);
    expect(up.me.user.email).toBe(account.email);
    expect(up.me.workspace.name).toBe(account.workspaceName);
    expect(up.me.role).toBe('admin');
    const stored = storedAccount(dataDir);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.refresh_token_encrypted).toBe(0); // web shell: no keychain (ADR 0002)
    const spentByLogout = stored[0]!.refresh_token.toString('utf8');

    expect(await bridge.invoke('auth:logout', {})).toEqual({
      ok: true,
      data: { status: 'signed-out' },
    });
    expect(storedAccount(dataDir)).toHaveLength(0);
    // The server revoked that session: its refresh token no longer works.
    expect((await refreshStatus(server, spentByLogout)).status).toBe(401);

    const wrong = await bridge.invoke('auth:login', {
      email: account.email,
      password: 'not the password',
    });
    expect(wrong).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated', serverCode: 'invalid_credentials' },
    });

    const again = signedIn(
      await bridge.invoke('auth:login', { email: account.email, password: account.password }),
    );
    expect(again.me.user.id).toBe(up.me.user.id);
    expect(changes.map((c) => c.status)).toEqual(['signed-in', 'signed-out', 'signed-in']);

    bridge.close();
    await shell.close();
  });

  it('reports a taken email as a conflict', async () => {
    const engine = await open(tempDir());
    const account = newAccount('dup');
    signedIn(await engine.dispatch('auth:signup', account));
    const other = await open(tempDir());
    const result = await other.dispatch('auth:signup', account);
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('keeps the session across an engine restart (persisted in local SQLite)', async () => {
    const dataDir = tempDir();
    const first = await open(dataDir);
    const up = signedIn(await first.dispatch('auth:signup', newAccount('restart')));
    first.close();

    const second = await open(dataDir);
    const state = signedIn(await second.dispatch('auth:state', {}));
    expect(state.offline).toBe(false);
    expect(state.me.user.id).toBe(up.me.user.id);
    // It is a working session, not just a cached profile: an authenticated call succeeds.
    const members = await second.dispatch('members:list', {});
    expect(members.ok && (members.data as MemberDto[]).map((m) => m.userId)).toEqual([
      up.me.user.id,
    ]);
    const sessions = await second.dispatch('auth:sessions', {});
    expect(sessions.ok && (sessions.data as SessionDto[]).filter((s) => s.current)).toHaveLength(1);
  });

  it('refreshes an expired access token transparently and stores the rotated refresh token', async () => {
    const dataDir = tempDir();
    let clock = Date.now();
    const engine = await open(dataDir, () => clock);
    signedIn(await engine.dispatch('auth:signup', newAccount('refresh')));
    const before = storedAccount(dataDir)[0]!.refresh_token.toString('utf8');

    clock += 16 * 60 * 1000; // past the 15-minute access token
    const state = signedIn(await engine.dispatch('auth:state', {}));
    expect(state.offline).toBe(false);
    const after = storedAccount(dataDir)[0]!.refresh_token.toString('utf8');
    expect(after).not.toBe(before);
    // The old refresh token was spent by the engine's refresh.
    const reused = await refreshStatus(server, before);
    expect(reused.status).toBe(401);
  });

  it('signs out locally when the refresh token was spent elsewhere (reuse detection)', async () => {
    const dataDir = tempDir();
    let clock = Date.now();
    const engine = await open(dataDir, () => clock);
    const events = recordEvents(engine);
    signedIn(await engine.dispatch('auth:signup', newAccount('reuse')));
    const token = storedAccount(dataDir)[0]!.refresh_token.toString('utf8');
    expect((await refreshStatus(server, token)).status).toBe(200); // someone else spends it

    clock += 16 * 60 * 1000;
    expect(await engine.dispatch('auth:state', {})).toEqual({
      ok: true,
      data: { status: 'signed-out' },
    });
    expect(storedAccount(dataDir)).toHaveLength(0);
    expect(events.at(-1)).toEqual({ event: 'auth:changed', payload: { status: 'signed-out' } });
  });

  it('refuses to switch to a workspace the user is not a member of', async () => {
    const a = await open(tempDir());
    signedIn(await a.dispatch('auth:signup', newAccount('alice')));
    const b = await open(tempDir());
    const other = signedIn(await b.dispatch('auth:signup', newAccount('bob')));
    const result = await a.dispatch('auth:switchWorkspace', { workspaceId: other.me.workspace.id });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Still signed in where it was.
    signedIn(await a.dispatch('auth:state', {}));
  });

  it('switches to a workspace the user was invited to, and stays there after a restart', async () => {
    const aliceDir = tempDir();
    const alice = await open(aliceDir);
    const aliceAccount = newAccount('alice');
    const home = signedIn(await alice.dispatch('auth:signup', aliceAccount));
    const bob = await open(tempDir());
    const bobs = signedIn(await bob.dispatch('auth:signup', newAccount('bob')));

    const invite = await bob.dispatch('members:invite', { email: aliceAccount.email, role: 'sdr' });
    expect(invite).toMatchObject({ ok: true, data: { email: aliceAccount.email, role: 'sdr' } });
    const token = await invitationToken(server.env.dataDir, aliceAccount.email);
    const accepted = await fetch(`${server.url}/api/v1/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: aliceAccount.password }),
    });
    expect(accepted.status).toBe(200);

    const refreshed = signedIn(await alice.dispatch('auth:state', {}));
    expect(refreshed.me.workspaces.map((w) => w.id).sort()).toEqual(
      [home.me.workspace.id, bobs.me.workspace.id].sort(),
    );
    const switched = signedIn(
      await alice.dispatch('auth:switchWorkspace', { workspaceId: bobs.me.workspace.id }),
    );
    expect(switched.me.workspace.id).toBe(bobs.me.workspace.id);
    expect(switched.me.role).toBe('sdr');
    const members = await alice.dispatch('members:list', {});
    expect(members.ok && (members.data as MemberDto[]).length).toBe(2);
    // An sdr cannot invite: the server's 403 comes back typed.
    const denied = await alice.dispatch('members:invite', { email: 'x@example.com', role: 'sdr' });
    expect(denied).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    alice.close();
    const again = await open(aliceDir);
    expect(signedIn(await again.dispatch('auth:state', {})).me.workspace.id).toBe(
      bobs.me.workspace.id,
    );
  });
});

/** Reads the invitation token from the `.eml` the server wrote (no SMTP configured). */
async function invitationToken(serverDataDir: string, email: string): Promise<string> {
  const dir = path.join(serverDataDir, 'mail');
  const mails = (await readdir(dir)).sort().map((f) => readFileSync(path.join(dir, f), 'utf8'));
  const mail = mails.filter((m) => m.includes(email)).at(-1);
  const match = mail && /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.replace(/=\r?\n/g, ''));
  if (!match?.[1]) throw new Error(`no invitation mail to ${email}`);
  return match[1];
}
