/**
 * `pnpm bench:sync [--quick] [--leads 1000000] [--reps N] [--only a,b]`: the sync benchmark of
 * issue 3. Real Postgres (a fresh database per run, dropped at the end), real server processes,
 * real engines and WebSockets on loopback. Progress goes to stderr; the LAST line of stdout is one
 * JSON object with every figure (null + a note when it could not be measured). See README.md.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { BenchContext, Figures, ScenarioResult } from './context.ts';
import { EngineProcess } from './engine-process.ts';
import { measureInitialSync, ENGINE_BACKOFF } from './initial-sync.ts';
import { progress } from './log.ts';
import { signUp } from './rest.ts';
import { createDatabase, seedLeads } from './seed.ts';
import { spawnServer, type ServerProcess } from './server-process.ts';
import { round } from './stats.ts';
import { editToPeer } from './edit-to-peer.ts';
import { crossInstance } from './cross-instance.ts';
import { durableUpdates } from './durable-updates.ts';
import { offlineMerge } from './offline-merge.ts';
import { reconnectStorm } from './reconnect-storm.ts';
import { idleClientMemory } from './idle-memory.ts';
import { codeVersion, commitLatencyMs, cpuCount, loadAverage } from './machine.ts';

export const FIGURE_KEYS = [
  'initial_sync_100k_s',
  'initial_sync_1m_s',
  'edit_to_peer_p50_ms',
  'edit_to_peer_p99_ms',
  'cross_instance_p99_ms',
  'durable_updates_per_s',
  'offline_merge_s',
  'offline_divergent_replicas',
  'offline_conflicts_logged_ratio',
  'reconnect_storm_catchup_s',
  'server_kb_per_idle_client',
  'engine_rss_mb_1m',
] as const;

interface Args {
  quick: boolean;
  leads: number | null;
  reps: number | null;
  only: string[] | null;
  /** Write a V8 CPU profile of the main server process into this folder (on exit). */
  profileServer: string | null;
  /** Write V8 CPU profiles of the engine processes into this folder (on exit). */
  profileEngine: string | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    quick: false,
    leads: null,
    reps: null,
    only: null,
    profileServer: null,
    profileEngine: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--') continue;
    else if (arg === '--quick') a.quick = true;
    else if (arg === '--leads') a.leads = Number(value());
    else if (arg === '--reps') a.reps = Number(value());
    else if (arg === '--only') a.only = value().split(',');
    else if (arg === '--profile-server') a.profileServer = value();
    else if (arg === '--profile-engine') a.profileEngine = value();
    else
      throw new Error(
        `unknown argument ${arg} (use --quick, --leads N, --reps N, --only a,b, --profile-server DIR, --profile-engine DIR)`,
      );
  }
  if (a.leads !== null && !(Number.isInteger(a.leads) && a.leads > 0))
    throw new Error('--leads must be a positive integer');
  return a;
}

interface Shared {
  readonly ctx: BenchContext;
  readonly server: ServerProcess;
  readonly sizes: Record<string, number>;
}

type Scenario = {
  readonly name: string;
  readonly keys: readonly (typeof FIGURE_KEYS)[number][];
  readonly run: (s: Shared) => Promise<ScenarioResult>;
};

const SCENARIOS: Scenario[] = [
  {
    name: 'initial-sync',
    keys: ['initial_sync_100k_s'],
    async run({ ctx, server, sizes }): Promise<ScenarioResult> {
      const n = sizes['initial_sync_100k']!;
      const account = await signUp(server.url, 'initial');
      await seedLeads(ctx.db, account, 'i', n);
      const r = await measureInitialSync('initial_sync_100k_s', {
        server,
        account,
        rows: n,
        reps: ctx.reps,
      });
      return {
        ...r,
        notes: n === 100_000 ? [] : [`initial_sync_100k_s measured at ${n} leads (--quick)`],
      };
    },
  },
  {
    name: 'initial-sync-1m',
    keys: ['initial_sync_1m_s', 'engine_rss_mb_1m'],
    async run({ ctx, server, sizes }): Promise<ScenarioResult> {
      const n = sizes['initial_sync_1m'];
      if (n === undefined) {
        const why =
          'skipped by default (seeding and syncing 1M leads takes minutes): run `pnpm bench:sync --leads 1000000`';
        return {
          figures: { initial_sync_1m_s: null, engine_rss_mb_1m: null },
          notes: [`initial_sync_1m_s, engine_rss_mb_1m: ${why}`],
        };
      }
      const account = await signUp(server.url, 'million');
      await seedLeads(ctx.db, account, 'm', n);
      const r = await measureInitialSync('initial_sync_1m_s', {
        server,
        account,
        rows: n,
        reps: 1,
        keepDataDir: true,
      });
      const rss = await engineRssMb(server, r.dataDir!, n);
      rmSync(r.dataDir!, { recursive: true, force: true });
      const notes =
        n === 1_000_000
          ? ['initial_sync_1m_s: one run (not a median)']
          : [`initial_sync_1m_s and engine_rss_mb_1m measured at ${n} leads, not 1M`];
      return {
        figures: { ...r.figures, engine_rss_mb_1m: rss.rssMb },
        notes,
        details: { ...r.details, engine_rss_mb_1m: rss },
      };
    },
  },
  {
    name: 'edit-to-peer',
    keys: ['edit_to_peer_p50_ms', 'edit_to_peer_p99_ms'],
    run: ({ ctx, server }) => editToPeer(ctx, server),
  },
  {
    name: 'cross-instance',
    keys: ['cross_instance_p99_ms'],
    run: ({ ctx, server }) => crossInstance(ctx, server),
  },
  {
    name: 'durable-updates',
    keys: ['durable_updates_per_s'],
    run: ({ ctx, server }) => durableUpdates(ctx, server),
  },
  {
    name: 'offline-merge',
    keys: ['offline_merge_s', 'offline_divergent_replicas', 'offline_conflicts_logged_ratio'],
    run: ({ ctx, server }) => offlineMerge(ctx, server),
  },
  {
    name: 'reconnect-storm',
    keys: ['reconnect_storm_catchup_s'],
    run: ({ ctx, server }) => reconnectStorm(ctx, server),
  },
  {
    name: 'idle-memory',
    keys: ['server_kb_per_idle_client'],
    run: ({ ctx }) => idleClientMemory(ctx),
  },
];

