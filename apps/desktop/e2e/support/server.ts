/**
 * Direct access to the suite's sync server for steps that happen outside this app: another person
 * signing up elsewhere, or following the link in an invitation mail (read from the `.eml` files the
 * server writes when no SMTP server is configured).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from '@playwright/test';
import type { Account } from './accounts.ts';

function serverUrl(): string {
  const url = process.env.E2E_SERVER_URL;
  if (!url)
    throw new Error('E2E_SERVER_URL is not set: run the tests through playwright.config.ts');
  return url;
}

async function post(pathname: string, body: unknown): Promise<void> {
  const res = await fetch(new URL(pathname, serverUrl()), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${pathname} → ${res.status}: ${await res.text()}`);
}

/** Signs up through the server's REST API, as if on another device. */
export function signUpElsewhere(account: Account): Promise<void> {
  return post('/api/v1/auth/signup', account);
}

function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The token of the newest invitation mailed to `email` (waits for the mail to be written). */
export async function invitationToken(email: string): Promise<string> {
  const dataDir = process.env.E2E_SERVER_DATA_DIR;
  if (!dataDir) throw new Error('E2E_SERVER_DATA_DIR is not set');
  const folder = path.join(dataDir, 'mail');
  let token: string | undefined;
  await expect
    .poll(() => {
      const files = readdirSync(folder)
        .filter((file) => file.endsWith('.eml'))
        .sort();
      for (const file of files.reverse()) {
        const mail = decodeQuotedPrintable(readFileSync(path.join(folder, file), 'utf8'));
        if (!mail.includes(email)) continue;
        token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail)?.[1];
        if (token) return true;
      }
      return false;
    })
    .toBe(true);
  return token!;
}

/** Follows the invitation link: joins the workspace (an existing user gives their password). */
export function acceptInvitation(token: string, account: Account): Promise<void> {
  return post('/api/v1/invitations/accept', {
    token,
    password: account.password,
    name: account.name,
  });
}
