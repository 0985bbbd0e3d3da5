/**
 * Which index a page query walks. SQLite plans a query as if it read every matching row: with a
 * filter on an indexed column (country = 'DE', 8% of a million leads) it reads those 80,000 rows
 * through that index and sorts them, when walking the sort index (`lead_q_updated`) and stopping
 * at the 100th match would read ~1,250. The same for a search: it looks up every FTS match and
 * sorts, where walking the sort index and testing each rowid against the matches (a Bloom filter
 * and a temporary index, without touching the table) stops after a page.
 *
 * So for a page (`LIMIT`) sorted by a field with a sort index, this estimates how dense the
 * matches are and forces the sort index (`INDEXED BY`) when walking it is cheaper than what SQLite
 * would do:
 * - filter density from a fixed sample of ~512 rowids spread over the table (the WHERE evaluated
 *   on them; cached per statement and values for a minute);
 * - search density from the FTS matches, counted up to 5,000 (fewer: SQLite's own plan, which
 *   reads those few rows, is best; more: the walk, unless the filter is very selective too);
 * - SQLite's own plan (`EXPLAIN QUERY PLAN`, cached per statement): kept when it reads rows in
 *   the page's order already (an index like `(owner_id, updated_at)`); when it searches an index
 *   on a filter column it reads ~density × rows; when it scans the table it reads everything.
 * Walking costs ~page / density entries. Small workspaces (under 20k leads) keep SQLite's plan.
 */
import type Database from 'better-sqlite3';
import { customIndexName } from './custom-indexes.ts';

/** First sort field → the engine-local index that returns rows in that order (search-index.ts). */
export const SORT_INDEXES: Readonly<Record<string, string>> = {
  updatedAt: 'lead_q_updated',
  createdAt: 'lead_q_created',
  lastContactedAt: 'lead_q_contacted',
  lastName: 'lead_q_name',
  company: 'lead_q_company',
};

const SAMPLE = 512;
const TTL_MS = 60_000;

export interface PlannerOptions {
  /** Workspaces with fewer live leads keep SQLite's plans (default 20,000). */
  smallWorkspace?: number;
  /** Up to how many FTS matches SQLite's own plan is kept (default 5,000). */
  ftsProbe?: number;
}

interface OwnPlan {
  /** Rows come in the page's order (no sort of every match). */
  ordered: boolean;
  /** An index is searched on a filter column (or rowids are looked up). */
  indexed: boolean;
  /** …and that index covers the query (no table lookups: a range of an index, nothing more). */
  covering: boolean;
}

export interface PageShape {
  workspaceId: string;
  /** `lead AS l …` (the FROM clause, joins included). */
  from: string;
  /** The whole WHERE (with the search) and its parameters. */
  where: string;
  params: readonly unknown[];
  /** The WHERE without the search term (for sampling) and its parameters. */
  filterWhere: string;
  filterParams: readonly unknown[];
  /** The FTS MATCH expression, when searching. */
  match: string | null;
  orderBy: string;
  sortField: string | undefined;
  includeDeleted: boolean;
  /** offset + limit */
  rows: number;
}

interface Sample {
  json: string;
  live: number;
  /** Estimated live leads of the workspace. */
  size: number;
  at: number;
}

/** The index returning leads in a field's order: a built-in one, or a custom field's. */
export function sortIndexFor(field: string): string | undefined {
  if (Object.hasOwn(SORT_INDEXES, field)) return SORT_INDEXES[field];
  return field.startsWith('custom.') ? customIndexName(field.slice('custom.'.length)) : undefined;
}

/** `lead AS l` → `lead AS l NOT INDEXED`: rowid lookups only (see where it is used). */
export const notIndexed = (from: string): string =>
  from.replace('lead AS l', 'lead AS l NOT INDEXED');

