/**
 * Twilio's two webhook paths served by node's request listener before Hono (see `serve-app.ts`):
 * `POST /webhooks/twilio/messaging` and `POST /webhooks/twilio/status` are the server's hottest
 * requests, and Hono's share of each (a Request and a Response object, the context, the
 * middleware chain, the listeners the adapter puts on every request) was most of the server's
 * CPU per webhook beside the signature check and the insert.
 *
 * It answers as the app does: the same verify + store code (`twilio-intake.ts`), the request id
 * (`X-Request-Id` kept when valid, else a new one), empty TwiML on success, the API's error body
 * on failure (403 forged/unsigned/unknown, 413 over the body limit, 500 with the error logged),
 * one request log line. Any other method or path (a trailing slash, an absolute-form URL) is left
 * to Hono, whose routes for these paths go through the same intake.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Deps } from '../context.ts';
import { ApiError, errorBody } from '../errors.ts';
import { loggableError } from '../logger.ts';
import { requestIdFor } from '../middleware/request-id/index.ts';
import { logRequest } from '../middleware/request-logger/index.ts';
import {
  readIncoming,
  TWIML,
  TWIML_CONTENT_TYPE,
  type TwilioIntake,
  type TwilioWebhookKind,
} from './twilio-intake.ts';

/** Serves the request and returns true, or returns false (untouched) for the next listener. */
export type NodeFastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const KIND_OF_PATH: ReadonlyMap<string, TwilioWebhookKind> = new Map([
  ['/webhooks/twilio/messaging', 'messaging'],
  ['/webhooks/twilio/status', 'status'],
]);

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function twilioNodeHandler(deps: Pick<Deps, 'logger'>, intake: TwilioIntake): NodeFastPath {
  const { logger } = deps;

  function answer(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    requestId: string,
    started: number,
    err: unknown,
  ): void {
    // The client went away before sending the whole body: nobody to answer, nothing stored.
    if (err !== null && !(err instanceof ApiError) && !req.complete) return;
    let status: number;
    let body: string;
    let contentType: string;
    if (err === null) {
      status = 200;
      body = TWIML;
      contentType = TWIML_CONTENT_TYPE;
    } else {
      const apiErr =
        err instanceof ApiError
          ? err
          : new ApiError('internal', 'Something went wrong on the server.', { cause: err });
      if (apiErr.status >= 500) {
        logger.child({ requestId }).error({ err: loggableError(err) }, 'unhandled error');
      }
      status = apiErr.status;
      body = JSON.stringify(errorBody(apiErr, requestId));
      contentType = 'application/json';
    }
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(status, {
        'content-type': contentType,
        'content-length': Buffer.byteLength(body),
        'x-request-id': requestId,
      });
      res.end(body);
    }
    // A child logger per request only when its line is written (the level filters the rest).
    if (status >= 500 || logger.isLevelEnabled('info')) {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      logRequest(logger.child({ requestId }), { method: 'POST', path, status, ms });
    }
  }

  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const kind = KIND_OF_PATH.get(path);
    if (kind === undefined) return false;
    const started = performance.now();
    const requestId = requestIdFor(header(req, 'x-request-id'));
    readIncoming(req)
      .then((body) =>
        intake({ kind, body, signature: header(req, 'x-twilio-signature'), pathAndQuery: url }),
      )
      .then(
        () => answer(req, res, path, requestId, started, null),
        (err: unknown) => answer(req, res, path, requestId, started, err),
      )
      // Never an unhandled rejection (it would end the process): a failure to answer is logged.
      .catch((err: unknown) => {
        logger.error({ requestId, err: loggableError(err) }, 'webhook answer failed');
        res.destroy();
      });
    return true;
  };
}
