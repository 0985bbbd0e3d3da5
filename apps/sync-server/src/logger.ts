import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './env.ts';

export type { Logger };

/**
 * The server's pino logger. Never pass request bodies, passwords or tokens to it: the request
 * logger records method, path, status and duration only. `destination` lets tests capture lines.
 */
/**
 * An error made safe to log: name, code and the first line of each message, plus the stack frames.
 * Driver errors put query parameters (hashes, emails) on later lines; those are dropped.
 */
export function loggableError(err: unknown, depth = 0): Record<string, unknown> | string {
  if (!(err instanceof Error)) return typeof err;
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    message: err.message.split('\n')[0],
    ...(typeof code === 'string' ? { code } : {}),
    stack: (err.stack ?? '')
      .split('\n')
      .filter((l) => l.startsWith('    at '))
      .slice(0, 12)
      .join('\n'),
    ...(err.cause !== undefined && depth < 3 ? { cause: loggableError(err.cause, depth + 1) } : {}),
  };
}

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'sync-server' },
    redact: {
      paths: ['password', 'token', 'refreshToken', 'accessToken', '*.password', '*.token'],
      remove: true,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
