import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ServerEnv } from './context.ts';
import type { Env } from './env.ts';

/**
 * `JWT_SECRET` when set; otherwise the secret persisted in `${DATA_DIR}/jwt-secret`, generated on
 * first start (mode 0600) so access tokens stay valid across restarts.
 */
export function withJwtSecret(env: Env): ServerEnv {
  if (env.jwtSecret) return { ...env, jwtSecret: env.jwtSecret };
  const file = path.join(env.dataDir, 'jwt-secret');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return { ...env, jwtSecret: existing };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(env.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return { ...env, jwtSecret: secret };
}
