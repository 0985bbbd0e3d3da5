/**
 * A sync server in its own process (`apps/sync-server/src/main.ts`, the same entry as `pnpm
 * start:server`), so its memory is measured apart from the load generator. Started as
 * `node --import tsx …` rather than through the `tsx` CLI so the pid we hold is the server itself
 * (the CLI would put a wrapper process in between).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { progress } from './log.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = path.join(ROOT, 'apps/sync-server/src/main.ts');

export interface ServerProcess {
  readonly url: string;
  readonly wsUrl: string;
  readonly pid: number;
  /** Resident set size now (kB), from /proc. */
  rssKb(): number;
  /** Graceful stop (SIGTERM), then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  readonly databaseUrl: string;
  readonly jwtSecret: string;
  readonly label: string;
  readonly env?: Record<string, string>;
  /** Extra node flags (e.g. `--cpu-prof` to profile the server). */
  readonly nodeArgs?: readonly string[];
}

/** CPU time (user + system) a process has used, in ms (Linux, clock ticks of 10 ms). */
export function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** VmRSS of a process in kB (Linux). */
export function procRssKb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`no ${field} for pid ${pid}`);
  return Number(m[1]);
}

export async function spawnServer(o: ServerProcessOptions): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdr-bench-server-'));
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), '--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: o.databaseUrl,
      JWT_SECRET: o.jwtSecret,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      AUTH_RATE_LIMIT: '1000000',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.stderr.on('data', (d: Buffer) => process.stderr.write(`[${o.label}] ${d.toString()}`));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
      else if (line.trim().startsWith('{')) process.stderr.write(`[${o.label}] ${line}\n`);
    });
    void exited.then((code) =>
      reject(new Error(`${o.label} exited with ${code} before listening`)),
    );
  });
  const pid = child.pid!;
  progress(`${o.label}: server pid ${pid} at ${url}`);
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    pid,
    rssKb: () => procRssKb(pid),
    stop: () =>
      stopChild(child, exited).finally(() => rmSync(dataDir, { recursive: true, force: true })),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
