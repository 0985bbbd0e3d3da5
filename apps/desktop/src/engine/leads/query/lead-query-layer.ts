/**
 * The lead query layer as the engine opens it: derived structures (search-index.ts) created or
 * upgraded, connection settings for big replicas, the query service, the background notes indexer,
 * the score keeper (../score/score-keeper.ts: lead scores for sorting, filtering and display) and
 * catch-up mode (catch-up-mode.ts: big catch-ups store leads first, derived structures after).
 */
import type Database from 'better-sqlite3';
import {
  DEFAULT_LEAD_SETTINGS,
  type CustomFieldDef,
  type Pipeline,
  type ScoringConfig,
} from '@sdr/schema';
import type { Logger } from '../../logger.ts';
import { ScoreKeeper, type ScoreKeeperOptions } from '../score/score-keeper.ts';
import { CatchUpMode, type CatchUpModeOptions } from './catch-up-mode.ts';
import { createLeadQuery, type LeadQueryService } from './lead-query.ts';
import { NotesIndexer, type NotesIndexerOptions } from './notes-indexer.ts';
import type { CountCacheOptions } from './count-cache.ts';
import type { PlannerOptions } from './plan.ts';
import { ensureLeadQueryStructures } from './search-index.ts';

export interface LeadQueryLayerOptions {
  now: () => number;
  log: Logger;
  /** The workspace's custom fields and pipeline (default, and when undefined: the default settings). */
  settings?: (
    workspaceId: string,
  ) => { customFields: readonly CustomFieldDef[]; pipeline?: Pipeline } | undefined;
  /**
   * A workspace's scoring configuration (default: the default settings' for every workspace);
   * undefined when it is not known now.
   */
  scoring?: (workspaceId: string) => ScoringConfig | undefined;
  /** The signed-in workspace (whose scoring configuration changes are watched); default none. */
  workspace?: () => string | null;
  timeZone?: string;
  indexer?: Omit<NotesIndexerOptions, 'log'>;
  /** Page planner tuning (plan.ts). */
  planner?: PlannerOptions;
  /** Count cache tuning (count-cache.ts). */
  counts?: CountCacheOptions;
  scores?: Pick<
    ScoreKeeperOptions,
    'budgetMs' | 'maxBatch' | 'gapMs' | 'pollMs' | 'busyMs' | 'paused'
  >;
  /** Start the background indexer and score keeper (default true; tests drive them by hand). */
  background?: boolean;
  /** Catch-up mode tuning (catch-up-mode.ts). */
  catchUp?: Pick<CatchUpModeOptions, 'minBacklog' | 'gapMs'>;
}

export interface LeadQueryLayer {
  query: LeadQueryService;
  indexer: NotesIndexer;
  scores: ScoreKeeper;
  catchUp: CatchUpMode;
  close(): void;
}

export function openLeadQueryLayer(
  sqlite: Database.Database,
  o: LeadQueryLayerOptions,
): LeadQueryLayer {
  // Every lead write fires the search triggers, so it needs a statement journal: keep it (and
  // the small sorts of ORDER BY … LIMIT) in memory instead of a temp file per statement.
  sqlite.pragma('temp_store = MEMORY');
  // 64 MB of page cache (the default is 16): a lead write touches a page of each lead index, and
  // a page of a million-lead table reads the top of several indexes.
  sqlite.pragma('cache_size = -65536');
  let query: LeadQueryService | null = null;
  let indexer: NotesIndexer | null = null;
  let scores: ScoreKeeper | null = null;
  const catchUp = new CatchUpMode(sqlite, {
    ...o.catchUp,
    log: o.log.child('catch-up'),
    onChanged: () => query?.indexesChanged(),
    onQueued: () => {
      indexer?.changed(null);
      scores?.changed(null);
    },
  });
  // Before anything else looks at the derived structures: a catch-up cut short is finished.
  catchUp.recover();
  const t0 = performance.now();
  const ensured = ensureLeadQueryStructures(sqlite);
  if (ensured.rebuilt || ensured.created.length > 0 || ensured.dropped.length > 0) {
    o.log.info('lead query structures built', {
      ...ensured,
      ms: Math.round(performance.now() - t0),
    });
  }
  // Statistics for the planner: cheap (sampled) and only where they are missing or stale.
  sqlite.pragma('analysis_limit = 1000');
  sqlite.pragma('optimize = 0x10002');
  scores = new ScoreKeeper(sqlite, {
    ...o.scores,
    paused: () => catchUp.paused() || (o.scores?.paused?.() ?? false),
    log: o.log.child('scores'),
    now: o.now,
    config: o.scoring ?? (() => DEFAULT_LEAD_SETTINGS.scoring),
    workspace: o.workspace ?? (() => null),
  });
  query = createLeadQuery(sqlite, {
    scores,
    catchUp,
    now: o.now,
    settings: (workspaceId) => o.settings?.(workspaceId) ?? DEFAULT_LEAD_SETTINGS,
    ...(o.timeZone ? { timeZone: o.timeZone } : {}),
    ...(o.planner ? { planner: o.planner } : {}),
    ...(o.counts ? { counts: o.counts } : {}),
  });
  indexer = new NotesIndexer(sqlite, {
    ...o.indexer,
    paused: () => catchUp.paused() || (o.indexer?.paused?.() ?? false),
    log: o.log.child('search-indexer'),
    maintenance: (idle) => query?.maintain(idle),
  });
  if (o.background !== false) {
    indexer.start();
    scores.start();
  }
  const layer = { query, indexer, scores };
  return {
    ...layer,
    catchUp,
    close() {
      if (sqlite.open) layer.query.persistCounts();
      layer.indexer.stop();
      layer.scores.stop();
      catchUp.close();
    },
  };
}
