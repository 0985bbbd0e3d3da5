/**
 * Fan-out of committed changes to this instance's sockets (design §7). Per workspace with
 * listeners it keeps the last seq delivered and delivers every later seq exactly once, in order:
 * straight from memory for this instance's own commits when they follow on, otherwise by reading
 * `change_log` (joined with the current lead row) after `lastSeen`. Wake-ups from the bus and a
 * poll of `workspace_seq` trigger those reads, so a missed wake-up only delays a change. A
 * `visibility` marker in the log (visibility-restamp.ts) reloads the workspace's visibility first.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { loggableError } from '../logger.ts';
import type { ChangeBus, Wakeup } from './change-bus.ts';
import { isFeedFactEntity, readFacts, type FanoutFact } from './facts.ts';
import { LEAD_ROW_COLUMNS, rowFromDb, type LeadDbRow, type LeadRow } from './lead-row.ts';
import { bytes, num, queryRows } from './sql.ts';
import { VISIBILITY_MARKER } from './visibility-restamp.ts';

/** One committed change of a record doc, as the sockets need it. */
export interface FanoutChange {
  readonly kind?: 'record';
  readonly workspaceId: string;
  readonly seq: number;
  readonly docName: string;
  /** The change's update merged with its compensation; null when no longer stored. */
  readonly update: Uint8Array | null;
  /** The lead row (after this change, or newer when read back from the database). */
  readonly row: LeadRow | null;
  /** Whether the owner changed with this change; null when unknown (read from the database). */
  readonly ownerChanged: boolean | null;
  /** The doc's full state (at this change or newer). */
  readonly state: Uint8Array | null;
}

/** What listeners receive, in seq order: record changes and server-owned facts (`facts.ts`). */
export type FeedItem = FanoutChange | FanoutFact;

export type ChangeListener = (change: FeedItem) => void;

interface WorkspaceFeed {
  lastSeen: number;
  readonly listeners: Set<ChangeListener>;
  chain: Promise<void>;
}

const PAGE = 500;

