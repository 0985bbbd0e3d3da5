/** The parent side of engine-worker.ts: one real engine per child process, called like functions. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LeadFields } from './deps.ts';
import { procRssKb } from './server-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./engine-worker.ts', import.meta.url));

/** Every lead field, as projected (the same type as the schema's `LeadFields`). */
export type LeadValues = LeadFields;

export interface LeadEdit {
  readonly id: string;
  readonly changes: Record<string, unknown>;
}

/** Command name → [arguments, result]. */
export interface EngineCommands {
  open: [
    { dataDir: string; serverUrl: string; backoff: { baseMs: number; capMs: number } },
    { rssKb: number },
  ];
  signIn: [
    { email: string; password: string; expectedRows: number; timeoutMs: number },
    { totalMs: number; loginMs: number; firstRowsMs: number; rows: number; hwmKb: number },
  ];
  /**
   * After `signIn` (not in its time): how long from its start until the background work the
   * sync left is done (null: not within `timeoutMs`): every index rebuilt (catch-up mode over),
   * search and score queues empty, every lead's notes decoded.
   */
  settled: [
    { timeoutMs: number },
    { indexesMs: number | null; queuesMs: number | null; notesMs: number | null },
  ];
  status: [
    Record<string, never>,
    { connection: string; pending: number; done: boolean; cursor: number },
  ];
  edit: [{ edits: readonly LeadEdit[] }, { ms: number }];
  /** `leads:list` (first page by the default sort): the total and how long it took. */
  list: [Record<string, never>, { total: number; ms: number }];
  snapshot: [
    Record<string, never>,
    { rows: Record<string, LeadValues>; docs: Record<string, LeadValues> },
  ];
  memory: [Record<string, never>, { rssKb: number; hwmKb: number }];
  close: [Record<string, never>, Record<string, never>];
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

  /** Starts an engine process (not yet opened on a data dir). */
  /** Node flags of every engine process (`--profile-engine` sets `--cpu-prof`). */
  static nodeArgs: readonly string[] = [];

  static async spawn(nodeArgs: readonly string[] = []): Promise<EngineProcess> {
    const child = fork(WORKER, [], {
      cwd: ROOT,
      execArgv: [...EngineProcess.nodeArgs, ...nodeArgs, '--import', 'tsx'],
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
    return procRssKb(this.pid);
  }

  call<K extends keyof EngineCommands>(
    cmd: K,
    args: EngineCommands[K][0],
  ): Promise<EngineCommands[K][1]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd, args });
    });
  }

  /** Closes the engine and ends the process. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await this.call('close', {}).catch(() => {});
    const timer = setTimeout(() => this.child.kill('SIGTERM'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}
