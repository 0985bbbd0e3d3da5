/**
 * The sync server's inbox REST endpoints the command outbox calls (apps/sync-server/src/inbox/).
 * Every command carries its `commandId`, so a resend after a crash is a no-op on the server.
 * Answers are read loosely: what the server changed reaches the engine as facts through the sync
 * stream, so only `queue/next`'s claimed item id and the inbox settings are read here. HTTP errors
 * map to engine codes like `server-api.ts` (the server's code kept as `serverCode`); a network
 * failure or timeout is `server_unreachable`.
 */
import { ErrorBody, InboxSettings } from '@sdr/schema';
import { EngineFailure } from '../errors.ts';
import { engineCodeFor } from '../server-api.ts';

type Fetch = typeof globalThis.fetch;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export function createInboxApi(opts: { baseUrl: string; fetch?: Fetch; timeoutMs?: number }) {
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? 15_000;

  async function call(
    method: Method,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<unknown> {
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
  }

  const id = (v: string) => encodeURIComponent(v);
  return {
    call,
    sendMessage: (token: string, conversationId: string, body: Record<string, unknown>) =>
      call('POST', `/conversations/${id(conversationId)}/messages`, token, body),
    cancelMessage: (token: string, messageId: string, commandId: string) =>
      call('DELETE', `/messages/${id(messageId)}?commandId=${id(commandId)}`, token),
    assign: (token: string, conversationId: string, body: Record<string, unknown>) =>
      call('POST', `/conversations/${id(conversationId)}/assign`, token, body),
    update: (token: string, conversationId: string, body: Record<string, unknown>) =>
      call('PATCH', `/conversations/${id(conversationId)}`, token, body),
    markRead: (token: string, conversationId: string, body: Record<string, unknown>) =>
      call('POST', `/conversations/${id(conversationId)}/read`, token, body),
    /** The claimed item's id, or null when the queue was empty. */
    next: async (token: string, body: Record<string, unknown>): Promise<string | null> => {
      const r = (await call('POST', `/queue/next`, token, body)) as
        { item?: { id?: unknown } | null; id?: unknown } | undefined;
      const itemId = r?.item?.id ?? r?.id ?? null;
      return typeof itemId === 'string' ? itemId : null;
    },
    queueItem: (
      token: string,
      itemId: string,
      action: 'claim' | 'release' | 'complete',
      body: Record<string, unknown>,
    ) => call('POST', `/queue/items/${id(itemId)}/${action}`, token, body),
    reorder: (token: string, body: Record<string, unknown>) =>
      call('PUT', `/queue/order`, token, body),
    notificationsRead: (token: string, body: Record<string, unknown>) =>
      call('POST', `/notifications/read`, token, body),
    settings: async (token: string): Promise<InboxSettings> => {
      const r = (await call('GET', `/inbox/settings`, token)) as { settings?: unknown } | undefined;
      const parsed = InboxSettings.safeParse(r?.settings ?? r);
      if (!parsed.success) {
        throw new EngineFailure('server_error', 'The sync server sent unreadable inbox settings');
      }
      return parsed.data;
    },
  };
}

export type InboxApi = ReturnType<typeof createInboxApi>;
