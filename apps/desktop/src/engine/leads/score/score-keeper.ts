/**
 * Keeps every lead's fit score in `lead_score` (docs/adr/0004-scores-computed-locally.md): the
 * score is a pure function of the lead's fields and the workspace's scoring configuration, so the
 * engine computes it itself with @sdr/domain's scoring.
 *
 * - **Writes** are queued by triggers (`score-queue.ts`) with the fit fields that changed; `flush`
 *   drains the queue in one transaction per call: a lead scored with the current configuration is
 *   brought up to date with `rescore` (a change of a field no rule reads writes nothing), any other
 *   with `scoreLeadState`. Reads that involve scores flush first; the background loop does the rest.
 * - **A configuration change** (`checkConfig`: the workspace's config hash differs from the one
 *   recorded for it) starts a full rescore of the workspace: batches in rowid order, one
 *   transaction each with the cursor (`lead_query_meta` `score_cursor:<ws>`), so a restart resumes;
 *   rows already scored with the new configuration are skipped. The loop yields to the event loop
 *   between batches, sized to a time budget from the measured cost per lead (smaller while the
 *   engine answers requests), so a rescore of 1M leads never holds the engine for long.
 *
 * - **Engagement** (a workspace with engagement rules): a lead's events come from its messages in
 *   the engine's copy (`engagementEventsOf`: replies, calls, opens, clicks), and such a lead is
 *   scored from scratch whenever it is queued. A message that counts queues its lead when it
 *   arrives, changes or goes (`score-queue.ts`). Time alone changes engagement points (windows,
 *   decay): the earliest `validUntil` of the workspace's scores is kept (`score_valid_until:<ws>`),
 *   and once it has passed every lead with counting messages is queued again.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  engagementEventsOf,
  rescore,
  scoreLeadState,
  type ActivityEvent,
  scoringConfigKey,
  type ScoreLine,
  type ScoreState,
  type ScoringLead,
} from '@sdr/domain';
import type { ScoringConfig } from '@sdr/schema';
import type { Logger } from '../../logger.ts';
import {
  changedFieldsOf,
  countsForEngagement,
  ENGAGEMENT_BIT,
  ensureScoreQueue,
} from './score-queue.ts';

export interface ScoreKeeperOptions {
  log: Logger;
  now: () => number;
  /**
   * A workspace's scoring configuration; undefined when it is not known now (its queued leads are
   * then left for a full rescore once it is known again).
   */
  config: (workspaceId: string) => ScoringConfig | undefined;
  /** The workspace whose configuration is watched (the signed-in one); null when none. */
  workspace: () => string | null;
  /**
   * How long one background batch may hold the event loop while the engine is idle / busy
   * answering requests (ms): the batch size follows the measured cost per lead.
   */
  budgetMs?: { idle: number; busy: number };
  /** The most leads in one background batch. */
  maxBatch?: number;
  /** Pause between batches (ms). */
  gapMs?: number;
  /** How often an idle loop looks again (and re-checks the configuration) (ms). */
  pollMs?: number;
  /** How long after a request the engine counts as busy (ms). */
  busyMs?: number;
  /** True while the loop must wait (catch-up mode: leads are being loaded; an import writes). */
  paused?: () => boolean;
}

export interface LeadScoreView {
  score: number;
  breakdown: ScoreLine[];
}

interface Config {
  config: ScoringConfig;
  /** `scoringConfigKey` (what `rescore` compares). */
  key: string;
  /** Its short hash, stored per row as `config_key`. */
  hash: string;
}

interface FitRow {
  id: string;
  title: string;
  industry: string;
  company_size: number | null;
  country: string;
}
interface QueuedRow extends FitRow {
  rowid: number;
  fields: number;
  ws: string;
  score: number | null;
  breakdown: string | null;
  config_key: string | null;
}
interface MessageRow {
  id: string;
  lead_id: string;
  direction: 'in' | 'out' | 'internal';
  kind: 'message' | 'note' | 'call' | 'auto_reply' | 'bounce';
  created_at: number;
  opened_at: number | null;
  clicked_at: number | null;
}
interface SweepRow extends FitRow {
  rowid: number;
  config_key: string | null;
}

