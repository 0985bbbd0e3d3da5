/**
 * Composes the engine: database, server client, session, handlers and router. Transports (the web
 * shell's WebSocket, Electron's parent port, tests) call `dispatch` and subscribe to events.
 */
import os from 'node:os';
import type Database from 'better-sqlite3';
import { DEFAULT_LEAD_SETTINGS, MeResponse } from '@sdr/schema';
import type { EventName, EventPayload } from '../shared/contract.ts';
import { createAccountStore } from './account-store.ts';
import { openDb } from './db.ts';
import { EngineFailure } from './errors.ts';
import { createFileStore, type FileStore } from './files/file-store.ts';
import { createHandlers } from './handlers.ts';
import { sessionActor } from './leads/bulk/bulk-handlers.ts';
import { BulkJobs } from './leads/bulk/bulk-jobs.ts';
import { createInboxApi } from './inbox/inbox-api.ts';
import { createInboxStore } from './inbox/inbox-store.ts';
import { Inbox, type InboxOptions } from './inbox/inbox.ts';
import { Presence, type PresenceOptions } from './inbox/presence.ts';
import { createImportRunner } from './import/import-runner.ts';
import { selectLeads } from './leads/select-leads.ts';
import { LeadReplica } from './leads/lead-replica.ts';
import { createLeadsApi } from './leads/leads-api.ts';
import { openLeadQueryLayer, type LeadQueryLayerOptions } from './leads/query/lead-query-layer.ts';
import type { Logger } from './logger.ts';
import { createRouter, type Dispatch } from './router.ts';
import type { SecretBox } from './secret-box.ts';
import { createServerApi } from './server-api.ts';
import { Session } from './session.ts';
import { createSettings } from './settings.ts';
import { createInstallation } from './sync/installation.ts';
import { SyncManager, type SyncManagerOptions } from './sync/sync-manager.ts';
import { createDataApi } from './workspace-data/data-api.ts';
import { createWorkspaceDataStore } from './workspace-data/store.ts';
import { WorkspaceData, type WorkspaceDataOptions } from './workspace-data/workspace-data.ts';

export type EngineListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface EngineOptions {
  dataDir: string;
  serverUrl: string;
  shell: 'electron' | 'web';
  version: string;
  box: SecretBox;
  log: Logger;
  now?: () => number;
  fetch?: typeof globalThis.fetch;
  notify?: (
    title: string,
    body: string,
    target?: { conversationId: string | null; queueItemId: string | null },
  ) => void;
  /** Signs in with this login on the first start of a fresh data dir (the demo of `pnpm start`). */
  demoLogin?: { email: string; password: string } | null;
  /** Sync client tuning (tests shorten the reconnect backoff). */
  sync?: SyncManagerOptions['client'];
  /** Catch-up mode tuning (leads/query/catch-up-mode.ts; tests lower its threshold). */
  catchUp?: LeadQueryLayerOptions['catchUp'];
  /** Views/lists/tasks replication timing (tests shorten the push delay and pull interval). */
  workspaceData?: WorkspaceDataOptions['timing'];
  /** Inbox command outbox timing (tests shorten the retry backoff). */
  inbox?: InboxOptions['timing'];
  /** Presence room reconnect backoff (tests shorten it). */
  presence?: PresenceOptions['timing'];
}

