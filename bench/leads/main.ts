/**
 * `pnpm bench:leads [--leads 1000000] [--reps 3] [--fresh] [--seed-only] [--only import] [--tsx]
 * [--cache-dir DIR] [--cpu-prof DIR]`: the
 * lead table benchmark. Seeds a workspace of N generated leads straight into an engine database
 * (or reuses the one cached from an earlier run), starts REAL engine processes (`createEngine`,
 * signed in, server unreachable: as after a restart offline) and times the engine's own contract:
 * cold start to the first page, filtered/sorted first pages, searches, saved-view counts, memory.
 * Progress goes to stderr; the LAST line of stdout is one JSON object (see README.md).
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEARCH_INDEX_VERSION } from '../../apps/desktop/src/engine/leads/query/search-index.ts';
import { EngineProcess, procKb } from './engine-process.ts';
import type { CallResult, CallSpec } from './engine-worker.ts';
import { progress, sleep } from './log.ts';
import { DEAD_SERVER_URL, seedLeads } from './seed.ts';
import { buildWorkerBundle } from './worker-bundle.ts';
import { SAVED_VIEWS, SEARCHES, TABLE_QUERIES } from './workload.ts';

/** Bump when generate.ts changes what it generates (cached databases are seeded again). */
const DATA_VERSION = 2;
/** Cached databases older than this are seeded again (their dates drift away from "now"). */
const MAX_CACHE_AGE_MS = 7 * 86_400_000;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Args {
  leads: number;
  reps: number;
  fresh: boolean;
  seedOnly: boolean;
  /** `import`: only `import_100k_s` (one engine, no queries). */
  only: 'import' | null;
  tsx: boolean;
  cacheDir: string;
  /** Timed engines write a V8 CPU profile here (`node --cpu-prof`). */
  cpuProf: string | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    leads: 1_000_000,
    reps: 3,
    fresh: false,
    seedOnly: false,
    only: null,
    tsx: false,
    cacheDir: path.join(os.tmpdir(), 'sdr-bench-leads'),
    cpuProf: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--') continue;
    else if (arg === '--leads') a.leads = Number(value());
    else if (arg === '--reps') a.reps = Number(value());
    else if (arg === '--fresh') a.fresh = true;
    else if (arg === '--seed-only') a.seedOnly = true;
    else if (arg === '--only') {
      const part = value();
      if (part !== 'import') throw new Error(`--only ${part}: only \`import\` can run alone`);
      a.only = part;
    } else if (arg === '--tsx') a.tsx = true;
    else if (arg === '--cache-dir') a.cacheDir = value();
    else if (arg === '--cpu-prof') a.cpuProf = path.resolve(value());
    else
      throw new Error(
        `unknown argument ${arg} (use --leads N, --reps N, --fresh, --seed-only, --only import, --tsx, --cache-dir DIR, --cpu-prof DIR)`,
      );
  }
  if (!Number.isInteger(a.leads) || a.leads < 1000) throw new Error('--leads: an integer ≥ 1000');
  if (!Number.isInteger(a.reps) || a.reps < 1) throw new Error('--reps: a positive integer');
  return a;
}

/** The p-th percentile (nearest rank); null for no samples. */
function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

