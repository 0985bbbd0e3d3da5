/**
 * The engine's inbox, live queue and notifications for the signed-in account's current workspace
 * (issue 5; design: notes/inbox-design.md, README "Inbox").
 *
 * - **Reads** answer from the local copies of the server-owned facts (conversation, message,
 *   queue item, notification; stored by the sync stream), so the inbox opens offline.
 * - **Commands** (send, note, call log, send later, assign, status/snooze/priority/labels, mark
 *   read, claim next/claim/release/complete, reorder, notifications read) are written to the
 *   `inbox_command` outbox in one SQLite transaction and shown at once: a composed message sits
 *   in the thread as `waiting` until its fact (same client-chosen id) arrives, a claim shows as
 *   `unconfirmed`, a status change shows in the list. When the sync socket is online the sender
 *   posts them to the server's REST endpoints **in order**, each with its `commandId` (the
 *   server's idempotency key: a resend after a crash is a no-op). A 4xx refusal is permanent: the
 *   command is kept as `failed` (the claim shows `refused`, the message `failed`) with the
 *   server's reason, `inbox:commandFailed` is emitted, and the next command goes. A transient
 *   failure (unreachable, 5xx, rate limited) stops the pass; it is retried with backoff.
 * - **Notifications**: a NEW notification row for me arriving live (`onFacts(…, live=true)`)
 *   is weighed with `shouldNotify` against my preferences and raised as an
 *   OS notification (the `notify` hook: Electron main) and a `notifications:new` event (the web
 *   shell's renderer shows it with the Web Notifications API, or a toast).
 * - **Presence** (`presence.ts`): `inbox:view` names the conversation on screen; while online the
 *   engine joins its awareness room on the server and emits `inbox:presence` (who else views it).
 * - **Settings**: the workspace's inbox settings (templates, queue weights) are fetched when
 *   online and cached. A manager's save is a `saveSettings` command like any other (offline
 *   too): the settings show it at once as pending, a refusal as failed with the reason.
 * - **Notification preferences** are the server's, per user (`/me/notification-preferences`),
 *   so they follow me to my other devices: pushed live as a per-user `notificationPrefs` fact on
 *   the sync socket when saved anywhere, and read when the socket comes online, with the
 *   settings' periodic read and when Settings → Notifications opens (at most every few seconds);
 *   a change here is applied to the local copy at once and sent as a `setPrefs` command. A server
 *   copy (read or pushed) does not replace the local one while such a command waits. Personal snippets stay local.
 * - **Attachments**: `inbox:send` names files staged in the engine's file store (web shell
 *   `POST /files`); the command keeps them (`files` in its payload) and the thread shows them as
 *   `local:<id>` while waiting. When the sender reaches the command (online, in order) it first
 *   uploads each file not yet uploaded to the server's `POST /api/v1/files`, writing the server
 *   file id back into the command (a retry or a restart does not upload it again), then posts the
 *   message with the server ids. A file gone from the engine's store, or refused by the server
 *   (over 20 MB), fails the message like any refusal. `inbox:attachment` downloads a message's
 *   file from the server into the engine's file store (cached by server id) for the web shell's
 *   `/files/<id>`.
 * - **Online-only reads and actions**: the team view from the server (local computation as the
 *   fallback), the channels one can start a conversation on (cached), starting a conversation.
 */
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { compareQueueItems, explainPriority, shouldNotify } from '@sdr/domain';
import {
  DEFAULT_INBOX_SETTINGS,
  InboxSettings,
  NotificationPrefs,
  type QueueItemKind,
  type RoleName,
  type SlaTimerKind,
} from '@sdr/schema';
import { z } from 'zod';
import type {
  AuthState,
  ConversationDto,
  InboxChannelsDto,
  InboxCommandDto,
  HistoryDto,
  InboxCounts,
  InboxSettingsDto,
  MessageDto,
  NotificationDto,
  QueueItemDto,
  Snippet,
  StoredFileDto,
  SyncStatus,
  StartableChannel,
  TeamMemberLoad,
  TeamView,
  ThreadDto,
  inboxChannels,
} from '../../shared/contract.ts';
import type { EngineListener } from '../engine.ts';
import { EngineFailure } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { AppliedFact } from './fact-store.ts';
import type { Presence } from './presence.ts';
import type { FileStore } from '../files/file-store.ts';
import type { InboxApi, StoredSettings } from './inbox-api.ts';
import type {
  CommandRow,
  ConversationRow,
  InboxStore,
  MessageRow,
  NotificationRow,
} from './inbox-store.ts';

type In<C extends keyof typeof inboxChannels> = z.output<(typeof inboxChannels)[C]['input']>;

/** Where a notification click should lead. */
export interface NotifyTarget {
  conversationId: string | null;
  queueItemId: string | null;
}

export interface InboxOptions {
  store: InboxStore;
  api: InboxApi;
  authed: <T>(fn: (token: string) => Promise<T>) => Promise<T>;
  workspace: { readable(): string; editable(): string };
  emit: EngineListener;
  /** OS notification (Electron main shows it); absent in the web shell. */
  notify?: ((title: string, body: string, target?: NotifyTarget) => void) | undefined;
  log: Logger;
  now: () => number;
  timing?: { retryBaseMs?: number; retryCapMs?: number; settingsEveryMs?: number };
  /** Who else views the open conversation (absent: no presence). */
  presence?: Presence | undefined;
  /** The engine's file store (attachments); absent: sending files is refused. */
  files?: FileStore | undefined;
}

/** A file of a `send` command: staged locally, `fileId` once uploaded to the server. */
interface CommandFile {
  localFileId: string;
  name: string;
  size: number;
  contentType: string;
  fileId: string | null;
}

/** Where a downloaded attachment sits in the engine's file store (by server file id). */
const ATTACHMENT_CACHE_KEY = (ws: string, fileId: string) => `inbox.attachment.${ws}.${fileId}`;
/** The server's limit per file. */
const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

function commandFiles(p: Record<string, unknown>): CommandFile[] {
  return Array.isArray(p.files) ? (p.files as CommandFile[]) : [];
}

interface Account {
  userId: string;
  role: RoleName;
  workspaceId: string;
  name: string;
  email: string;
  workspaceName: string;
}

const OWNER_KEY = (ws: string) => `inbox.user.${ws}`;
const SETTINGS_KEY = (ws: string) => `inbox.settings.${ws}`;
const PREFS_KEY = (userId: string) => `inbox.notificationPrefs.${userId}`;
const SNIPPETS_KEY = (userId: string) => `inbox.snippets.${userId}`;
/** When and by whom the cached settings were saved on the server. */
const SETTINGS_META_KEY = (ws: string) => `inbox.settingsMeta.${ws}`;
/** Our Twilio numbers and my mailboxes (where conversations can be started), as last read. */
const CHANNELS_KEY = (ws: string, userId: string) => `inbox.channels.${ws}.${userId}`;
/** Reads that refresh from the server on demand do so at most this often. */
const REFRESH_MS = 5_000;

/** Engine codes that mean the server refused the command for good. */
const PERMANENT = new Set(['invalid_input', 'forbidden', 'not_found', 'conflict']);

const txt = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';

