/**
 * The engine contract: the single source of truth for everything the renderer may ask the engine.
 * Each channel has a zod input and output. The engine validates every input at the boundary and
 * answers with a `Result`; the renderer's client type is derived from this map. The same contract is
 * served over Electron IPC (desktop) and over a WebSocket (web shell, tests).
 */
import { z } from 'zod';
import {
  Email,
  InvitationDto,
  MeResponse,
  MemberDto,
  Password,
  PersonName,
  Role,
  SessionDto,
  WorkspaceName,
} from '@sdr/schema';
import { bulkChannels, bulkEvents } from './contract-bulk.ts';
import { inboxChannels, inboxEvents } from './contract-inbox.ts';
import { LeadReverted, leadChannels } from './contract-leads.ts';
import { importChannels, importEvents } from './contract-import.ts';
import { workspaceChannels, workspaceEvents } from './contract-workspace.ts';

export * from './contract-bulk.ts';
export * from './contract-leads.ts';
export * from './contract-workspace.ts';
export * from './contract-import.ts';
export * from './contract-inbox.ts';

export const AuthState = z.discriminatedUnion('status', [
  z.object({ status: z.literal('signed-out') }),
  z.object({
    status: z.literal('signed-in'),
    me: MeResponse,
    /** True when the engine could not reach the server and shows the last known profile. */
    offline: z.boolean(),
  }),
]);
export type AuthState = z.infer<typeof AuthState>;

export const Theme = z.enum(['light', 'dark', 'system']);
export type Theme = z.infer<typeof Theme>;

export const Empty = z.object({}).strict();
export const Ok = z.object({ ok: z.literal(true) });

/**
 * The sync connection as the renderer shows it. `initialSync` counts change-log seqs, not rows:
 * `received` of `total` is the share of the workspace's log covered so far (a progress bar), and
 * `rows` the rows stored by the running catch-up.
 */
export const SyncStatus = z.object({
  connection: z.enum(['offline', 'connecting', 'online']),
  workspaceId: z.string().nullable(),
  /** Local edits not yet acknowledged by the server. */
  pending: z.number().int().nonnegative(),
  /** The server requires a newer app: local edits are refused until it is updated. */
  readOnly: z.boolean(),
  initialSync: z.object({
    done: z.boolean(),
    received: z.number().nonnegative(),
    total: z.number().nonnegative(),
    rows: z.number().int().nonnegative(),
  }),
  lastError: z.object({ code: z.string(), message: z.string(), at: z.number() }).nullable(),
  /** The most recent server reverts of local edits, newest first. */
  reverted: z.array(LeadReverted),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const contract = {
  'app:info': {
    input: Empty,
    output: z.object({
      version: z.string(),
      serverUrl: z.string(),
      shell: z.enum(['electron', 'web']),
    }),
  },
  'auth:state': { input: Empty, output: AuthState },
  'auth:signup': {
    input: z
      .object({ email: Email, password: Password, name: PersonName, workspaceName: WorkspaceName })
      .strict(),
    output: AuthState,
  },
  'auth:login': {
    input: z.object({ email: Email, password: z.string().min(1).max(200) }).strict(),
    output: AuthState,
  },
  'auth:logout': { input: Empty, output: AuthState },
  'auth:switchWorkspace': {
    input: z.object({ workspaceId: z.string().min(1) }).strict(),
    output: AuthState,
  },
  'auth:sessions': { input: Empty, output: z.array(SessionDto) },
  'auth:revokeSession': { input: z.object({ sessionId: z.string().min(1) }).strict(), output: Ok },
  'members:list': { input: Empty, output: z.array(MemberDto) },
  'members:invite': {
    input: z.object({ email: Email, role: Role }).strict(),
    output: InvitationDto,
  },
  'members:changeRole': {
    input: z.object({ userId: z.string().min(1), role: Role }).strict(),
    output: MemberDto,
  },
  'settings:getTheme': { input: Empty, output: Theme },
  'settings:setTheme': { input: z.object({ theme: Theme }).strict(), output: Theme },
  ...leadChannels,
  ...workspaceChannels,
  ...bulkChannels,
  ...importChannels,
  ...inboxChannels,
  'sync:status': { input: Empty, output: SyncStatus },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type InputOf<C extends Channel> = z.input<Contract[C]['input']>;
export type OutputOf<C extends Channel> = z.infer<Contract[C]['output']>;

/** Events the engine pushes to the renderer without being asked. */
export const events = {
  'auth:changed': AuthState,
  'sync:status': SyncStatus,
  /** Local leads changed (a sync page, a live change, a local edit); `ids: null` means many. */
  'leads:changed': z.object({ ids: z.array(z.string()).nullable() }),
  /** The server reverted part of a local edit; show the reasons to the user. */
  'sync:reverted': LeadReverted,
  ...workspaceEvents,
  ...bulkEvents,
  ...importEvents,
  ...inboxEvents,
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

/** Codes of errors the engine returns. The renderer maps each to user text. */
export const ENGINE_ERROR_CODES = [
  'invalid_input',
  'unknown_channel',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'server_unreachable',
  'server_error',
  'internal',
] as const;
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

export type EngineError = {
  code: EngineErrorCode;
  message: string;
  issues?: { path: string; message: string }[];
  /** The sync server's own error code when the error came from it (e.g. `invalid_credentials`). */
  serverCode?: string;
};
export type Result<T> = { ok: true; data: T } | { ok: false; error: EngineError };

/** Wire frames of the WebSocket transport (web shell). Electron IPC carries the same shapes. */
export const RequestFrame = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  channel: z.string(),
  input: z.unknown(),
});
export type RequestFrame = z.infer<typeof RequestFrame>;
export type ResponseFrame = { type: 'response'; id: number; result: Result<unknown> };
export type EventFrame = { type: 'event'; event: EventName; payload: unknown };
/** Sent for a frame the engine could not read at all (not JSON, no request id). */
export type ProtocolErrorFrame = { type: 'protocol-error'; error: EngineError };
/** Everything the engine sends to a renderer. */
export type EngineFrame = ResponseFrame | EventFrame | ProtocolErrorFrame;
