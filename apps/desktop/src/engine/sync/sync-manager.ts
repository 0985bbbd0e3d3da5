/**
 * Runs one `SyncClient` for the signed-in account's current workspace and follows the session:
 * sign-in starts it, a workspace switch stops it and starts one for the other workspace (local
 * rows are per workspace, so each keeps its own replica and cursor), sign-out stops it and wipes
 * the account's local leads. Aggregates the sync status and coalesces the engine's events.
 */
import type { AuthState, LeadReverted, SyncStatus } from '../../shared/contract.ts';
import type { EngineListener } from '../engine.ts';
import { EngineFailure } from '../errors.ts';
import type { AppliedFact } from '../inbox/fact-store.ts';
import type { LeadReplica } from '../leads/lead-replica.ts';
import type { Logger } from '../logger.ts';
import type { OutboxEntry } from './outbox-store.ts';
import { SyncClient, type CatchUpHooks, type SyncClientOptions } from './sync-client.ts';

/** The pause after a status is at least this many times what computing it cost. */
const STATUS_COST_FACTOR = 20;
/** …but never longer than this (ms). */
const STATUS_MAX_PAUSE_MS = 2000;

export interface SignedInAccount {
  userId: string;
  workspaceId: string;
  /** Every workspace of the account (wiped together on sign-out). */
  workspaceIds: readonly string[];
}

export interface SyncManagerOptions {
  replica: LeadReplica;
  serverUrl: string;
  clientVersion: string;
  token: (stale: string | null) => Promise<string>;
  emit: EngineListener;
  log: Logger;
  /** Passed to each client (tests shorten the backoff). */
  client?: Pick<SyncClientOptions, 'backoff' | 'pageLimit' | 'random' | 'gapFillDelayMs'>;
  /** Bulk storage of big catch-ups (the lead query layer's catch-up mode). */
  catchUp?: CatchUpHooks;
  /** Coalescing window of `sync:status` and `leads:changed` events. */
  eventDelayMs?: number;
  /** Called with every `sync:status` emitted (workspace data replication follows `connection`). */
  onStatus?: (status: SyncStatus) => void;
  /** Server-owned facts stored for a workspace (the inbox reloads and raises notifications). */
  onFacts?: (workspaceId: string, facts: AppliedFact[], live: boolean) => void;
}

const OWNER_KEY = (workspaceId: string) => `sync.workspaceUser.${workspaceId}`;
const REVERTS_KEPT = 20;

