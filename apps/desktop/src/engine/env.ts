/**
 * The engine's configuration, parsed from the environment once at start-up. This is the only file in
 * the engine that reads `process.env`; everything else receives an `EngineEnv`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const EnvSchema = z.object({
  ENGINE_DATA_DIR: z.string().min(1).optional(),
  SERVER_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8787'),
  ENGINE_PORT: z.coerce.number().int().min(0).max(65535).default(5174),
  RENDERER_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** `email:password` to sign in with on the very first start (set by `pnpm start` for the demo). */
  DEMO_LOGIN: z
    .string()
    .regex(/^[^:]+:.+$/, 'expected email:password')
    .optional(),
  /** Extra origins allowed to open the engine socket, comma-separated (the Vite dev server). */
  ENGINE_DEV_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ }))),
});

export type EngineEnv = {
  dataDir: string;
  serverUrl: string;
  port: number;
  rendererDir: string;
  logLevel: LogLevel;
  devOrigins: string[];
  demoLogin: { email: string; password: string } | null;
};

export class EnvError extends Error {
  override name = 'EnvError';
}

export function parseEnv(source: Record<string, string | undefined>, cwd: string): EngineEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid engine environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    dataDir: path.resolve(cwd, e.ENGINE_DATA_DIR ?? '.data/desktop'),
    serverUrl: e.SERVER_URL.replace(/\/+$/, ''),
    port: e.ENGINE_PORT,
    rendererDir: path.resolve(cwd, e.RENDERER_DIR ?? path.join(packageRoot, 'dist/renderer')),
    logLevel: e.LOG_LEVEL,
    devOrigins: e.ENGINE_DEV_ORIGINS.map((o) => new URL(o).origin),
    demoLogin: e.DEMO_LOGIN ? splitLogin(e.DEMO_LOGIN) : null,
  };
}

function splitLogin(value: string): { email: string; password: string } {
  const at = value.indexOf(':');
  return { email: value.slice(0, at), password: value.slice(at + 1) };
}

/** Reads the real process environment; call once from the process entry. */
export function loadEnv(): EngineEnv {
  return parseEnv(process.env, process.cwd());
}
