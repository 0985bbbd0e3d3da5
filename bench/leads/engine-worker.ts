/**
 * A real desktop engine (`createEngine`) in its own process, driven by the leads benchmark over
 * Node IPC (engine-process.ts). Everything the figures time goes through the engine's contract
 * (`engine.dispatch`: input validation, handler, output validation), timed here so the IPC hop of
 * the benchmark is not counted. Engine modules are imported only on `open`, so the time a cold
 * start spends loading them is measured too.
 */
import { readFileSync } from 'node:fs';

import type { CustomFieldDef } from './deps.ts';
import type { createEngine } from './engine-deps.ts';
import {
  customIndexName,
  customIndexSql,
  MAX_CUSTOM_INDEXES,
} from '../../apps/desktop/src/engine/leads/query/custom-indexes.ts';

type Engine = Awaited<ReturnType<typeof createEngine>>;

let engine: Engine | null = null;

/** CPU seconds (user + system) of this process's main thread, from /proc (Linux). */
function mainThreadCpuS(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function memKb(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
    readFileSync('/proc/self/status', 'utf8'),
  );
  return Number(m?.[1] ?? 0);
}

export interface CallSpec {
  channel: string;
  input: unknown;
}

export interface CallResult {
  ms: number;
  ok: boolean;
  error?: string;
  /** Items on the page (query) or the count (count). */
  size: number;
  /** The engine's own `tookMs` (without contract validation). */
  tookMs: number | null;
}

async function timed(spec: CallSpec): Promise<CallResult> {
  const t0 = performance.now();
  const r = await engine!.dispatch(spec.channel, spec.input);
  const ms = performance.now() - t0;
  if (!r.ok)
    return { ms, ok: false, error: `${r.error.code}: ${r.error.message}`, size: 0, tookMs: null };
  const data = r.data as { items?: unknown[]; count?: number; tookMs?: number };
  return {
    ms,
    ok: true,
    size: data.items?.length ?? data.count ?? 0,
    tookMs: typeof data.tookMs === 'number' ? data.tookMs : null,
  };
}

export interface WorkerCommands {
  /** Opens the engine and answers the first page of the default view. */
  open: [
    { dataDir: string; serverUrl: string; firstPage: CallSpec },
    {
      importMs: number;
      openMs: number;
      firstPage: CallResult;
      rssKb: number;
    },
  ];
  calls: [{ calls: CallSpec[] }, CallResult[]];
  /** Edits one lead through the contract (the oldest but `offset`), untimed. */
  touch: [{ offset: number }, { id: string }];
  /** Runs SQL on a second connection to the engine's database (bench setup, never timed). */
  sql: [{ dataDir: string; sql: string; params?: unknown[] }, { changes: number; value: unknown }];
  /** Rows the engine's background work still has to do (search and score queues, sweeps). */
  backlog: [{ dataDir: string }, { total: number; parts: Record<string, number> }];
  memory: [Record<string, never>, { rssKb: number; hwmKb: number }];
  /**
   * Imports a CSV through the import channels (stage, preview for the suggested mapping, start)
   * and times start → the job's last batch committed (`state: done`, from its progress event).
   */
  importCsv: [
    { path: string; tags: string[] },
    /**
     * `cpuS`: the engine process's CPU time (user + system) over the same span, all threads (the
     * import's worker thread too); `threadCpuS`: the CPU time of the engine's own thread (the one
     * that writes; /proc/self/task/<pid>/stat); `loopBusyS`: the time its event loop was busy
     * (on a loaded machine that includes waiting for a core).
     */
    {
      seconds: number;
      cpuS: number;
      threadCpuS: number;
      loopBusyS: number;
      job: Record<string, unknown>;
      previewMs: number;
    },
  ];
  close: [Record<string, never>, Record<string, never>];
}