export class Fanout {
  private readonly feeds = new Map<string, WorkspaceFeed>();
  /** Per workspace, the highest seq this instance is committing (see `expectLocal`). */
  private readonly committing = new Map<string, number>();
  private readonly unsubscribeBus: () => void;
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private readonly db: Db,
    bus: ChangeBus,
    private readonly logger: Logger,
    /** 0: no polling. */
    pollMs: number,
    /** At a `visibility` marker: awaited before the changes after it are delivered. */
    private readonly onVisibilityChange: (workspaceId: string) => Promise<void> = async () => {},
  ) {
    this.unsubscribeBus = bus.subscribe((w) => this.onWakeup(w));
    this.timer = pollMs > 0 ? setInterval(() => void this.poll(), pollMs) : null;
    this.timer?.unref();
  }

  /**
   * Adds a listener for a workspace. Resolves with the seq up to which changes were delivered
   * before the listener joined: every change after it reaches the listener, in order.
   */
  async subscribe(
    workspaceId: string,
    listener: ChangeListener,
  ): Promise<{ head: number; unsubscribe: () => void }> {
    for (;;) {
      let feed = this.feeds.get(workspaceId);
      if (!feed) {
        feed = { lastSeen: -1, listeners: new Set(), chain: Promise.resolve() };
        this.feeds.set(workspaceId, feed);
      }
      const f = feed;
      // Joined inside the feed's chain: nothing is delivered between reading `lastSeen` and joining.
      const head = await new Promise<number | null>((resolve, reject) => {
        this.enqueue(f, async () => {
          if (this.feeds.get(workspaceId) !== f) return resolve(null);
          try {
            if (f.lastSeen < 0) f.lastSeen = await this.head(workspaceId);
          } catch (err) {
            return reject(err instanceof Error ? err : new Error(String(err)));
          }
          f.listeners.add(listener);
          resolve(f.lastSeen);
        });
      });
      if (head === null) continue; // the feed was dropped meanwhile: join the current one
      return { head, unsubscribe: () => this.leave(workspaceId, f, listener) };
    }
  }

  private leave(workspaceId: string, f: WorkspaceFeed, listener: ChangeListener): void {
    f.listeners.delete(listener);
    if (f.listeners.size > 0) return;
    this.enqueue(f, async () => {
      if (f.listeners.size === 0 && this.feeds.get(workspaceId) === f) {
        this.feeds.delete(workspaceId);
      }
    });
  }

  /** Whether a socket of this instance follows the workspace (or is joining it). */
  follows(workspaceId: string): boolean {
    return this.feeds.has(workspaceId);
  }

  /** This instance's commits of facts (read back after commit), in seq order per workspace. */
  localFacts(facts: readonly FanoutFact[]): void {
    this.localCommit(facts);
  }

  /**
   * This instance is committing changes up to these seqs. Their wake-ups (its own NOTIFY can
   * arrive before the commit returns) are left to `localCommit`, which follows with the changes
   * from memory, instead of a read of the change log that only delays the push.
   */
  expectLocal(wakeups: readonly Wakeup[]): void {
    for (const w of wakeups) {
      this.committing.set(w.workspaceId, Math.max(w.seq, this.committing.get(w.workspaceId) ?? 0));
    }
  }

  /** The commit announced by `expectLocal` failed: wake-ups skipped meanwhile are looked for. */
  localAborted(wakeups: readonly Wakeup[]): void {
    for (const w of wakeups) {
      if (this.committing.get(w.workspaceId) === w.seq) this.committing.delete(w.workspaceId);
      const feed = this.feeds.get(w.workspaceId);
      if (!feed) continue;
      this.enqueue(feed, async () => {
        if (feed.lastSeen >= 0) await this.readFromLog(w.workspaceId, feed);
      });
    }
  }

  /** This instance's commits (in seq order per workspace), straight from memory. */
  localCommit(changes: readonly FeedItem[]): void {
    const byWs = new Map<string, FeedItem[]>();
    for (const c of changes) byWs.set(c.workspaceId, [...(byWs.get(c.workspaceId) ?? []), c]);
    for (const [ws, list] of byWs) {
      if ((this.committing.get(ws) ?? Infinity) <= list.at(-1)!.seq) this.committing.delete(ws);
      const feed = this.feeds.get(ws);
      if (!feed) continue;
      this.enqueue(feed, async () => {
        if (feed.lastSeen < 0) return; // not joined yet: its head read will include these
        const fresh = list.filter((c) => c.seq > feed.lastSeen);
        if (fresh.length === 0) return;
        if (fresh[0]!.seq === feed.lastSeen + 1) {
          this.deliver(feed, fresh);
        } else {
          await this.readFromLog(ws, feed);
        }
      });
    }
  }

  private onWakeup(w: Wakeup): void {
    const feed = this.feeds.get(w.workspaceId);
    if (!feed || w.seq <= feed.lastSeen) return;
    // This instance's own commit, on its way from memory (`expectLocal`).
    if (w.seq <= (this.committing.get(w.workspaceId) ?? -1)) return;
    this.enqueue(feed, async () => {
      if (feed.lastSeen >= 0 && w.seq > feed.lastSeen) await this.readFromLog(w.workspaceId, feed);
    });
  }

  /** Safety net: compares every followed workspace's head with what was delivered. */
  async poll(): Promise<void> {
    const ids = [...this.feeds.keys()];
    if (ids.length === 0) return;
    try {
      const heads = await queryRows<{ workspace_id: string; last_seq: unknown }>(
        this.db,
        sql`select workspace_id, last_seq from workspace_seq where workspace_id in (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
      for (const h of heads) this.onWakeup({ workspaceId: h.workspace_id, seq: num(h.last_seq) });
    } catch (err) {
      this.logger.warn({ err: loggableError(err) }, 'sync poll failed');
    }
  }

  private enqueue(feed: WorkspaceFeed, task: () => Promise<void>): void {
    feed.chain = feed.chain.then(task).catch((err: unknown) => {
      this.logger.error({ err: loggableError(err) }, 'sync fan-out failed');
    });
  }

  private deliver(feed: WorkspaceFeed, changes: readonly FeedItem[]): void {
    for (const c of changes) {
      for (const l of feed.listeners) {
        try {
          l(c);
        } catch (err) {
          this.logger.error({ err: loggableError(err) }, 'sync listener failed');
        }
      }
      feed.lastSeen = c.seq;
    }
  }

  private async head(workspaceId: string): Promise<number> {
    const [r] = await queryRows<{ last_seq: unknown }>(
      this.db,
      sql`select last_seq from workspace_seq where workspace_id = ${workspaceId}`,
    );
    return num(r?.last_seq);
  }

  private async readFromLog(workspaceId: string, feed: WorkspaceFeed): Promise<void> {
    for (;;) {
      const rows = await queryRows<
        LeadDbRow & {
          c_seq: unknown;
          kind: 'record' | 'fact';
          doc_name: string | null;
          update: unknown;
          y_state: unknown;
          entity: string | null;
          entity_id: string | null;
        }
      >(
        this.db,
        sql`select c.seq as c_seq, c.kind, c.doc_name, c.update, c.entity, c.entity_id, l.y_state,
              ${sql.raw(LEAD_ROW_COLUMNS)}
            from change_log c
            left join lead l on c.kind = 'record' and l.id = substring(c.doc_name from 6)
            where c.workspace_id = ${workspaceId} and c.seq > ${feed.lastSeen}
            order by c.seq limit ${PAGE}`,
      );
      const factRefs = rows.flatMap((r) =>
        r.kind === 'fact' && r.entity && r.entity_id && isFeedFactEntity(r.entity)
          ? [{ entity: r.entity, id: r.entity_id }]
          : [],
      );
      const facts: Map<string, Record<string, unknown>> = factRefs.length > 0
        ? await readFacts(this.db, factRefs)
        : new Map<string, Record<string, unknown>>();
      let items: FeedItem[] = [];
      for (const r of rows) {
        const seq = num(r.c_seq);
        if (r.kind === 'fact' && r.entity === VISIBILITY_MARKER) {
          // The rows re-stamped after it are judged with the new policy and teams.
          this.deliver(feed, items);
          items = [];
          await this.onVisibilityChange(workspaceId);
          continue;
        }
        if (r.kind === 'fact') {
          if (!r.entity || !r.entity_id || !isFeedFactEntity(r.entity)) continue;
          items.push({
            kind: 'fact',
            workspaceId,
            seq,
            entity: r.entity,
            id: r.entity_id,
            data: facts.get(`${r.entity}:${r.entity_id}`) ?? null,
          });
          continue;
        }
        items.push({
          workspaceId,
          seq,
          docName: r.doc_name ?? '',
          update: bytes(r.update),
          row: r.id ? rowFromDb(r) : null,
          ownerChanged: null,
          state: bytes(r.y_state),
        });
      }
      this.deliver(feed, items);
      // Seqs skipped above (malformed entries) still count as seen.
      if (rows.length > 0) feed.lastSeen = Math.max(feed.lastSeen, num(rows.at(-1)!.c_seq));
      if (rows.length < PAGE) return;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribeBus();
    this.feeds.clear();
  }
}