function median(values: readonly (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null).sort((x, y) => x - y);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

const round = (v: number | null, d = 2): number | null =>
  v === null ? null : Math.round(v * 10 ** d) / 10 ** d;

/** Identifies what a cached database was built from: data, search structures, migrations. */
function cacheKey(a: Args): string {
  const journal = readFileSync(
    path.join(ROOT, 'packages/schema/migrations/sqlite/meta/_journal.json'),
    'utf8',
  );
  const migrations = (JSON.parse(journal) as { entries: unknown[] }).entries.length;
  return `leads-${a.leads}-d${DATA_VERSION}-s${SEARCH_INDEX_VERSION}-m${migrations}`;
}

async function seededDataDir(a: Args): Promise<{ dataDir: string; seedS: number | null }> {
  const dataDir = path.join(a.cacheDir, cacheKey(a));
  const marker = path.join(dataDir, 'seeded.json');
  if (!a.fresh && existsSync(marker)) {
    const age = Date.now() - statSync(marker).mtimeMs;
    if (age < MAX_CACHE_AGE_MS) {
      progress(`reusing the seeded database in ${dataDir}`);
      return { dataDir, seedS: null };
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  progress(`seeding ${a.leads} leads into ${dataDir}`);
  const r = await seedLeads({ dataDir, count: a.leads, serverUrl: DEAD_SERVER_URL });
  writeFileSync(marker, JSON.stringify(r));
  return { dataDir, seedS: r.seconds };
}

const DEFAULT_VIEW: CallSpec = { channel: 'leads:query', input: {} };

interface ColdStart {
  totalMs: number;
  spawnMs: number;
  importMs: number;
  openMs: number;
  firstPageMs: number;
  rssKb: number;
}

async function coldStart(
  dataDir: string,
  bundle: string | null,
  nodeArgs: readonly string[] = [],
): Promise<{ engine: EngineProcess; r: ColdStart }> {
  const t0 = performance.now();
  const engine = await EngineProcess.spawn(bundle, nodeArgs);
  const spawnMs = performance.now() - t0;
  const opened = await engine.call('open', {
    dataDir,
    serverUrl: DEAD_SERVER_URL,
    firstPage: DEFAULT_VIEW,
  });
  const totalMs = performance.now() - t0;
  if (!opened.firstPage.ok || opened.firstPage.size === 0) {
    throw new Error(`first page failed: ${JSON.stringify(opened.firstPage)}`);
  }
  return {
    engine,
    r: {
      totalMs,
      spawnMs,
      importMs: opened.importMs,
      openMs: opened.openMs,
      firstPageMs: opened.firstPage.ms,
      rssKb: opened.rssKb,
    },
  };
}

function checkAll(results: CallResult[], what: string): void {
  const bad = results.find((r) => !r.ok);
  if (bad) throw new Error(`${what}: ${bad.error}`);
}

const queryCall = (q: (typeof TABLE_QUERIES)[number]): CallSpec => ({
  channel: 'leads:query',
  input: { filter: q.filter, sort: q.sort, limit: 100 },
});
const searchCall = (text: string): CallSpec => ({
  channel: 'leads:query',
  input: { search: text, limit: 100 },
});
const countCall = (v: (typeof SAVED_VIEWS)[number]): CallSpec => ({
  channel: 'leads:count',
  input: { ...(v.filter ? { filter: v.filter } : {}), ...(v.search ? { search: v.search } : {}) },
});

/**
 * `import_100k_s`: a 100k-row CSV shaped like a HubSpot contacts export (BOM, quoted commas,
 * mixed phone formats, 1% rows repeating an earlier email, 0.5% bad emails) imported through the
 * engine's import channels into the seeded workspace (dedupe `skip`), timed from `import:start`
 * to the last batch committed. It runs on a copy of the seeded (and settled) database
 * (`importOnCopy`), so every run imports into the same million leads and the cached database
 * stays as seeded.
 */
async function measureImport100k(
  engine: EngineProcess,
  dataDir: string,
  rows = 100_000,
): Promise<ImportFigures> {
  const csv = path.join(os.tmpdir(), `sdr-bench-import-v2-${rows}.csv`);
  if (!existsSync(csv)) writeFileSync(csv, importCsv(rows));
  const t0 = performance.now();
  const r = await engine.call('importCsv', { path: csv, tags: ['bench-import'] });
  progress(
    `import ${rows} rows: ${r.seconds.toFixed(2)} s, engine CPU ${r.cpuS.toFixed(2)} s (its main thread ${r.threadCpuS.toFixed(2)} s, event loop busy ${r.loopBusyS.toFixed(2)} s) (created ${String(r.job.created)}, skipped ${String(r.job.skipped)}, failed ${String(r.job.failed)})`,
  );
  // The engine's background work for the new leads (search index, notes, scores, indexes).
  let settledS: number | null = null;
  for (;;) {
    const b = await engine.call('backlog', { dataDir });
    if (b.total === 0) {
      settledS = (performance.now() - t0) / 1000;
      break;
    }
    if (performance.now() - t0 > 600_000) break;
    await sleep(250);
  }
  progress(
    `background work after the import done ${settledS?.toFixed(1) ?? '(not in 10 min)'} s after its start`,
  );
  return { ...r, settledS };
}

/**
 * `measureImport100k` in a new engine (a cold start, untimed) on a copy of the seeded data dir:
 * an import changes the database for good (its leads, and once they are deleted their search
 * index clean-up, free pages, a bigger file), so each run starts from the same state.
 */
async function importOnCopy(
  dataDir: string,
  bundle: string | null,
  nodeArgs: readonly string[],
): Promise<ImportFigures> {
  const copy = `${dataDir}-import-copy`;
  rmSync(copy, { recursive: true, force: true });
  const t0 = performance.now();
  cpSync(dataDir, copy, { recursive: true });
  // The copy's pages are written back before the import starts, not during it.
  for (const f of readdirSync(copy)) {
    const fd = openSync(path.join(copy, f), 'r');
    fsyncSync(fd);
    closeSync(fd);
  }
  progress(
    `copied the seeded database for the import in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  try {
    const { engine } = await coldStart(copy, bundle, nodeArgs);
    try {
      return await measureImport100k(engine, copy);
    } finally {
      await engine.stop();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

interface ImportFigures {
  seconds: number;
  cpuS: number;
  threadCpuS: number;
  loopBusyS: number;
  /** From `import:start` until the engine's background work for the new leads is done. */
  settledS: number | null;
  job: Record<string, unknown>;
  previewMs: number;
}

const importFigures = (r: ImportFigures) => ({
  import_100k_s: round(r.seconds, 2),
  import_100k_cpu_s: round(r.cpuS, 2),
  import_100k_thread_cpu_s: round(r.threadCpuS, 2),
  import_100k_loop_busy_s: round(r.loopBusyS, 2),
  import_100k_settled_s: round(r.settledS, 1),
  import_100k_created: r.job.created,
  import_100k_skipped: r.job.skipped,
  import_100k_failed: r.job.failed,
  import_preview_ms: round(r.previewMs, 1),
});

/** The benchmark's import file (deterministic). */
function importCsv(rows: number): string {
  const first = [
    'Ada',
    'Grace',
    'Alan',
    'Linus',
    'Margaret',
    'Barbara',
    'Dennis',
    'Radia',
    'José',
    'Zoë',
  ];
  const last = [
    'Lovelace',
    'Hopper',
    'Turing',
    'Torvalds',
    'Hamilton',
    'Liskov',
    'Ritchie',
    'Müller',
  ];
  const titles = ['VP Sales', 'CTO', 'Head of Growth', 'IT Director', 'Founder', 'Sales Manager'];
  const lines = [
    '\uFEFFRecord ID,First Name,Last Name,Email,Phone Number,Company Name,Job Title,Industry,Number of Employees,Country/Region,Lead Status',
  ];
  for (let i = 0; i < rows; i++) {
    const f = first[i % first.length]!;
    const l = last[(i * 7) % last.length]!;
    const dup = i > 100 && i % 100 === 0; // repeats row i - 100's email
    const n = dup ? i - 100 : i;
    // Addresses are ASCII (as CRM exports have them); the names keep their accents.
    const local = `${f}.${l}.${n}`.normalize('NFD').replace(/[^A-Za-z0-9.]/g, '');
    const email = i % 200 === 7 ? `not-an-email-${i}` : `${local}@import${n % 997}.example.com`;
    const phone =
      i % 3 === 0
        ? `(415) ${String(200 + (i % 700)).padStart(3, '0')}-${String(i % 10000).padStart(4, '0')}`
        : i % 3 === 1
          ? `+44 20 7${String(100 + (i % 900))} ${String(i % 10000).padStart(4, '0')}`
          : '';
    const country = i % 3 === 1 ? 'United Kingdom' : 'United States';
    lines.push(
      [
        String(i),
        f,
        l,
        email,
        phone,
        `"Company ${i % 5000}, Inc."`,
        titles[i % titles.length],
        i % 2 ? 'Software' : 'Retail',
        `${10 * ((i % 50) + 1)}-${20 * ((i % 50) + 1)}`,
        country,
        i % 4 ? 'New' : 'Working',
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const loadStart = os.loadavg().map((l) => round(l, 2));
  const notes: string[] = [];
  const { dataDir, seedS } = await seededDataDir(a);
  if (a.seedOnly) {
    process.stdout.write(`${JSON.stringify({ data_dir: dataDir, seed_s: round(seedS, 1) })}\n`);
    return;
  }
  const settleS = await settle(dataDir);
  // Engines run bundled like the packaged app's (worker-bundle.ts); `--tsx`: from the sources.
  const bundle = a.tsx ? null : await buildWorkerBundle();
  const dbMb = statSync(path.join(dataDir, 'engine.sqlite')).size / 1024 / 1024;
  const nodeArgs = a.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${a.cpuProf}`] : [];
  if (a.only === 'import') {
    const imported = await importOnCopy(dataDir, bundle, nodeArgs);
    const result = {
      ...importFigures(imported),
      seed_s: round(seedS, 1),
      settle_s: round(settleS, 1),
      leads: a.leads,
      engine_runtime: bundle ? 'bundle' : 'tsx',
      machine: machine(loadStart),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }

  // Cold starts: a new engine process each time, on the same data dir (the OS file cache stays
  // warm: this is an app restart, not a machine reboot).
  const colds: ColdStart[] = [];
  let engine: EngineProcess | null = null;
  let unsavedCounts: CallResult[] = [];
  for (let rep = 0; rep < a.reps + 1; rep++) {
    await engine?.stop();
    const started = await coldStart(dataDir, bundle, nodeArgs);
    engine = started.engine;
    if (rep === 0) {
      // The session before: the sidebar counts the saved views with nothing saved (the counts
      // of earlier runs are dropped first: a full count each, the honest cost of counting a
      // million rows); the engine saves them when it closes (count-cache.ts).
      await engine.call('sql', { dataDir, sql: 'DELETE FROM lead_count_saved' });
      unsavedCounts = await engine.call('calls', { calls: SAVED_VIEWS.map(countCall) });
      checkAll(unsavedCounts, 'counts with nothing saved');
      continue;
    }
    colds.push(started.r);
    progress(
      `cold start ${rep}/${a.reps}: ${(started.r.totalMs / 1000).toFixed(2)} s (process ${started.r.spawnMs.toFixed(0)} ms, modules ${started.r.importMs.toFixed(0)} ms, open ${started.r.openMs.toFixed(0)} ms, first page ${started.r.firstPageMs.toFixed(1)} ms)`,
    );
  }
  const e = engine!;

  // One untimed pass warms SQLite's page cache the way the first minute of use would.
  const firstPass = await e.call('calls', { calls: TABLE_QUERIES.map(queryCall) });
  checkAll(firstPass, 'table queries');
  const firstSearch = await e.call('calls', { calls: SEARCHES.map(searchCall) });
  checkAll(firstSearch, 'searches');
  // Each saved view's first count since the engine started, a lead edited just before (as sync
  // would): from the count the last session saved, brought up to date by the change log.
  await e.call('touch', { offset: 900 });
  const firstCounts = await e.call('calls', { calls: SAVED_VIEWS.map(countCall) });
  checkAll(firstCounts, 'first counts');

  const queryP95: number[] = [];
  const ftsP95: number[] = [];
  const countColdP95: number[] = [];
  const countCachedP95: number[] = [];
  const perQuery = new Map<string, number[]>();
  const perSearch = new Map<string, number[]>();
  const perView = new Map<string, number[]>();
  const sizes = new Map<string, number>();
  for (let rep = 0; rep < a.reps; rep++) {
    const q = await e.call('calls', { calls: TABLE_QUERIES.map(queryCall) });
    checkAll(q, 'table queries');
    q.forEach((r, i) => {
      const name = TABLE_QUERIES[i]!.name;
      perQuery.set(name, [...(perQuery.get(name) ?? []), r.ms]);
      sizes.set(`query: ${name}`, r.size);
    });
    queryP95.push(
      percentile(
        q.map((r) => r.ms),
        95,
      )!,
    );

    const s = await e.call('calls', { calls: SEARCHES.map(searchCall) });
    checkAll(s, 'searches');
    s.forEach((r, i) => {
      const text = SEARCHES[i]!;
      perSearch.set(text, [...(perSearch.get(text) ?? []), r.ms]);
      sizes.set(`search: ${text}`, r.size);
    });
    ftsP95.push(
      percentile(
        s.map((r) => r.ms),
        95,
      )!,
    );

    // Saved-view counts after a change: a lead is edited through the contract before each one
    // (as sync or a person would), so the count must take it into account (the engine brings
    // its cached count up to date from the change log); then the same count again, unchanged.
    const cold: number[] = [];
    const cached: number[] = [];
    for (const [i, v] of SAVED_VIEWS.entries()) {
      await e.call('touch', { offset: 1000 + rep * 50 + i });
      const [c1, c2] = await e.call('calls', { calls: [countCall(v), countCall(v)] });
      checkAll([c1!, c2!], `count ${v.name}`);
      cold.push(c1!.ms);
      cached.push(c2!.ms);
      perView.set(v.name, [...(perView.get(v.name) ?? []), c1!.ms]);
      sizes.set(`view: ${v.name}`, c1!.size);
    }
    countColdP95.push(percentile(cold, 95)!);
    countCachedP95.push(percentile(cached, 95)!);
    progress(
      `rep ${rep + 1}/${a.reps}: query p95 ${queryP95.at(-1)!.toFixed(1)} ms, fts p95 ${ftsP95.at(-1)!.toFixed(1)} ms, view count p95 ${countColdP95.at(-1)!.toFixed(1)} ms (cached ${countCachedP95.at(-1)!.toFixed(2)} ms)`,
    );
  }

  await sleep(1000);
  const rssMb = e.rssKb() / 1024;
  const hwmMb = procKb(e.pid, 'VmHWM') / 1024;
  progress(`engine RSS ${rssMb.toFixed(0)} MB (peak ${hwmMb.toFixed(0)} MB)`);

  const notesRate = await notesIndexRate(e, dataDir, a.leads);
  await e.stop();
  const imported = await importOnCopy(dataDir, bundle, nodeArgs);

  const med = (m: Map<string, number[]>) =>
    Object.fromEntries([...m].map(([k, v]) => [k, round(median(v), 2)]));
  const result = {
    query_p95_ms: round(median(queryP95), 2),
    fts_p95_ms: round(median(ftsP95), 2),
    view_count_p95_ms: round(median(countColdP95), 2),
    cold_start_s: round((median(colds.map((c) => c.totalMs)) ?? Number.NaN) / 1000, 3),
    engine_rss_mb: round(rssMb, 1),
    ...importFigures(imported),
    // Extra figures.
    view_count_cached_p95_ms: round(median(countCachedP95), 3),
    view_count_first_p95_ms: round(
      percentile(
        firstCounts.map((r) => r.ms),
        95,
      ),
      2,
    ),
    view_count_unsaved_first_p95_ms: round(
      percentile(
        unsavedCounts.map((r) => r.ms),
        95,
      ),
      2,
    ),
    query_first_pass_p95_ms: round(
      percentile(
        firstPass.map((r) => r.ms),
        95,
      ),
      2,
    ),
    fts_first_pass_p95_ms: round(
      percentile(
        firstSearch.map((r) => r.ms),
        95,
      ),
      2,
    ),
    engine_runtime: bundle ? 'bundle' : 'tsx',
    cold_start_breakdown_ms: {
      process: round(median(colds.map((c) => c.spawnMs)), 0),
      modules: round(median(colds.map((c) => c.importMs)), 0),
      open: round(median(colds.map((c) => c.openMs)), 0),
      first_page: round(median(colds.map((c) => c.firstPageMs)), 1),
    },
    engine_rss_after_open_mb: round((median(colds.map((c) => c.rssKb)) ?? 0) / 1024, 1),
    engine_peak_rss_mb: round(hwmMb, 1),
    notes_indexed_per_s: round(notesRate, 0),
    seed_s: round(seedS, 1),
    settle_s: round(settleS, 1),
    db_mb: round(dbMb, 0),
    leads: a.leads,
    repetitions: a.reps,
    details: {
      query_ms: med(perQuery),
      search_ms: med(perSearch),
      view_count_after_change_ms: med(perView),
      view_count_first_ms: Object.fromEntries(
        firstCounts.map((r, i) => [SAVED_VIEWS[i]!.name, round(r.ms, 2)]),
      ),
      view_count_unsaved_first_ms: Object.fromEntries(
        unsavedCounts.map((r, i) => [SAVED_VIEWS[i]!.name, round(r.ms, 2)]),
      ),
      result_sizes: Object.fromEntries(sizes),
    },
    machine: machine(loadStart),
    notes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * Lets an engine finish its background work on the seeded data (the score keeper's first sweep,
 * anything queued) before anything is timed, as an app would after its initial sync; returns how
 * long that took (null when there was nothing to do).
 */
async function settle(dataDir: string): Promise<number | null> {
  const t0 = performance.now();
  const engine = await EngineProcess.spawn();
  try {
    await engine.call('open', { dataDir, serverUrl: DEAD_SERVER_URL, firstPage: DEFAULT_VIEW });
    let first = true;
    for (;;) {
      const b = await engine.call('backlog', { dataDir });
      if (b.total === 0) break;
      if (first)
        progress(`settling: the engine's background work has ${JSON.stringify(b.parts)} to do`);
      first = false;
      if (performance.now() - t0 > 3_600_000)
        throw new Error(`background work not done in an hour: ${JSON.stringify(b.parts)}`);
      await sleep(1000);
    }
    if (first) return null;
    const s = (performance.now() - t0) / 1000;
    progress(`settled in ${s.toFixed(1)} s`);
    return s;
  } finally {
    await engine.stop();
  }
}

/**
 * How fast the background indexer decodes docs for notes search: 2% of the leads are queued
 * again (as if their docs changed) and the engine, otherwise idle, works through them.
 */
async function notesIndexRate(
  e: EngineProcess,
  dataDir: string,
  leads: number,
): Promise<number | null> {
  const every = 50;
  const queued = await e.call('sql', {
    dataDir,
    sql: `INSERT OR IGNORE INTO lead_search_pending (lead_rowid) SELECT rowid FROM lead WHERE rowid % ${every} = 0`,
  });
  const t0 = performance.now();
  for (;;) {
    const left = await e.call('sql', { dataDir, sql: 'SELECT count(*) FROM lead_search_pending' });
    if (left.value === 0) break;
    if (performance.now() - t0 > 300_000) return null;
    await sleep(100);
  }
  const s = (performance.now() - t0) / 1000;
  progress(`notes indexer: ${queued.changes} docs in ${s.toFixed(1)} s (of ${leads} leads)`);
  return queued.changes / s;
}

function machine(loadStart: (number | null)[]) {
  return {
    cpus: os.cpus().length,
    load_start: loadStart,
    load_end: os.loadavg().map((l) => round(l, 2)),
    commit: gitCommit(),
  };
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
