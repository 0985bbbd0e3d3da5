/**
 * One authenticated JSON request to the sync server's REST API, for the engine's REST clients
 * (workspace data, inbox). HTTP errors map to engine codes like `server-api.ts` does, with the
 * server's code kept as `serverCode` and its field issues as `issues`; a network failure or timeout
 * is `server_unreachable`. Answers the parsed JSON body (undefined when empty or not JSON).
 */
import { ErrorBody } from '@sdr/schema';
import { EngineFailure } from './errors.ts';
import { engineCodeFor } from './server-api.ts';

export type Fetch = typeof globalThis.fetch;
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type JsonCall = (
  method: Method,
  path: string,
  token: string,
  body?: unknown,
) => Promise<unknown>;

export function createJsonCall(opts: {
  baseUrl: string;
  fetch?: Fetch;
  timeoutMs?: number;
}): JsonCall {
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  return async (method, path, token, body) => {
    let res: Response;
    try {
      res = await fetchImpl(`${opts.baseUrl}/api/v1${path}`, {
        method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new EngineFailure('server_unreachable', 'Cannot reach the sync server', { cause });
    }
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const err = ErrorBody.safeParse(json);
      const serverCode = err.success ? err.data.error.code : '';
      throw new EngineFailure(
        engineCodeFor(serverCode, res.status),
        err.success ? err.data.error.message : `The sync server answered ${res.status}`,
        {
          ...(serverCode ? { serverCode } : {}),
          ...(err.success && err.data.error.issues ? { issues: err.data.error.issues } : {}),
        },
      );
    }
    return json;
  };
}
