/**
 * Replicates the local views, lists, list members and tasks of one workspace with the server,
 * row by row, last writer wins on `updatedAt`:
 *
 * - **Push**: every row marked in the outbox is sent whole (`PUT /views|lists|tasks/{id}`,
 *   `POST /lists/{id}/members` grouped by list, state and clock, at most 10,000 leads per
 *   request). A PUT is idempotent, so a crash between sending and storing the answer only sends
 *   it again. The answer is the row as the server stored it; it replaces the local row unless the
 *   row was edited again meanwhile (then it stays marked and goes next time). A write the server
 *   refuses for good (`forbidden`, `not_found`, `invalid_input`, `conflict`) is dropped and the
 *   server's copy fetched back (or the local row deleted when the server has none).
 * - **Pull**: `GET /replication/rows` after the stored cursor, one SQLite transaction per page
 *   with the new cursor. A pulled row replaces the local one unless the local copy already has
 *   that server change or a newer one (`seq`), or is marked with a newer clock (a local edit
 *   not sent yet: it wins on the server too). `row: null` deletes the local copy.
 * - **When**: on connect (the sync socket went online), shortly after local writes, and every
 *   `pullIntervalMs` while online; one pass at a time (push, then pull, then lead settings).
 */
import type { LeadSettings, ReplicationItem } from '@sdr/schema';
import { MEMBER_BATCH_MAX } from '@sdr/schema';
import { EngineFailure } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { DataApi } from './data-api.ts';
import type { DataEntity, WorkspaceDataStore } from './store.ts';

export interface Applied {
  views: boolean;
  lists: boolean;
  /** Lead ids of changed tasks; null: too many to list. */
  taskLeads: Set<string> | null;
  tasks: boolean;
}

export interface ReplicatorOptions {
  store: WorkspaceDataStore;
  api: DataApi;
  authed: <T>(fn: (token: string) => Promise<T>) => Promise<T>;
  log: Logger;
  onApplied: (ws: string, applied: Applied) => void;
  onLeadSettings: (ws: string, settings: LeadSettings) => void;
  onError: (err: EngineFailure) => void;
  /** Delay between a local write and its push (coalesces bursts). */
  pushDelayMs?: number;
  pullIntervalMs?: number;
  pageLimit?: number;
}

const PERMANENT = new Set(['forbidden', 'not_found', 'invalid_input', 'conflict']);
const isPermanent = (err: unknown): err is EngineFailure =>
  err instanceof EngineFailure && PERMANENT.has(err.code);

export const emptyApplied = (): Applied => ({
  views: false,
  lists: false,
  tasks: false,
  taskLeads: new Set(),
});

function noteTask(applied: Applied, leadId: string): void {
  applied.tasks = true;
  if (applied.taskLeads) {
    applied.taskLeads.add(leadId);
    if (applied.taskLeads.size > 200) applied.taskLeads = null;
  }
}

