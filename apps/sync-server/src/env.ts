/**
 * The only reader of `process.env` in the sync server. Everything is parsed once, at start-up, with
 * zod; a bad value stops the process with a message naming the variable.
 */
import path from 'node:path';
import { z } from 'zod';

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).optional(),
  PUBLIC_BASE_URL: z.url().optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('SDR <no-reply@localhost>'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  SEED_DEMO: booleanish.optional(),
  /** Requests per minute per client IP on each auth endpoint. */
  AUTH_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  /** AES-256-GCM key for secrets at rest (mailbox passwords): 64 hex chars or base64 of 32 bytes. */
  SECRET_BOX_KEY: z
    .string()
    .regex(
      /^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/,
      'must be 32 bytes as 64 hex characters or base64',
    )
    .optional(),
  /** Tests and benchmarks: Twilio API requests go here instead of https://api.twilio.com. */
  TWILIO_API_BASE_URL: z.url().optional(),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Env {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicBaseUrl: string;
  jwtSecret: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: LogLevel;
  seedDemo: boolean;
  authRateLimit: { limit: number; windowMs: number };
  /** SECRET_BOX_KEY; when unset the key is kept in `${dataDir}/secret-box-key` (crypto/secret-box.ts). */
  secretBoxKey: string | undefined;
  /** TWILIO_API_BASE_URL (undefined in production: api.twilio.com). */
  twilioApiBaseUrl?: string | undefined;
}

export type EnvSource = Record<string, string | undefined>;

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** Parses an environment object (pass `process.env` in `main.ts`, a plain object in tests). */
export function loadEnv(source: EnvSource, cwd: string = process.cwd()): Env {
  // Treat empty strings as unset, as shells and .env files often produce them.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid sync-server environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(cwd, e.DATA_DIR ?? '.data/server'),
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    jwtSecret: e.JWT_SECRET,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    seedDemo: e.SEED_DEMO ?? e.DATABASE_URL === undefined,
    authRateLimit: { limit: e.AUTH_RATE_LIMIT, windowMs: 60_000 },
    secretBoxKey: e.SECRET_BOX_KEY,
    twilioApiBaseUrl: e.TWILIO_API_BASE_URL,
  };
}

const SyncEnvSchema = z.object({
  /** Clients older than this go read-only. */
  MIN_CLIENT_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+/, 'must be a version like 1.2.3')
    .default('0.0.0'),
  /** How often each instance polls the change log as a safety net (ms). */
  SYNC_POLL_MS: z.coerce.number().int().min(20).default(2000),
  /** How often the change-log compaction runs (ms), and how long update bytes are kept (ms). */
  SYNC_COMPACT_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
  SYNC_LOG_RETENTION_MS: z.coerce.number().int().min(0).default(600_000),
  /** Changes in the catch-up page read ahead at `hello` (see sync-connection.ts). */
  SYNC_FIRST_PAGE: z.coerce.number().int().min(1).max(10_000).default(1000),
});

export interface SyncEnv {
  minClientVersion: string;
  pollMs: number;
  compactIntervalMs: number;
  logRetentionMs: number;
  firstPageLimit: number;
}

/** The sync settings (src/sync), parsed like `loadEnv`. */
export function loadSyncEnv(source: EnvSource): SyncEnv {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = SyncEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid sync-server environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    minClientVersion: e.MIN_CLIENT_VERSION,
    pollMs: e.SYNC_POLL_MS,
    compactIntervalMs: e.SYNC_COMPACT_INTERVAL_MS,
    logRetentionMs: e.SYNC_LOG_RETENTION_MS,
    firstPageLimit: e.SYNC_FIRST_PAGE,
  };
}

const EmailEnvSchema = z.object({
  /** Watch the mailboxes (IMAP IDLE/poll) in this instance; run it on one instance only. */
  MAIL_WATCHER: booleanish.default(true),
  /** Poll interval of a mailbox when IDLE is missing or as a safety net (ms). */
  MAIL_POLL_MS: z.coerce.number().int().min(1000).default(60_000),
});

export interface EmailEnv {
  watcher: boolean;
  pollMs: number;
}

/** The email channel settings (src/channels/email), parsed like `loadEnv`. */
export function loadEmailEnv(source: EnvSource): EmailEnv {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = EmailEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid sync-server environment:\n${lines.join('\n')}`);
  }
  return { watcher: parsed.data.MAIL_WATCHER, pollMs: parsed.data.MAIL_POLL_MS };
}

const BackgroundEnvSchema = z.object({
  /**
   * Run the background jobs (outbox worker, webhook processor, mailbox watcher, inbox job) in this
   * instance. `false` on web-only instances: they still store webhooks and enqueue sends.
   */
  BACKGROUND_JOBS: booleanish.default(true),
});

/** Whether this instance runs the background jobs (`BACKGROUND_JOBS`), parsed like `loadEnv`. */
export function loadBackgroundEnv(source: EnvSource): { backgroundJobs: boolean } {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = BackgroundEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid sync-server environment:\n${lines.join('\n')}`);
  }
  return { backgroundJobs: parsed.data.BACKGROUND_JOBS };
}

/** Test-only settings (read by the test harness, never by the server). */
export function loadTestEnv(source: EnvSource): { testDatabaseUrl: string | undefined } {
  const url = source['TEST_DATABASE_URL'];
  return { testDatabaseUrl: url && url.length > 0 ? url : undefined };
}