export function createPagePlanner(sqlite: Database.Database, options: PlannerOptions = {}) {
  const SMALL_WORKSPACE = options.smallWorkspace ?? 20_000;
  const FTS_PROBE = options.ftsProbe ?? 5000;
  // Two subqueries: SQLite answers a lone min() or max() of the rowid from the table's ends, but
  // scans every row for both in one SELECT.
  const bounds = sqlite.prepare(
    `SELECT (SELECT min(rowid) FROM lead) AS lo, (SELECT max(rowid) FROM lead) AS hi`,
  );
  const liveIn = sqlite
    .prepare(
      `SELECT count(*) FROM lead NOT INDEXED WHERE rowid IN (SELECT value FROM json_each(?))
       AND workspace_id = ? AND deleted = 0`,
    )
    .pluck();
  const liveAll = sqlite
    .prepare(`SELECT count(*) FROM lead WHERE workspace_id = ? AND deleted = 0`)
    .pluck();
  const ftsCount = sqlite
    .prepare(`SELECT count(*) FROM (SELECT rowid FROM lead_fts WHERE lead_fts MATCH ? LIMIT ?)`)
    .pluck();
  const readIndexes = () =>
    new Set(
      sqlite
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lead'`)
        .pluck()
        .all() as string[],
    );
  let indexes = readIndexes();
  const samples = new Map<string, Sample>();
  const densities = new Map<string, { p: number; at: number }>();
  const plans = new Map<string, OwnPlan>();
  const statements = new Map<string, Database.Statement>();
  const stmt = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = sqlite.prepare(sql);
      if (statements.size > 200) statements.clear();
      statements.set(sql, s);
    }
    return s;
  };

  const sampleOf = (workspaceId: string, now: number): Sample => {
    const hit = samples.get(workspaceId);
    if (hit && now - hit.at < 10 * TTL_MS) return hit;
    const { lo, hi } = bounds.get() as { lo: number | null; hi: number | null };
    const ids: number[] = [];
    if (lo !== null && hi !== null) {
      const step = Math.max(1, (hi - lo + 1) / SAMPLE);
      for (let r = lo; r <= hi && ids.length < SAMPLE; r += step) ids.push(Math.floor(r));
    }
    const json = JSON.stringify(ids);
    const live = liveIn.get(json, workspaceId) as number;
    const span = lo === null || hi === null ? 0 : hi - lo + 1;
    // Few of the sampled rows are this workspace's: it is small next to the others; count it.
    const size =
      live < 32 ? (liveAll.get(workspaceId) as number) : Math.round((live / ids.length) * span);
    const s = { json, live, size, at: now };
    samples.set(workspaceId, s);
    return s;
  };

  /** Share of the workspace's live leads matching the filter part (1 without a filter). */
  const filterDensity = (shape: PageShape, sample: Sample, now: number): number => {
    if (shape.filterWhere === 'base') return 1;
    const key = JSON.stringify([shape.from, shape.filterWhere, shape.filterParams]);
    const hit = densities.get(key);
    if (hit && now - hit.at < TTL_MS) return hit.p;
    if (sample.live === 0) return 0;
    // NOT INDEXED: look the sampled rowids up (SQLite would rather walk an index on the filter
    // and test every entry against the sample).
    const hits = stmt(
      `SELECT count(*) FROM ${notIndexed(shape.from)} WHERE ${shape.filterWhere}
       AND l.rowid IN (SELECT value FROM json_each(?))`,
    )
      .pluck()
      .get(...shape.filterParams, sample.json) as number;
    const p = hits / sample.live;
    if (densities.size > 500) densities.clear();
    densities.set(key, { p, at: now });
    return p;
  };

  /**
   * SQLite's own plan: `ordered` when it reads rows in the page's order (no sort of all matches:
   * keep it), `indexed` when it reads them through an index on a filter column or a rowid list.
   */
  const ownPlan = (shape: PageShape, count = false): OwnPlan => {
    const sql = count
      ? `SELECT count(*) FROM ${shape.from} WHERE ${shape.where}`
      : `SELECT l.rowid FROM ${shape.from} WHERE ${shape.where} ORDER BY ${shape.orderBy} LIMIT 1`;
    const hit = plans.get(sql);
    if (hit !== undefined) return hit;
    const steps = sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...shape.params) as {
      detail: string;
    }[];
    const ordered = !steps.some(({ detail }) => detail === 'USE TEMP B-TREE FOR ORDER BY');
    const searches = (detail: string) => {
      if (!detail.startsWith('SEARCH l USING')) return false;
      if (detail.includes('INTEGER PRIMARY KEY')) return true;
      const open = detail.lastIndexOf('(');
      const terms = open < 0 ? [] : detail.slice(open + 1, -1).split(' AND ');
      return terms.some((t) => t !== 'workspace_id=?' && t !== 'deleted=?');
    };
    const indexed = steps.some(({ detail }) => searches(detail));
    const covering = steps.some(
      ({ detail }) => searches(detail) && detail.includes('USING COVERING INDEX'),
    );
    if (plans.size > 500) plans.clear();
    const plan = { ordered, indexed, covering };
    plans.set(sql, plan);
    return plan;
  };

  return {
    /** The index to force for this page, or null for SQLite's own plan. */
    choose(shape: PageShape, now: number): string | null {
      const index = shape.sortField === undefined ? undefined : sortIndexFor(shape.sortField);
      if (!index || !indexes.has(index) || shape.includeDeleted) return null;
      const sample = sampleOf(shape.workspaceId, now);
      if (sample.size < SMALL_WORKSPACE) return null;
      let p = filterDensity(shape, sample, now);
      if (shape.match !== null) {
        const n = ftsCount.get(shape.match, FTS_PROBE + 1) as number;
        // A few matches: SQLite reads just those and sorts them.
        if (n <= FTS_PROBE) return null;
        // Many: SQLite would read every one of them (a table lookup each, then a sort), while the
        // walk tests rowids against them without touching the table.
        if (p >= 0.01) return index;
        p *= Math.min(1, n / sample.size);
      }
      if (p <= 0) return null;
      const plan = ownPlan(shape);
      if (plan.ordered) return null;
      const walk = shape.rows / p;
      const own = plan.indexed ? p * sample.size : sample.size;
      return walk < own ? index : null;
    },

    /**
     * Whether a full count should read `lead_q_facets` (its WHERE reads only columns of that
     * index: `covered`) rather than SQLite's own plan: yes unless SQLite searches an index on a
     * selective filter (under 2% of the workspace) or drives from a few FTS matches.
     */
    countWithFacets(shape: PageShape, covered: boolean, now: number): boolean {
      if (!covered || !indexes.has('lead_q_facets')) return false;
      const sample = sampleOf(shape.workspaceId, now);
      if (sample.size < SMALL_WORKSPACE) return false;
      if (shape.match !== null) {
        const n = ftsCount.get(shape.match, 4 * FTS_PROBE + 1) as number;
        if (n <= 4 * FTS_PROBE) return false;
      }
      const own = ownPlan(shape, true);
      // SQLite reads a range of a covering index (a custom field's, say): nothing beats that.
      if (own.covering) return false;
      const p = filterDensity(shape, sample, now);
      return !(p < 0.02 && own.indexed);
    },

    /** Forget estimates (after big writes, in tests). */
    reset(): void {
      indexes = readIndexes();
      samples.clear();
      densities.clear();
      plans.clear();
    },
  };
}

export type PagePlanner = ReturnType<typeof createPagePlanner>;