export class Replicator {
  private workspaceId: string | null = null;
  private online = false;
  private running: Promise<void> | null = null;
  private again = false;
  private pushTimer: NodeJS.Timeout | null = null;
  private intervalTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly o: ReplicatorOptions) {}

  /** Replicates this workspace from now on (null: none). */
  follow(workspaceId: string | null): void {
    if (workspaceId === this.workspaceId) return;
    this.workspaceId = workspaceId;
    this.online = false;
    this.clearTimers();
  }

  /** The sync connection of the followed workspace went online or offline. */
  setOnline(online: boolean): void {
    if (online === this.online || this.closed) return;
    this.online = online;
    this.clearTimers();
    if (!online) return;
    this.intervalTimer = setInterval(() => void this.syncNow(), this.o.pullIntervalMs ?? 30_000);
    void this.syncNow();
  }

  /** A local write: push soon (while online). */
  kick(): void {
    if (!this.online || this.closed || this.pushTimer) return;
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null;
      void this.syncNow();
    }, this.o.pushDelayMs ?? 300);
  }

  /** Runs a pass now (or once more after the running one); resolves when it is done. */
  syncNow(): Promise<void> {
    if (this.closed || !this.workspaceId) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      do {
        this.again = false;
        const ws = this.workspaceId;
        if (!ws || this.closed) return;
        try {
          await this.pass(ws);
        } catch (err) {
          if (err instanceof EngineFailure) this.o.onError(err);
          this.o.log.warn('workspace data sync pass failed', {
            error: err instanceof Error ? err.message : String(err),
          });
          return;
        }
      } while (this.again);
    };
    this.running = run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  close(): void {
    this.closed = true;
    this.clearTimers();
  }

  private clearTimers(): void {
    if (this.pushTimer) clearTimeout(this.pushTimer);
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    this.pushTimer = null;
    this.intervalTimer = null;
  }

  private stillOn(ws: string): boolean {
    return !this.closed && this.workspaceId === ws;
  }

  private async pass(ws: string): Promise<void> {
    const applied = emptyApplied();
    try {
      await this.pushRows(ws, 'list', applied);
      await this.pushMembers(ws, applied);
      await this.pushRows(ws, 'view', applied);
      await this.pushRows(ws, 'task', applied);
      await this.pull(ws, applied);
    } finally {
      if (applied.views || applied.lists || applied.tasks) this.o.onApplied(ws, applied);
    }
    if (!this.stillOn(ws)) return;
    const settings = await this.o.authed((token) => this.o.api.leadSettings(token));
    if (this.stillOn(ws)) this.o.onLeadSettings(ws, settings.settings);
  }

  private async pushRows(
    ws: string,
    entity: Exclude<DataEntity, 'member'>,
    applied: Applied,
  ): Promise<void> {
    const { store } = this.o;
    const seen = new Set<string>();
    for (;;) {
      const entries = store.outbox(ws, entity, 100).filter((e) => !seen.has(e.rowId));
      if (entries.length === 0 || !this.stillOn(ws)) return;
      for (const entry of entries) {
        seen.add(entry.rowId);
        try {
          await this.pushRow(ws, entity, entry.rowId, entry.updatedAt, applied);
        } catch (err) {
          if (!isPermanent(err)) throw err;
          this.o.onError(err);
          this.o.log.warn('server refused a local write; taking the server copy', {
            entity,
            code: err.code,
          });
          await this.restore(ws, entity, entry.rowId, applied);
        }
      }
    }
  }

  private async pushRow(
    ws: string,
    entity: Exclude<DataEntity, 'member'>,
    id: string,
    markedAt: number,
    applied: Applied,
  ): Promise<void> {
    const { store, api, authed } = this.o;
    switch (entity) {
      case 'view': {
        const v = store.view(ws, id);
        if (!v) return store.unmark('view', id);
        const { id: _i, ownerId: _o, updatedBy: _b, seq: _s, ...body } = v;
        const stored = await authed((t) => api.putView(t, id, body));
        store.tx(() => {
          if (this.stillOn(ws) && store.unmarkIf('view', id, markedAt)) store.putView(ws, stored);
        });
        applied.views = true;
        return;
      }
      case 'list': {
        const l = store.list(ws, id);
        if (!l) return store.unmark('list', id);
        const { id: _i, ownerId: _o, updatedBy: _b, seq: _s, ...body } = l;
        const stored = await authed((t) => api.putList(t, id, body));
        store.tx(() => {
          if (this.stillOn(ws) && store.unmarkIf('list', id, markedAt)) store.putList(ws, stored);
        });
        applied.lists = true;
        return;
      }
      case 'task': {
        const t = store.task(ws, id);
        if (!t) return store.unmark('task', id);
        const { id: _i, createdBy: _c, updatedBy: _b, seq: _s, ...body } = t;
        const stored = await authed((token) => api.putTask(token, id, body));
        store.tx(() => {
          if (this.stillOn(ws) && store.unmarkIf('task', id, markedAt)) store.putTask(ws, stored);
        });
        noteTask(applied, stored.leadId);
        return;
      }
    }
  }

  /** After a refused write: the server's copy replaces the local row (none: it goes). */
  private async restore(
    ws: string,
    entity: Exclude<DataEntity, 'member'>,
    id: string,
    applied: Applied,
  ): Promise<void> {
    const { store, api, authed } = this.o;
    const fetchOrNull = async <T>(get: (token: string) => Promise<T>): Promise<T | null> => {
      try {
        return await authed(get);
      } catch (err) {
        if (isPermanent(err)) return null;
        throw err;
      }
    };
    if (entity === 'view') {
      const v = await fetchOrNull((t) => api.getView(t, id));
      store.tx(() =>
        v ? (store.unmark('view', id), store.putView(ws, v)) : store.removeView(ws, id),
      );
      applied.views = true;
    } else if (entity === 'list') {
      const l = await fetchOrNull((t) => api.getList(t, id));
      store.tx(() => {
        store.unmark('list', id);
        if (l) store.putList(ws, l);
        else {
          const local = store.list(ws, id);
          if (local) store.putList(ws, { ...local, deleted: true });
        }
      });
      applied.lists = true;
    } else {
      const local = store.task(ws, id);
      const t = await fetchOrNull((token) => api.getTask(token, id));
      store.tx(() =>
        t ? (store.unmark('task', id), store.putTask(ws, t)) : store.removeTask(ws, id),
      );
      if (local) noteTask(applied, local.leadId);
      if (t) noteTask(applied, t.leadId);
    }
  }

  private async pushMembers(ws: string, applied: Applied): Promise<void> {
    const { store, api, authed } = this.o;
    for (;;) {
      if (!this.stillOn(ws)) return;
      const entries = store.outbox(ws, 'member', 50_000);
      if (entries.length === 0) return;
      // One request per list, state and clock (each pair keeps its own last-writer-wins clock).
      const groups = new Map<
        string,
        { listId: string; deleted: boolean; updatedAt: number; ids: string[] }
      >();
      for (const e of entries) {
        const cut = e.rowId.indexOf(':');
        const listId = e.rowId.slice(0, cut);
        const m = store.member(ws, listId, e.rowId.slice(cut + 1));
        if (!m) {
          store.unmark('member', e.rowId);
          continue;
        }
        const key = `${listId}\u0000${m.deleted}\u0000${m.updatedAt}`;
        let g = groups.get(key);
        if (!g)
          groups.set(key, (g = { listId, deleted: m.deleted, updatedAt: m.updatedAt, ids: [] }));
        g.ids.push(m.leadId);
      }
      let cleared = 0;
      for (const g of groups.values()) {
        for (let i = 0; i < g.ids.length; i += MEMBER_BATCH_MAX) {
          const ids = g.ids.slice(i, i + MEMBER_BATCH_MAX);
          let refused: EngineFailure | null = null;
          try {
            await authed((t) =>
              api.changeMembers(t, g.listId, {
                [g.deleted ? 'remove' : 'add']: ids,
                updatedAt: g.updatedAt,
              }),
            );
          } catch (err) {
            if (!isPermanent(err)) throw err;
            refused = err;
            this.o.onError(err);
          }
          store.tx(() => {
            for (const leadId of ids) {
              if (store.unmarkIf('member', `${g.listId}:${leadId}`, g.updatedAt)) cleared += 1;
            }
          });
          if (refused) this.o.log.warn('server refused list members', { code: refused.code });
          applied.lists = true;
        }
      }
      // Marks left are newer edits made while sending: the next pass sends them.
      if (cleared === 0) return;
    }
  }

  private async pull(ws: string, applied: Applied): Promise<void> {
    const { store, api, authed } = this.o;
    const limit = this.o.pageLimit ?? 1000;
    for (;;) {
      if (!this.stillOn(ws)) return;
      const after = store.cursor(ws);
      const page = await authed((t) => api.rows(t, after, limit));
      if (!this.stillOn(ws)) return;
      store.tx(() => {
        if (store.cursor(ws) !== after) return; // another pass moved on meanwhile
        for (const item of page.items) this.apply(ws, item, applied);
        store.setCursor(ws, page.nextAfter);
      });
      if (page.done) return;
    }
  }

  private apply(ws: string, item: ReplicationItem, applied: Applied): void {
    const { store } = this.o;
    /** Whether a pulled row (clock, seq) replaces the local copy. */
    const wins = (
      entity: DataEntity,
      rowId: string,
      local: { seq: number; updatedAt: number } | null,
      row: { seq: number; updatedAt: number },
    ) => {
      if (!local) return true;
      if (row.seq <= local.seq) return false;
      if (store.isDirty(entity, rowId) && local.updatedAt > row.updatedAt) return false;
      store.unmark(entity, rowId);
      return true;
    };
    switch (item.entity) {
      case 'view': {
        if (!item.row) {
          if (store.view(ws, item.id)) {
            store.removeView(ws, item.id);
            applied.views = true;
          }
          return;
        }
        if (wins('view', item.id, store.view(ws, item.id), item.row)) {
          store.putView(ws, item.row);
          applied.views = true;
        }
        return;
      }
      case 'list':
        if (wins('list', item.id, store.list(ws, item.id), item.row)) {
          store.putList(ws, item.row);
          applied.lists = true;
        }
        return;
      case 'member': {
        const { listId, leadId } = item.row;
        if (wins('member', item.id, store.member(ws, listId, leadId), item.row)) {
          store.putMember(ws, item.row);
          applied.lists = true;
        }
        return;
      }
      case 'task': {
        const local = store.task(ws, item.id);
        if (!item.row) {
          if (local) {
            store.removeTask(ws, item.id);
            noteTask(applied, local.leadId);
          }
          return;
        }
        if (wins('task', item.id, local, item.row)) {
          store.putTask(ws, item.row);
          noteTask(applied, item.row.leadId);
          if (local && local.leadId !== item.row.leadId) noteTask(applied, local.leadId);
        }
        return;
      }
    }
  }
}
