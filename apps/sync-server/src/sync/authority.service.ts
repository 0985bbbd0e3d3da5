/**
 * The authority path (design §6): every writer — the `/sync` socket, `/yjs`, REST, later the
 * campaign sender, webhooks and CRM sync — goes through `applyRecordUpdate` (client Yjs updates)
 * or `applyServerWrite` (server writers, `SERVER_CLIENT_ID`). Writes queue up and commit in
 * batches, one transaction per batch ("group commit"). Up to `pipeline` batches run at once
 * (default 2), so one batch's Yjs work overlaps another's database round trips; a doc is in at
 * most one running batch (writes to a doc in a running batch wait for it, in arrival order), which
 * is the in-process lock; the advisory locks inside the transaction keep other instances off the
 * same docs, and each workspace's seq counter row (locked until commit) keeps commit order = seq
 * order. After commit, in the order the batches started, each caller gets its result, then the
 * changes go to this instance's fan-out and the bus.
 */
import { sql } from 'drizzle-orm';
import { parseDocName } from '@sdr/schema/sync';
import type { Db } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { loggableError } from '../logger.ts';
import type {
  ClientUpdateRequest,
  ClientUpdateResult,
  ServerWriteRequest,
  ServerWriteResult,
} from './authority.types.ts';
import type { ChangeBus, Wakeup } from './change-bus.ts';
import { commitBatch, type BatchItem } from './commit-batch.ts';
import type { DocCache } from './doc-cache.ts';
import type { Fanout } from './fanout.ts';
import { bytes, num, queryRows } from './sql.ts';

export interface StoredDoc {
  readonly workspaceId: string;
  readonly ownerId: string | null;
  readonly seq: number;
  readonly state: Uint8Array | null;
}

export interface AuthorityOptions {
  readonly db: Db;
  readonly cache: DocCache;
  readonly bus: ChangeBus;
  readonly fanout: Fanout;
  readonly logger: Logger;
  readonly newId: () => string;
  /** Most writes in one transaction. */
  readonly maxBatch?: number;
  /** Most batches in their transactions at once (default 2; 1 = one after the other). */
  readonly pipeline?: number;
}

export interface AuthorityStats {
  /** Batches committed or failed. */
  batches: number;
  /** The most batches that were in their transactions at once. */
  peakRunning: number;
}

