/**
 * Provider integrations of a workspace: Twilio (account SID, auth token sealed with the secret
 * box, our phone numbers) and SendGrid (the event webhook's ECDSA verification key).
 *
 * Webhooks look the workspace up on every request (Twilio: by AccountSid), so lookups are cached
 * in memory per database: a PUT on this instance invalidates at once; other instances see a
 * change within `CACHE_TTL_MS`. Unknown accounts are cached briefly too, so forged requests for
 * made-up accounts do not each cost a query.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { sendgridIntegration, twilioIntegration } from '@sdr/schema/pg';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { Db } from '../db/schema.ts';

const CACHE_TTL_MS = 60_000;
const NEGATIVE_TTL_MS = 5_000;

export interface TwilioAccount {
  workspaceId: string;
  accountSid: string;
  authToken: string;
  /** Our numbers as stored (`+E164` or `whatsapp:+E164`). */
  phoneNumbers: string[];
  numbers: ReadonlySet<string>;
}

export interface SendgridKey {
  workspaceId: string;
  publicKey: string;
  key: KeyObject;
}

interface Entry<T> {
  value: T | null;
  at: number;
}

interface Cache {
  twilioBySid: Map<string, Entry<TwilioAccount>>;
  twilioByWorkspace: Map<string, Entry<TwilioAccount>>;
  sendgrid: Map<string, Entry<SendgridKey>>;
}

const caches = new WeakMap<object, Cache>();

function cacheFor(db: Db): Cache {
  let c = caches.get(db);
  if (!c) {
    c = { twilioBySid: new Map(), twilioByWorkspace: new Map(), sendgrid: new Map() };
    caches.set(db, c);
  }
  return c;
}

function fresh<T>(e: Entry<T> | undefined): e is Entry<T> {
  if (!e) return false;
  return Date.now() - e.at < (e.value ? CACHE_TTL_MS : NEGATIVE_TTL_MS);
}

/** Forgets cached integrations (after a PUT). */
export function invalidateIntegrations(db: Db): void {
  caches.delete(db);
}

function toAccount(row: typeof twilioIntegration.$inferSelect, box: SecretBox): TwilioAccount {
  return {
    workspaceId: row.workspaceId,
    accountSid: row.accountSid,
    authToken: box.open(row.authTokenEnc, `twilio:${row.workspaceId}`),
    phoneNumbers: row.phoneNumbers,
    numbers: new Set(row.phoneNumbers),
  };
}

export async function twilioAccountBySid(
  db: Db,
  box: SecretBox,
  accountSid: string,
): Promise<TwilioAccount | null> {
  const cache = cacheFor(db);
  const hit = cache.twilioBySid.get(accountSid);
  if (fresh(hit)) return hit.value;
  const [row] = await db
    .select()
    .from(twilioIntegration)
    .where(eq(twilioIntegration.accountSid, accountSid));
  const value = row ? toAccount(row, box) : null;
  cache.twilioBySid.set(accountSid, { value, at: Date.now() });
  return value;
}

export async function twilioAccountOfWorkspace(
  db: Db,
  box: SecretBox,
  workspaceId: string,
): Promise<TwilioAccount | null> {
  const cache = cacheFor(db);
  const hit = cache.twilioByWorkspace.get(workspaceId);
  if (fresh(hit)) return hit.value;
  const [row] = await db
    .select()
    .from(twilioIntegration)
    .where(eq(twilioIntegration.workspaceId, workspaceId));
  const value = row ? toAccount(row, box) : null;
  cache.twilioByWorkspace.set(workspaceId, { value, at: Date.now() });
  return value;
}

export async function saveTwilioIntegration(
  db: Db,
  box: SecretBox,
  input: { workspaceId: string; accountSid: string; authToken: string; phoneNumbers: string[] },
  now: number,
): Promise<void> {
  const values = {
    workspaceId: input.workspaceId,
    accountSid: input.accountSid,
    authTokenEnc: box.seal(input.authToken, `twilio:${input.workspaceId}`),
    phoneNumbers: input.phoneNumbers,
    updatedAt: now,
  };
  await db
    .insert(twilioIntegration)
    .values(values)
    .onConflictDoUpdate({ target: twilioIntegration.workspaceId, set: values });
  invalidateIntegrations(db);
}

/** A SendGrid verification key: base64 DER (SPKI) as SendGrid shows it, or PEM. */
export function parseSendgridKey(publicKey: string): KeyObject {
  const text = publicKey.trim();
  const key = text.startsWith('-----BEGIN')
    ? createPublicKey(text)
    : createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ec') throw new Error('not an EC public key');
  return key;
}

export async function sendgridKeyOfWorkspace(
  db: Db,
  workspaceId: string,
): Promise<SendgridKey | null> {
  const cache = cacheFor(db);
  const hit = cache.sendgrid.get(workspaceId);
  if (fresh(hit)) return hit.value;
  const [row] = await db
    .select()
    .from(sendgridIntegration)
    .where(eq(sendgridIntegration.workspaceId, workspaceId));
  let value: SendgridKey | null = null;
  if (row) {
    try {
      value = { workspaceId, publicKey: row.publicKey, key: parseSendgridKey(row.publicKey) };
    } catch {
      value = null;
    }
  }
  cache.sendgrid.set(workspaceId, { value, at: Date.now() });
  return value;
}

export async function saveSendgridIntegration(
  db: Db,
  input: { workspaceId: string; publicKey: string },
  now: number,
): Promise<void> {
  const values = {
    workspaceId: input.workspaceId,
    publicKey: input.publicKey.trim(),
    updatedAt: now,
  };
  await db
    .insert(sendgridIntegration)
    .values(values)
    .onConflictDoUpdate({ target: sendgridIntegration.workspaceId, set: values });
  invalidateIntegrations(db);
}