/**
 * `engine_rss_mb_1m`: a NEW engine process opens the synced data dir (signed in, as after a
 * restart), reconnects, catches up (nothing new) and answers a list query; its RSS is read from
 * /proc after it settles.
 */
async function engineRssMb(server: ServerProcess, dataDir: string, rows: number) {
  const engine = await EngineProcess.spawn();
  try {
    const opened = await engine.call('open', {
      dataDir,
      serverUrl: server.url,
      backoff: ENGINE_BACKOFF,
    });
    const t0 = performance.now();
    for (;;) {
      const s = await engine.call('status', {});
      if (s.connection === 'online' && s.done) break;
      if (performance.now() - t0 > 120_000)
        throw new Error(`engine did not come online: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const list = await engine.call('list', {});
    if (list.total !== rows)
      throw new Error(`the engine lists ${list.total} leads, expected ${rows}`);
    await new Promise((r) => setTimeout(r, 2000));
    const rssKb = engine.rssKb();
    const mem = await engine.call('memory', {});
    progress(
      `engine RSS with ${rows} leads: ${(rssKb / 1024).toFixed(0)} MB (right after open ${(opened.rssKb / 1024).toFixed(0)} MB, peak ${(mem.hwmKb / 1024).toFixed(0)} MB)`,
    );
    return {
      rssMb: round(rssKb / 1024, 1),
      after_open_mb: round(opened.rssKb / 1024, 1),
      peak_mb: round(mem.hwmKb / 1024, 1),
      list_query_ms: round(list.ms, 1),
      leads: rows,
    };
  } finally {
    await engine.stop();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.profileEngine) {
    EngineProcess.nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${args.profileEngine}`];
  }
  const quick = args.quick;
  const sizes: Record<string, number> = { initial_sync_100k: quick ? 2_000 : 100_000 };
  if (args.leads !== null) sizes['initial_sync_1m'] = args.leads;
  else if (quick) sizes['initial_sync_1m'] = 3_000;
  const ctx: BenchContext = {
    db: await createDatabase(randomBytes(24).toString('hex')).catch((err: unknown) => {
      throw new Error(`cannot create the bench database on 127.0.0.1:5432: ${String(err)}`);
    }),
    jwtSecret: '',
    quick,
    reps: args.reps ?? (quick ? 1 : 3),
  };
  (ctx as { jwtSecret: string }).jwtSecret = randomBytes(24).toString('hex');
  const figures: Figures = Object.fromEntries(FIGURE_KEYS.map((k) => [k, null]));
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  let server: ServerProcess | null = null;
  const started = performance.now();
  const machine: Record<string, unknown> = {
    cpus: cpuCount(),
    load_avg_start: loadAverage(),
    code: codeVersion(),
  };
  try {
    machine['postgres_commit_ms'] = await commitLatencyMs(ctx.db);
    progress(`machine: ${JSON.stringify(machine)}`);
    server = await spawnServer({
      databaseUrl: ctx.db.url,
      jwtSecret: ctx.jwtSecret,
      label: 'server',
      ...(args.profileServer
        ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${args.profileServer}`] }
        : {}),
    });
    for (const scenario of SCENARIOS) {
      if (args.only && !args.only.includes(scenario.name)) {
        notes.push(`${scenario.keys.join(', ')}: not run (--only)`);
        continue;
      }
      progress(`--- ${scenario.name}`);
      try {
        const r = await scenario.run({ ctx, server, sizes });
        Object.assign(figures, r.figures);
        notes.push(...(r.notes ?? []));
        Object.assign(details, r.details ?? {});
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        progress(`${scenario.name} FAILED: ${err instanceof Error ? err.stack : message}`);
        notes.push(
          `${scenario.keys.join(', ')}: not measured, the scenario failed: ${message.slice(0, 500)}`,
        );
      }
    }
  } finally {
    machine['load_avg_end'] = loadAverage();
    await server?.stop();
    await ctx.db
      .drop()
      .catch((err: unknown) => progress(`dropping the database failed: ${String(err)}`));
  }
  const report = {
    ...figures,
    mode: quick ? 'quick' : 'full',
    sizes,
    repetitions: ctx.reps,
    total_s: round((performance.now() - started) / 1000, 1),
    notes,
    machine,
    details,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench:sync failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
