/**
 * The engine's lead query layer: `leads:query` (filter + search + list + sort + one page),
 * `leads:count` and `leads:fields`, answered from local SQLite.
 *
 * One statement per request: `SELECT … FROM lead AS l WHERE l.workspace_id = ? AND l.deleted = 0
 * AND (<filter>) AND <list> AND l.rowid IN (<FTS match>) ORDER BY <≤3 keys>, l.id LIMIT ? OFFSET
 * ?`, where <list> is a dynamic list's own filter or `l.id IN (<static list's members>)` (the list
 * tables are guarded: without them a list matches nothing). The filter is compiled by
 * `compileFilterSqlite` (@sdr/domain) against the catalog of catalog.ts, so the engine, the server
 * and the in-memory evaluator agree on what it means. Statements are prepared once per SQL text
 * (a small LRU: the text depends only on the shape of the filter, never on its values).
 *
 * A page sorted by a field with a sort index may be read by walking that index (`INDEXED BY`)
 * instead of SQLite's plan, when the matches are dense enough that a page is found after a few
 * thousand entries (plan.ts: SQLite plans as if it read every match, and would read 80,000 rows of
 * one country to sort them). A top-level `starts_with` on last name or company also gets the
 * equivalent NOCASE range, so its index is searched instead of read whole (prefix-range.ts).
 *
 * Scores (`score`, computed by the engine: leads/score/) come from `lead_score`, joined only when
 * the filter or the sort mentions them; queued score updates are applied before every read (up to
 * `maxScoreFlush` of them when the query depends on scores: more only during the initial sync of
 * a big workspace, whose leads then join score-sorted pages as the keeper scores them), and each
 * page's leads carry their score (`LeadDto.score`, null while not scored).
 *
 * Counts are kept up to date from the lead change log (count-cache.ts); a first count reads the
 * covering `lead_q_facets` index when that beats SQLite's plan (plan.ts). Sorts and ranges on
 * number, date and select custom fields use expression indexes built in the background
 * (custom-indexes.ts).
 */
import type Database from 'better-sqlite3';
import { compileFilterSqlite, FilterError, sqliteFieldValue } from '@sdr/domain';
import {
  DEFAULT_PIPELINE,
  LEAD_SQL_COLUMNS,
  leadFieldsFromSqlRow,
  type CustomFieldDef,
  type FilterNode,
  type Pipeline,
} from '@sdr/schema';
import type { LeadDto, LeadFieldInfo, LeadQuery, LeadSelection } from '../../../shared/contract.ts';
import { EngineFailure } from '../../errors.ts';
import {
  LEAD_ALIAS as L,
  leadCatalog,
  readsScore,
  SCORE_JOIN,
  type LeadCatalog,
} from './catalog.ts';
import { createCountCache, relativeDateFields, type CountCacheOptions } from './count-cache.ts';
import { createCustomIndexes } from './custom-indexes.ts';
import { createPagePlanner, type PlannerOptions } from './plan.ts';
import { prefixRanges } from './prefix-range.ts';
import { createSearchQueue, FACET_COLUMNS, SEARCH_INDEX_VERSION } from './search-index.ts';
import { ftsMatch } from './search-text.ts';

export interface LeadQueryOptions {
  now: () => number;
  /** IANA zone calendar days of date filters are read in (default: this machine's zone). */
  timeZone?: string;
  /** The workspace's custom field definitions and pipeline (lead settings); default none. */
  settings?: (workspaceId: string) => {
    customFields: readonly CustomFieldDef[];
    pipeline?: Pipeline;
  };
  /**
   * A search runs after the queued FTS rewrites are flushed, so it sees every committed edit;
   * above this many queued rows (initial sync of a big workspace) it flushes only this many and
   * searches what is indexed so far, while the background indexer catches up.
   */
  maxSyncFlush?: number;
  /** Tuning of the page planner (plan.ts); tests lower its thresholds. */
  planner?: PlannerOptions;
  /** Tuning of the count cache (count-cache.ts). */
  counts?: CountCacheOptions;
  /** Queued score updates applied before a read that sorts or filters by score (default 5000). */
  maxScoreFlush?: number;
  /**
   * Catch-up mode (catch-up-mode.ts): while a workspace's leads are loaded without their insert
   * triggers, counts, searches and reads by score first queue and log the leads stored so far.
   */
  catchUp?: { beforeRead(): void };
  /** The score keeper (leads/score/score-keeper.ts); without it `score` reads as null. */
  scores?: {
    flush(limit?: number): number;
    scoresOf(ids: readonly string[]): Map<string, number>;
  };
}