const RUNNING_SLA = new Set(['ok', 'warning', 'breached']);
const isManager = (role: RoleName | undefined) => role === 'manager' || role === 'admin';

/** What a command is about (conversation or queue item), for lists and overlays. */
function targetOf(c: CommandRow): string | null {
  const p = c.payload;
  const t = p.conversationId ?? p.itemId ?? p.expectedItemId ?? null;
  return typeof t === 'string' ? t : null;
}

export class Inbox {
  private account: Account | null = null;
  private online = false;
  private sending = false;
  private again = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = 0;
  private settingsTimer: NodeJS.Timeout | null = null;
  private settingsFetchedAt = 0;
  private prefsFetchedAt = 0;
  /** Bumped by every change of my preferences made or sent here (a read started before is stale). */
  private prefsVersion = 0;
  private changed = { ids: new Set<string>() as Set<string> | null, queue: false, notes: false };
  private changedTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly workspaces = new Set<string>();

  constructor(private readonly o: InboxOptions) {}

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Follows the session: account, role and current workspace. */
  follow(state: AuthState): void {
    if (this.closed) return;
    const before = this.account;
    this.account =
      state.status === 'signed-in'
        ? {
            userId: state.me.user.id,
            role: state.me.role,
            workspaceId: state.me.workspace.id,
            name: state.me.user.name,
            email: state.me.user.email,
            workspaceName: state.me.workspace.name,
          }
        : null;
    const next = this.account;
    this.o.presence?.account(next ? { id: next.userId, name: next.name } : null);
    if (next) {
      this.workspaces.add(next.workspaceId);
      const owner = this.o.store.getSetting(OWNER_KEY(next.workspaceId));
      if (owner !== next.userId) {
        // Another user's inbox copies (or a first sign-in): start from what the server sends.
        this.o.store.tx(() => {
          this.o.store.wipe(next.workspaceId);
          this.o.store.setSetting(OWNER_KEY(next.workspaceId), next.userId);
        });
      }
    }
    if (before?.workspaceId !== next?.workspaceId || before?.userId !== next?.userId) {
      this.settingsFetchedAt = 0;
      this.prefsFetchedAt = 0;
      this.changedLocally(null, true, true);
      this.kick();
    }
  }

  /** The sync socket's status: commands go out (and settings are fetched) only while online. */
  syncStatus(status: SyncStatus): void {
    const ws = this.account?.workspaceId;
    const online = ws !== undefined && status.workspaceId === ws && status.connection === 'online';
    const was = this.online;
    this.online = online;
    this.o.presence?.setOnline(online);
    if (online && !was) {
      this.retryMs = 0;
      this.prefsFetchedAt = 0; // changed on another device while this one was away
      this.kick();
      void this.fetchSettings();
    }
  }

  /** Explicit sign-out: the account's inbox copies and unsent commands go. */
  signOut(): void {
    this.follow({ status: 'signed-out' });
    this.o.store.tx(() => {
      for (const ws of this.workspaces) this.o.store.wipe(ws);
    });
    this.workspaces.clear();
  }

  close(): void {
    this.closed = true;
    this.o.presence?.close();
    for (const t of [this.retryTimer, this.settingsTimer, this.changedTimer])
      if (t) clearTimeout(t);
  }

  /** Facts stored by the sync client (a catch-up page or a live change). */
  onFacts(workspaceId: string, facts: readonly AppliedFact[], live: boolean): void {
    if (this.closed || workspaceId !== this.account?.workspaceId) return;
    let queue = false;
    let notes = false;
    const ids = new Set<string>();
    for (const f of facts) {
      const row = f.data ?? f.before;
      if (f.entity === 'conversation') ids.add(f.id);
      else if (f.entity === 'message' && row) ids.add(String(row.conversationId));
      else if (f.entity === 'queueItem') queue = true;
      else if (f.entity === 'notification') {
        notes = true;
        if (live && f.before === null && f.data) this.notifyNew(f.data);
      } else if (f.entity === 'notificationPrefs' && f.data) this.pushedPrefs(f.data);
    }
    this.changedLocally(ids.size > 50 ? null : ids, queue, notes);
  }

  /** The conversation on screen (null: none) and whether I am composing in it (presence). */
  view(conversationId: string | null, typing: boolean): void {
    if (conversationId !== null) this.me();
    this.o.presence?.view(conversationId, typing);
  }

  // ---- reads -------------------------------------------------------------------------------

  conversations(q: In<'inbox:conversations'>): { items: ConversationDto[]; total: number } {
    const me = this.me();
    const { items, total } = this.o.store.conversations(
      me.workspaceId,
      { ...q, userId: me.userId },
      q.limit,
      q.offset,
    );
    const commands = this.o.store.commands(me.workspaceId).filter((c) => c.state === 'pending');
    return { items: items.map((c) => this.conversationDto(c, commands)), total };
  }

  counts(): InboxCounts {
    const me = this.me();
    const commands = this.o.store.commands(me.workspaceId);
    return {
      views: this.o.store.viewCounts(me.workspaceId, me.userId),
      labels: this.o.store.labels(me.workspaceId),
      pendingCommands: commands.filter((c) => c.state === 'pending').length,
      failedCommands: commands.filter((c) => c.state === 'failed').length,
    };
  }

  thread(q: In<'inbox:thread'>): ThreadDto {
    const me = this.me();
    const ws = me.workspaceId;
    let leadId = q.leadId ?? null;
    if (q.conversationId) {
      const c = this.o.store.conversation(ws, q.conversationId);
      if (!c) throw new EngineFailure('not_found', 'This conversation is not here (any more)');
      leadId = c.leadId;
    }
    if (!leadId) throw new EngineFailure('invalid_input', 'Name a conversation or a lead');
    const conversations = this.o.store.conversationsOfLead(ws, leadId);
    const convIds = new Set(conversations.map((c) => c.id));
    const commands = this.o.store.commands(ws);
    const pending = commands.filter((c) => c.state === 'pending');
    const messages: MessageDto[] = this.o.store
      .messagesOfLead(ws, leadId)
      .map((m) => messageDto(m, null, null));
    const byId = new Map(messages.map((m) => [m.id, m]));
    for (const c of commands) {
      const conversationId = txt(c.payload.conversationId);
      if (c.kind === 'send' && convIds.has(conversationId)) {
        const id = String(c.payload.id);
        const local = c.state === 'pending' ? 'waiting' : 'failed';
        const existing = byId.get(id);
        if (existing) continue; // the server has it: its own status is shown
        const conv = conversations.find((x) => x.id === conversationId)!;
        const m = messageDto(localMessage(c, conv, me.userId), local, c.error);
        messages.push(m);
        byId.set(id, m);
      } else if (c.kind === 'cancelMessage' && c.state === 'pending') {
        const m = byId.get(String(c.payload.messageId));
        if (m) Object.assign(m, { status: 'canceled', local: 'waiting' });
      }
    }
    messages.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    const lead = this.o.store.lead(ws, leadId);
    return {
      leadId,
      lead,
      conversations: conversations.map((c) => this.conversationDto(c, pending)),
      messages,
    };
  }

