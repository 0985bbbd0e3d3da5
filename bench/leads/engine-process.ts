/** The parent side of engine-worker.ts: one real engine per child process, called like functions. */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerCommands } from './engine-worker.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./engine-worker.ts', import.meta.url));

export function procKb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  );
  if (!m) throw new Error(`no ${field} for pid ${pid}`);
  return Number(m[1]);
}

export class EngineProcess {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`engine: ${m.error}`));
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        for (const p of this.pending.values())
          p.reject(new Error(`engine process exited (${code})`));
        this.pending.clear();
        resolve();
      }),
    );
  }

  /**
   * Starts an engine process (engine modules not loaded yet): the worker bundled like the packaged
   * app's engine (`bundle`, see worker-bundle.ts), or the TypeScript sources through tsx.
   */
  static async spawn(
    bundle: string | null = null,
    /** Extra Node options of the engine process (`--cpu-prof`...). */
    nodeArgs: readonly string[] = [],
  ): Promise<EngineProcess> {
    const child = bundle
      ? fork(bundle, [], {
          cwd: ROOT,
          execArgv: [...nodeArgs],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        })
      : fork(WORKER, [], {
          cwd: ROOT,
          execArgv: ['--import', 'tsx', ...nodeArgs],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`engine process exited (${code}) on start`)));
    });
    return new EngineProcess(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  rssKb(): number {
    return procKb(this.pid);
  }

  call<K extends keyof WorkerCommands>(
    cmd: K,
    args: WorkerCommands[K][0],
  ): Promise<WorkerCommands[K][1]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd, args });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await this.call('close', {}).catch(() => {});
    const timer = setTimeout(() => this.child.kill('SIGTERM'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}
