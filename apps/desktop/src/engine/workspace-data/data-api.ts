/**
 * The server's REST endpoints for views, lists, tasks, the replication feed and lead settings.
 * Responses are parsed with the `@sdr/schema` shapes; HTTP errors map to engine codes like
 * `server-api.ts` does, with the server's code kept as `serverCode`; a network failure or timeout
 * is `server_unreachable`.
 */
import type { z } from 'zod';
import {
  ErrorBody,
  LeadListRow,
  LeadSettingsResponse,
  ListMembersResult,
  ReplicationPage,
  SavedViewRow,
  TaskRow,
  type LeadListPut,
  type LeadSettings,
  type SavedViewPut,
  type TaskPut,
} from '@sdr/schema';
import { EngineFailure } from '../errors.ts';
import { engineCodeFor } from '../server-api.ts';

type Fetch = typeof globalThis.fetch;

export function createDataApi(opts: { baseUrl: string; fetch?: Fetch; timeoutMs?: number }) {
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? 15_000;

  async function call<S extends z.ZodType>(
    method: 'GET' | 'PUT' | 'POST',
    path: string,
    schema: S,
    token: string,
    body?: unknown,
  ): Promise<z.infer<S>> {
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
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new EngineFailure('server_error', 'The sync server sent an unexpected response', {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  const id = (v: string) => encodeURIComponent(v);
  return {
    putView: (token: string, viewId: string, body: SavedViewPut) =>
      call('PUT', `/views/${id(viewId)}`, SavedViewRow, token, body),
    getView: (token: string, viewId: string) =>
      call('GET', `/views/${id(viewId)}`, SavedViewRow, token),
    putList: (token: string, listId: string, body: LeadListPut) =>
      call('PUT', `/lists/${id(listId)}`, LeadListRow, token, body),
    getList: (token: string, listId: string) =>
      call('GET', `/lists/${id(listId)}`, LeadListRow, token),
    changeMembers: (
      token: string,
      listId: string,
      body: { add?: string[]; remove?: string[]; updatedAt: number },
    ) => call('POST', `/lists/${id(listId)}/members`, ListMembersResult, token, body),
    putTask: (token: string, taskId: string, body: TaskPut) =>
      call('PUT', `/tasks/${id(taskId)}`, TaskRow, token, body),
    getTask: (token: string, taskId: string) => call('GET', `/tasks/${id(taskId)}`, TaskRow, token),
    rows: (token: string, after: number, limit: number) =>
      call('GET', `/replication/rows?after=${after}&limit=${limit}`, ReplicationPage, token),
    leadSettings: (token: string) =>
      call('GET', '/workspace/lead-settings', LeadSettingsResponse, token),
    saveLeadSettings: (token: string, settings: LeadSettings) =>
      call('PUT', '/workspace/lead-settings', LeadSettingsResponse, token, settings),
  };
}

export type DataApi = ReturnType<typeof createDataApi>;
