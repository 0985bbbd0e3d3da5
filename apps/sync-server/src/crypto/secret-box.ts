/**
 * Secrets at rest (Twilio auth tokens, mailbox passwords): AES-256-GCM with a random 96-bit nonce
 * per value and optional associated data (e.g. `mailbox:<id>`, so a sealed value cannot be moved
 * to another row), stored as text `v1.<nonce>.<ciphertext+tag>` (base64url).
 *
 * The key: `SECRET_BOX_KEY` (32 bytes as 64 hex characters or base64) when set; otherwise a random
 * key generated once and kept in `${DATA_DIR}/secret-box-key` (mode 0600), like the JWT secret, so
 * an embedded install needs no setup. Several instances on one Postgres must share
 * `SECRET_BOX_KEY` (each would otherwise generate its own and fail to open the others' secrets).
 * Losing the key makes the stored secrets unreadable: reconnect the integrations/mailboxes.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SecretBox {
  seal(plain: string, associatedData?: string): string;
  /** Throws when the value was not sealed with this key (and associated data) or was altered. */
  open(sealed: string, associatedData?: string): string;
}

const PREFIX = 'v1';

/** `SECRET_BOX_KEY` text (64 hex or base64/base64url of 32 bytes) → key bytes. */
export function parseSecretBoxKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t)
    ? Buffer.from(t, 'hex')
    : Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== 32) throw new Error('SECRET_BOX_KEY must be 32 bytes');
  return key;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('secret box key must be 32 bytes');
  return {
    seal(plain, associatedData) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData, 'utf8'));
      const body = Buffer.concat([
        cipher.update(plain, 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      return `${PREFIX}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
    },
    open(sealed, associatedData) {
      const [v, n, b] = sealed.split('.');
      if (v !== PREFIX || !n || !b) throw new Error('not a sealed secret');
      const nonce = Buffer.from(n, 'base64url');
      const body = Buffer.from(b, 'base64url');
      if (nonce.length !== 12 || body.length < 16) throw new Error('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([
        decipher.update(body.subarray(0, body.length - 16)),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}

const boxes = new Map<string, SecretBox>();

/**
 * The server's box: `SECRET_BOX_KEY` when given, else the key in `${dataDir}/secret-box-key`
 * (created on first use). Cached per key source.
 */
export function loadSecretBox(dataDir: string, keyText?: string): SecretBox {
  const cacheKey = keyText ? `key:${keyText}` : `dir:${dataDir}`;
  const hit = boxes.get(cacheKey);
  if (hit) return hit;
  let key: Buffer;
  if (keyText) key = parseSecretBoxKey(keyText);
  else {
    const file = path.join(dataDir, 'secret-box-key');
    if (existsSync(file)) key = parseSecretBoxKey(readFileSync(file, 'utf8'));
    else {
      mkdirSync(dataDir, { recursive: true });
      key = randomBytes(32);
      try {
        writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
      } catch {
        // Another process created it first: use theirs.
        key = parseSecretBoxKey(readFileSync(file, 'utf8'));
      }
    }
  }
  const box = createSecretBox(key);
  boxes.set(cacheKey, box);
  return box;
}

/** The box of a server environment (`secretBoxKey` = SECRET_BOX_KEY). */
export function secretBoxFor(env: {
  dataDir: string;
  secretBoxKey?: string | undefined;
}): SecretBox {
  return loadSecretBox(env.dataDir, env.secretBoxKey);
}
