/**
 * Per-client rate limit for sensitive endpoints, keyed by client IP + path. Over the limit it
 * answers 429 `rate_limited` in the API's error shape with `Retry-After`. In-memory: one process.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import type { AppEnv } from '../../context.ts';
import { ApiError, errorBody } from '../../errors.ts';

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

/** The peer address of the TCP connection (proxies are not trusted). */
export function clientIp(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // in-process requests (app.request) have no socket
  }
}

export function rateLimit({ limit, windowMs }: RateLimitOptions) {
  return rateLimiter<AppEnv>({
    limit,
    windowMs,
    standardHeaders: 'draft-6',
    // The route pattern, not the path, so `/reset-password/:token` is one bucket whatever the token.
    keyGenerator: (c) => `${clientIp(c) ?? 'unknown'}|${c.req.routePath}`,
    handler: (c) => {
      const err = new ApiError('rate_limited', 'Too many requests; try again later.');
      return c.json(errorBody(err, c.get('requestId')), 429);
    },
  });
}