/** Queued score updates applied before a read that does not depend on scores. */
const SCORE_FLUSH_ON_READ = 500;

interface ListCondition {
  sql: string;
  params: unknown[];
  /** A dynamic list's filter (null for a static list). */
  filter: FilterNode | null;
  /** A static list: its members (a table the change log does not follow). */
  members: boolean;
}

interface Compiled {
  /** `lead AS l`, joined with `lead_score` when the selection reads scores. */
  from: string;
  where: string;
  params: unknown[];
  /** The WHERE without the search (`'base'`: nothing but workspace and tombstones). */
  filterWhere: string;
  filterParams: unknown[];
  /** The FTS MATCH expression of the search, if any. */
  match: string | null;
  /** The list's part: a dynamic list's filter, or a static list's members. */
  list: ListCondition | null;
  /** False when the selection can match nothing (a list while lists do not exist yet). */
  possible: boolean;
}

const COLUMNS = [
  `${L}.id`,
  ...LEAD_SQL_COLUMNS.map((c) => `${L}.${c.column}`),
  `${L}.seq`,
  `${L}.updated_at`,
  `EXISTS (SELECT 1 FROM outbox o WHERE o.doc_name = 'lead:' || ${L}.id) AS pending`,
].join(', ');

const STATEMENTS_MAX = 200;

type Row = Record<string, unknown> & {
  id: string;
  seq: number;
  updated_at: number;
  pending: number;
};

export function toLeadDto(r: Row): LeadDto {
  return {
    id: r.id,
    ...leadFieldsFromSqlRow(r),
    updatedAt: r.updated_at,
    seq: r.seq,
    pending: r.pending === 1,
  };
}

/**
 * Whether a WHERE reads only columns of `lead_q_facets` (and rowids): then a full count reads that
 * index, not the wide rows. SQLite would pick an index with an equality on it and look every row
 * up (250,000 lookups for one status), or scan the table: it does not know each row carries a Yjs
 * state of half a kilobyte.
 */
/** The search condition, and its per-row form for re-evaluating a few leads (count-cache.ts). */
const FTS_IN = `${L}.rowid IN (SELECT rowid FROM lead_fts WHERE lead_fts MATCH ?)`;
const FTS_EXISTS = `EXISTS (SELECT 1 FROM lead_fts WHERE lead_fts MATCH ? AND lead_fts.rowid = ${L}.rowid)`;

function coveredByFacets(where: string): boolean {
  for (const m of where.matchAll(/"l"\."(\w+)"|\bl\.(\w+)/g)) {
    const col = m[1] ?? m[2]!;
    if (col !== 'rowid' && !FACET_COLUMNS.has(col)) return false;
  }
  return true;
}