  queue(team: boolean): QueueItemDto[] {
    const me = this.me();
    const ws = me.workspaceId;
    const settings = this.inboxSettings();
    const commands = this.o.store.commands(ws);
    const now = this.o.now();
    const slaKinds = new Map<string, ConversationRow['sla']>();
    // Mine: my items, the team's unassigned ones, and any I acted on (a refused claim stays
    // visible with its reason until dismissed).
    const touched = new Set(commands.map(targetOf));
    const items = this.o.store
      .queueItems(ws)
      .filter((q) =>
        team && isManager(me.role)
          ? true
          : q.assigneeId === me.userId ||
            q.assigneeId === null ||
            q.claimedBy === me.userId ||
            touched.has(q.id),
      );
    const out: QueueItemDto[] = [];
    for (const item of items) {
      let claim: QueueItemDto['claim'] =
        item.claimedBy === null ? 'open' : item.claimedBy === me.userId ? 'mine' : 'other';
      let claimError: string | null = null;
      let hidden = false;
      for (const c of commands) {
        if (targetOf(c) !== item.id) continue;
        if (c.kind === 'claim' || c.kind === 'claimNext') {
          if (c.state === 'pending') claim = claim === 'mine' ? 'mine' : 'unconfirmed';
          else if (claim !== 'mine') {
            claim = 'refused';
            claimError = c.error;
          }
        } else if (c.kind === 'release' && c.state === 'pending') claim = 'open';
        else if (c.kind === 'complete' && c.state === 'pending') hidden = true;
      }
      if (hidden) continue;
      let slaKind: SlaTimerKind | null = null;
      if (item.conversationId && item.dueAt !== null) {
        if (!slaKinds.has(item.conversationId)) {
          slaKinds.set(
            item.conversationId,
            this.o.store.conversation(ws, item.conversationId)?.sla ?? [],
          );
        }
        const timer = slaKinds.get(item.conversationId)!.find((t) => t.dueAt === item.dueAt);
        slaKind = (timer?.kind as SlaTimerKind | undefined) ?? null;
      }
      out.push({
        id: item.id,
        kind: item.kind as QueueItemKind,
        state: item.state as QueueItemDto['state'],
        conversationId: item.conversationId,
        leadId: item.leadId,
        taskId: item.taskId,
        assigneeId: item.assigneeId,
        dueAt: item.dueAt,
        rankKey: item.rankKey,
        pinnedRank: item.pinnedRank,
        leadScore: item.leadScore,
        channel: item.channel as QueueItemDto['channel'],
        claimedBy: item.claimedBy,
        title: item.title,
        leadName: item.leadName,
        createdAt: item.createdAt,
        explanation: explainPriority(
          {
            kind: item.kind as QueueItemKind,
            createdAt: item.createdAt,
            dueAt: item.dueAt,
            slaKind,
            leadScore: item.leadScore,
            channel: item.channel as QueueItemDto['channel'],
            pinnedRank: item.pinnedRank,
          },
          settings,
          now,
        ),
        claim,
        claimError,
      });
    }
    // A pending reorder shows its order at once (pins 1..n as the server will set them).
    const reorder = commands.filter((c) => c.kind === 'reorder' && c.state === 'pending').at(-1);
    if (reorder) {
      const ids = (reorder.payload.itemIds as string[]) ?? [];
      for (const item of out) {
        const at = ids.indexOf(item.id);
        item.pinnedRank = at >= 0 ? at + 1 : null;
      }
    }
    return out.sort(compareQueueItems);
  }

  team(): TeamMemberLoad[] {
    const me = this.me();
    if (!isManager(me.role)) {
      throw new EngineFailure('forbidden', "Only managers and admins see the team's queue");
    }
    const now = this.o.now();
    const loads = new Map<string | null, TeamMemberLoad>();
    const load = (userId: string | null) => {
      let l = loads.get(userId);
      if (!l) {
        l = { userId, openConversations: 0, unread: 0, queueItems: 0, breaches: 0 };
        loads.set(userId, l);
      }
      return l;
    };
    for (const c of this.o.store.conversationsForLoad(me.workspaceId)) {
      const l = load(c.assigneeId);
      l.openConversations += 1;
      if (c.unreadCount > 0) l.unread += 1;
      if (c.sla.some((t) => t.state === 'breached' || (RUNNING_SLA.has(t.state) && t.dueAt < now)))
        l.breaches += 1;
    }
    for (const q of this.o.store.queueItems(me.workspaceId)) load(q.assigneeId).queueItems += 1;
    return [...loads.values()].sort(
      (a, b) =>
        b.openConversations - a.openConversations ||
        String(a.userId).localeCompare(String(b.userId)),
    );
  }

  /** Managers: the server's team view when online (capacity, claimed), else `team()`. */
  async teamView(): Promise<TeamView> {
    const local = this.team();
    if (this.online) {
      try {
        const view = await this.o.authed((token) => this.o.api.team(token));
        const unread = new Map(local.map((l) => [l.userId, l.unread]));
        return {
          source: 'server',
          members: [
            ...view.members.map((m) => ({
              userId: m.userId,
              name: m.name,
              openConversations: m.openConversations,
              capacity: m.capacity,
              unread: unread.get(m.userId) ?? 0,
              queueItems: m.openItems,
              claimedItems: m.claimedItems,
              breaches: m.breaches,
            })),
            {
              userId: null,
              name: null,
              openConversations: view.unassigned.openConversations,
              capacity: null,
              unread: unread.get(null) ?? 0,
              queueItems: view.unassigned.openItems,
              claimedItems: null,
              breaches: view.unassigned.breaches,
            },
          ],
        };
      } catch (err) {
        if (err instanceof EngineFailure && ['unauthenticated', 'forbidden'].includes(err.code))
          throw err;
        this.o.log.info('team view not fetched; computed locally', { error: String(err) });
      }
    }
    return {
      source: 'local',
      members: local.map((l) => ({ ...l, name: null, capacity: null, claimedItems: null })),
    };
  }

  notifications(limit: number): { items: NotificationDto[]; unread: number } {
    const me = this.me();
    const pendingRead = this.pendingNotificationReads();
    const items = this.o.store
      .notifications(me.workspaceId, me.userId, limit)
      .map((n) => notificationDto(n, pendingRead));
    const unread = this.o.store
      .unreadNotifications(me.workspaceId, me.userId)
      .filter((n) => notificationDto(n, pendingRead).readAt === null).length;
    return { items, unread };
  }

  commands(): InboxCommandDto[] {
    return this.o.store.commands(this.me().workspaceId).map((c) => ({
      id: c.id,
      kind: c.kind,
      state: c.state,
      attempts: c.attempts,
      error: c.error,
      createdAt: c.createdAt,
      target: targetOf(c),
    }));
  }

  dismissCommand(id: string): void {
    const me = this.me();
    const c = this.o.store.command(id);
    if (!c || c.workspaceId !== me.workspaceId)
      throw new EngineFailure('not_found', 'No such command');
    if (c.state !== 'failed') {
      throw new EngineFailure('conflict', 'This command is still being sent');
    }
    this.o.store.removeCommand(id);
    this.changedLocally(null, true, true);
  }

  // ---- settings ----------------------------------------------------------------------------