export class SyncAuthority {
  readonly stats: AuthorityStats = { batches: 0, peakRunning: 0 };
  private queue: BatchItem[] = [];
  /** Batches in their transactions. */
  private running = 0;
  /** The docs of the running batches. */
  private readonly busy = new Set<string>();
  private scheduled = false;
  /** Settles when the last started batch has handed out its results (post-commit order). */
  private turn: Promise<void> = Promise.resolve();
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};

  constructor(private readonly o: AuthorityOptions) {}

  /** A client's Yjs update: applied, validated, compensated, persisted, acknowledged. */
  applyRecordUpdate(req: ClientUpdateRequest): Promise<ClientUpdateResult> {
    if (parseDocName(req.docName)?.type !== 'lead') {
      return Promise.resolve({
        ok: false,
        code: 'forbidden',
        message: `unknown record type in ${req.docName}`,
        stateVector: null,
      });
    }
    return new Promise((resolve) => this.push({ kind: 'client', req, resolve }));
  }

  /** A server-side writer's field changes, validated up front, written as `SERVER_CLIENT_ID`. */
  applyServerWrite(req: ServerWriteRequest): Promise<ServerWriteResult> {
    return new Promise((resolve) => this.push({ kind: 'server', req, resolve }));
  }

  /** The stored lead of a doc (current row state), or null. */
  async readDoc(docName: string): Promise<StoredDoc | null> {
    const id = docName.startsWith('lead:') ? docName.slice(5) : null;
    if (id === null) return null;
    const [r] = await queryRows<{
      workspace_id: string;
      owner_id: string | null;
      seq: unknown;
      y_state: unknown;
    }>(this.o.db, sql`select workspace_id, owner_id, seq, y_state from lead where id = ${id}`);
    return r
      ? {
          workspaceId: r.workspace_id,
          ownerId: r.owner_id,
          seq: num(r.seq),
          state: bytes(r.y_state),
        }
      : null;
  }

  /** Resolves when every queued write has committed (tests, shutdown). */
  drained(): Promise<void> {
    return this.running > 0 || this.queue.length > 0 ? this.idle : Promise.resolve();
  }

  private push(item: BatchItem): void {
    if (this.running === 0 && this.queue.length === 0) {
      this.idle = new Promise((r) => (this.markIdle = r));
    }
    this.queue.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      // Writes arriving in the same tick join one batch.
      queueMicrotask(() => {
        this.scheduled = false;
        this.pump();
      });
    }
  }

  /**
   * Starts batches while fewer than `pipeline` run: each takes the queued writes, in order, whose
   * doc is in no running batch (a write waiting for its doc holds back that doc's later writes).
   */
  private pump(): void {
    const max = this.o.maxBatch ?? 256;
    const depth = this.o.pipeline ?? 2;
    while (this.running < depth && this.queue.length > 0) {
      const batch: BatchItem[] = [];
      const rest: BatchItem[] = [];
      const held = new Set<string>();
      for (const item of this.queue) {
        const name = item.req.docName;
        if (batch.length < max && !this.busy.has(name) && !held.has(name)) batch.push(item);
        else {
          rest.push(item);
          held.add(name);
        }
      }
      if (batch.length === 0) break;
      this.queue = rest;
      const names = new Set(batch.map((i) => i.req.docName));
      for (const n of names) this.busy.add(n);
      this.running += 1;
      this.stats.peakRunning = Math.max(this.stats.peakRunning, this.running);
      void this.run(batch).finally(() => {
        this.stats.batches += 1;
        for (const n of names) this.busy.delete(n);
        this.running -= 1;
        this.pump();
        if (this.running === 0 && this.queue.length === 0) this.markIdle();
      });
    }
  }

  /**
   * One batch. It takes its turn when it has its seqs (or when it ends without any), and hands
   * out its results after the batches that took theirs before: per workspace that is commit
   * order, since a batch waits at the seq counter row for the one that took seqs before it.
   */
  private async run(batch: BatchItem[]): Promise<void> {
    const { cache, bus, fanout } = this.o;
    let committing: readonly Wakeup[] = [];
    let previous: Promise<void> | null = null;
    let release = () => {};
    const takeTurn = () => {
      if (previous) return previous;
      previous = this.turn;
      this.turn = new Promise((r) => (release = r));
      return previous;
    };
    try {
      const out = await commitBatch(
        {
          db: this.o.db,
          cache,
          bus,
          newId: this.o.newId,
          committing: (w) => {
            committing = w;
            fanout.expectLocal(w);
            void takeTurn();
          },
        },
        batch,
      );
      await takeTurn();
      for (const w of out.docs) {
        if (w.workspaceId === null || w.state === null) cache.delete(w.name);
        else
          cache.set(w.name, {
            doc: w.doc,
            seq: w.seq,
            workspaceId: w.workspaceId,
            ownerId: w.ownerId,
            state: w.state,
            // The projection the batch ended with: the next change's "before" without projecting.
            ...(w.last ? { last: w.last } : {}),
          });
      }
      for (const resolve of out.resolutions) resolve();
      if (out.changes.length > 0) {
        // Acks first: the callers' continuations run before the pushes go out.
        setImmediate(() => {
          fanout.localCommit(out.changes);
          bus.afterCommit(out.wakeups);
        });
      }
    } catch (err) {
      await takeTurn();
      fanout.localAborted(committing);
      this.o.logger.error({ err: loggableError(err) }, 'sync commit failed');
      for (const item of batch) cache.delete(item.req.docName);
      const message = 'The change could not be saved; retry later.';
      for (const item of batch) {
        if (item.kind === 'client')
          item.resolve({ ok: false, code: 'internal', message, stateVector: null });
        else item.resolve({ ok: false, code: 'internal', message, issues: [] });
      }
    } finally {
      release();
    }
  }
}