export function createLeadQuery(sqlite: Database.Database, o: LeadQueryOptions) {
  const timeZone = o.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const settings =
    o.settings ??
    ((): { customFields: readonly CustomFieldDef[]; pipeline?: Pipeline } => ({
      customFields: [],
    }));
  const maxSyncFlush = o.maxSyncFlush ?? 50_000;
  const maxScoreFlush = o.maxScoreFlush ?? 5000;
  const searchQueue = createSearchQueue(sqlite);
  const planner = createPagePlanner(sqlite, o.planner);
  const statements = new Map<string, Database.Statement>();
  const countCache = createCountCache(sqlite, o.counts);
  const tableQuery = sqlite.prepare(
    `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`,
  );
  const knownTables = new Set<string>();
  let listStmt: Database.Statement | null = null;
  const listRow = () =>
    (listStmt ??= sqlite.prepare(
      `SELECT kind, filter, deleted FROM lead_list WHERE id = ? AND workspace_id = ?`,
    ));
  const catalogs = new Map<
    string,
    { key: string; catalog: LeadCatalog; customFields: readonly CustomFieldDef[] }
  >();
  const customIndexes = createCustomIndexes(sqlite);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone });

  const prepared = (sql: string): Database.Statement => {
    let stmt = statements.get(sql);
    if (stmt) {
      statements.delete(sql);
    } else {
      stmt = sqlite.prepare(sql);
      if (statements.size >= STATEMENTS_MAX) statements.delete(statements.keys().next().value!);
    }
    statements.set(sql, stmt);
    return stmt;
  };

  const catalogOf = (workspaceId: string): LeadCatalog => {
    const s = settings(workspaceId);
    const key = JSON.stringify([s.customFields, s.pipeline ?? DEFAULT_PIPELINE]);
    const hit = catalogs.get(workspaceId);
    if (hit && hit.key === key) return hit.catalog;
    const catalog = leadCatalog(s);
    catalogs.set(workspaceId, { key, catalog, customFields: s.customFields });
    return catalog;
  };

  const tableExists = (name: 'lead_list' | 'lead_list_member'): boolean => {
    if (!knownTables.has(name) && tableQuery.get(name) !== undefined) knownTables.add(name);
    return knownTables.has(name);
  };

  /**
   * The condition of list membership: a dynamic list's filter, or a static list's members (not
   * deleted). Null when it matches nothing: no such list, or no list tables in this database.
   */
  const listOf = (
    workspaceId: string,
    listId: string,
    catalog: LeadCatalog,
  ): ListCondition | null => {
    if (tableExists('lead_list')) {
      const list = listRow().get(listId, workspaceId) as
        { kind: string; filter: string | null; deleted: number } | undefined;
      if (list?.deleted) return null;
      if (list?.kind === 'dynamic') {
        let filter: unknown = null;
        try {
          filter = JSON.parse(list.filter ?? 'null');
        } catch {
          filter = null;
        }
        const f = compileFilter(filter as FilterNode, catalog, "This list's filter");
        return { sql: f.sql, params: f.params, filter: filter as FilterNode, members: false };
      }
    }
    if (!tableExists('lead_list_member')) return null;
    return {
      sql: `${L}.id IN (SELECT m.lead_id FROM lead_list_member m WHERE m.list_id = ? AND m.deleted = 0)`,
      params: [listId],
      filter: null,
      members: true,
    };
  };

  /** Makes the FTS index current for a search (see `maxSyncFlush`). */
  const freshSearch = (): void => {
    o.catchUp?.beforeRead();
    searchQueue.flush(maxSyncFlush);
  };

  const compile = (workspaceId: string, s: LeadSelection, catalog: LeadCatalog): Compiled => {
    const where = [`${L}.workspace_id = ?`];
    const params: unknown[] = [workspaceId];
    if (!s.includeDeleted) where.push(`${L}.deleted = 0`);
    const base = where.length;
    let list: ListCondition | null = null;
    if (s.filter) {
      const f = compileFilter(s.filter, catalog);
      if (f.sql !== '(1 = 1)') {
        where.push(f.sql);
        params.push(...f.params);
      }
      for (const r of prefixRanges(s.filter)) {
        where.push(r.sql);
        params.push(...r.params);
      }
    }
    if (s.listId !== undefined) {
      list = listOf(workspaceId, s.listId, catalog);
      if (list === null) {
        return {
          from: '',
          where: '',
          params: [],
          filterWhere: '',
          filterParams: [],
          match: null,
          list: null,
          possible: false,
        };
      }
      where.push(list.sql);
      params.push(...list.params);
    }
    const filterWhere = where.length > base ? where.join(' AND ') : 'base';
    const filterParams = [...params];
    const match = s.search === undefined ? null : ftsMatch(s.search);
    if (match !== null) {
      freshSearch();
      where.push(FTS_IN);
      params.push(match);
    }
    const sql = where.join(' AND ');
    return {
      from: fromFor(sql),
      where: sql,
      params,
      filterWhere,
      filterParams,
      match,
      list,
      possible: true,
    };
  };

  const fromFor = (...sql: string[]): string => {
    const scored = sql.some(readsScore);
    if (scored) o.catchUp?.beforeRead();
    // A read that depends on scores sees every committed write (as far as `maxScoreFlush` goes).
    o.scores?.flush(scored ? maxScoreFlush : SCORE_FLUSH_ON_READ);
    return scored ? `lead AS ${L} ${SCORE_JOIN}` : `lead AS ${L}`;
  };

  const withScores = (items: LeadDto[]): LeadDto[] => {
    if (!o.scores) return items;
    const scores = o.scores.scoresOf(items.map((i) => i.id));
    return items.map((i) => ({ ...i, score: scores.get(i.id) ?? null }));
  };

  const compileFilter = (filter: FilterNode, catalog: LeadCatalog, what = 'The filter') => {
    try {
      return compileFilterSqlite(filter, catalog.filter, { now: o.now(), timeZone });
    } catch (err) {
      if (err instanceof FilterError) {
        throw new EngineFailure('invalid_input', `${what} is not valid: ${err.message}`, {
          cause: err,
          issues: err.issues.map((i) => ({
            path: ['filter', ...i.path].join('.'),
            message: i.message,
          })),
        });
      }
      throw err;
    }
  };

  const orderBy = (sort: LeadQuery['sort'], catalog: LeadCatalog): string => {
    const keys = sort.map(({ field, dir }) => {
      const expr = Object.hasOwn(catalog.sort, field) ? catalog.sort[field] : undefined;
      if (expr === undefined) {
        throw new EngineFailure('invalid_input', `Cannot sort by unknown field "${field}"`, {
          issues: [{ path: 'sort', message: `Unknown field "${field}"` }],
        });
      }
      return `${expr} ${dir === 'desc' ? 'DESC' : 'ASC'}`;
    });
    // A stable order: ties broken by id, in the direction of the first key.
    keys.push(`${L}.id ${sort[0]?.dir === 'desc' ? 'DESC' : 'ASC'}`);
    return keys.join(', ');
  };

  return {
    timeZone,

    query(workspaceId: string, q: LeadQuery): { items: LeadDto[]; tookMs: number } {
      const t0 = performance.now();
      const catalog = catalogOf(workspaceId);
      const order = orderBy(q.sort, catalog);
      const c = compile(workspaceId, q, catalog);
      if (!c.possible) return { items: [], tookMs: performance.now() - t0 };
      const from = readsScore(order) ? fromFor(order) : c.from;
      const forced = planner.choose(
        {
          workspaceId,
          from,
          where: c.where,
          params: c.params,
          filterWhere: c.filterWhere,
          filterParams: c.filterParams,
          match: c.match,
          orderBy: order,
          sortField: q.sort[0]?.field,
          includeDeleted: q.includeDeleted,
          rows: q.offset + q.limit,
        },
        o.now(),
      );
      const walk = forced
        ? from.replace(`lead AS ${L}`, `lead AS ${L} INDEXED BY ${forced}`)
        : from;
      const rows = prepared(
        `SELECT ${COLUMNS} FROM ${walk} WHERE ${c.where} ORDER BY ${order} LIMIT ? OFFSET ?`,
      ).all(...c.params, q.limit, q.offset) as Row[];
      return { items: withScores(rows.map(toLeadDto)), tookMs: performance.now() - t0 };
    },

    count(workspaceId: string, s: LeadSelection): { count: number; tookMs: number } {
      const t0 = performance.now();
      // Leads stored in catch-up mode reach the change log the count cache follows.
      o.catchUp?.beforeRead();
      const at = o.now();
      const catalog = catalogOf(workspaceId);
      const c = compile(workspaceId, s, catalog);
      if (!c.possible) return { count: 0, tookMs: performance.now() - t0 };
      const relative = [
        ...relativeDateFields(s.filter),
        ...relativeDateFields(c.list?.filter ?? undefined),
      ];
      const nowColumns = [...new Set(relative)].flatMap((field) => {
        const f = Object.hasOwn(catalog.filter, field) ? catalog.filter[field] : undefined;
        return f && f.dateStorage !== 'day' ? [sqliteFieldValue(field, f)] : [];
      });
      const count = countCache.count(
        {
          // The selection, its settings, a dynamic list's filter and today's date (relative
          // ranges start at a day boundary); the search index's version (counts are saved).
          key: JSON.stringify([
            SEARCH_INDEX_VERSION,
            workspaceId,
            catalogs.get(workspaceId)?.key,
            s.filter ?? null,
            s.search ?? null,
            s.listId ?? null,
            c.list?.filter ?? null,
            s.includeDeleted,
            today.format(at),
          ]),
          countFrom: () =>
            planner.countWithFacets(
              {
                workspaceId,
                from: c.from,
                where: c.where,
                params: c.params,
                filterWhere: c.filterWhere,
                filterParams: c.filterParams,
                match: c.match,
                orderBy: '',
                sortField: undefined,
                includeDeleted: s.includeDeleted,
                rows: 0,
              },
              coveredByFacets(c.where),
              at,
            )
              ? c.from.replace(`lead AS ${L}`, `lead AS ${L} INDEXED BY lead_q_facets`)
              : c.from,
          from: c.from,
          where: c.where,
          deltaWhere: c.where.replace(FTS_IN, FTS_EXISTS),
          params: c.params,
          nowColumns,
          workspaceId,
          followable: !readsScore(c.where) && !c.list?.members,
        },
        at,
      );
      return { count, tookMs: performance.now() - t0 };
    },

    /** Forgets cached counts only (the next count of each selection is a full one). */
    forgetCounts(): void {
      countCache.clear();
    },

    /** Saves cached counts that moved since saved (the engine closes: count-cache.ts). */
    persistCounts(): void {
      countCache.persist();
    },

    /** How counts were answered so far (count-cache.ts). */
    countStats() {
      return countCache.stats();
    },

    /**
     * Housekeeping for the background loop: drops change-log rows no cached count needs; keeps the
     * custom-field indexes in line with the custom fields of the workspaces queried, building a
     * missing one only when `idle` (it blocks for seconds on a big replica).
     */
    maintain(idle = false): void {
      countCache.prune();
      if (catalogs.size === 0) return;
      const defs = [...catalogs.values()].flatMap((c) => c.customFields);
      if (customIndexes.sync(defs, idle)) planner.reset();
    },

    /** Ids of every lead of a selection, in the given order (bulk actions, exports). */
    ids(workspaceId: string, s: LeadSelection, sort: LeadQuery['sort'] = []): string[] {
      const catalog = catalogOf(workspaceId);
      const c = compile(workspaceId, s, catalog);
      if (!c.possible) return [];
      const order = sort.length > 0 ? orderBy(sort, catalog) : `${L}.rowid`;
      const from = readsScore(order) ? fromFor(order) : c.from;
      return prepared(`SELECT ${L}.id FROM ${from} WHERE ${c.where} ORDER BY ${order}`)
        .pluck()
        .all(...c.params) as string[];
    },

    fields(workspaceId: string): LeadFieldInfo[] {
      return catalogOf(workspaceId).fields;
    },

    /** Indexes on `lead` were dropped or built (catch-up mode): plans are looked at again. */
    indexesChanged(): void {
      planner.reset();
    },

    /** Forgets cached counts (tests; lead settings changed). */
    invalidate(): void {
      countCache.clear();
      catalogs.clear();
      planner.reset();
    },
  };
}

export type LeadQueryService = ReturnType<typeof createLeadQuery>;