const NO_ENGAGEMENT = { points: 0, lines: [], events: [], validUntil: null } as const;
const hasEngagement = (c: Config) => c.config.engagement.length > 0;

const scoringLead = (r: FitRow): ScoringLead => ({
  title: r.title,
  industry: r.industry,
  companySize: r.company_size,
  country: r.country,
});

function parseLines(text: string | null): ScoreLine[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as ScoreLine[]) : [];
  } catch {
    return [];
  }
}

export function configHash(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

export class ScoreKeeper {
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private lastActivity = 0;
  private lastCheck = 0;
  /** Measured cost of one lead in a background batch (ms), a moving average. */
  private msPerLead = 0.05;
  private readonly sweeps = new Map<string, { startedAt: number; rows: number }>();
  private readonly o: Required<Omit<ScoreKeeperOptions, 'log'>> & { log: Logger };
  private readonly s;

  constructor(
    private readonly sqlite: Database.Database,
    options: ScoreKeeperOptions,
  ) {
    this.o = {
      budgetMs: { idle: 15, busy: 4 },
      maxBatch: 5000,
      gapMs: 5,
      pollMs: 1000,
      busyMs: 250,
      paused: () => false,
      ...options,
    };
    ensureScoreQueue(sqlite);
    const fit =
      'l.id AS id, l.title AS title, l.industry AS industry, l.company_size AS company_size, l.country AS country';
    this.s = {
      any: sqlite.prepare(`SELECT 1 FROM lead_score_dirty LIMIT 1`).pluck(),
      count: sqlite.prepare(`SELECT count(*) FROM lead_score_dirty`).pluck(),
      cutoff: sqlite
        .prepare(`SELECT lead_rowid FROM lead_score_dirty ORDER BY lead_rowid LIMIT 1 OFFSET ?`)
        .pluck(),
      queued: sqlite.prepare(
        `SELECT d.lead_rowid AS rowid, d.fields AS fields, l.workspace_id AS ws, ${fit},
           s.score AS score, s.breakdown AS breakdown, s.config_key AS config_key
         FROM lead_score_dirty d CROSS JOIN lead l ON l.rowid = d.lead_rowid
         LEFT JOIN lead_score s ON s.lead_id = l.id
         WHERE d.lead_rowid <= ?`,
      ),
      dequeue: sqlite.prepare(`DELETE FROM lead_score_dirty WHERE lead_rowid <= ?`),
      dequeueOne: sqlite.prepare(`DELETE FROM lead_score_dirty WHERE lead_rowid = ?`),
      put: sqlite.prepare(
        `INSERT INTO lead_score (lead_id, workspace_id, score, breakdown, config_key)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(lead_id) DO UPDATE SET workspace_id = excluded.workspace_id,
           score = excluded.score, breakdown = excluded.breakdown, config_key = excluded.config_key`,
      ),
      sweep: sqlite.prepare(
        `SELECT l.rowid AS rowid, ${fit}, s.config_key AS config_key
         FROM lead AS l NOT INDEXED LEFT JOIN lead_score s ON s.lead_id = l.id
         WHERE l.rowid > ? AND l.workspace_id = ? ORDER BY l.rowid LIMIT ?`,
      ),
      lead: sqlite.prepare(
        `SELECT l.workspace_id AS ws, ${fit}, s.score AS score, s.breakdown AS breakdown,
           s.config_key AS config_key
         FROM lead l LEFT JOIN lead_score s ON s.lead_id = l.id WHERE l.id = ?`,
      ),
      scores: sqlite.prepare(
        `SELECT s.lead_id AS id, s.score AS score FROM json_each(?) j
         JOIN lead_score s ON s.lead_id = j.value`,
      ),
      meta: sqlite.prepare(`SELECT value FROM lead_query_meta WHERE key = ?`).pluck(),
      setMeta: sqlite.prepare(
        `INSERT INTO lead_query_meta (key, value) VALUES (?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      ),
      delMeta: sqlite.prepare(`DELETE FROM lead_query_meta WHERE key = ?`),
      messages: sqlite.prepare(
        `SELECT m.id AS id, m.lead_id AS lead_id, m.direction AS direction, m.kind AS kind,
           m.created_at AS created_at, m.opened_at AS opened_at, m.clicked_at AS clicked_at
         FROM json_each(?) j CROSS JOIN message m ON m.workspace_id = ? AND m.lead_id = j.value
         WHERE ${countsForEngagement('m')}`,
      ),
      requeueEngaged: sqlite.prepare(
        `INSERT INTO lead_score_dirty (lead_rowid, fields)
         SELECT DISTINCT l.rowid, ${ENGAGEMENT_BIT} FROM message m JOIN lead l ON l.id = m.lead_id
         WHERE m.workspace_id = ? AND ${countsForEngagement('m')}
           AND NOT EXISTS (SELECT 1 FROM lead_score_dirty d WHERE d.lead_rowid = l.rowid)`,
      ),
      cursors: sqlite.prepare(
        `SELECT substr(key, 14) AS ws, value FROM lead_query_meta WHERE key LIKE 'score_cursor:%'`,
      ),
    };
  }

  // ---- loop ----

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The engine is answering requests: smaller batches for a while. */
  noteActivity(): void {
    this.lastActivity = performance.now();
  }

  /** Leads changed (ids, or null: many): score the queued ones now, let the loop run soon. */
  changed(ids: readonly string[] | null): void {
    if (this.stopped || !this.sqlite.open) return;
    if (ids && ids.length <= 200) this.safely(() => this.flush(5000));
    this.schedule(0);
  }

  /** The workspace's lead settings changed: rescore everything if its scoring did. */
  settingsChanged(): void {
    if (this.stopped || !this.sqlite.open) return;
    this.safely(() => this.checkConfig());
  }

  // ---- work ----

  /** Leads waiting in the queue. */
  queued(): number {
    return this.s.count.get() as number;
  }

  /** Workspaces with a full rescore under way, and where it is. */
  sweeping(): { workspaceId: string; cursor: number }[] {
    return (this.s.cursors.all() as { ws: string; value: string }[]).map((r) => ({
      workspaceId: r.ws,
      cursor: Number(r.value),
    }));
  }

  /**
   * Scores up to `limit` queued leads (all when omitted) in one transaction; returns how many were
   * taken off the queue.
   */
  flush(limit?: number): number {
    if (this.s.any.get() === undefined) return 0;
    return this.sqlite.transaction(() => {
      const last =
        limit === undefined
          ? Number.MAX_SAFE_INTEGER
          : ((this.s.cutoff.get(limit - 1) as number | undefined) ?? Number.MAX_SAFE_INTEGER);
      const rows = this.s.queued.all(last) as QueuedRow[];
      const configs = new Map<string, Config | undefined>();
      const now = this.o.now();
      for (const r of rows) if (!configs.has(r.ws)) configs.set(r.ws, this.configOf(r.ws));
      const events = this.eventsOf(rows, configs);
      for (const r of rows) {
        const c = configs.get(r.ws);
        if (!c) {
          // Not known now: a full rescore scores it once the configuration is known again.
          this.s.setMeta.run(`score_key:${r.ws}`, '');
          continue;
        }
        const lead = scoringLead(r);
        if (hasEngagement(c)) {
          this.write(
            r.id,
            r.ws,
            scoreLeadState(lead, events.get(r.id) ?? [], c.config, { now }),
            c,
          );
        } else if (r.score !== null && r.config_key === c.hash) {
          const breakdown = parseLines(r.breakdown);
          const prev: ScoreState = {
            score: r.score,
            breakdown,
            fit: { points: r.score, lines: breakdown },
            engagement: NO_ENGAGEMENT,
            configKey: c.key,
            computedAt: now,
          };
          const next = rescore(
            prev,
            { lead, changedFields: changedFieldsOf(r.fields), now },
            c.config,
          );
          if (next.ok && next.state === prev) continue;
          this.write(
            r.id,
            r.ws,
            next.ok ? next.state : scoreLeadState(lead, [], c.config, { now }),
            c,
          );
        } else {
          this.write(r.id, r.ws, scoreLeadState(lead, [], c.config, { now }), c);
        }
      }
      return this.s.dequeue.run(last).changes;
    })();
  }

  /**
   * Compares the workspace's configuration (default: the watched one) with the one its scores
   * were computed for, and starts a full rescore when they differ. True when one started.
   */
  checkConfig(workspaceId?: string): boolean {
    this.lastCheck = performance.now();
    const ws = workspaceId ?? this.o.workspace();
    if (!ws) return false;
    const c = this.configOf(ws);
    if (!c || this.s.meta.get(`score_key:${ws}`) === c.hash) return false;
    this.sqlite.transaction(() => {
      this.s.setMeta.run(`score_key:${ws}`, c.hash);
      this.s.setMeta.run(`score_cursor:${ws}`, '0');
    })();
    this.sweeps.set(ws, { startedAt: performance.now(), rows: 0 });
    this.o.log.info('scoring configuration changed; rescoring every lead', { workspaceId: ws });
    this.schedule(0);
    return true;
  }

  /** One batch of the full rescores under way (up to `limit` leads); returns leads looked at. */
  sweepBatch(limit: number): number {
    for (const { workspaceId: ws, cursor } of this.sweeping()) {
      const c = this.configOf(ws);
      if (!c) continue; // Paused until the configuration is known again.
      if (this.s.meta.get(`score_key:${ws}`) !== c.hash) {
        this.checkConfig(ws); // Changed again meanwhile: start over.
        continue;
      }
      const n = this.sqlite.transaction(() => {
        const rows = this.s.sweep.all(cursor, ws, limit) as SweepRow[];
        const now = this.o.now();
        const todo = rows.filter((r) => r.config_key !== c.hash);
        const events = this.eventsOf(
          todo.map((r) => ({ ...r, ws })),
          new Map([[ws, c]]),
        );
        // Queued writes of these leads are covered by this batch.
        const queued = this.s.any.get() !== undefined;
        for (const r of rows) {
          if (r.config_key !== c.hash) {
            const state = scoreLeadState(scoringLead(r), events.get(r.id) ?? [], c.config, { now });
            this.write(r.id, ws, state, c);
          }
          if (queued) this.s.dequeueOne.run(r.rowid);
        }
        if (rows.length > 0) this.s.setMeta.run(`score_cursor:${ws}`, String(rows.at(-1)!.rowid));
        else this.s.delMeta.run(`score_cursor:${ws}`);
        return rows.length;
      })();
      const sweep = this.sweeps.get(ws);
      if (n > 0) {
        if (sweep) sweep.rows += n;
        return n;
      }
      // Fresh statistics, so the planner knows how scores are spread (sort and filter by score).
      if ((sweep?.rows ?? 0) >= 10_000) this.sqlite.pragma('optimize');
      this.o.log.info('rescored every lead', {
        workspaceId: ws,
        ...(sweep
          ? { leads: sweep.rows, ms: Math.round(performance.now() - sweep.startedAt) }
          : {}),
      });
      this.sweeps.delete(ws);
    }
    return 0;
  }

  /** Runs the queue and every rescore under way to the end (tests, benchmarks). */
  drain(batch = 2000): number {
    let total = 0;
    for (;;) {
      const n = this.flush(batch) + this.sweepBatch(batch);
      if (n === 0) return total;
      total += n;
    }
  }

  // ---- reads ----

  /** Stored scores of these leads (leads without one are missing). */
  scoresOf(ids: readonly string[]): Map<string, number> {
    if (ids.length === 0) return new Map();
    const rows = this.s.scores.all(JSON.stringify(ids)) as { id: string; score: number }[];
    return new Map(rows.map((r) => [r.id, r.score]));
  }

  /**
   * A lead's score and why, with the workspace's current configuration (computed and stored now
   * when the stored one is missing or from another configuration). Null: no such lead here.
   */
  explain(workspaceId: string, id: string): LeadScoreView | null {
    this.flush(5000);
    const r = this.s.lead.get(id) as (QueuedRow & { ws: string }) | undefined;
    if (!r || r.ws !== workspaceId) return null;
    const c = this.configOf(workspaceId);
    if (c && (r.score === null || r.config_key !== c.hash)) {
      const events = this.eventsOf([{ ...r, id }], new Map([[workspaceId, c]])).get(id) ?? [];
      const state = scoreLeadState(scoringLead(r), events, c.config, { now: this.o.now() });
      this.write(id, workspaceId, state, c);
      return { score: state.score, breakdown: [...state.breakdown] };
    }
    return { score: r.score ?? 0, breakdown: parseLines(r.breakdown) };
  }

  // ---- helpers ----

  private write(id: string, ws: string, state: ScoreState, c: Config): void {
    this.s.put.run(id, ws, state.score, JSON.stringify(state.breakdown), c.hash);
    const until = state.engagement.validUntil;
    if (until !== null) {
      const key = `score_valid_until:${ws}`;
      const have = this.s.meta.get(key) as string | undefined;
      if (have === undefined || until < Number(have)) this.s.setMeta.run(key, String(until));
    }
  }

  /** The engagement events of these leads, for those whose workspace has engagement rules. */
  private eventsOf(
    rows: readonly { id: string; ws: string }[],
    configs: ReadonlyMap<string, Config | undefined>,
  ): Map<string, ActivityEvent[]> {
    const ids = new Map<string, string[]>();
    for (const r of rows) {
      const c = configs.get(r.ws);
      if (!c || !hasEngagement(c)) continue;
      const list = ids.get(r.ws);
      if (list) list.push(r.id);
      else ids.set(r.ws, [r.id]);
    }
    const byLead = new Map<string, MessageRow[]>();
    for (const [ws, list] of ids) {
      for (const m of this.s.messages.all(JSON.stringify(list), ws) as MessageRow[]) {
        const have = byLead.get(m.lead_id);
        if (have) have.push(m);
        else byLead.set(m.lead_id, [m]);
      }
    }
    const out = new Map<string, ActivityEvent[]>();
    for (const [leadId, messages] of byLead) {
      out.set(
        leadId,
        engagementEventsOf(
          messages.map((m) => ({
            id: m.id,
            direction: m.direction,
            kind: m.kind,
            createdAt: m.created_at,
            openedAt: m.opened_at,
            clickedAt: m.clicked_at,
          })),
        ),
      );
    }
    return out;
  }

  /**
   * Engagement points change with time alone (windows, decay): once the earliest `validUntil` of
   * the workspace's scores has passed, every lead with messages that count is queued again.
   */
  requeueExpired(ws: string): number {
    const key = `score_valid_until:${ws}`;
    const until = this.s.meta.get(key) as string | undefined;
    if (until === undefined || this.o.now() < Number(until)) return 0;
    return this.sqlite.transaction(() => {
      this.s.delMeta.run(key);
      return this.s.requeueEngaged.run(ws).changes;
    })();
  }

  private configOf(ws: string): Config | undefined {
    const config = this.o.config(ws);
    if (!config) return undefined;
    const key = scoringConfigKey(config);
    return { config, key, hash: configHash(key) };
  }

  private safely(fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      this.o.log.warn('lead scoring failed; retrying later', { err });
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = null;
    if (this.stopped) return;
    if (!this.sqlite.open) return this.stop();
    if (this.o.paused()) return this.schedule(this.o.pollMs);
    let done = 0;
    this.safely(() => {
      // Signed out, or the engine is still starting: nothing's configuration is known.
      if (this.o.workspace() === null) return;
      if (performance.now() - this.lastCheck >= this.o.pollMs) {
        this.checkConfig();
        this.requeueExpired(this.o.workspace()!);
      }
      const busy = performance.now() - this.lastActivity < this.o.busyMs;
      const budget = busy ? this.o.budgetMs.busy : this.o.budgetMs.idle;
      const limit = Math.max(10, Math.min(this.o.maxBatch, Math.round(budget / this.msPerLead)));
      const t0 = performance.now();
      done = this.flush(limit);
      if (done < limit) done += this.sweepBatch(limit - done);
      if (done > 0) {
        const cost = (performance.now() - t0) / done;
        this.msPerLead = 0.7 * this.msPerLead + 0.3 * cost;
      }
    });
    this.schedule(done > 0 ? this.o.gapMs : this.o.pollMs);
  }
}
