/**
 * `initial_sync_*_s`: a fresh engine (its own process, empty data dir) signs in; the clock runs
 * from `auth:login` until every lead is in its SQLite and `leads:list` answers (sync status says
 * initial sync done and the list's total is the workspace's lead count). As a breakdown, a raw
 * protocol client pulls the same catch-up without storing anything (server + wire + decode only).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ScenarioResult } from './context.ts';
import { EngineProcess } from './engine-process.ts';
import { progress } from './log.ts';
import { newClientId, RawClient } from './raw-client.ts';
import { login, type Account } from './rest.ts';
import { procCpuMs, type ServerProcess } from './server-process.ts';
import { median, round } from './stats.ts';

export const ENGINE_BACKOFF = { baseMs: 100, capMs: 500 };

const secs = (ms: number | null) => (ms === null ? null : round(ms / 1000, 2));

export interface InitialSyncOptions {
  readonly server: ServerProcess;
  readonly account: Account;
  readonly rows: number;
  readonly reps: number;
  /** Keep the last run's data dir (for engine_rss_mb_1m); the caller removes it. */
  readonly keepDataDir?: boolean;
}

/** The raw catch-up's wall seconds and the server's CPU seconds meanwhile. */
export async function rawCatchUpSeconds(
  server: ServerProcess,
  account: Account,
): Promise<{ s: number; serverCpuS: number }> {
  const client = await RawClient.connect(server.wsUrl, await login(server.url, account));
  await client.hello(newClientId(), 0);
  const cpu0 = procCpuMs(server.pid);
  const t0 = performance.now();
  const r = await client.catchUp(5000);
  const s = (performance.now() - t0) / 1000;
  const serverCpuS = (procCpuMs(server.pid) - cpu0) / 1000;
  await client.close();
  progress(
    `raw catch-up: ${r.records} records in ${r.pages} pages, ${s.toFixed(2)} s (server CPU ${serverCpuS.toFixed(2)} s)`,
  );
  return { s, serverCpuS };
}

export async function measureInitialSync(
  key: string,
  o: InitialSyncOptions,
): Promise<ScenarioResult & { dataDir: string | null }> {
  const runs: {
    totalMs: number;
    loginMs: number;
    firstRowsMs: number;
    peakRssMb: number;
    /** CPU seconds from sign-in until the figure's clock stopped. */
    serverCpuS: number;
    engineCpuS: number;
    settled: { indexesMs: number | null; queuesMs: number | null; notesMs: number | null };
  }[] = [];
  let kept: string | null = null;
  for (let rep = 0; rep < o.reps; rep++) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sdr-bench-engine-'));
    const engine = await EngineProcess.spawn();
    try {
      await engine.call('open', { dataDir, serverUrl: o.server.url, backoff: ENGINE_BACKOFF });
      const serverCpu0 = procCpuMs(o.server.pid);
      const engineCpu0 = procCpuMs(engine.pid);
      const r = await engine.call('signIn', {
        email: o.account.email,
        password: o.account.password,
        expectedRows: o.rows,
        timeoutMs: 600_000,
      });
      const serverCpuS = (procCpuMs(o.server.pid) - serverCpu0) / 1000;
      const engineCpuS = (procCpuMs(engine.pid) - engineCpu0) / 1000;
      if (r.rows !== o.rows) throw new Error(`engine holds ${r.rows} leads, expected ${o.rows}`);
      // Not in the figure: when the background work the sync left behind is done.
      const settled = await engine.call('settled', { timeoutMs: 120_000 });
      runs.push({ ...r, peakRssMb: round(r.hwmKb / 1024, 1)!, serverCpuS, engineCpuS, settled });
      const s = (ms: number | null) =>
        ms === null ? 'not within 120 s' : `${(ms / 1000).toFixed(1)} s`;
      progress(
        `${key} run ${rep + 1}/${o.reps}: ${(r.totalMs / 1000).toFixed(2)} s for ${r.rows} leads (login ${r.loginMs.toFixed(0)} ms, CPU: server ${serverCpuS.toFixed(2)} s, engine ${engineCpuS.toFixed(2)} s, peak engine RSS ${(r.hwmKb / 1024).toFixed(0)} MB); then indexes ${s(settled.indexesMs)}, search/score queues ${s(settled.queuesMs)}, notes ${s(settled.notesMs)}`,
      );
    } finally {
      await engine.stop();
      if (o.keepDataDir && rep === o.reps - 1) kept = dataDir;
      else rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const raw = await rawCatchUpSeconds(o.server, o.account);
  return {
    figures: { [key]: round(median(runs.map((r) => r.totalMs / 1000)), 2) },
    details: {
      [key]: {
        leads: o.rows,
        runs_s: runs.map((r) => round(r.totalMs / 1000, 2)),
        login_ms: runs.map((r) => round(r.loginMs, 0)),
        first_rows_ms: runs.map((r) => round(r.firstRowsMs, 0)),
        engine_peak_rss_mb: runs.map((r) => r.peakRssMb),
        server_cpu_s: runs.map((r) => round(r.serverCpuS, 2)),
        engine_cpu_s: runs.map((r) => round(r.engineCpuS, 2)),
        // After the figure's clock stopped (from sign-in too): background work left by the sync.
        indexes_ready_s: runs.map((r) => secs(r.settled.indexesMs)),
        search_score_queues_empty_s: runs.map((r) => secs(r.settled.queuesMs)),
        notes_indexed_s: runs.map((r) => secs(r.settled.notesMs)),
        raw_protocol_catchup_s: round(raw.s, 2),
        raw_protocol_catchup_server_cpu_s: round(raw.serverCpuS, 2),
      },
    },
    dataDir: kept,
  };
}