  inboxSettings(): InboxSettings {
    const ws = this.account?.workspaceId;
    if (!ws) return DEFAULT_INBOX_SETTINGS;
    const save = this.lastSettingsSave(ws);
    if (save?.state === 'pending') return save.settings;
    const cached = InboxSettings.safeParse(this.o.store.getSetting(SETTINGS_KEY(ws)));
    return cached.success ? cached.data : DEFAULT_INBOX_SETTINGS;
  }

  /** Workspace templates (fresh from the server when online, at most every few seconds). */
  async templates(): Promise<{ workspace: InboxSettings['templates']; personal: Snippet[] }> {
    const me = this.me();
    if (this.online && this.o.now() - this.settingsFetchedAt >= REFRESH_MS) {
      await this.refreshSettings();
    }
    return { workspace: this.inboxSettings().templates, personal: this.snippets(me.userId) };
  }

  /** The settings: read from the server when online (the cache offline, or when it fails). */
  async settings(): Promise<InboxSettingsDto> {
    this.me();
    const fresh = this.online && (await this.refreshSettings());
    return this.settingsDto(fresh ? 'server' : 'cache');
  }

  /**
   * Managers/admins: queues the settings as a `saveSettings` command (shown at once as pending;
   * sent when online; a failed earlier save is replaced).
   */
  saveSettings(settings: InboxSettings): InboxSettingsDto {
    const me = this.me();
    const ws = this.o.workspace.editable();
    if (!isManager(me.role)) {
      throw new EngineFailure('forbidden', 'Only managers and admins change the inbox settings');
    }
    for (const c of this.o.store.commands(ws)) {
      if (c.kind === 'saveSettings' && c.state === 'failed') this.o.store.removeCommand(c.id);
    }
    this.enqueue(ws, 'saveSettings', { settings }, [], true);
    const dto = this.settingsDto(this.online ? 'server' : 'cache');
    this.o.emit('inbox:settingsChanged', dto);
    return dto;
  }

  /**
   * Where I can start conversations: the workspace's Twilio numbers (SMS: plain numbers;
   * WhatsApp: any, as the server derives `whatsapp:` from a plain one) and my own mailboxes.
   * Read from the server when online (at most every few seconds), else as last read.
   */
  async channels(): Promise<InboxChannelsDto> {
    const me = this.me();
    const key = CHANNELS_KEY(me.workspaceId, me.userId);
    const Cached = z.object({
      numbers: z.array(z.string()),
      mailboxes: z.array(z.string()),
      at: z.number(),
    });
    let cached = Cached.safeParse(this.o.store.getSetting(key));
    let source: InboxChannelsDto['source'] = cached.success ? 'cache' : 'none';
    if (this.online && (!cached.success || this.o.now() - cached.data.at >= REFRESH_MS)) {
      try {
        const [numbers, mailboxes] = await this.o.authed((token) =>
          Promise.all([this.o.api.twilioNumbers(token), this.o.api.mailboxes(token)]),
        );
        const value = {
          numbers,
          mailboxes: mailboxes.filter((m) => m.userId === me.userId).map((m) => m.address),
          at: this.o.now(),
        };
        this.o.store.setSetting(key, value);
        cached = Cached.safeParse(value);
        source = 'server';
      } catch (err) {
        if (err instanceof EngineFailure && err.code === 'unauthenticated') throw err;
        this.o.log.info('inbox channels not fetched', { error: String(err) });
      }
    }
    const numbers = cached.success ? cached.data.numbers : [];
    return {
      sms: numbers.filter((n) => !n.startsWith('whatsapp:')),
      whatsapp: numbers.map((n) => (n.startsWith('whatsapp:') ? n : `whatsapp:${n}`)),
      email: cached.success ? cached.data.mailboxes : [],
      source,
    };
  }

  /**
   * Starts (or finds) a conversation with a lead on a channel, assigned to me, from our address
   * `from` (one of `channels()`; absent: the server's default). Online only: the server checks or
   * picks our address and may return an existing conversation, so there is nothing to
   * show before it answers. The answer is stored locally at once (the sync stream's fact follows).
   */
  async startConversation(input: {
    leadId: string;
    channel: StartableChannel;
    subject?: string | undefined;
    from?: string | undefined;
  }): Promise<ConversationDto> {
    const me = this.me();
    const ws = this.o.workspace.editable();
    const row = await this.onlineOnly(
      'Starting a conversation needs the server, which cannot be reached now. Try again when the app is back online.',
      (token) =>
        this.o.api.startConversation(token, input.leadId, {
          channel: input.channel,
          ...(input.subject ? { subject: input.subject } : {}),
          ...(input.from ? { ourAddress: input.from } : {}),
          commandId: newId(),
        }),
    );
    const id = String(row.id);
    if (!this.o.store.conversation(ws, id) && !this.o.store.applyFact(ws, 'conversation', row)) {
      this.o.log.warn('started conversation not stored locally', { id });
    }
    this.changedLocally([id], false, false);
    const stored = this.o.store.conversation(ws, id);
    if (!stored)
      throw new EngineFailure('server_error', 'The conversation could not be stored here');
    const pending = this.o.store.commands(me.workspaceId).filter((c) => c.state === 'pending');
    return this.conversationDto(stored, pending);
  }

  /** `inbox:history`: read from the server (online only; the history is not synced). */
  async history(conversationId: string): Promise<HistoryDto> {
    this.conversationOrThrow(this.o.workspace.editable(), conversationId);
    return this.onlineOnly(
      'The history needs the server, which cannot be reached now. Try again when the app is back online.',
      (token) => this.o.api.history(token, conversationId),
    );
  }

  saveSnippets(snippets: Snippet[]): Snippet[] {
    const me = this.me();
    this.o.store.setSetting(SNIPPETS_KEY(me.userId), snippets);
    return snippets;
  }

  /** My notification preferences as this device has them (the local copy). */
  prefs(): NotificationPrefs {
    const me = this.me();
    const p = NotificationPrefs.safeParse(this.o.store.getSetting(PREFS_KEY(me.userId)) ?? {});
    return p.success ? p.data : NotificationPrefs.parse({});
  }

  /** Whether my preferences allow an OS notification of this category now (yes when signed out). */
  allowsOsNotification(category: NotificationRow['category']): boolean {
    if (!this.account) return true;
    return shouldNotify(category, this.prefs(), this.o.now()).os;
  }

  /** `notifications:getPrefs`: read from the server first when online (at most every few s). */
  async loadPrefs(): Promise<NotificationPrefs> {
    this.me();
    if (this.online && this.o.now() - this.prefsFetchedAt >= REFRESH_MS) await this.refreshPrefs();
    return this.prefs();
  }

  /** Applies them here at once and queues them for the server (`setPrefs`). */
  setPrefs(prefs: NotificationPrefs): NotificationPrefs {
    const me = this.me();
    const ws = this.o.workspace.editable();
    this.prefsVersion += 1;
    this.o.store.tx(() => this.o.store.setSetting(PREFS_KEY(me.userId), prefs));
    this.enqueue(ws, 'setPrefs', { prefs }, []);
    return prefs;
  }

