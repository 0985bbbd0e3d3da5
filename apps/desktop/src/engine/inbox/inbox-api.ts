/**
 * The sync server's inbox REST endpoints the command outbox calls (apps/sync-server/src/inbox/).
 * Every command carries its `commandId`, so a resend after a crash is a no-op on the server.
 * Answers are read loosely: what the server changed reaches the engine as facts through the sync
 * stream, so only `queue/next`'s claimed item id, the inbox settings, my notification
 * preferences, a started conversation, the team view, a conversation's history and the channels one can start a conversation
 * on (Twilio numbers, mailboxes) are read here. HTTP errors
 * map to engine codes like `server-api.ts` (the server's code kept as `serverCode`); a network
 * failure or timeout is `server_unreachable`.
 */
import { ErrorBody, InboxSettings, NotificationPrefs } from '@sdr/schema';
import { z } from 'zod';
import { HistoryDto } from '../../shared/contract.ts';
import { EngineFailure } from '../errors.ts';
import { engineCodeFor } from '../server-api.ts';
import { createJsonCall, type Fetch, type Method } from '../json-call.ts';

export function createInboxApi(opts: { baseUrl: string; fetch?: Fetch; timeoutMs?: number }) {
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? 15_000;

  const call = createJsonCall({ ...opts, fetch: fetchImpl, timeoutMs });

  /** A non-JSON request (file upload/download): the response when 2xx, else the mapped error. */
  async function raw(
    method: Method,
    path: string,
    token: string,
    init: { body?: Uint8Array; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<Response> {
    let res: Response;
    try {
      res = await fetchImpl(`${opts.baseUrl}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...init.headers },
        ...(init.body ? { body: init.body as unknown as ArrayBuffer } : {}),
        signal: AbortSignal.timeout(init.timeoutMs ?? 120_000),
      });
    } catch (cause) {
      throw new EngineFailure('server_unreachable', 'Cannot reach the sync server', { cause });
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      json = undefined;
    }
    const err = ErrorBody.safeParse(json);
    const serverCode = err.success ? err.data.error.code : '';
    throw new EngineFailure(
      engineCodeFor(serverCode, res.status),
      err.success ? err.data.error.message : `The sync server answered ${res.status}`,
      serverCode ? { serverCode } : {},
    );
  }

  const id = (v: string) => encodeURIComponent(v);
  return {
    call,
    /** `POST /files` (raw body): the server file store's id of the uploaded bytes. */
    uploadFile: async (
      token: string,
      file: { bytes: Uint8Array; name: string; contentType: string },
    ): Promise<{ id: string; name: string; size: number; contentType: string }> => {
      const res = await raw('POST', '/files', token, {
        body: file.bytes,
        headers: {
          'content-type': file.contentType,
          'x-file-name': encodeURIComponent(file.name),
          accept: 'application/json',
        },
      });
      const r = UploadedFile.safeParse(await res.json().catch(() => null));
      if (!r.success) {
        throw new EngineFailure('server_error', 'The sync server sent an unreadable upload answer');
      }
      return r.data;
    },
    /** `GET /files/{id}`: the response (stream its body). */
    downloadFile: (token: string, fileId: string) => raw('GET', `/files/${id(fileId)}`, token),
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
    settings: async (token: string): Promise<StoredSettings> =>
      storedSettings(await call('GET', `/inbox/settings`, token)),
    /** Managers/admins: replaces the settings; a 400 carries zod issues by path. */
    saveSettings: async (
      token: string,
      settings: InboxSettings,
      commandId: string,
    ): Promise<StoredSettings> =>
      storedSettings(
        await call('PUT', `/inbox/settings?commandId=${id(commandId)}`, token, settings),
      ),
    /** My notification preferences (the same on every device). */
    notificationPrefs: async (token: string): Promise<StoredPrefs> =>
      storedPrefs(await call('GET', `/me/notification-preferences`, token)),
    saveNotificationPrefs: async (
      token: string,
      prefs: NotificationPrefs,
      commandId: string,
    ): Promise<StoredPrefs> =>
      storedPrefs(
        await call('PUT', `/me/notification-preferences?commandId=${id(commandId)}`, token, prefs),
      ),
    /** Starts (or finds) a conversation with a lead; the server's conversation row. */
    startConversation: async (
      token: string,
      leadId: string,
      body: Record<string, unknown>,
    ): Promise<Record<string, unknown>> => {
      const r = await call('POST', `/leads/${id(leadId)}/conversations`, token, body);
      if (!r || typeof r !== 'object' || typeof (r as { id?: unknown }).id !== 'string') {
        throw new EngineFailure('server_error', 'The sync server sent an unreadable conversation');
      }
      return r as Record<string, unknown>;
    },
    /** The workspace's Twilio numbers (empty when not connected). */
    twilioNumbers: async (token: string): Promise<string[]> => {
      const r = TwilioView.safeParse(await call('GET', `/integrations/twilio`, token));
      return r.success && r.data.connected ? r.data.phoneNumbers : [];
    },
    /** Mailboxes the caller may see (admins: every one of the workspace), with their owner. */
    mailboxes: async (token: string): Promise<{ userId: string; address: string }[]> => {
      const r = MailboxList.safeParse(await call('GET', `/mailboxes`, token));
      if (!r.success) {
        throw new EngineFailure('server_error', 'The sync server sent unreadable mailboxes');
      }
      return r.data.items.filter((m) => m.status !== 'disabled');
    },
    /** A conversation's assignments and status changes, oldest first. */
    history: async (token: string, conversationId: string): Promise<HistoryDto> => {
      const r = HistoryDto.safeParse(
        await call('GET', `/conversations/${id(conversationId)}/history`, token),
      );
      if (!r.success) {
        throw new EngineFailure('server_error', 'The sync server sent an unreadable history');
      }
      return r.data;
    },
    /** Managers: the team's load (`GET /queue/team`). */
    team: async (token: string): Promise<ServerTeamView> => {
      const r = ServerTeamView.safeParse(await call('GET', `/queue/team`, token));
      if (!r.success) {
        throw new EngineFailure('server_error', 'The sync server sent an unreadable team view');
      }
      return r.data;
    },
  };
}

export type InboxApi = ReturnType<typeof createInboxApi>;

/** `GET/PUT /inbox/settings` answers. */
export interface StoredSettings {
  settings: InboxSettings;
  updatedAt: number | null;
  updatedBy: string | null;
}

function storedSettings(r: unknown): StoredSettings {
  const body = (r ?? {}) as { settings?: unknown; updatedAt?: unknown; updatedBy?: unknown };
  const parsed = InboxSettings.safeParse(body.settings ?? r);
  if (!parsed.success) {
    throw new EngineFailure('server_error', 'The sync server sent unreadable inbox settings');
  }
  return {
    settings: parsed.data,
    updatedAt: typeof body.updatedAt === 'number' ? body.updatedAt : null,
    updatedBy: typeof body.updatedBy === 'string' ? body.updatedBy : null,
  };
}

/** `GET/PUT /me/notification-preferences` answers. */
const StoredPrefs = z.object({ prefs: NotificationPrefs, updatedAt: z.number().nullable() });
export type StoredPrefs = z.infer<typeof StoredPrefs>;

function storedPrefs(r: unknown): StoredPrefs {
  const parsed = StoredPrefs.safeParse(r);
  if (!parsed.success) {
    throw new EngineFailure(
      'server_error',
      'The sync server sent unreadable notification settings',
    );
  }
  return parsed.data;
}

const UploadedFile = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number(),
  contentType: z.string(),
});
const TwilioView = z.object({ connected: z.boolean(), phoneNumbers: z.array(z.string()) });
const MailboxList = z.object({
  items: z.array(z.object({ userId: z.string(), address: z.string(), status: z.string() })),
});
const Count = z.number().int();
const ServerTeamView = z.object({
  members: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      openConversations: Count,
      capacity: Count,
      openItems: Count,
      claimedItems: Count,
      breaches: Count,
    }),
  ),
  unassigned: z.object({ openConversations: Count, openItems: Count, breaches: Count }),
});
export type ServerTeamView = z.infer<typeof ServerTeamView>;
