/**
 * The server's REST endpoints for views, lists, tasks, the replication feed and lead settings.
 * Responses are parsed with the `@sdr/schema` shapes; HTTP errors map to engine codes like
 * `server-api.ts` does, with the server's code kept as `serverCode`; a network failure or timeout
 * is `server_unreachable`.
 */
import type { z } from 'zod';
import {
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
import { createJsonCall, type Fetch } from '../json-call.ts';

export function createDataApi(opts: { baseUrl: string; fetch?: Fetch; timeoutMs?: number }) {
  const request = createJsonCall(opts);

  async function call<S extends z.ZodType>(
    method: 'GET' | 'PUT' | 'POST',
    path: string,
    schema: S,
    token: string,
    body?: unknown,
  ): Promise<z.infer<S>> {
    const json = await request(method, path, token, body);
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