  /**
   * Reads my preferences from the server into the local copy (unless a change made here still
   * waits to be sent: it is newer); `notifications:prefsChanged` when they differ.
   */
  private async refreshPrefs(): Promise<void> {
    const me = this.account;
    if (!me || !this.online || this.closed) return;
    const waiting = () => this.prefsWaiting(me.workspaceId);
    if (waiting()) return;
    const version = this.prefsVersion;
    try {
      const stored = await this.o.authed((token) => this.o.api.notificationPrefs(token));
      this.prefsFetchedAt = this.o.now();
      if (this.closed || this.account?.userId !== me.userId) return;
      // Changed or sent here meanwhile: what was read may be older.
      if (version === this.prefsVersion && !waiting()) this.cachePrefs(me.userId, stored.prefs);
    } catch (err) {
      this.o.log.info('notification preferences not fetched', { error: String(err) });
    }
  }

  /**
   * My preferences as the server pushed them (saved on another device, or the echo of a save from
   * here): cached like a read, unless a change made here still waits to be sent.
   */
  private pushedPrefs(data: Record<string, unknown>): void {
    const me = this.account;
    if (!me || data.userId !== me.userId) return;
    const parsed = NotificationPrefs.safeParse(data.prefs);
    if (!parsed.success) return this.o.log.warn('pushed notification preferences refused');
    if (this.prefsWaiting(me.workspaceId)) return;
    this.prefsFetchedAt = this.o.now();
    this.cachePrefs(me.userId, parsed.data);
  }

  /** Whether a change of my preferences made here still waits to be sent. */
  private prefsWaiting(workspaceId: string): boolean {
    return this.o.store
      .commands(workspaceId)
      .some((c) => c.kind === 'setPrefs' && c.state === 'pending');
  }

  private cachePrefs(userId: string, prefs: NotificationPrefs): void {
    const before = JSON.stringify(this.o.store.getSetting(PREFS_KEY(userId)) ?? null);
    if (before === JSON.stringify(prefs)) return;
    this.o.store.setSetting(PREFS_KEY(userId), prefs);
    if (userId === this.account?.userId) this.o.emit('notifications:prefsChanged', prefs);
  }

  // ---- commands ----------------------------------------------------------------------------

  /** `inbox:send` with its attachments looked up in the engine's file store first. */
  async sendWithFiles(input: In<'inbox:send'>): Promise<{ commandId: string; messageId: string }> {
    const wanted = input.attachments ?? [];
    if (wanted.length === 0) return this.send(input);
    const store = this.o.files;
    if (!store) throw new EngineFailure('invalid_input', 'Files cannot be attached here');
    const files: CommandFile[] = [];
    for (const a of wanted) {
      const info = await store.info(a.localFileId);
      if (info.size > MAX_ATTACHMENT_BYTES) {
        throw new EngineFailure('invalid_input', `${info.name} is larger than 20 MB`);
      }
      files.push({
        localFileId: info.id,
        name: info.name,
        size: info.size,
        contentType: a.contentType,
        fileId: null,
      });
    }
    return this.send(input, files);
  }

  send(
    input: In<'inbox:send'>,
    files: CommandFile[] = [],
  ): { commandId: string; messageId: string } {
    if ((input.attachments?.length ?? 0) !== files.length) {
      throw new EngineFailure('invalid_input', 'Attachments go through sendWithFiles');
    }
    const me = this.me();
    const ws = this.o.workspace.editable();
    const conv = this.o.store.conversation(ws, input.conversationId);
    if (!conv) throw new EngineFailure('not_found', 'This conversation is not here (any more)');
    const messageId = input.id ?? newId();
    if (this.o.store.messageExists(ws, messageId)) {
      throw new EngineFailure('conflict', 'This message was sent already');
    }
    const payload: Record<string, unknown> = {
      conversationId: conv.id,
      id: messageId,
      kind: input.kind,
      body: input.body,
      authorId: me.userId,
      ...(input.subject !== undefined ? { subject: input.subject } : {}),
      ...(input.sendAt !== undefined ? { sendAt: input.sendAt } : {}),
      ...(input.mentions?.length ? { mentions: input.mentions } : {}),
      ...(input.callDurationS !== undefined ? { callDurationS: input.callDurationS } : {}),
      ...(input.callOutcome !== undefined ? { callOutcome: input.callOutcome } : {}),
      ...(files.length > 0 ? { files } : {}),
      ...(input.from !== undefined && input.kind === 'message' ? { from: input.from } : {}),
    };
    const commandId = this.enqueue(ws, 'send', payload, [conv.id]);
    return { commandId, messageId };
  }

  cancelMessage(messageId: string): { commandId: string } {
    const ws = this.o.workspace.editable();
    // A message still waiting in the outbox is simply not sent.
    const waiting = this.o.store
      .commands(ws)
      .find((c) => c.kind === 'send' && c.payload.id === messageId);
    if (waiting && !this.o.store.messageExists(ws, messageId)) {
      if (this.sending && waiting.state === 'pending' && this.inFlight === waiting.id) {
        throw new EngineFailure('conflict', 'This message is being sent right now');
      }
      this.o.store.removeCommand(waiting.id);
      this.changedLocally([String(waiting.payload.conversationId)], false, false);
      return { commandId: waiting.id };
    }
    const m = this.o.store.message(ws, messageId);
    if (!m) throw new EngineFailure('not_found', 'This message is not here (any more)');
    if (m.status !== 'scheduled') {
      throw new EngineFailure('conflict', 'Only a message scheduled for later can be cancelled');
    }
    return {
      commandId: this.enqueue(
        ws,
        'cancelMessage',
        { messageId, conversationId: m.conversationId },
        [m.conversationId],
      ),
    };
  }

  assign(input: In<'inbox:assign'>): { commandId: string } {
    const ws = this.o.workspace.editable();
    this.conversationOrThrow(ws, input.conversationId);
    return {
      commandId: this.enqueue(
        ws,
        'assign',
        {
          conversationId: input.conversationId,
          assigneeId: input.assigneeId,
          ...(input.note ? { note: input.note } : {}),
        },
        [input.conversationId],
      ),
    };
  }

  update(input: In<'inbox:update'>): { commandId: string } {
    const ws = this.o.workspace.editable();
    this.conversationOrThrow(ws, input.conversationId);
    const patch: Record<string, unknown> = { conversationId: input.conversationId };
    for (const k of ['status', 'snoozedUntil', 'priority', 'labels'] as const) {
      if (input[k] !== undefined) patch[k] = input[k];
    }
    return { commandId: this.enqueue(ws, 'update', patch, [input.conversationId]) };
  }

  markRead(conversationId: string): { commandId: string } {
    const ws = this.o.workspace.editable();
    this.conversationOrThrow(ws, conversationId);
    return { commandId: this.enqueue(ws, 'markRead', { conversationId }, [conversationId]) };
  }

  /** "Next": the top item I may take; the server decides (it may hand out another one). */
  next(): { commandId: string | null; itemId: string | null } {
    const me = this.me();
    const ws = this.o.workspace.editable();
    const top = this.queue(false).find((q) => q.claim === 'open');
    if (!top && !this.online) return { commandId: null, itemId: null };
    const commandId = this.enqueue(
      ws,
      'claimNext',
      { expectedItemId: top?.id ?? null, userId: me.userId },
      [],
      true,
    );
    return { commandId, itemId: top?.id ?? null };
  }

