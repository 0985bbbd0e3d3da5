/**
 * The lead query layer as the engine opens it: derived structures (search-index.ts) created or
 * upgraded, connection settings for big replicas, the query service and the background indexer.
 */
import type Database from 'better-sqlite3';
import { DEFAULT_LEAD_SETTINGS, type CustomFieldDef, type Pipeline } from '@sdr/schema';
import type { Logger } from '../../logger.ts';
import { createLeadQuery, type LeadQueryService } from './lead-query.ts';
import { NotesIndexer, type NotesIndexerOptions } from './notes-indexer.ts';
import { ensureLeadQueryStructures } from './search-index.ts';

export interface LeadQueryLayerOptions {
  now: () => number;
  log: Logger;
  /** The workspace's custom fields and pipeline (default, and when undefined: the default settings). */
  settings?: (
    workspaceId: string,
  ) => { customFields: readonly CustomFieldDef[]; pipeline?: Pipeline } | undefined;
  timeZone?: string;
  indexer?: Omit<NotesIndexerOptions, 'log'>;
  /** Start the background indexer (default true; tests drive it by hand). */
  background?: boolean;
}

export interface LeadQueryLayer {
  query: LeadQueryService;
  indexer: NotesIndexer;
  close(): void;
}

export function openLeadQueryLayer(
  sqlite: Database.Database,
  o: LeadQueryLayerOptions,
): LeadQueryLayer {
  // Every lead write fires the search triggers, so it needs a statement journal: keep it (and
  // the small sorts of ORDER BY … LIMIT) in memory instead of a temp file per statement.
  sqlite.pragma('temp_store = MEMORY');
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
  const query = createLeadQuery(sqlite, {
    now: o.now,
    settings: (workspaceId) => o.settings?.(workspaceId) ?? DEFAULT_LEAD_SETTINGS,
    ...(o.timeZone ? { timeZone: o.timeZone } : {}),
  });
  const indexer = new NotesIndexer(sqlite, { ...o.indexer, log: o.log.child('search-indexer') });
  if (o.background !== false) indexer.start();
  return {
    query,
    indexer,
    close() {
      indexer.stop();
    },
  };
}
