/**
 * Lead scoring at scale, on a real engine database: N generated leads inserted through the score
 * triggers (compared with the same inserts without them), the queue scored in the keeper's
 * batches, a full rescore after a configuration change (ms per 100k, the longest batch, and the
 * event loop's worst lag while the keeper's own timer loop runs it), and queries that sort or
 * filter by score.
 *
 *   npx tsx bench/scores/main.ts [--count 1000000] [--batch 2000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ScoringConfig } from '../../packages/schema/src/index.ts';
import { openDb } from '../../apps/desktop/src/engine/db.ts';
import { createLogger } from '../../apps/desktop/src/engine/logger.ts';
import { openLeadQueryLayer } from '../../apps/desktop/src/engine/leads/query/lead-query-layer.ts';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '2000' },
    /** Keep the databases in this folder (for looking at query plans afterwards). */
    keep: { type: 'string' },
  },
});
const COUNT = Number(args.count);
const BATCH = Number(args.batch);
const W = 'ws-bench';
const log = createLogger('silent');

const RULES: ScoringConfig = {
  fit: [
    {
      id: 'vp',
      label: 'VP',
      kind: 'title',
      match: 'word',
      anyOf: ['VP', 'Vice President'],
      points: 30,
    },
    {
      id: 'sales',
      label: 'Sales',
      kind: 'title',
      match: 'contains',
      anyOf: ['sales', 'revenue'],
      points: 10,
    },
    {
      id: 'senior',
      label: 'Senior',
      kind: 'seniority',
      levels: ['c-level', 'vp', 'director'],
      points: 15,
    },
    {
      id: 'saas',
      label: 'Software',
      kind: 'industry',
      anyOf: ['Software', 'SaaS', 'Fintech'],
      points: 10,
    },
    { id: 'mid', label: 'Mid-market', kind: 'companySize', min: 50, max: 1000, points: 15 },
    { id: 'dach', label: 'DACH', kind: 'country', anyOf: ['DE', 'AT', 'CH'], points: 20 },
    { id: 'small', label: 'Too small', kind: 'companySize', max: 10, points: -20 },
  ],
  engagement: [],
};
const CHANGED: ScoringConfig = {
  ...RULES,
  fit: [...RULES.fit.slice(1), { ...RULES.fit[0]!, points: 35 }],
};

const TITLES = [
  'VP Sales',
  'Account Executive',
  'CEO',
  'Head of Revenue',
  'Engineer',
  'Sales Manager',
  'Director of Marketing',
  'Intern',
  'Vice President Operations',
  'Founder',
];
const INDUSTRIES = ['Software', 'Retail', 'Fintech', 'Manufacturing', 'Healthcare', 'SaaS', ''];
const COUNTRIES = ['DE', 'US', 'GB', 'FR', 'AT', 'CH', 'NL', 'ES'];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** A database with the engine's structures, and a chunked insert of the generated leads. */
function leadWriter(dir: string, withTriggers: boolean) {
  const { sqlite, close } = openDb(dir);
  sqlite.pragma('synchronous = NORMAL');
  const layer = openLeadQueryLayer(sqlite, { now: Date.now, log, background: false });
  layer.close();
  if (!withTriggers)
    for (const t of ['lead_score_ai', 'lead_score_au', 'lead_score_ad'])
      sqlite.exec(`DROP TRIGGER ${t}`);
  const insert = sqlite.prepare(
    `INSERT INTO lead (id, workspace_id, title, industry, company_size, country, tags, schema_version, seq, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, '[]', 1, ?, ?)`,
  );
  const rand = rng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const chunk = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const size = rand() < 0.2 ? null : Math.floor(rand() * 5000);
      insert.run(
        `L${String(i).padStart(8, '0')}`,
        W,
        pick(TITLES),
        pick(INDUSTRIES),
        size,
        pick(COUNTRIES),
        i,
        1_700_000_000_000 + i,
      );
    }
  });
  return { chunk, close };
}

/**
 * The same leads into two databases, without and with the score triggers, chunk by chunk in turns
 * (so both see the same machine load); the time each took.
 */
function insertBoth(root: string): { without: number; with: number } {
  const a = leadWriter(path.join(root, 'control'), false);
  const b = leadWriter(path.join(root, 'db'), true);
  const ms = { without: 0, with: 0 };
  for (let i = 0; i < COUNT; i += 10_000) {
    const to = Math.min(COUNT, i + 10_000);
    ms.without += timed(() => a.chunk(i, to))[1];
    ms.with += timed(() => b.chunk(i, to))[1];
  }
  a.close();
  b.close();
  return ms;
}

const per100k = (ms: number, n: number) => Math.round((ms / n) * 100_000);
const timed = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const v = fn();
  return [v, performance.now() - t0];
};