  queueAction(action: 'claim' | 'release' | 'complete', itemId: string): { commandId: string } {
    const ws = this.o.workspace.editable();
    if (!this.o.store.queueItem(ws, itemId)) {
      throw new EngineFailure('not_found', 'This queue item is not here (any more)');
    }
    // A new claim replaces an old refusal of the same item.
    if (action === 'claim') {
      for (const c of this.o.store.commands(ws)) {
        if (c.state === 'failed' && targetOf(c) === itemId) this.o.store.removeCommand(c.id);
      }
    }
    return { commandId: this.enqueue(ws, action, { itemId }, [], true) };
  }

  reorder(itemIds: string[]): { commandId: string } {
    const me = this.me();
    if (!isManager(me.role)) {
      throw new EngineFailure('forbidden', 'Only managers and admins reorder the queue');
    }
    const ws = this.o.workspace.editable();
    return { commandId: this.enqueue(ws, 'reorder', { itemIds }, [], true) };
  }

  markNotificationsRead(ids: string[] | undefined): { commandId: string } {
    const ws = this.o.workspace.editable();
    return {
      commandId: this.enqueue(ws, 'notificationsRead', ids ? { ids } : {}, [], false, true),
    };
  }

  /** Sends what is pending now (tests; the engine does it by itself when online). */
  async flush(): Promise<void> {
    await this.sendPending();
  }

  // ---- the sender --------------------------------------------------------------------------

  private inFlight: string | null = null;

  private enqueue(
    ws: string,
    kind: string,
    payload: Record<string, unknown>,
    conversationIds: string[],
    queue = false,
    notes = false,
  ): string {
    const id = newId();
    this.o.store.tx(() =>
      this.o.store.addCommand({ id, workspaceId: ws, kind, payload, createdAt: this.o.now() }),
    );
    this.changedLocally(conversationIds, queue || kind === 'claimNext', notes);
    this.kick();
    return id;
  }

  private kick(): void {
    if (this.closed || !this.online) return;
    if (this.retryTimer && this.retryMs > 0) return; // backing off
    void this.sendPending();
  }

  private async sendPending(): Promise<void> {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    try {
      do {
        this.again = false;
        await this.pass();
      } while (this.again && !this.closed);
    } finally {
      this.sending = false;
    }
  }

  private async pass(): Promise<void> {
    while (!this.closed && this.online) {
      const ws = this.account?.workspaceId;
      if (!ws) return;
      const c = this.o.store.nextPending(ws);
      if (!c) {
        this.retryMs = 0;
        return;
      }
      this.inFlight = c.id;
      try {
        await this.o.authed((token) => this.execute(token, c));
        if (this.closed) return;
        this.o.store.removeCommand(c.id);
        this.retryMs = 0;
        this.changedAfter(c);
        this.settledLocally(c);
      } catch (err) {
        if (this.closed) return;
        const code = err instanceof EngineFailure ? err.code : 'internal';
        const message = err instanceof Error ? err.message : String(err);
        if (PERMANENT.has(code)) {
          this.o.store.failCommand(c.id, message);
          this.o.log.warn('inbox command refused', { kind: c.kind, code, message });
          if (!this.closed) {
            this.o.emit('inbox:commandFailed', {
              id: c.id,
              kind: c.kind,
              message,
              target: targetOf(c),
            });
          }
          this.changedAfter(c);
          this.settledLocally(c);
          continue;
        }
        this.o.store.retried(c.id, message);
        this.o.log.info('inbox command will be retried', { kind: c.kind, code });
        this.scheduleRetry();
        return;
      } finally {
        this.inFlight = null;
      }
    }
  }

