import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './env.ts';

export type { Logger };

/**
 * The server's pino logger. Never pass request bodies, passwords or tokens to it: the request
 * logger records method, path, status and duration only. `destination` lets tests capture lines.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'sync-server' },
    redact: { paths: ['password', 'token', 'refreshToken', 'accessToken', '*.password', '*.token'], remove: true },
  };
  return destination ? pino(options, destination) : pino(options);
}
