/**
 * The engine's saved views, lead lists, tasks and lead settings for the signed-in account's
 * current workspace: local reads and writes (offline, visible at once, `*:changed` events), the
 * replicator that exchanges rows with the server, and the task reminders. Local writes follow the
 * server's role rules (`@sdr/domain` workspace-data access) so a refusal shows at once; a rule the
 * engine cannot check (the workspace's lead visibility for tasks) is the server's to enforce, and a
 * refused write is replaced by the server's copy on the next push.
 */
import { newId } from '../ids.ts';
import { canEditList, canEditLeadSettings, viewWriteError, type DataActor } from '@sdr/domain';
import {
  DEFAULT_LEAD_SETTINGS,
  LeadSettings,
  type LeadListRow,
  type RoleName,
  type SavedViewRow,
  type TaskRow,
} from '@sdr/schema';
import type {
  AuthState,
  LeadListDto,
  SavedViewDto,
  SyncStatus,
  TaskDto,
  workspaceChannels,
} from '../../shared/contract.ts';
import type { EngineListener } from '../engine.ts';
import { EngineFailure } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { DataApi } from './data-api.ts';
import { Reminders } from './reminders.ts';
import { Replicator, type Applied } from './replicator.ts';
import type { WorkspaceDataStore } from './store.ts';
import type { z } from 'zod';

type In<C extends keyof typeof workspaceChannels> = z.output<
  (typeof workspaceChannels)[C]['input']
>;

export interface WorkspaceDataOptions {
  store: WorkspaceDataStore;
  api: DataApi;
  authed: <T>(fn: (token: string) => Promise<T>) => Promise<T>;
  /** The workspace local reads use, and the one writes use (refuses when read-only). */
  workspace: { readable(): string; editable(): string };
  emit: EngineListener;
  notify: (title: string, body: string) => void;
  log: Logger;
  now: () => number;
  timing?: { pushDelayMs?: number; pullIntervalMs?: number; pageLimit?: number };
}

interface Account extends DataActor {
  workspaceId: string;
  workspaceIds: string[];
}

const viewDto = (v: SavedViewRow): SavedViewDto => ({
  id: v.id,
  name: v.name,
  scope: v.scope,
  ownerId: v.ownerId,
  filter: v.filter,
  columns: v.columns,
  sort: v.sort,
  search: v.search,
  listId: v.listId,
  pinned: v.pinned,
  updatedAt: v.updatedAt,
});
const listDto = (l: LeadListRow): LeadListDto => ({
  id: l.id,
  name: l.name,
  kind: l.kind,
  filter: l.filter,
  ownerId: l.ownerId,
  updatedAt: l.updatedAt,
});
export const taskDto = (t: TaskRow): TaskDto => ({
  id: t.id,
  leadId: t.leadId,
  title: t.title,
  dueAt: t.dueAt,
  done: t.done,
  assigneeId: t.assigneeId,
  updatedAt: t.updatedAt,
});