export interface Engine {
  dispatch: Dispatch;
  /** Staged uploads, reports and exports (the web shell serves them at `/files`). */
  files: FileStore;
  /** Subscribes to engine events; returns the unsubscribe function. */
  subscribe(listener: EngineListener): () => void;
  close(): void;
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const now = opts.now ?? Date.now;
  const listeners = new Set<EngineListener>();
  const emit: EngineListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };

  const { db, close } = openDb(opts.dataDir);
  // drizzle keeps the better-sqlite3 handle as `$client`; sync uses prepared statements on it.
  const sqlite = (db as unknown as { $client: Database.Database }).$client;
  const replica = new LeadReplica(sqlite, createInstallation(sqlite), now);
  let sync: SyncManager | null = null;
  let workspaceData: WorkspaceData | null = null;
  let inbox: Inbox | null = null;
  const signedInWorkspace = (): string | null => {
    try {
      return sync?.readableWorkspace() ?? null;
    } catch {
      return null;
    }
  };
  let importing = (): boolean => false;
  // Filter, search, sort, count, scores (builds its search index and indexes on the first open).
  const leadQuery = openLeadQueryLayer(sqlite, {
    now,
    log: opts.log.child('lead-query'),
    settings: () => workspaceData?.leadSettings(),
    // Lead settings are cached for the signed-in workspace: other workspaces' leads wait for theirs.
    workspace: signedInWorkspace,
    scoring: (ws) =>
      ws === signedInWorkspace() ? workspaceData?.leadSettings().scoring : undefined,
    ...(opts.catchUp ? { catchUp: opts.catchUp } : {}),
    // The search index waits while an import writes (it is brought up to date before any search):
    // indexing between the import's small batches made many tiny index segments.
    indexer: { paused: () => importing() },
    // So does the score keeper (a read by score scores what it shows first): its batches
    // between the import's took ~6% of a 100k-row import.
    scores: { paused: () => importing() },
  });
  listeners.add((event, payload) => {
    if (event === 'leads:changed') {
      const { ids } = payload as EventPayload<'leads:changed'>;
      leadQuery.indexer.changed(ids);
      leadQuery.scores.changed(ids);
    } else if (event === 'leadSettings:changed') {
      leadQuery.scores.settingsChanged();
    }
  });
  const api = createServerApi({
    baseUrl: opts.serverUrl,
    deviceName: `${os.hostname()} (${opts.shell === 'electron' ? 'desktop' : 'web shell'})`.slice(
      0,
      120,
    ),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const store = createAccountStore(db, opts.serverUrl, now);
  const session = new Session({
    api,
    store,
    box: opts.box,
    log: opts.log.child('session'),
    now,
    onChange: (state) => {
      emit('auth:changed', state);
      void sync?.follow(state);
      workspaceData?.follow(state);
      inbox?.follow(state);
    },
    notify: opts.notify ?? (() => undefined),
  });
  try {
    await session.restore();
  } catch (err) {
    close();
    throw err;
  }

  sync = new SyncManager({
    replica,
    serverUrl: opts.serverUrl,
    clientVersion: opts.version,
    // A fresh access token; after the socket was refused with `stale`, a refreshed one.
    token: (stale) =>
      session.authed(async (token) => {
        if (token === stale) throw new EngineFailure('unauthenticated', 'sync token refused');
        return token;
      }),
    emit,
    log: opts.log.child('sync'),
    ...(opts.sync ? { client: opts.sync } : {}),
    catchUp: leadQuery.catchUp,
    onStatus: (status) => {
      workspaceData?.syncStatus(status);
      inbox?.syncStatus(status);
    },
    onFacts: (workspaceId, facts, live) => {
      inbox?.onFacts(workspaceId, facts, live);
      if (facts.some((f) => f.entity === 'workspaceData')) {
        workspaceData?.serverChanged(workspaceId, live);
      }
    },
  });
  const stored = session.signedIn ? MeResponse.safeParse(store.load()?.profile) : null;
  if (stored?.success) void sync.follow({ status: 'signed-in', me: stored.data, offline: true });
  const syncManager = sync;
  workspaceData = new WorkspaceData({
    store: createWorkspaceDataStore(sqlite),
    api: createDataApi({ baseUrl: opts.serverUrl, ...(opts.fetch ? { fetch: opts.fetch } : {}) }),
    authed: (fn) => session.authed(fn),
    workspace: {
      readable: () => syncManager.readableWorkspace(),
      editable: () => syncManager.editableWorkspace(),
    },
    emit,
    // Task reminders follow the user's notification preferences (category, quiet hours, DND).
    notify: (title, body) => {
      if (inbox?.allowsOsNotification('task') ?? true) opts.notify?.(title, body);
    },
    log: opts.log.child('workspace-data'),
    now,
    ...(opts.workspaceData ? { timing: opts.workspaceData } : {}),
  });
  if (stored?.success) {
    workspaceData.follow({ status: 'signed-in', me: stored.data, offline: true });
  }
  const files = createFileStore(opts.dataDir, now);
  inbox = new Inbox({
    store: createInboxStore(sqlite),
    files,
    api: createInboxApi({ baseUrl: opts.serverUrl, ...(opts.fetch ? { fetch: opts.fetch } : {}) }),
    authed: (fn) => session.authed(fn),
    workspace: {
      readable: () => syncManager.readableWorkspace(),
      editable: () => syncManager.editableWorkspace(),
    },
    emit,
    notify: opts.notify,
    log: opts.log.child('inbox'),
    now,
    ...(opts.inbox ? { timing: opts.inbox } : {}),
    presence: new Presence({
      serverUrl: opts.serverUrl,
      token: () => session.authed(async (token) => token),
      onViewers: (conversationId, viewers) => emit('inbox:presence', { conversationId, viewers }),
      log: opts.log.child('presence'),
      ...(opts.presence ? { timing: opts.presence } : {}),
    }),
  });
  if (stored?.success) inbox.follow({ status: 'signed-in', me: stored.data, offline: true });

  const settings = createSettings(db);
  if (opts.demoLogin && !settings.demoSignInDone()) {
    settings.markDemoSignInDone();
    if ((await session.state()).status === 'signed-out') {
      await session.login(opts.demoLogin).catch((err: unknown) => {
        opts.log.warn('demo sign-in failed; sign in by hand', { error: String(err) });
      });
    }
  }

  const profile = () => MeResponse.safeParse(store.load()?.profile);
  const importer = createImportRunner({
    sqlite,
    replica,
    files,
    log: opts.log.child('import'),
    now,
    workspace: () => sync.editableWorkspace(),
    userId: () => {
      const p = profile();
      return p.success ? p.data.user.id : null;
    },
    settings: () => workspaceData?.leadSettings() ?? DEFAULT_LEAD_SETTINGS,
    owners: async () => {
      try {
        const members = await session.authed((token) => api.members(token));
        return members.map((m) => ({ id: m.userId, name: m.name, email: m.email }));
      } catch {
        return []; // Offline: an owner column is matched against nobody (a warning per row).
      }
    },
    committed: (entries) => sync.editedMany(entries),
    progress: (job) => emit('import:progress', job),
  });
  importing = () => importer.busy();
  if (stored?.success) importer.resume(stored.data.workspace.id);

  const bulk = new BulkJobs({
    replica,
    sync,
    actor: () => sessionActor(session),
    emit,
    log: opts.log.child('bulk'),
    now,
    references: workspaceData,
    resolveIds: (workspaceId, selection) => leadQuery.query.ids(workspaceId, selection),
  });

  const handlers = createHandlers({
    session,
    api,
    settings,
    info: { version: opts.version, serverUrl: opts.serverUrl, shell: opts.shell },
    bulk,
    workspaceData,
    inbox,
    imports: {
      runner: importer,
      files,
      workspace: () => sync.readableWorkspace(),
      lead: (id) => replica.leads.get(id),
      select: (selection) =>
        selectLeads(replica, leadQuery.query, sync.readableWorkspace(), selection),
    },
    leads: {
      replica,
      sync,
      query: leadQuery,
      api: createLeadsApi({
        baseUrl: opts.serverUrl,
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
      }),
    },
  });
  const dispatch = createRouter(handlers, opts.log.child('router'));

  return {
    dispatch,
    files,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      sync?.closeNow();
      workspaceData?.close();
      inbox?.close();
      bulk.close();
      replica.cache.clear();
      leadQuery.close();
      close();
    },
  };
}
