/**
 * The sync machinery of one server instance: doc cache, bus, fan-out, visibility, the authority
 * path and the compaction job. `createApp` (REST) and `attachSyncSockets` (`/sync`, `/yjs`) share
 * one core; `startServer` creates it.
 */
import type postgres from 'postgres';
import { monotonicFactory } from 'ulid';
import type { Db } from '../db/schema.ts';
import type { SyncEnv } from '../env.ts';
import type { Logger } from '../logger.ts';
import { SyncAuthority } from './authority.service.ts';
import { inProcessBusFor, PostgresBus, type ChangeBus } from './change-bus.ts';
import { startCompactionJob, type CompactionJob } from './compaction.ts';
import { DocCache } from './doc-cache.ts';
import { Fanout } from './fanout.ts';
import { VisibilityService } from './visibility.service.ts';

export const DEFAULT_SYNC_ENV: SyncEnv = {
  minClientVersion: '0.0.0',
  pollMs: 2000,
  compactIntervalMs: 60_000,
  logRetentionMs: 600_000,
  firstPageLimit: 1000,
};

export interface SyncCore {
  readonly db: Db;
  readonly env: SyncEnv;
  readonly authority: SyncAuthority;
  readonly fanout: Fanout;
  readonly visibility: VisibilityService;
  readonly bus: ChangeBus;
  readonly cache: DocCache;
  readonly compaction: CompactionJob;
  close(): Promise<void>;
}

export interface SyncCoreOptions {
  db: Db;
  logger: Logger;
  env?: SyncEnv;
  /** Defaults to the in-process bus of `db` (one process); see `startPostgresBus`. */
  bus?: ChangeBus;
  newId?: () => string;
  docCacheSize?: number;
  /** Poll and compaction timers (default true; `createApp` alone runs without them). */
  background?: boolean;
}

/** LISTEN/NOTIFY between instances sharing one Postgres (postgres.js client). */
export function startPostgresBus(client: postgres.Sql, logger: Logger): Promise<ChangeBus> {
  return PostgresBus.start(client, logger);
}

export function createSyncCore(o: SyncCoreOptions): SyncCore {
  const env = o.env ?? DEFAULT_SYNC_ENV;
  const bus: ChangeBus = o.bus ?? inProcessBusFor(o.db);
  const background = o.background ?? true;
  const cache = new DocCache(o.docCacheSize ?? 2000);
  const visibility = new VisibilityService(o.db);
  const fanout = new Fanout(o.db, bus, o.logger, background ? env.pollMs : 0, (ws) =>
    visibility.reload(ws),
  );
  const authority = new SyncAuthority({
    db: o.db,
    cache,
    bus,
    fanout,
    logger: o.logger,
    // Change-log, conflict and timeline ids: a monotonic factory draws randomness once per
    // millisecond (plain `ulid()` draws it per character: ~4% of the server's CPU per update).
    newId: o.newId ?? monotonicFactory(),
  });
  const compaction = startCompactionJob(o.db, o.logger, {
    intervalMs: background ? env.compactIntervalMs : 0,
    retentionMs: env.logRetentionMs,
  });
  let closed = false;
  return {
    db: o.db,
    env,
    authority,
    fanout,
    visibility,
    bus,
    cache,
    compaction,
    async close() {
      if (closed) return;
      closed = true;
      compaction.stop();
      await authority.drained();
      fanout.close();
      // The in-process bus is shared by every instance on the same database; leave it open.
      if (o.bus) await bus.close();
      cache.clear();
    },
  };
}
