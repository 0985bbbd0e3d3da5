/**
 * The authority path (design §6): every writer — the `/sync` socket, `/yjs`, REST, later the
 * campaign sender, webhooks and CRM sync — goes through `applyRecordUpdate` (client Yjs updates)
 * or `applyServerWrite` (server writers, `SERVER_CLIENT_ID`). Writes queue up and commit in
 * batches, one transaction per batch ("group commit"): while one batch is in its transaction,
 * the next one gathers. One batch at a time per instance is the in-process lock; the advisory
 * locks inside the transaction keep other instances off the same docs. After commit each caller
 * gets its result, then the changes go to this instance's fan-out and the bus.
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
}

export class SyncAuthority {
  private queue: BatchItem[] = [];
  private running = false;
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
    return this.running || this.queue.length > 0 ? this.idle : Promise.resolve();
  }

  private push(item: BatchItem): void {
    this.queue.push(item);
    if (!this.running) {
      this.running = true;
      this.idle = new Promise((r) => (this.markIdle = r));
      queueMicrotask(() => void this.drain());
    }
  }

  private async drain(): Promise<void> {
    const max = this.o.maxBatch ?? 256;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, max);
      await this.run(batch);
    }
    this.running = false;
    this.markIdle();
  }

  private async run(batch: BatchItem[]): Promise<void> {
    const { cache, bus, fanout } = this.o;
    let committing: readonly Wakeup[] = [];
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
          },
        },
        batch,
      );
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
      fanout.localAborted(committing);
      this.o.logger.error({ err: loggableError(err) }, 'sync commit failed');
      for (const item of batch) cache.delete(item.req.docName);
      const message = 'The change could not be saved; retry later.';
      for (const item of batch) {
        if (item.kind === 'client')
          item.resolve({ ok: false, code: 'internal', message, stateVector: null });
        else item.resolve({ ok: false, code: 'internal', message, issues: [] });
      }
    }
  }
}
