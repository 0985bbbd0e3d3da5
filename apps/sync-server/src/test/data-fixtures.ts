/** Bodies and calls shared by the views, lists, tasks and replication route tests. */
import type { ApiClient } from './http.ts';

export const FILTER = {
  kind: 'and',
  children: [{ kind: 'condition', field: 'status', op: 'is', value: 'new' }],
} as const;

let n = 0;
/** A client-generated id (ULID-like: unique, sortable enough for tests). */
export function newId(prefix = 'r'): string {
  n += 1;
  return `${prefix}${Date.now().toString(36)}${n.toString(36).padStart(4, '0')}${Math.random().toString(36).slice(2, 8)}`;
}

export function viewBody(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Hot leads',
    scope: 'shared',
    filter: FILTER,
    columns: [{ field: 'firstName', width: 160 }, { field: 'company' }],
    sort: [{ field: 'updatedAt', dir: 'desc' }],
    pinned: false,
    updatedAt: 1_000,
    ...overrides,
  };
}

export function taskBody(overrides: Record<string, unknown> = {}) {
  return {
    leadId: 'lead-1',
    title: 'Call back',
    dueAt: null,
    done: false,
    assigneeId: null,
    updatedAt: 1_000,
    ...overrides,
  };
}

export const put = (api: ApiClient, path: string, body: unknown, token: string) =>
  api.request('PUT', path, body, { token });