const handlers: {
  [K in keyof WorkerCommands]: (a: WorkerCommands[K][0]) => Promise<WorkerCommands[K][1]>;
} = {
  async open({ dataDir, serverUrl, firstPage }) {
    const t0 = performance.now();
    const deps = await import('./engine-deps.ts');
    const importMs = performance.now() - t0;
    const t1 = performance.now();
    engine = await deps.createEngine({
      dataDir,
      serverUrl,
      shell: 'web',
      version: '0.1.0',
      box: deps.plainSecretBox,
      log: deps.createLogger('warn', 'bench-engine'),
    });
    const openMs = performance.now() - t1;
    const page = await timed(firstPage);
    return { importMs, openMs, firstPage: page, rssKb: memKb('VmRSS') };
  },

  async calls({ calls }) {
    const out: CallResult[] = [];
    for (const c of calls) out.push(await timed(c));
    return out;
  },

  async touch({ offset }) {
    const r = await engine!.dispatch('leads:query', {
      limit: 1,
      offset,
      sort: [{ field: 'createdAt', dir: 'asc' }],
    });
    if (!r.ok) throw new Error(r.error.message);
    const id = (r.data as { items: { id: string }[] }).items[0]!.id;
    const u = await engine!.dispatch('leads:update', {
      id,
      changes: { title: `Bench ${offset} ${Date.now()}` },
    });
    if (!u.ok) throw new Error(u.error.message);
    return { id };
  },

  async sql({ dataDir, sql, params }) {
    const { openDb } = await import('./engine-deps.ts');
    const view = openDb(dataDir);
    try {
      const stmt = view.sqlite.prepare(sql);
      if (stmt.reader) return { changes: 0, value: stmt.pluck().get(...(params ?? [])) };
      return { changes: stmt.run(...(params ?? [])).changes, value: null };
    } finally {
      view.close();
    }
  },

  async backlog({ dataDir }) {
    const { openDb } = await import('./engine-deps.ts');
    const view = openDb(dataDir);
    try {
      const tables = new Set(
        view.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all(),
      );
      const parts: Record<string, number> = {};
      for (const t of ['lead_search_pending', 'lead_search_dirty', 'lead_score_dirty']) {
        if (tables.has(t))
          parts[t] = view.sqlite.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
      }
      // Custom-field indexes the engine builds in the background (custom-indexes.ts).
      const settings = view.sqlite
        .prepare(`SELECT value FROM local_setting WHERE key LIKE 'leadSettings.%'`)
        .pluck()
        .all() as string[];
      const defs = settings.flatMap(
        (v) => (JSON.parse(v) as { customFields?: CustomFieldDef[] }).customFields ?? [],
      );
      const wanted = defs
        .filter((d) => customIndexSql(d) !== null)
        .slice(0, MAX_CUSTOM_INDEXES)
        .map((d) => customIndexName(d.key));
      const have = new Set(
        view.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).pluck().all(),
      );
      parts.custom_indexes = wanted.filter((n) => !have.has(n)).length;
      // Indexes or queues a catch-up (or a large import) still has to rebuild.
      parts.catch_up = view.sqlite
        .prepare(`SELECT count(*) FROM lead_query_meta WHERE key = 'catch_up_mode'`)
        .pluck()
        .get() as number;
      parts.score_sweeps = view.sqlite
        .prepare(`SELECT count(*) FROM lead_query_meta WHERE substr(key, 1, 13) = 'score_cursor:'`)
        .pluck()
        .get() as number;
      const total = Object.values(parts).reduce((a, b) => a + b, 0);
      return { total, parts };
    } finally {
      view.close();
    }
  },

  async importCsv({ path, tags }) {
    const e = engine!;
    const call = async (channel: string, input: unknown) => {
      const r = await e.dispatch(channel, input);
      if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
      return r.data as Record<string, unknown>;
    };
    const file = await call('files:stagePath', { path });
    const p0 = performance.now();
    const preview = await call('import:preview', { fileId: file.id, defaultCountry: 'US' });
    const previewMs = performance.now() - p0;
    let jobId = '';
    let finished: ((job: Record<string, unknown>) => void) | null = null;
    const done = new Promise<Record<string, unknown>>((resolve) => (finished = resolve));
    const off = e.subscribe((event, payload) => {
      const job = payload as Record<string, unknown>;
      if (event === 'import:progress' && job.id === jobId && job.state !== 'running') {
        finished!(job);
      }
    });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const thread0 = mainThreadCpuS();
    const job = await call('import:start', {
      fileId: file.id,
      mapping: preview.mapping,
      options: { dedupe: 'skip', defaultCountry: 'US', tags },
    });
    jobId = job.id as string;
    const last = await done;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const threadCpuS = mainThreadCpuS() - thread0;
    off();
    return {
      seconds,
      cpuS: (cpu.user + cpu.system) / 1e6,
      threadCpuS,
      loopBusyS: elu.active / 1000,
      job: last,
      previewMs,
    };
  },

  async memory() {
    return { rssKb: memKb('VmRSS'), hwmKb: memKb('VmHWM') };
  },

  async close() {
    engine?.close();
    engine = null;
    setTimeout(() => process.exit(0), 50);
    return {};
  },
};

process.on('message', (msg: { id: number; cmd: keyof WorkerCommands; args: never }) => {
  handlers[msg.cmd](msg.args).then(
    (result) => process.send!({ id: msg.id, ok: true, result }),
    (err: unknown) =>
      process.send!({
        id: msg.id,
        ok: false,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});
// The benchmark is gone (it failed or was stopped): do not linger.
process.on('disconnect', () => {
  engine?.close();
  process.exit(0);
});
process.send!({ ready: true });
