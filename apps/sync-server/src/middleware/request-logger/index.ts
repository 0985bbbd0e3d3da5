/**
 * Logs one line per request with its request id: method, path (no query string), status and
 * duration. Never bodies, headers or tokens. Sets `c.var.log`, a child logger carrying the id.
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../context.ts';
import type { Logger } from '../../logger.ts';

/** Paths that carry a secret (the pages behind mail links) are logged with the token masked. */
export function loggablePath(path: string): string {
  return path.replace(/^\/(invite|reset-password)\/[^/]+/, '/$1/:token');
}

export interface RequestLine {
  method: string;
  path: string;
  status: number;
  /** Milliseconds since the request arrived. */
  ms: number;
}

/** The one line per request (`request`, or `request failed` at error level for a 5xx). */
export function logRequest(log: Logger, line: RequestLine): void {
  if (line.status >= 500) log.error(line, 'request failed');
  else log.info(line, 'request');
}

export function requestLogger(logger: Logger) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    const log = logger.child({ requestId: c.get('requestId') });
    c.set('log', log);
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    logRequest(log, {
      method: c.req.method,
      path: loggablePath(c.req.path),
      status: c.res.status,
      ms,
    });
  });
}