async function main() {
  const root = args.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sdr-bench-scores-'));
  fs.mkdirSync(root, { recursive: true });
  const out: Record<string, unknown> = { count: COUNT, batch: BATCH, cpus: os.cpus().length };
  try {
    const inserted = insertBoth(root);
    const dir = path.join(root, 'db');
    out.insert_ms_per_100k = {
      without_score_triggers: per100k(inserted.without, COUNT),
      with: per100k(inserted.with, COUNT),
    };
    fs.rmSync(path.join(root, 'control'), { recursive: true, force: true });

    const { sqlite, close } = openDb(dir);
    let config: ScoringConfig = RULES;
    const layer = openLeadQueryLayer(sqlite, {
      now: Date.now,
      log,
      background: false,
      scoring: () => config,
      workspace: () => W,
    });
    const keeper = layer.scores;

    // Initial scoring: the queue the inserts left (as after an initial sync).
    let longest = 0;
    const [, queueMs] = timed(() => {
      for (;;) {
        const [n, ms] = timed(() => keeper.flush(BATCH));
        longest = Math.max(longest, ms);
        if (n === 0) break;
      }
    });
    out.queue_ms_per_100k = per100k(queueMs, COUNT);
    out.queue_longest_batch_ms = Math.round(longest);

    // First check of this workspace: a sweep that finds every lead already current.
    keeper.checkConfig();
    const [, currentMs] = timed(() => keeper.drain(BATCH));
    out.sweep_already_current_ms_per_100k = per100k(currentMs, COUNT);

    // A configuration change, run by hand in batches (pure cost).
    config = CHANGED;
    keeper.checkConfig();
    longest = 0;
    const [, sweepMs] = timed(() => {
      for (;;) {
        const [n, ms] = timed(() => keeper.sweepBatch(BATCH));
        longest = Math.max(longest, ms);
        if (n === 0) break;
      }
    });
    out.rescore_ms_per_100k = per100k(sweepMs, COUNT);
    out.rescore_longest_batch_ms = Math.round(longest);

    // The same as the engine runs it: the keeper's timer loop, with the event loop's lag measured.
    config = RULES;
    const lags: number[] = [];
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      lags.push(now - last - 5);
      last = now;
    }, 5);
    const loopStart = performance.now();
    keeper.start();
    keeper.settingsChanged();
    while (keeper.sweeping().length > 0) await new Promise((r) => setTimeout(r, 50));
    const loopMs = performance.now() - loopStart;
    keeper.stop();
    clearInterval(probe);
    lags.sort((a, b) => a - b);
    out.rescore_in_background_ms_per_100k = per100k(loopMs, COUNT);
    out.event_loop_lag_ms = {
      p50: Math.round(lags[Math.floor(lags.length / 2)] ?? 0),
      p99: Math.round(lags[Math.floor(lags.length * 0.99)] ?? 0),
      max: Math.round(lags.at(-1) ?? 0),
    };

    // Queries over N leads.
    const q = layer.query;
    const run = (name: string, fn: () => unknown) => {
      fn(); // warm
      const times = [0, 1, 2].map(() => timed(fn)[1]).sort((a, b) => a - b);
      out.queries_ms ??= {} as Record<string, number>;
      (out.queries_ms as Record<string, number>)[name] = Math.round(times[1]!);
    };
    run('page_by_updatedAt_with_scores', () =>
      q.query(W, {
        sort: [{ field: 'updatedAt', dir: 'desc' }],
        offset: 0,
        limit: 100,
        includeDeleted: false,
      }),
    );
    run('page_by_score_desc', () =>
      q.query(W, {
        sort: [{ field: 'score', dir: 'desc' }],
        offset: 0,
        limit: 100,
        includeDeleted: false,
      }),
    );
    run('page_score_gte_60', () =>
      q.query(W, {
        filter: {
          kind: 'and',
          children: [{ kind: 'condition', field: 'score', op: 'gte', value: 60 }],
        },
        sort: [{ field: 'updatedAt', dir: 'desc' }],
        offset: 0,
        limit: 100,
        includeDeleted: false,
      }),
    );
    run('count_score_gte_60', () => {
      q.invalidate();
      return q.count(W, {
        filter: {
          kind: 'and',
          children: [{ kind: 'condition', field: 'score', op: 'gte', value: 60 }],
        },
        includeDeleted: false,
      });
    });
    layer.close();
    const pages = sqlite
      .prepare(
        `SELECT sum(pgsize) FROM dbstat WHERE name IN ('lead_score', 'lead_score_ws_score_ix', 'sqlite_autoindex_lead_score_1')`,
      )
      .pluck();
    try {
      out.lead_score_mb = Math.round(((pages.get() as number) / 2 ** 20) * 10) / 10;
    } catch {
      out.lead_score_mb = 'dbstat not available';
    }
    close();
  } finally {
    if (!args.keep) fs.rmSync(root, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

await main();