  /** A settings or preferences command left the outbox (sent or refused): show what is true. */
  private settledLocally(c: CommandRow): void {
    if (this.closed || c.workspaceId !== this.account?.workspaceId) return;
    if (c.kind === 'saveSettings') {
      this.o.emit('inbox:settingsChanged', this.settingsDto('server'));
    } else if (c.kind === 'setPrefs' && this.o.store.command(c.id)?.state === 'failed') {
      // Refused: the server's copy is what holds; read it back.
      this.prefsFetchedAt = 0;
      void this.refreshPrefs();
    }
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    const base = this.o.timing?.retryBaseMs ?? 1000;
    const cap = this.o.timing?.retryCapMs ?? 30_000;
    this.retryMs = Math.min(cap, this.retryMs === 0 ? base : this.retryMs * 2);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.online) void this.sendPending();
    }, this.retryMs);
    this.retryTimer.unref?.();
  }

  /**
   * Uploads the send command's files that are not on the server yet, recording each server id in
   * the command as soon as it has one; answers the message's attachments (server ids).
   */
  private async uploadFiles(
    token: string,
    c: CommandRow,
  ): Promise<{ fileId: string; name: string; size: number; contentType: string }[]> {
    const files = commandFiles(c.payload).map((f) => ({ ...f }));
    for (const f of files) {
      if (f.fileId) continue;
      const store = this.o.files;
      let bytes: Buffer;
      try {
        if (!store) throw new Error('no file store');
        bytes = await readFile(store.pathOf(f.localFileId));
      } catch (cause) {
        throw new EngineFailure('invalid_input', `The attachment ${f.name} is no longer here`, {
          cause,
        });
      }
      const up = await this.o.api.uploadFile(token, {
        bytes,
        name: f.name,
        contentType: f.contentType,
      });
      f.fileId = up.id;
      this.o.store.setCommandPayload(c.id, { ...c.payload, files });
    }
    return files.map((f) => ({
      fileId: f.fileId!,
      name: f.name,
      size: f.size,
      contentType: f.contentType,
    }));
  }

  /**
   * A message's attachment, downloaded from the server into the engine's file store (once per
   * server file id), as the web shell serves it.
   */
  async attachment(fileId: string): Promise<StoredFileDto> {
    const store = this.o.files;
    if (!store) throw new EngineFailure('not_found', 'Files cannot be downloaded here');
    const dto = (f: { id: string; name: string; size: number }): StoredFileDto => ({
      id: f.id,
      name: f.name,
      size: f.size,
      url: `/files/${f.id}`,
    });
    if (fileId.startsWith('local:')) return dto(await store.info(fileId.slice('local:'.length)));
    if (fileId.includes(':')) {
      throw new EngineFailure(
        'not_found',
        'This attachment was not stored by the server (too large, or kept by the provider)',
      );
    }
    const ws = this.o.workspace.readable();
    const cached = this.o.store.getSetting(ATTACHMENT_CACHE_KEY(ws, fileId));
    if (typeof cached === 'string') {
      const hit = await store.info(cached).catch(() => null);
      if (hit) return dto(hit);
    }
    const m = this.o.store
      .messagesWithAttachment(ws, fileId)
      .flatMap((r) => r.attachments)
      .find((a) => a.fileId === fileId);
    const res = await this.o.authed((token) => this.o.api.downloadFile(token, fileId));
    if (!res.body) throw new EngineFailure('server_error', 'The sync server sent no file');
    const saved = await store.stageFromStream(
      Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
      m?.name ?? fileNameOf(res.headers.get('content-disposition')) ?? 'attachment',
      MAX_ATTACHMENT_BYTES,
    );
    this.o.store.setSetting(ATTACHMENT_CACHE_KEY(ws, fileId), saved.id);
    return dto(saved);
  }

  private async execute(token: string, c: CommandRow): Promise<void> {
    const { api } = this.o;
    const p = c.payload;
    const commandId = c.id;
    switch (c.kind) {
      case 'send': {
        const { conversationId, authorId: _a, files: _f, ...body } = p;
        const attachments = await this.uploadFiles(token, c);
        await api.sendMessage(token, String(conversationId), {
          ...body,
          ...(attachments.length > 0 ? { attachments } : {}),
          commandId,
        });
        return;
      }
      case 'cancelMessage':
        await api.cancelMessage(token, String(p.messageId), commandId);
        return;
      case 'assign': {
        const { conversationId, ...body } = p;
        await api.assign(token, String(conversationId), { ...body, commandId });
        return;
      }
      case 'update': {
        const { conversationId, ...body } = p;
        await api.update(token, String(conversationId), { ...body, commandId });
        return;
      }
      case 'markRead':
        await api.markRead(token, String(p.conversationId), { commandId });
        return;
      case 'claimNext':
        await api.next(token, { commandId });
        return;
      case 'claim':
      case 'release':
      case 'complete':
        await api.queueItem(token, String(p.itemId), c.kind, { commandId });
        return;
      case 'reorder':
        await api.reorder(token, { order: p.itemIds, commandId });
        return;
      case 'notificationsRead':
        await api.notificationsRead(token, {
          ...(Array.isArray(p.ids) ? { ids: p.ids } : { all: true }),
          commandId,
        });
        return;
      case 'saveSettings': {
        const stored = await api.saveSettings(token, InboxSettings.parse(p.settings), commandId);
        this.settingsFetchedAt = this.o.now();
        if (c.workspaceId === this.account?.workspaceId) this.cacheSettings(c.workspaceId, stored);
        return;
      }
      case 'setPrefs': {
        const stored = await api.saveNotificationPrefs(
          token,
          NotificationPrefs.parse(p.prefs),
          commandId,
        );
        this.prefsVersion += 1;
        const me = this.account;
        const newer = this.o.store
          .commands(c.workspaceId)
          .some((x) => x.kind === 'setPrefs' && x.state === 'pending' && x.id !== c.id);
        if (me && !newer) this.cachePrefs(me.userId, stored.prefs);
        return;
      }
      default:
        throw new EngineFailure('invalid_input', `Unknown inbox command ${c.kind}`);
    }
  }

  private async fetchSettings(): Promise<void> {
    const ws = this.account?.workspaceId;
    if (!ws || !this.online || this.closed) return;
    const every = this.o.timing?.settingsEveryMs ?? 5 * 60_000;
    if (this.settingsTimer) clearTimeout(this.settingsTimer);
    this.settingsTimer = setTimeout(() => void this.fetchSettings(), every);
    this.settingsTimer.unref?.();
    if (this.o.now() - this.prefsFetchedAt >= 10_000) await this.refreshPrefs();
    if (this.o.now() - this.settingsFetchedAt < 10_000) return;
    await this.refreshSettings();
  }

  /** Reads the settings from the server into the cache; false when it could not. */
  private async refreshSettings(): Promise<boolean> {
    const ws = this.account?.workspaceId;
    if (!ws || !this.online || this.closed) return false;
    try {
      const stored = await this.o.authed((token) => this.o.api.settings(token));
      this.settingsFetchedAt = this.o.now();
      if (!this.closed && ws === this.account?.workspaceId) this.cacheSettings(ws, stored);
      return true;
    } catch (err) {
      // SDRs may not read them on every server, and offline is fine: the defaults stay.
      this.o.log.info('inbox settings not fetched', { error: String(err) });
      return false;
    }
  }

  private cacheSettings(ws: string, stored: StoredSettings): void {
    const before = JSON.stringify(this.o.store.getSetting(SETTINGS_KEY(ws)) ?? null);
    this.o.store.tx(() => {
      this.o.store.setSetting(SETTINGS_KEY(ws), stored.settings);
      this.o.store.setSetting(SETTINGS_META_KEY(ws), {
        updatedAt: stored.updatedAt,
        updatedBy: stored.updatedBy,
      });
    });
    if (before !== JSON.stringify(stored.settings) && ws === this.account?.workspaceId) {
      this.o.emit('inbox:settingsChanged', this.settingsDto('server'));
      this.changedLocally([], true, false); // queue explanations use the weights
    }
  }

  private settingsDto(source: InboxSettingsDto['source']): InboxSettingsDto {
    const ws = this.me().workspaceId;
    const cached = InboxSettings.safeParse(this.o.store.getSetting(SETTINGS_KEY(ws)));
    const meta = z
      .object({ updatedAt: z.number().nullable(), updatedBy: z.string().nullable() })
      .safeParse(this.o.store.getSetting(SETTINGS_META_KEY(ws)));
    const save = this.lastSettingsSave(ws);
    return {
      settings:
        save?.state === 'pending'
          ? save.settings
          : cached.success
            ? cached.data
            : DEFAULT_INBOX_SETTINGS,
      updatedAt: meta.success ? meta.data.updatedAt : null,
      updatedBy: meta.success ? meta.data.updatedBy : null,
      source: cached.success ? source : 'defaults',
      save: save ? { commandId: save.commandId, state: save.state, error: save.error } : null,
    };
  }

  /** My latest `saveSettings` command still in the outbox (pending, or failed with a reason). */
  private lastSettingsSave(ws: string): {
    commandId: string;
    state: 'pending' | 'failed';
    error: string | null;
    settings: InboxSettings;
  } | null {
    const c = this.o.store
      .commands(ws)
      .filter((x) => x.kind === 'saveSettings')
      .at(-1);
    const settings = c ? InboxSettings.safeParse(c.payload.settings) : null;
    if (!c || !settings?.success) return null;
    return { commandId: c.id, state: c.state, error: c.error, settings: settings.data };
  }

  // ---- notifications -----------------------------------------------------------------------

  private notifyNew(row: Record<string, unknown>): void {
    const me = this.account;
    if (!me || row.userId !== me.userId) return;
    const n = notificationDto(
      {
        id: String(row.id),
        userId: String(row.userId),
        category: row.category as NotificationRow['category'],
        title: txt(row.title),
        body: txt(row.body),
        conversationId: (row.conversationId as string | null) ?? null,
        leadId: (row.leadId as string | null) ?? null,
        queueItemId: (row.queueItemId as string | null) ?? null,
        readAt: (row.readAt as number | null) ?? null,
        createdAt: Number(row.createdAt),
      },
      new Set(),
    );
    if (n.readAt !== null) return;
    const decision = shouldNotify(n.category, this.prefs(), this.o.now());
    if (!decision.inApp && !decision.os) return;
    let shown = false;
    // A due task's OS notification is the engine's own reminder (it fires on time offline too);
    // the server's copy only adds it to the notification list, so one task never pops up twice.
    if (decision.os && n.category !== 'task' && this.o.notify) {
      try {
        this.o.notify(n.title, n.body, {
          conversationId: n.conversationId,
          queueItemId: n.queueItemId,
        });
        shown = true;
      } catch (err) {
        this.o.log.warn('notification failed', { error: String(err) });
      }
    }
    this.o.emit('notifications:new', {
      notification: n,
      os: decision.os,
      sound: decision.sound,
      shown,
    });
  }

  private pendingNotificationReads(): Set<string> | 'all' {
    const me = this.me();
    const ids = new Set<string>();
    for (const c of this.o.store.commands(me.workspaceId)) {
      if (c.kind !== 'notificationsRead' || c.state !== 'pending') continue;
      if (!Array.isArray(c.payload.ids)) return 'all';
      for (const id of c.payload.ids as string[]) ids.add(id);
    }
    return ids;
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** A call that needs the server now: refused with `offline` as the reason when unreachable. */
  private async onlineOnly<T>(offline: string, fn: (token: string) => Promise<T>): Promise<T> {
    if (!this.online) throw new EngineFailure('server_unreachable', offline);
    try {
      return await this.o.authed(fn);
    } catch (err) {
      if (err instanceof EngineFailure && err.code === 'server_unreachable') {
        throw new EngineFailure('server_unreachable', offline, { cause: err });
      }
      throw err;
    }
  }

  private me(): Account {
    if (!this.account) throw new EngineFailure('unauthenticated', 'Sign in first');
    return this.account;
  }

  private conversationOrThrow(ws: string, id: string): ConversationRow {
    const c = this.o.store.conversation(ws, id);
    if (!c) throw new EngineFailure('not_found', 'This conversation is not here (any more)');
    return c;
  }

  private snippets(userId: string): Snippet[] {
    const parsed = z
      .array(z.object({ id: z.string(), name: z.string(), body: z.string() }))
      .safeParse(this.o.store.getSetting(SNIPPETS_KEY(userId)) ?? []);
    return parsed.success ? parsed.data : [];
  }

  /** The conversation with the effect of its pending commands. */
  private conversationDto(c: ConversationRow, pending: readonly CommandRow[]): ConversationDto {
    const dto: ConversationDto = {
      ...c,
      channel: c.channel as ConversationDto['channel'],
      status: c.status as ConversationDto['status'],
      priority: c.priority as ConversationDto['priority'],
      sla: c.sla as ConversationDto['sla'],
      slaDueAt: null,
      pending: false,
    };
    for (const cmd of pending) {
      if (cmd.payload.conversationId !== c.id) continue;
      const p = cmd.payload;
      if (cmd.kind === 'update') {
        dto.pending = true;
        if (p.status !== undefined) dto.status = p.status as ConversationDto['status'];
        if (p.snoozedUntil !== undefined) dto.snoozedUntil = p.snoozedUntil as number | null;
        if (p.priority !== undefined) dto.priority = p.priority as ConversationDto['priority'];
        if (p.labels !== undefined) dto.labels = p.labels as string[];
      } else if (cmd.kind === 'assign') {
        dto.pending = true;
        dto.assigneeId = (p.assigneeId as string | null) ?? null;
      } else if (cmd.kind === 'markRead') {
        dto.unreadCount = 0;
      } else if (cmd.kind === 'send') {
        dto.pending = true;
      }
    }
    const running = dto.sla.filter((t) => RUNNING_SLA.has(t.state)).map((t) => t.dueAt);
    dto.slaDueAt = running.length > 0 ? Math.min(...running) : null;
    return dto;
  }

  private changedAfter(c: CommandRow): void {
    const t = targetOf(c);
    const conv = typeof c.payload.conversationId === 'string' ? [c.payload.conversationId] : [];
    this.changedLocally(
      conv,
      ['claim', 'claimNext', 'release', 'complete', 'reorder'].includes(c.kind) || t === null,
      c.kind === 'notificationsRead',
    );
  }

  /** Coalesces `inbox:changed` (one per 30 ms). */
  private changedLocally(ids: Iterable<string> | null, queue: boolean, notes: boolean): void {
    if (this.closed) return;
    const ch = this.changed;
    if (ids === null || ch.ids === null) ch.ids = null;
    else for (const id of ids) ch.ids.add(id);
    if (ch.ids && ch.ids.size > 200) ch.ids = null;
    ch.queue ||= queue;
    ch.notes ||= notes;
    this.changedTimer ??= setTimeout(() => {
      this.changedTimer = null;
      const done = this.changed;
      this.changed = { ids: new Set(), queue: false, notes: false };
      if (this.closed) return;
      this.o.emit('inbox:changed', {
        conversationIds: done.ids ? [...done.ids] : null,
        queue: done.queue,
        notifications: done.notes,
      });
    }, 30);
  }
}