export class SyncManager {
  private client: SyncClient | null = null;
  private clientUserId: string | null = null;
  private account: SignedInAccount | null = null;
  private readonly workspaces = new Set<string>();
  private reverted: LeadReverted[] = [];
  private statusTimer: NodeJS.Timeout | null = null;
  /** When the last status was computed and what it cost (ms, `performance.now()`). */
  private statusAt = 0;
  private statusCostMs = 0;
  private changedTimer: NodeJS.Timeout | null = null;
  private changedIds: Set<string> | null = new Set();
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly o: SyncManagerOptions) {}

  /**
   * Follows the session. The account (what `status` and edits use) changes at once; starting and
   * stopping clients is serialized so they never interleave.
   */
  follow(state: AuthState): Promise<void> {
    this.account =
      state.status === 'signed-in'
        ? {
            userId: state.me.user.id,
            workspaceId: state.me.workspace.id,
            workspaceIds: state.me.workspaces.map((w) => w.id),
          }
        : null;
    if (this.account) {
      this.workspaces.add(this.account.workspaceId);
      for (const id of this.account.workspaceIds) this.workspaces.add(id);
    }
    return this.serially(() => this.reconcile());
  }

  /** Explicit sign-out: stop, then wipe the account's local leads, outbox and cursors. */
  signOut(): Promise<void> {
    this.account = null;
    return this.serially(async () => {
      await this.reconcile();
      const ids = [...this.workspaces];
      if (ids.length > 0) {
        this.o.replica.wipe(ids);
        this.o.log.info('local leads of the signed-out account wiped', { workspaces: ids.length });
      }
      this.workspaces.clear();
      this.reverted = [];
      this.leadsChanged(null);
    });
  }

  /**
   * Stops at once (the engine closes its database right after): no frame is applied and no event
   * emitted afterwards. The socket finishes closing in the background.
   */
  closeNow(): void {
    this.closed = true;
    this.clearTimers();
    void this.client?.stop();
    this.client = null;
  }

  /** The workspace local edits go to; refuses when signed out or read-only. */
  editableWorkspace(): string {
    const workspaceId = this.readableWorkspace();
    if (this.client?.snapshot().readOnly) {
      throw new EngineFailure(
        'forbidden',
        'This version of the app is read-only for this server. Update the app to make changes.',
        { serverCode: 'read_only' },
      );
    }
    return workspaceId;
  }

  readableWorkspace(): string {
    if (!this.account) throw new EngineFailure('unauthenticated', 'Sign in first');
    return this.account.workspaceId;
  }

  /** A local edit was committed: send it and tell the renderer. */
  edited(entry: OutboxEntry | null, leadId: string): void {
    if (entry) this.client?.enqueued(entry);
    this.leadsChanged([leadId]);
    this.scheduleStatus();
  }

  /** Many local edits were committed at once (an import batch): send them, tell the renderer once. */
  editedMany(entries: readonly (OutboxEntry | null)[]): void {
    for (const entry of entries) if (entry) this.client?.enqueued(entry);
    this.leadsChanged(null);
    this.scheduleStatus();
  }

  status(): SyncStatus {
    const workspaceId = this.account?.workspaceId ?? null;
    const snap = this.client?.snapshot();
    const done = workspaceId ? this.o.replica.syncState.get(workspaceId).initialSyncDone : false;
    const catchUp = snap?.catchUp ?? null;
    return {
      connection: snap?.connection ?? 'offline',
      workspaceId,
      pending: workspaceId ? this.o.replica.outbox.count(workspaceId) : 0,
      readOnly: snap?.readOnly ?? false,
      initialSync: {
        done,
        received: catchUp?.received ?? 0,
        total: catchUp?.total ?? 0,
        rows: catchUp?.rows ?? 0,
      },
      lastError: snap?.lastError ?? null,
      reverted: this.reverted,
    };
  }

  /** Makes the running client match the account: none, or one for its user and workspace. */
  private async reconcile(): Promise<void> {
    if (this.closed) return;
    const want = this.account;
    const running = this.client;
    if (
      want &&
      running &&
      this.clientUserId === want.userId &&
      running.workspaceId === want.workspaceId
    ) {
      return;
    }
    if (!want && !running) return;
    await running?.stop();
    this.client = null;
    if (want && !this.closed) {
      this.claim(want);
      this.client = this.newClient(want.workspaceId);
      this.clientUserId = want.userId;
      this.client.start();
    }
    this.scheduleStatus();
    this.leadsChanged(null);
  }

  /** A workspace's local data synced by another user is wiped before this user syncs it. */
  private claim(account: SignedInAccount): void {
    const key = OWNER_KEY(account.workspaceId);
    const sqlite = this.o.replica.sqlite;
    const owner = sqlite.prepare(`SELECT value FROM local_setting WHERE key = ?`).pluck().get(key);
    const me = JSON.stringify(account.userId);
    if (owner === me) return;
    if (owner !== undefined) {
      this.o.log.info('workspace data of another user found; wiping it');
      this.o.replica.wipe([account.workspaceId]);
    }
    sqlite
      .prepare(
        `INSERT INTO local_setting (key, value) VALUES (?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      )
      .run(key, me);
  }

  private newClient(workspaceId: string): SyncClient {
    return new SyncClient({
      ...this.o.client,
      ...(this.o.catchUp ? { catchUp: this.o.catchUp } : {}),
      serverUrl: this.o.serverUrl,
      workspaceId,
      replica: this.o.replica,
      clientVersion: this.o.clientVersion,
      token: this.o.token,
      log: this.o.log.child('client'),
      onStatus: () => this.scheduleStatus(),
      onLeadsChanged: (ids) => this.leadsChanged(ids),
      onFacts: (facts, live) => {
        if (!this.closed) this.o.onFacts?.(workspaceId, facts, live);
      },
      onReverted: (r) => {
        if (this.closed) return;
        this.reverted = [r, ...this.reverted].slice(0, REVERTS_KEPT);
        this.o.emit('sync:reverted', r);
      },
    });
  }

  private serially(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn);
    this.chain = next.catch((err: unknown) => {
      this.o.log.error('sync manager step failed', { err });
    });
    return next;
  }

  /**
   * Emits `sync:status` soon (coalesced). Counting the pending changes reads the whole outbox, so
   * after a status that took `t` ms the next one waits at least `STATUS_COST_FACTOR × t`: with
   * tens of thousands of changes waiting (a large import made offline) status costs at most about
   * 1/20 of the engine's time instead of running after every import batch (the pause is capped at
   * 2 s, so the pending count stays current on screen).
   */
  private scheduleStatus(): void {
    if (this.closed) return;
    const wait = Math.max(
      this.o.eventDelayMs ?? 30,
      Math.min(
        STATUS_MAX_PAUSE_MS,
        this.statusCostMs * STATUS_COST_FACTOR - (performance.now() - this.statusAt),
      ),
    );
    this.statusTimer ??= setTimeout(() => {
      this.statusTimer = null;
      const started = performance.now();
      const status = this.status();
      this.statusAt = performance.now();
      this.statusCostMs = this.statusAt - started;
      this.o.emit('sync:status', status);
      this.o.onStatus?.(status);
    }, wait);
  }

  private leadsChanged(ids: string[] | null): void {
    if (this.closed) return;
    if (ids === null || this.changedIds === null) this.changedIds = null;
    else for (const id of ids) this.changedIds.add(id);
    if (this.changedIds && this.changedIds.size > 200) this.changedIds = null;
    this.changedTimer ??= setTimeout(() => {
      this.changedTimer = null;
      const changed = this.changedIds;
      this.changedIds = new Set();
      this.o.emit('leads:changed', { ids: changed ? [...changed] : null });
    }, this.o.eventDelayMs ?? 30);
  }

  private clearTimers(): void {
    if (this.statusTimer) clearTimeout(this.statusTimer);
    if (this.changedTimer) clearTimeout(this.changedTimer);
    this.statusTimer = null;
    this.changedTimer = null;
  }
}
