/**
 * Bulk actions on leads as jobs: the selection is resolved once, then processed in batches, each
 * ONE SQLite transaction (the leads' edits, their outbox entries, the per-lead before/after
 * records and the job's counters), with a turn of the event loop between batches so the engine
 * keeps answering. Jobs (and undos) run one at a time, in the order asked. A cancel stops after
 * the current batch. Progress goes out as `leads:bulkProgress` events.
 *
 * Undo writes the recorded previous values back as new edits (see bulk-plan.ts for which). Only
 * the newest `keep` jobs of a workspace are kept, and so undoable.
 */
import { newId } from '../../ids.ts';
import { fieldWriteCheck } from '@sdr/domain';
import { checkFieldChanges, leadRecord, type RoleName } from '@sdr/schema';
import type {
  BulkAction,
  BulkJobDto,
  BulkProgress,
  BulkTarget,
  LeadSelection,
} from '../../../shared/contract.ts';
import type { EngineListener } from '../../engine.ts';
import { EngineFailure } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { SyncManager } from '../../sync/sync-manager.ts';
import { leadDocName, type LeadReplica, type LocalEdit } from '../lead-replica.ts';
import {
  ADDED_TO_KEY,
  JOINED_LISTS_KEY,
  LEFT_LISTS_KEY,
  MOVED_TASKS_KEY,
  planAction,
  planUndo,
  type PlannedChange,
} from './bulk-plan.ts';
import {
  createBulkStore,
  type BulkChangeRow,
  type BulkJobKind,
  type BulkJobRow,
  type BulkStore,
  type JobCounters,
} from './bulk-store.ts';
import {
  createMembershipReader,
  type LeadReferences,
  type MembershipReader,
} from './lead-references.ts';

/** The signed-in user as the engine knows it (role from the session's profile). */
export interface Actor {
  userId: string;
  role: RoleName;
}

export interface BulkJobsOptions {
  replica: LeadReplica;
  sync: SyncManager;
  actor: () => Promise<Actor>;
  emit: EngineListener;
  log: Logger;
  now: () => number;
  /** Leads per transaction. */
  batchSize?: number;
  /** Jobs kept (and undoable) per workspace. */
  keep?: number;
  /** Most leads one job may change. */
  maxLeads?: number;
  /** Tasks and static lists (add to list; a merge's moves and their undo). */
  references?: LeadReferences;
  /**
   * Ids of the leads a view matches (filter + search + list), as the lead table shows them: the
   * engine's lead query layer (`leads/query`, `query.ids`).
   */
  resolveIds: (workspaceId: string, selection: LeadSelection) => string[];
}

/** Lead fields each kind of job writes (what the role rules are checked against). */
const FIELDS_WRITTEN: Record<BulkJobKind, readonly string[]> = {
  assign: ['ownerId'],
  status: ['status', 'statusReason'],
  addTags: ['tags'],
  removeTags: ['tags'],
  delete: ['deleted'],
  addToList: [],
  merge: ['deleted', 'mergedInto'],
};

const WHAT: Record<BulkJobKind, string> = {
  assign: 'reassign leads',
  status: 'change the status of leads',
  addTags: 'tag leads',
  removeTags: 'untag leads',
  delete: 'delete leads',
  addToList: 'add leads to lists',
  merge: 'merge leads',
};