export class WorkspaceData {
  private account: Account | null = null;
  /** Every workspace the account had (wiped together on sign-out). */
  private readonly workspaces = new Set<string>();
  private readonly replicator: Replicator;
  private readonly reminders: Reminders;
  private changed: Applied = { views: false, lists: false, tasks: false, taskLeads: new Set() };
  private eventTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly o: WorkspaceDataOptions) {
    this.replicator = new Replicator({
      store: o.store,
      api: o.api,
      authed: o.authed,
      log: o.log.child('replicator'),
      onApplied: (ws, applied) => {
        if (ws !== this.account?.workspaceId) return;
        this.changedLocally(applied);
        if (applied.tasks) this.reminders.check();
      },
      onLeadSettings: (ws, settings) => this.cacheLeadSettings(ws, settings),
      onError: (err) => o.log.warn('workspace data', { code: err.code, message: err.message }),
      ...o.timing,
    });
    this.reminders = new Reminders({
      store: o.store,
      now: o.now,
      log: o.log.child('reminders'),
      notify: o.notify,
      onDue: (task) => {
        if (!this.closed) o.emit('tasks:due', taskDto(task));
      },
    });
  }

  /** Follows the session: the account, its role and its current workspace. */
  follow(state: AuthState): void {
    if (this.closed) return;
    const next: Account | null =
      state.status === 'signed-in'
        ? {
            userId: state.me.user.id,
            role: state.me.role,
            workspaceId: state.me.workspace.id,
            workspaceIds: state.me.workspaces.map((w) => w.id),
          }
        : null;
    const before = this.account;
    this.account = next;
    if (next) for (const ws of [next.workspaceId, ...next.workspaceIds]) this.workspaces.add(ws);
    if (next && this.o.store.owner(next.workspaceId) !== next.userId) {
      // Rows another user synced (or a first sign-in): start this user's replica from scratch.
      this.o.store.tx(() => {
        this.o.store.wipe(next.workspaceId);
        this.o.store.setOwner(next.workspaceId, next.userId);
      });
    }
    this.replicator.follow(next?.workspaceId ?? null);
    this.reminders.follow(next ? { workspaceId: next.workspaceId, userId: next.userId } : null);
    if (before?.workspaceId !== next?.workspaceId || before?.userId !== next?.userId) {
      this.changedLocally({ views: true, lists: true, tasks: true, taskLeads: null });
      if (next) this.emitLeadSettings(next.workspaceId);
    }
  }

  /**
   * The server says this workspace's data changed (a live `workspaceData` fact on the sync
   * socket): pull now rather than at the next poll. Catch-up copies are left to the pass that
   * going online runs anyway.
   */
  serverChanged(workspaceId: string, live: boolean): void {
    if (live && workspaceId === this.account?.workspaceId) void this.replicator.syncNow();
  }

  /** The sync socket's status (a hook of the SyncManager): online starts replication. */
  syncStatus(status: SyncStatus): void {
    const ws = this.account?.workspaceId;
    this.replicator.setOnline(
      ws !== undefined && status.workspaceId === ws && status.connection === 'online',
    );
  }

  /** Explicit sign-out: the account's local views, lists, tasks and settings go. */
  signOut(): void {
    this.follow({ status: 'signed-out' });
    this.o.store.tx(() => {
      for (const ws of this.workspaces) this.o.store.wipe(ws);
    });
    this.workspaces.clear();
  }

  /** Pushes and pulls now (tests; the renderer never needs to). */
  syncNow(): Promise<void> {
    return this.replicator.syncNow();
  }

  pending(): number {
    const ws = this.account?.workspaceId;
    return ws ? this.o.store.pending(ws) : 0;
  }

  close(): void {
    this.closed = true;
    this.replicator.close();
    this.reminders.close();
    if (this.eventTimer) clearTimeout(this.eventTimer);
  }

  // ---- views ----

  listViews(): SavedViewDto[] {
    const ws = this.o.workspace.readable();
    const me = this.actor();
    return this.o.store
      .views(ws)
      .filter((v) => v.scope === 'shared' || v.ownerId === me.userId)
      .map(viewDto);
  }

  saveView(input: In<'views:save'>): SavedViewDto {
    const ws = this.o.workspace.editable();
    const me = this.actor();
    const id = input.id ?? newId();
    const existing = this.o.store.view(ws, id);
    const refused = viewWriteError(me, existing, input);
    if (refused === 'not_found') throw new EngineFailure('not_found', 'This view does not exist');
    if (refused) {
      throw new EngineFailure(
        'forbidden',
        existing?.scope !== input.scope
          ? 'Only the owner changes who sees a view'
          : 'Only its owner, managers and admins change a shared view',
      );
    }
    const row: SavedViewRow = {
      id,
      ownerId: existing?.ownerId ?? me.userId,
      name: input.name,
      scope: input.scope,
      filter: input.filter,
      columns: input.columns,
      sort: input.sort,
      search: input.search,
      listId: input.listId,
      pinned: input.pinned,
      deleted: false,
      updatedAt: this.clock(existing),
      updatedBy: me.userId,
      seq: existing?.seq ?? 0,
    };
    this.write(ws, 'view', id, row.updatedAt, () => this.o.store.putView(ws, row));
    this.changedLocally({ views: true, lists: false, tasks: false, taskLeads: new Set() });
    return viewDto(row);
  }

  deleteView(id: string): void {
    const ws = this.o.workspace.editable();
    const me = this.actor();
    const existing = this.o.store.view(ws, id);
    const refused =
      existing && !existing.deleted ? viewWriteError(me, existing, existing) : 'not_found';
    if (refused === 'not_found') throw new EngineFailure('not_found', 'This view does not exist');
    if (refused)
      throw new EngineFailure(
        'forbidden',
        'Only its owner, managers and admins delete a shared view',
      );
    const row = {
      ...existing!,
      deleted: true,
      updatedAt: this.clock(existing),
      updatedBy: me.userId,
    };
    this.write(ws, 'view', id, row.updatedAt, () => this.o.store.putView(ws, row));
    this.changedLocally({ views: true, lists: false, tasks: false, taskLeads: new Set() });
  }

  // ---- lists ----

  listLists(): LeadListDto[] {
    return this.o.store.lists(this.o.workspace.readable()).map(listDto);
  }

  saveList(input: In<'lists:save'>): LeadListDto {
    const ws = this.o.workspace.editable();
    const me = this.actor();
    const id = input.id ?? newId();
    const existing = this.o.store.list(ws, id);
    if (existing && !canEditList(me, existing)) {
      throw new EngineFailure('forbidden', 'Only its owner, managers and admins change a list');
    }
    if (existing && existing.kind !== input.kind) {
      throw new EngineFailure('invalid_input', 'A list cannot change between static and dynamic', {
        issues: [{ path: 'kind', message: `this list is ${existing.kind}` }],
      });
    }
    const row: LeadListRow = {
      id,
      ownerId: existing?.ownerId ?? me.userId,
      name: input.name,
      kind: input.kind,
      filter: input.filter,
      deleted: false,
      updatedAt: this.clock(existing),
      updatedBy: me.userId,
      seq: existing?.seq ?? 0,
    };
    this.write(ws, 'list', id, row.updatedAt, () => this.o.store.putList(ws, row));
    this.changedLocally({ views: false, lists: true, tasks: false, taskLeads: new Set() });
    return listDto(row);
  }

  deleteList(id: string): void {
    const ws = this.o.workspace.editable();
    const me = this.actor();
    const existing = this.o.store.list(ws, id);
    if (!existing || existing.deleted)
      throw new EngineFailure('not_found', 'This list does not exist');
    if (!canEditList(me, existing)) {
      throw new EngineFailure('forbidden', 'Only its owner, managers and admins delete a list');
    }
    const row = {
      ...existing,
      deleted: true,
      updatedAt: this.clock(existing),
      updatedBy: me.userId,
    };
    this.write(ws, 'list', id, row.updatedAt, () => this.o.store.putList(ws, row));
    this.changedLocally({ views: false, lists: true, tasks: false, taskLeads: new Set() });
  }

  /** Adds (`remove: false`) or removes leads of a static list; answers how many changed. */
  changeMembers(listId: string, leadIds: readonly string[], remove: boolean): number {
    const ws = this.o.workspace.editable();
    const me = this.actor();
    const list = this.o.store.list(ws, listId);
    if (!list || list.deleted) throw new EngineFailure('not_found', 'This list does not exist');
    if (list.kind === 'dynamic') {
      throw new EngineFailure('conflict', "A dynamic list's members come from its filter");
    }
    const { store } = this.o;
    const at = this.o.now();
    let changed = 0;
    store.tx(() => {
      for (const leadId of new Set(leadIds)) {
        const existing = store.member(ws, listId, leadId);
        if (existing && existing.deleted === remove) continue;
        // Removing a lead this replica has not seen in the list yet still writes a tombstone: the
        // server may have the pair (from a write not pulled yet), and the removal must win there.
        const updatedAt = Math.max(at, (existing?.updatedAt ?? 0) + 1);
        store.putMember(ws, {
          listId,
          leadId,
          deleted: remove,
          updatedAt,
          updatedBy: me.userId,
          seq: existing?.seq ?? 0,
        });
        store.mark(ws, 'member', `${listId}:${leadId}`, updatedAt);
        if (existing || !remove) changed += 1;
      }
    });
    if (changed > 0) {
      this.replicator.kick();
      this.changedLocally({ views: false, lists: true, tasks: false, taskLeads: new Set() });
    }
    return changed;
  }

  // ---- tasks ----

  listTasks(q: In<'tasks:list'>): TaskDto[] {
    return this.o.store.tasks(this.o.workspace.readable(), q).map(taskDto);
  }

  saveTask(input: In<'tasks:save'>): TaskDto {
    const ws = this.o.workspace.editable();
    const me = this.actor();
    const id = input.id ?? newId();
    const existing = this.o.store.task(ws, id);
    const row: TaskRow = {
      id,
      leadId: input.leadId,
      title: input.title,
      dueAt: input.dueAt,
      done: input.done,
      assigneeId:
        input.assigneeId !== undefined ? input.assigneeId : (existing?.assigneeId ?? null),
      createdBy: existing?.createdBy ?? me.userId,
      deleted: false,
      updatedAt: this.clock(existing),
      updatedBy: me.userId,
      seq: existing?.seq ?? 0,
    };
    this.write(ws, 'task', id, row.updatedAt, () => this.o.store.putTask(ws, row));
    const leads = new Set([row.leadId, ...(existing ? [existing.leadId] : [])]);
    this.changedLocally({ views: false, lists: false, tasks: true, taskLeads: leads });
    this.reminders.check();
    return taskDto(row);
  }

  deleteTask(id: string): void {
    const ws = this.o.workspace.editable();
    const me = this.actor();
    const existing = this.o.store.task(ws, id);
    if (!existing || existing.deleted)
      throw new EngineFailure('not_found', 'This task does not exist');
    const row = {
      ...existing,
      deleted: true,
      updatedAt: this.clock(existing),
      updatedBy: me.userId,
    };
    this.write(ws, 'task', id, row.updatedAt, () => this.o.store.putTask(ws, row));
    this.changedLocally({
      views: false,
      lists: false,
      tasks: true,
      taskLeads: new Set([row.leadId]),
    });
    this.reminders.check();
  }

  // ---- lead settings ----

  leadSettings(): LeadSettings {
    const cached = LeadSettings.safeParse(this.o.store.leadSettings(this.o.workspace.readable()));
    return cached.success ? cached.data : DEFAULT_LEAD_SETTINGS;
  }

  async saveLeadSettings(settings: LeadSettings): Promise<LeadSettings> {
    const ws = this.o.workspace.readable();
    if (!canEditLeadSettings(this.actor().role)) {
      throw new EngineFailure('forbidden', 'Only managers and admins change the lead settings');
    }
    const saved = await this.o.authed((token) => this.o.api.saveLeadSettings(token, settings));
    this.cacheLeadSettings(ws, saved.settings);
    return saved.settings;
  }

  // ---- helpers ----

  private actor(): DataActor & { role: RoleName } {
    if (!this.account) throw new EngineFailure('unauthenticated', 'Sign in first');
    return { userId: this.account.userId, role: this.account.role };
  }

  /** A write's clock: now, but always after the version it replaces (so a local edit wins here). */
  private clock(existing: { updatedAt: number } | null): number {
    return Math.max(this.o.now(), (existing?.updatedAt ?? 0) + 1);
  }

  private write(
    ws: string,
    entity: 'view' | 'list' | 'task',
    id: string,
    updatedAt: number,
    put: () => void,
  ): void {
    this.o.store.tx(() => {
      put();
      this.o.store.mark(ws, entity, id, updatedAt);
    });
    this.replicator.kick();
  }

  private cacheLeadSettings(ws: string, settings: LeadSettings): void {
    const before = JSON.stringify(this.o.store.leadSettings(ws) ?? null);
    if (before === JSON.stringify(settings)) return;
    this.o.store.setLeadSettings(ws, settings);
    if (ws === this.account?.workspaceId) this.emitLeadSettings(ws);
  }

  private emitLeadSettings(ws: string): void {
    if (this.closed || ws !== this.account?.workspaceId) return;
    this.o.emit('leadSettings:changed', this.leadSettings());
  }

  /** Coalesces `views:changed`, `lists:changed` and `tasks:changed` (one of each per 30 ms). */
  private changedLocally(a: Applied): void {
    if (this.closed) return;
    const c = this.changed;
    c.views ||= a.views;
    c.lists ||= a.lists;
    if (a.tasks) {
      c.tasks = true;
      if (a.taskLeads === null || c.taskLeads === null) c.taskLeads = null;
      else for (const id of a.taskLeads) c.taskLeads.add(id);
      if (c.taskLeads && c.taskLeads.size > 200) c.taskLeads = null;
    }
    this.eventTimer ??= setTimeout(() => {
      this.eventTimer = null;
      const done = this.changed;
      this.changed = { views: false, lists: false, tasks: false, taskLeads: new Set() };
      if (this.closed) return;
      if (done.views) this.o.emit('views:changed', {});
      if (done.lists) this.o.emit('lists:changed', {});
      if (done.tasks) {
        this.o.emit('tasks:changed', { leadIds: done.taskLeads ? [...done.taskLeads] : null });
      }
    }, 30);
  }
}
