/**
 * Wake-ups between server instances (design §7). The change log is the truth; the bus only says
 * "workspace W has changes up to seq S". With Postgres every instance LISTENs on `sync_changes`
 * and the committing transaction NOTIFYs (delivered on commit, lost on rollback); with PGlite
 * (one process) an in-process emitter does the same job. A missed wake-up loses nothing: the
 * fan-out also polls. The Postgres bus also carries `/yjs` awareness between instances
 * (awareness-relay.ts).
 */
import { sql, type SQL } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Logger } from '../logger.ts';
import { PostgresAwarenessRelay, type AwarenessRelay } from './awareness-relay.ts';

export const SYNC_CHANNEL = 'sync_changes';

export interface Wakeup {
  readonly workspaceId: string;
  readonly seq: number;
}

export type WakeupListener = (w: Wakeup) => void;

export interface ChangeBus {
  /**
   * The NOTIFY channel, when wake-ups travel as `NOTIFY <channel>, 'workspaceId:seq'`
   * (`encodeWakeup`): the commit batch sends them from its own statement. Otherwise it runs
   * `inTransaction`.
   */
  readonly notifyChannel?: string;
  /** A statement for the commit transaction that sends the wake-ups on commit, or null. */
  inTransaction(wakeups: readonly Wakeup[]): SQL | null;
  /** Called after commit (the in-process bus publishes here). */
  afterCommit(wakeups: readonly Wakeup[]): void;
  subscribe(listener: WakeupListener): () => void;
  /** Awareness between instances (`/yjs` rooms), when there are other instances to reach. */
  readonly awareness?: AwarenessRelay;
  close(): Promise<void>;
}

export function encodeWakeup(w: Wakeup): string {
  return `${w.workspaceId}:${w.seq}`;
}

export function decodeWakeup(payload: string): Wakeup | null {
  const i = payload.lastIndexOf(':');
  const seq = Number(payload.slice(i + 1));
  if (i <= 0 || !Number.isSafeInteger(seq)) return null;
  return { workspaceId: payload.slice(0, i), seq };
}

/** One process, one database: wake-ups go straight to the listeners of this process. */
export class InProcessBus implements ChangeBus {
  private readonly listeners = new Set<WakeupListener>();

  inTransaction(): SQL | null {
    return null;
  }

  afterCommit(wakeups: readonly Wakeup[]): void {
    for (const w of wakeups) for (const l of this.listeners) l(w);
  }

  subscribe(listener: WakeupListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** Instances sharing one database in one process (tests) share one in-process bus. */
const busByDb = new WeakMap<object, InProcessBus>();
export function inProcessBusFor(db: object): InProcessBus {
  let bus = busByDb.get(db);
  if (!bus) busByDb.set(db, (bus = new InProcessBus()));
  return bus;
}

/** Postgres LISTEN/NOTIFY through postgres.js (`sql.listen` holds one dedicated connection). */
export class PostgresBus implements ChangeBus {
  readonly notifyChannel = SYNC_CHANNEL;
  private readonly listeners = new Set<WakeupListener>();
  private unlisten: (() => Promise<void>) | null = null;

  private constructor(
    private readonly logger: Logger,
    readonly awareness: AwarenessRelay,
  ) {}

  static async start(client: postgres.Sql, logger: Logger): Promise<PostgresBus> {
    const bus = new PostgresBus(logger, await PostgresAwarenessRelay.start(client, logger));
    const sub = await client.listen(SYNC_CHANNEL, (payload) => {
      const w = decodeWakeup(payload);
      if (!w) return bus.logger.warn('ignored a malformed sync wake-up');
      for (const l of bus.listeners) l(w);
    });
    bus.unlisten = () => sub.unlisten();
    return bus;
  }

  inTransaction(wakeups: readonly Wakeup[]): SQL | null {
    if (wakeups.length === 0) return null;
    const payloads = wakeups.map((w) => sql`(${encodeWakeup(w)})`);
    return sql`select pg_notify(${SYNC_CHANNEL}, v.p) from (values ${sql.join(payloads, sql`, `)}) as v(p)`;
  }

  afterCommit(): void {}

  subscribe(listener: WakeupListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const u = this.unlisten;
    this.unlisten = null;
    if (u) await u().catch(() => {});
    await this.awareness.close();
  }
}