/** Refuses (`forbidden`) when `role` may not write one of `fields` (the server would revert it). */
export function assertMayWrite(role: RoleName, kind: BulkJobKind, fields: readonly string[]): void {
  const canWrite = fieldWriteCheck(role, 'lead');
  const refused = fields.filter((f) => !canWrite(f));
  if (refused.length > 0) {
    throw new EngineFailure(
      'forbidden',
      `Your role (${role}) may not ${WHAT[kind]}: ask a manager or an admin.`,
      { serverCode: 'forbidden_field' },
    );
  }
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class BulkJobs {
  readonly store: BulkStore;
  readonly members: MembershipReader;
  private readonly batchSize: number;
  private readonly keep: number;
  private readonly maxLeads: number;
  private chain: Promise<void> = Promise.resolve();
  private readonly cancelRequested = new Set<string>();
  /** Counters of the job (or undo) running now; the row is updated once per batch. */
  private live: { id: string; counters: JobCounters } | null = null;
  private closed = false;

  constructor(private readonly o: BulkJobsOptions) {
    this.store = createBulkStore(o.replica.sqlite);
    this.members = createMembershipReader(o.replica.sqlite);
    this.batchSize = o.batchSize ?? 500;
    this.keep = o.keep ?? 20;
    this.maxLeads = o.maxLeads ?? 250_000;
    const n = this.store.markInterrupted(o.now());
    if (n > 0) o.log.info('bulk jobs interrupted by the last stop', { jobs: n });
  }

  /** Starts a bulk action; resolves once the job is recorded (it runs in the background). */
  async start(target: BulkTarget, action: BulkAction): Promise<{ jobId: string; total: number }> {
    const workspaceId = this.o.sync.editableWorkspace();
    const actor = await this.o.actor();
    assertMayWrite(actor.role, action.kind, this.fieldsOf(action));
    this.checkValues(action);
    if (action.kind === 'addToList') this.checkList(workspaceId, action.listId);
    const ids = 'ids' in target ? [...new Set(target.ids)] : this.viewIds(workspaceId, target);
    if (ids.length === 0) {
      throw new EngineFailure('invalid_input', 'No leads are selected', {
        issues: [{ path: 'target', message: 'No leads are selected' }],
      });
    }
    if (ids.length > this.maxLeads) {
      throw new EngineFailure(
        'invalid_input',
        `A bulk action works on at most ${this.maxLeads.toLocaleString('en')} leads at a time; narrow the view first.`,
        { issues: [{ path: 'target', message: 'Too many leads' }] },
      );
    }
    const job = this.createJob(workspaceId, actor.userId, action.kind, { ...action }, ids.length);
    void this.serially(() => this.run(job, ids, action));
    return { jobId: job.id, total: ids.length };
  }

  /** Tasks and static lists, when the engine has them. */
  get references(): LeadReferences | undefined {
    return this.o.references;
  }

  /** Asks a running job to stop after its current batch (no-op when it already finished). */
  cancel(jobId: string): void {
    const job = this.find(jobId);
    if (job.state === 'running' || this.live?.id === jobId) this.cancelRequested.add(jobId);
  }

  /** Starts undoing a job; resolves at once with how many lead records it will go through. */
  async undo(jobId: string): Promise<{ jobId: string; total: number }> {
    this.o.sync.editableWorkspace();
    const job = this.find(jobId);
    if (job.state === 'undoing' || job.state === 'undone') {
      throw new EngineFailure('conflict', 'This action was already undone');
    }
    const actor = await this.o.actor();
    assertMayWrite(actor.role, job.kind, FIELDS_WRITTEN[job.kind]);
    // A running job stops after its current batch; the undo runs right after it.
    if (job.state === 'running') this.cancelRequested.add(jobId);
    void this.serially(() => this.runUndo(jobId));
    return { jobId, total: this.store.get(jobId)?.changed ?? job.changed };
  }

  /** The workspace's kept jobs, newest first. */
  list(): BulkJobDto[] {
    const workspaceId = this.o.sync.readableWorkspace();
    return this.store.recent(workspaceId, this.keep).map((j) => this.dto(j));
  }

  /**
   * The engine is closing (its database next): a running job stops before its next batch and
   * writes nothing more; the next start marks it interrupted.
   */
  close(): void {
    this.closed = true;
  }

  /** Resolves once every job asked so far has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  /**
   * Records a change made outside a job's batches (a merge) as a finished, undoable job. Call
   * inside the transaction that made the changes.
   */
  recordFinished(
    workspaceId: string,
    userId: string,
    kind: BulkJobKind,
    params: Record<string, unknown>,
    changes: readonly BulkChangeRow[],
    total: number,
  ): BulkJobRow {
    const job = this.createJob(workspaceId, userId, kind, params, total);
    for (const c of changes) this.store.addChange(job.id, c);
    const counters: JobCounters = {
      ...this.countersOf(job),
      state: 'done',
      done: total,
      changed: changes.length,
    };
    this.store.update(job.id, counters, this.o.now());
    this.progress(job.id, kind, counters);
    return { ...job, ...counters };
  }

  private fieldsOf(action: BulkAction): string[] {
    if (action.kind === 'status')
      return action.statusReason === undefined ? ['status'] : FIELDS_WRITTEN.status.slice();
    return FIELDS_WRITTEN[action.kind].slice();
  }

  /** The action's values against the record's rules (per-lead results are checked again). */
  private checkValues(action: BulkAction): void {
    const values: Record<string, unknown> =
      action.kind === 'assign'
        ? { ownerId: action.ownerId }
        : action.kind === 'status'
          ? {
              status: action.status,
              ...(action.statusReason === undefined ? {} : { statusReason: action.statusReason }),
            }
          : action.kind === 'addTags' || action.kind === 'removeTags'
            ? { tags: action.tags }
            : {};
    const issues = checkFieldChanges(leadRecord, values);
    if (issues.length > 0) {
      throw new EngineFailure('invalid_input', issues.map((i) => i.message).join('; '), {
        issues: issues.map((i) => ({ path: `action.${i.field}`, message: i.message })),
      });
    }
  }

  private viewIds(
    workspaceId: string,
    target: Extract<BulkTarget, { selection: unknown }>,
  ): string[] {
    const ids = this.o.resolveIds(workspaceId, target.selection);
    if (!target.except?.length) return ids;
    const except = new Set(target.except);
    return ids.filter((id) => !except.has(id));
  }

  private checkList(workspaceId: string, listId: string): void {
    if (!this.o.references) {
      throw new EngineFailure('internal', 'Lists are not available in this engine');
    }
    const kind = this.members.listKind(workspaceId, listId);
    if (kind === null) throw new EngineFailure('not_found', 'This list does not exist');
    if (kind === 'dynamic') {
      throw new EngineFailure('invalid_input', "A dynamic list's members come from its filter", {
        issues: [{ path: 'action.listId', message: 'Not a static list' }],
      });
    }
  }

  private createJob(
    workspaceId: string,
    userId: string,
    kind: BulkJobKind,
    params: Record<string, unknown>,
    total: number,
  ): BulkJobRow {
    const now = this.o.now();
    const job: BulkJobRow = {
      id: newId(),
      workspaceId,
      userId,
      kind,
      params,
      state: 'running',
      total,
      done: 0,
      changed: 0,
      failed: 0,
      restored: 0,
      skipped: 0,
      error: null,
      createdAt: now,
      updatedAt: now,
    };
    this.o.replica.transaction(() => {
      this.store.create(job);
      this.store.prune(workspaceId, this.keep);
    });
    return job;
  }

  private find(jobId: string): BulkJobRow {
    const job = this.store.get(jobId);
    if (!job || job.workspaceId !== this.o.sync.readableWorkspace()) {
      throw new EngineFailure('not_found', 'This bulk action is not in this workspace (any more)');
    }
    return job;
  }

  private serially(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn);
    this.chain = next.catch((err: unknown) => {
      this.o.log.error('bulk job step failed', { err });
    });
    return this.chain;
  }

  private countersOf(j: BulkJobRow): JobCounters {
    return {
      state: j.state,
      total: j.total,
      done: j.done,
      changed: j.changed,
      failed: j.failed,
      restored: j.restored,
      skipped: j.skipped,
      error: j.error,
    };
  }

  private dto(j: BulkJobRow): BulkJobDto {
    const c = this.live?.id === j.id ? this.live.counters : this.countersOf(j);
    return {
      jobId: j.id,
      kind: j.kind,
      ...c,
      params: j.params,
      createdAt: j.createdAt,
      updatedAt: j.updatedAt,
      undoable:
        (c.state === 'done' || c.state === 'cancelled' || c.state === 'failed') && c.changed > 0,
    };
  }

  private progress(jobId: string, kind: BulkJobKind, c: JobCounters): void {
    const { error: _e, ...rest } = c;
    const payload: BulkProgress = { jobId, kind, ...rest };
    this.o.emit('leads:bulkProgress', payload);
  }

  /** Stops the loop when the user switched workspace, signed out, or the app became read-only. */
  private stillEditable(workspaceId: string): string | null {
    try {
      return this.o.sync.editableWorkspace() === workspaceId
        ? null
        : 'Stopped: the workspace was switched';
    } catch (err) {
      return err instanceof EngineFailure ? `Stopped: ${err.message}` : 'Stopped';
    }
  }

  /** Runs `body` over `items` in batches; each batch one transaction. */
  private async batches<T>(
    jobId: string,
    kind: BulkJobKind,
    workspaceId: string,
    counters: JobCounters,
    items: () => T[] | null,
    leadIdOf: (item: T) => string,
    body: (batch: T[], c: JobCounters, edits: LocalEdit[]) => void,
  ): Promise<void> {
    this.live = { id: jobId, counters };
    try {
      this.store.update(jobId, counters, this.o.now());
      this.progress(jobId, kind, counters);
      for (;;) {
        if (this.closed) return;
        if (this.cancelRequested.has(jobId)) {
          counters.state = 'cancelled';
          break;
        }
        const stop = this.stillEditable(workspaceId);
        if (stop) {
          counters.state = 'cancelled';
          counters.error = stop;
          break;
        }
        const batch = items();
        if (!batch || batch.length === 0) break;
        const edits: LocalEdit[] = [];
        const next = { ...counters };
        try {
          this.o.replica.transaction(
            () => {
              body(batch, next, edits);
              this.store.update(jobId, next, this.o.now());
            },
            // Docs changed by a batch that fails are dropped from the cache (they would hold
            // edits that were rolled back).
            batch.map((item) => leadDocName(leadIdOf(item))),
          );
        } catch (err) {
          this.o.log.error('bulk batch failed', { err, jobId });
          counters.state = 'failed';
          counters.error = err instanceof EngineFailure ? err.message : 'Something went wrong';
          break;
        }
        Object.assign(counters, next);
        for (const { entry, lead } of edits) this.o.sync.edited(entry, lead.id);
        this.progress(jobId, kind, counters);
        await yieldToLoop();
      }
    } finally {
      this.cancelRequested.delete(jobId);
      this.live = null;
    }
  }

  private async run(job: BulkJobRow, ids: string[], action: BulkAction): Promise<void> {
    if (this.closed) return;
    const counters = this.countersOf(job);
    let at = 0;
    await this.batches(
      job.id,
      job.kind,
      job.workspaceId,
      counters,
      () => {
        const batch = ids.slice(at, at + this.batchSize);
        at += batch.length;
        return batch;
      },
      (id) => id,
      (batch, c, edits) => {
        if (action.kind === 'addToList') {
          this.addToList(job, action.listId, batch, c);
          return;
        }
        for (const id of batch) {
          c.done += 1;
          const lead = this.o.replica.leads.get(id);
          if (!lead || lead.workspaceId !== job.workspaceId) {
            c.failed += 1;
            continue;
          }
          const plan = planAction(lead, action);
          if (!plan) continue;
          if (!this.apply(job.workspaceId, id, plan, edits)) {
            c.failed += 1;
            continue;
          }
          this.store.addChange(job.id, { leadId: id, ...plan });
          c.changed += 1;
        }
      },
    );
    if (counters.state === 'running') counters.state = 'done';
    this.finish(job.id, job.kind, counters);
  }

  /** One batch of an add-to-list job: only leads not in the list yet are added (and recorded). */
  private addToList(job: BulkJobRow, listId: string, batch: string[], c: JobCounters): void {
    const fresh: string[] = [];
    for (const id of batch) {
      c.done += 1;
      const lead = this.o.replica.leads.get(id);
      if (!lead || lead.workspaceId !== job.workspaceId || lead.deleted) {
        c.failed += 1;
        continue;
      }
      if (!this.members.isMember(job.workspaceId, listId, id)) fresh.push(id);
    }
    if (fresh.length === 0) return;
    this.o.references!.changeMembers(listId, fresh, false);
    for (const leadId of fresh) {
      this.store.addChange(job.id, { leadId, before: {}, after: { [ADDED_TO_KEY]: listId } });
    }
    c.changed += fresh.length;
  }

  /** Undoes what a change record says was done to tasks and lists (merges, add to list). */
  private undoReferences(change: BulkChangeRow): void {
    const refs = this.o.references;
    const a = change.after;
    const keys = [ADDED_TO_KEY, MOVED_TASKS_KEY, LEFT_LISTS_KEY, JOINED_LISTS_KEY];
    if (!keys.some((k) => k in a)) return;
    if (!refs) throw new EngineFailure('internal', 'Lists and tasks are not available');
    const addedTo = a[ADDED_TO_KEY];
    if (typeof addedTo === 'string') refs.changeMembers(addedTo, [change.leadId], true);
    const moved = a[MOVED_TASKS_KEY];
    if (Array.isArray(moved) && moved.length > 0 && typeof a.mergedInto === 'string') {
      const ids = new Set(moved);
      // Only tasks still on the winner go back; one moved elsewhere since stays.
      for (const t of refs.listTasks({ leadId: a.mergedInto })) {
        if (!ids.has(t.id)) continue;
        refs.saveTask({
          id: t.id,
          leadId: change.leadId,
          title: t.title,
          dueAt: t.dueAt,
          done: t.done,
          assigneeId: t.assigneeId,
        });
      }
    }
    for (const listId of (a[LEFT_LISTS_KEY] ?? []) as string[]) {
      refs.changeMembers(listId, [change.leadId], false);
    }
    for (const listId of (a[JOINED_LISTS_KEY] ?? []) as string[]) {
      refs.changeMembers(listId, [change.leadId], true);
    }
  }

  /** Writes one lead's planned change; false when it cannot be written (counted as failed). */
  private apply(workspaceId: string, id: string, plan: PlannedChange, edits: LocalEdit[]): boolean {
    if (checkFieldChanges(leadRecord, plan.after).length > 0) return false;
    try {
      edits.push(this.o.replica.write(workspaceId, id, plan.after));
      return true;
    } catch (err) {
      if (err instanceof EngineFailure) return false;
      throw err;
    }
  }

  private async runUndo(jobId: string): Promise<void> {
    if (this.closed) return;
    const job = this.store.get(jobId);
    if (!job || job.state === 'undoing' || job.state === 'undone') return;
    const counters: JobCounters = {
      ...this.countersOf(job),
      state: 'undoing',
      total: job.changed,
      done: 0,
      restored: 0,
      skipped: 0,
      error: null,
    };
    let after = '';
    let exhausted = false;
    await this.batches(
      job.id,
      job.kind,
      job.workspaceId,
      counters,
      () => {
        if (exhausted) return null;
        const page = this.store.changes(job.id, after, this.batchSize);
        if (page.length < this.batchSize) exhausted = true;
        if (page.length > 0) after = page[page.length - 1]!.leadId;
        return page;
      },
      (change) => change.leadId,
      (batch, c, edits) => {
        for (const change of batch) {
          c.done += 1;
          const lead = this.o.replica.leads.get(change.leadId);
          if (!lead || lead.workspaceId !== job.workspaceId) {
            c.skipped += 1;
            continue;
          }
          const plan = planUndo(lead, change);
          const name = leadDocName(lead.id);
          try {
            // One savepoint per lead: a lead whose undo fails half-way is left as it was.
            const done = this.o.replica.transaction(() => {
              const mine: LocalEdit[] = [];
              if (Object.keys(plan.changes).length > 0) {
                mine.push(this.o.replica.write(job.workspaceId, lead.id, plan.changes));
              }
              if (plan.notes) {
                const { base, next } = plan.notes;
                mine.push(this.o.replica.editNotes(job.workspaceId, lead.id, base, next));
              }
              this.undoReferences(change);
              return mine;
            }, [name]);
            edits.push(...done);
          } catch (err) {
            if (!(err instanceof EngineFailure)) throw err;
            c.skipped += 1;
            continue;
          }
          if (plan.skipped) c.skipped += 1;
          else c.restored += 1;
        }
      },
    );
    // An undo that was stopped half-way can be run again: restored leads then hold their
    // previous values and count as restored, not skipped.
    counters.state = counters.state === 'undoing' ? 'undone' : 'cancelled';
    this.finish(job.id, job.kind, counters);
  }

  private finish(jobId: string, kind: BulkJobKind, counters: JobCounters): void {
    if (this.closed) return;
    this.store.update(jobId, counters, this.o.now());
    this.progress(jobId, kind, counters);
    this.o.log.info('bulk job finished', { jobId, kind, state: counters.state });
  }
}
