/**
 * The inbox test's own backend: the fake Twilio (the sync server's `fake-twilio/main.ts`, a real
 * HTTP peer speaking Twilio's Messages API and posting signed webhooks) and a sync server whose
 * Twilio client points at it. Also the steps that happen outside the app: an admin signing up and
 * inviting an SDR over REST, connecting Twilio, routing the inbox, and Twilio posting an inbound SMS.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from '@playwright/test';
import { startTsx, type ChildServer } from './processes.ts';
import type { Account } from './accounts.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export type InboxBackend = {
  serverUrl: string;
  twilioUrl: string;
  dataDir: string;
  /** Messages the server created at the fake Twilio (outbound SMS). */
  twilioMessages(): Promise<{ sid: string; to: string; from: string; body: string }[]>;
  newTwilioAccount(): Promise<{ accountSid: string; authToken: string }>;
  /** Twilio posts a signed incoming-message webhook. */
  inboundSms(input: { accountSid: string; from: string; to: string; body: string }): Promise<void>;
  rest<T = unknown>(method: string, url: string, token: string | null, body?: unknown): Promise<T>;
  /** An admin signs up elsewhere, invites `sdr` and the invitation is accepted. */
  adminWithSdr(admin: Account, sdr: Account): Promise<{ adminToken: string; sdrId: string }>;
  /** The admin invites `account` with `role` and the invitation is accepted; its user id. */
  addMember(adminToken: string, account: Account, role: 'sdr' | 'manager'): Promise<string>;
  dispose(): Promise<void>;
};

export async function launchInboxBackend(): Promise<InboxBackend> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdr-e2e-inbox-'));
  const twilio: ChildServer = await startTsx({
    name: 'fake Twilio',
    script: '../sync-server/src/test/fake-twilio/main.ts',
    env: {},
    ready: /"url":"([^"]+)"/,
  });
  const port = await freePort();
  const publicBaseUrl = `http://127.0.0.1:${port}`;
  let server: ChildServer;
  try {
    server = await startTsx({
      name: 'sync server (inbox)',
      script: 'e2e/support/inbox-server-main.ts',
      env: {
        E2E_SERVER_DATA_DIR: dataDir,
        E2E_SERVER_PORT: String(port),
        E2E_TWILIO_URL: twilio.url,
        E2E_PUBLIC_BASE_URL: publicBaseUrl,
      },
      ready: /SYNC SERVER (\S+)/,
      timeoutMs: 60_000,
    });
  } catch (err) {
    await twilio.stop();
    throw err;
  }
  const serverUrl = server.url;

  async function control<T>(method: string, p: string, body?: unknown): Promise<T> {
    const res = await fetch(`${twilio.url}/__fake/${p}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`fake Twilio ${p}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function rest<T>(method: string, url: string, token: string | null, body?: unknown) {
    const res = await fetch(`${serverUrl}${url}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  async function invitationToken(email: string): Promise<string> {
    const dir = path.join(dataDir, 'mail');
    let token: string | undefined;
    await expect(async () => {
      const mails = readdirSync(dir)
        .sort()
        .map((f) => readFileSync(path.join(dir, f), 'utf8').replace(/=\r?\n/g, ''));
      const mail = mails.filter((m) => m.includes(email)).at(-1);
      token = mail ? /\/invite\/([A-Za-z0-9_-]+)/.exec(mail)?.[1] : undefined;
      expect(token).toBeTruthy();
    }).toPass({ timeout: 10_000 });
    return token!;
  }

  async function addMember(adminToken: string, account: Account, role: 'sdr' | 'manager') {
    await rest('POST', '/api/v1/invitations', adminToken, { email: account.email, role });
    const token = await invitationToken(account.email);
    await rest('POST', '/api/v1/invitations/accept', null, {
      token,
      password: account.password,
      name: account.name,
    });
    const members = await rest<{ items: { userId: string; email: string }[] }>(
      'GET',
      '/api/v1/members',
      adminToken,
    );
    const id = members.items.find((m) => m.email === account.email)?.userId;
    if (!id) throw new Error(`${account.email} is not a member`);
    return id;
  }

  return {
    serverUrl,
    twilioUrl: twilio.url,
    dataDir,
    async twilioMessages() {
      const state = await control<{
        messages: { sid: string; to: string; from: string; body: string }[];
      }>('GET', 'state');
      return state.messages.map(({ sid, to, from, body }) => ({ sid, to, from, body }));
    },
    async newTwilioAccount() {
      const account = {
        accountSid: `AC${randomBytes(16).toString('hex')}`,
        authToken: randomBytes(16).toString('hex'),
      };
      await control('POST', 'accounts', account);
      return account;
    },
    async inboundSms({ accountSid, from, to, body }) {
      const url = `${publicBaseUrl}/webhooks/twilio/messaging`;
      const r = await control<{ status: number; body: string }>('POST', 'inbound', {
        accountSid,
        url,
        from,
        to,
        body,
      });
      expect(r.status).toBe(200);
    },
    rest,
    async adminWithSdr(admin, sdr) {
      const signed = await rest<{ accessToken: string }>(
        'POST',
        '/api/v1/auth/signup',
        null,
        admin,
      );
      const sdrId = await addMember(signed.accessToken, sdr, 'sdr');
      return { adminToken: signed.accessToken, sdrId };
    },
    addMember,
    async dispose() {
      await server.stop();
      await twilio.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
