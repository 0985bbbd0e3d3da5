/**
 * Starts TypeScript entry points as real child processes (`node --import tsx`) and waits for the
 * URL they print. Used for the sync server and the engine's web shell.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const DESKTOP_DIR = fileURLToPath(new URL('../../', import.meta.url));

export type ChildServer = {
  url: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
};

export type StartOptions = {
  name: string;
  script: string;
  env: Record<string, string>;
  /** Matches the line announcing the server; group 1 is the URL. */
  ready: RegExp;
  timeoutMs?: number;
};

export function startTsx({
  name,
  script,
  env,
  ready,
  timeoutMs = 30_000,
}: StartOptions): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: DESKTOP_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  async function stop() {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(
        new Error(`${name} did not start within ${timeoutMs} ms. Output:\n${output.slice(-4000)}`),
      );
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], child, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${name} exited (${signal ?? code}) before it was ready. Output:\n${output.slice(-4000)}`,
        ),
      );
    });
  });
}
