/**
 * A small typed client for the sync server's REST API (notes: rest-api.md). Every response is parsed
 * with the zod schema from `@sdr/schema`; HTTP errors become `EngineFailure`s with an engine code,
 * and a network failure or timeout becomes `server_unreachable`.
 */
import { z } from 'zod';
import {
  AuthResponse,
  ErrorBody,
  InvitationDto,
  MeResponse,
  MemberDto,
  SessionDto,
  type LoginInput,
  type RoleName,
  type SignupInput,
} from '@sdr/schema';
import type { EngineErrorCode } from '../shared/contract.ts';
import { EngineFailure } from './errors.ts';

type Fetch = typeof globalThis.fetch;

export interface ServerApiOptions {
  baseUrl: string;
  fetch?: Fetch;
  timeoutMs?: number;
  /** Sent as the device name of new sessions. */
  deviceName?: string;
}

/** Maps a server error code (and status) to the engine's code. */
export function engineCodeFor(serverCode: string, status: number): EngineErrorCode {
  switch (serverCode) {
    case 'invalid_input':
    case 'malformed_json':
    case 'payload_too_large':
      return 'invalid_input';
    case 'unauthenticated':
    case 'invalid_credentials':
    case 'refresh_token_reused':
    case 'token_expired':
      return 'unauthenticated';
    case 'forbidden':
      return 'forbidden';
    case 'not_found':
      return 'not_found';
    case 'conflict':
    case 'email_taken':
    case 'last_admin':
      return 'conflict';
    case 'rate_limited':
      return 'rate_limited';
    default:
      if (status === 401) return 'unauthenticated';
      if (status === 403) return 'forbidden';
      if (status === 404) return 'not_found';
      if (status === 409) return 'conflict';
      if (status === 429) return 'rate_limited';
      if (status >= 400 && status < 500) return 'invalid_input';
      return 'server_error';
  }
}

const Items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
const NoContent = z.undefined();

export function createServerApi(opts: ServerApiOptions) {
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deviceName = opts.deviceName;

  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    schema: S,
    init: { body?: unknown; token?: string } = {},
  ): Promise<z.infer<S>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let res: Response;
    try {
      res = await fetchImpl(`${opts.baseUrl}${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new EngineFailure('server_unreachable', 'Cannot reach the sync server', { cause });
    }
    const text = await res.text().catch(() => '');
    const json = parseJson(text);
    if (!res.ok) throw failureFrom(res.status, json);
    const parsed = schema.safeParse(res.status === 204 ? undefined : json);
    if (!parsed.success) {
      throw new EngineFailure('server_error', 'The sync server sent an unexpected response', {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  const withDevice = <T extends object>(body: T) => (deviceName ? { ...body, deviceName } : body);

  return {
    signup: (input: Omit<SignupInput, 'deviceName'>) =>
      call('POST', '/api/v1/auth/signup', AuthResponse, { body: withDevice(input) }),
    login: (input: Omit<LoginInput, 'deviceName'>) =>
      call('POST', '/api/v1/auth/login', AuthResponse, { body: withDevice(input) }),
    refresh: (refreshToken: string) =>
      call('POST', '/api/v1/auth/refresh', AuthResponse, { body: { refreshToken } }),
    logout: (token: string) => call('POST', '/api/v1/auth/logout', NoContent, { token }),
    switchWorkspace: (token: string, body: { workspaceId: string; refreshToken: string }) =>
      call('POST', '/api/v1/auth/switch-workspace', AuthResponse, { token, body }),
    me: (token: string) => call('GET', '/api/v1/me', MeResponse, { token }),
    sessions: async (token: string) =>
      (await call('GET', '/api/v1/sessions', Items(SessionDto), { token })).items,
    revokeSession: (token: string, id: string) =>
      call('DELETE', `/api/v1/sessions/${encodeURIComponent(id)}`, NoContent, { token }),
    members: async (token: string) =>
      (await call('GET', '/api/v1/members', Items(MemberDto), { token })).items,
    invite: (token: string, body: { email: string; role: RoleName }) =>
      call('POST', '/api/v1/invitations', InvitationDto, { token, body }),
    changeRole: (token: string, userId: string, role: RoleName) =>
      call('PATCH', `/api/v1/members/${encodeURIComponent(userId)}`, MemberDto, {
        token,
        body: { role },
      }),
  };
}

export type ServerApi = ReturnType<typeof createServerApi>;

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function failureFrom(status: number, json: unknown): EngineFailure {
  const body = ErrorBody.safeParse(json);
  if (!body.success) {
    const code = engineCodeFor('', status);
    return new EngineFailure(code, `The sync server answered ${status}`);
  }
  const { code, message, issues } = body.data.error;
  return new EngineFailure(engineCodeFor(code, status), message, {
    serverCode: code,
    ...(issues ? { issues } : {}),
  });
}