function messageDto(
  m: MessageRow,
  local: MessageDto['local'],
  localError: string | null,
): MessageDto {
  return {
    ...m,
    channel: m.channel as MessageDto['channel'],
    direction: m.direction as MessageDto['direction'],
    kind: m.kind as MessageDto['kind'],
    status: m.status as MessageDto['status'],
    local,
    localError,
  };
}

/** A message composed here that the server has not stored yet, as the thread shows it. */
function localMessage(c: CommandRow, conv: ConversationRow, userId: string): MessageRow {
  const p = c.payload;
  const kind = txt(p.kind) || 'message';
  const sendAt = typeof p.sendAt === 'number' ? p.sendAt : null;
  return {
    id: String(p.id),
    conversationId: conv.id,
    leadId: conv.leadId,
    channel: kind === 'message' ? conv.channel : kind,
    direction: kind === 'message' ? 'out' : 'internal',
    kind,
    authorId: userId,
    fromAddress: kind === 'message' ? txt(p.from) || conv.ourAddress : null,
    toAddress: conv.leadAddress,
    subject: (p.subject as string | undefined) ?? null,
    body: txt(p.body),
    attachments: commandFiles(p).map((f) => ({
      fileId: f.fileId ?? `local:${f.localFileId}`,
      name: f.name,
      size: f.size,
      contentType: f.contentType,
    })),
    status: sendAt !== null && kind === 'message' ? 'scheduled' : 'queued',
    statusReason: null,
    sendAt,
    sentAt: null,
    deliveredAt: null,
    mentions: (p.mentions as string[] | undefined) ?? [],
    callDurationS: (p.callDurationS as number | undefined) ?? null,
    callOutcome: (p.callOutcome as string | undefined) ?? null,
    createdAt: c.createdAt,
  };
}

/** The file name of a `Content-Disposition` header (`filename*=UTF-8''…` first). */
function fileNameOf(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // fall through to the plain name
    }
  }
  return /filename="([^"]*)"/i.exec(header)?.[1] ?? null;
}

function notificationDto(n: NotificationRow, pendingRead: Set<string> | 'all'): NotificationDto {
  const read = n.readAt ?? (pendingRead === 'all' || pendingRead.has(n.id) ? n.createdAt : null);
  return {
    id: n.id,
    category: n.category,
    title: n.title,
    body: n.body,
    conversationId: n.conversationId,
    leadId: n.leadId,
    queueItemId: n.queueItemId,
    readAt: read,
    createdAt: n.createdAt,
  };
}
