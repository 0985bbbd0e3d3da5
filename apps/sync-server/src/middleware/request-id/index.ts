/**
 * `requestId`: hono/request-id's behaviour (a valid incoming `X-Request-Id` — at most 255 word
 * characters, `-` or `=` — is kept, otherwise a random UUID; set as `c.var.requestId` and echoed
 * in the response) without its cost per request: Hono's `c.req.header()` builds a WHATWG Headers
 * object of every request header on first use; under the node server the one header is read from
 * node's request instead (`incomingHeader`).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../context.ts';

/** A request header (lower-case name), from node's request when there is one. */
export function incomingHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming?.headers) {
    const v = incoming.headers[name];
    return Array.isArray(v) ? v[0] : v;
  }
  return c.req.header(name);
}

const VALID = /^[\w\-=]{1,255}$/;

/** The request id of a request that came with `given` as its `X-Request-Id`. */
export const requestIdFor = (given: string | undefined): string =>
  given !== undefined && VALID.test(given) ? given : randomUUID();

export function requestId() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const id = requestIdFor(incomingHeader(c, 'x-request-id'));
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  });
}
