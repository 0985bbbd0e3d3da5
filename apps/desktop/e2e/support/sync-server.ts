import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTsx } from './processes.ts';
import type { ChildServer } from './processes.ts';

export type SyncServer = {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
  /** Starts again on the same port and data dir. */
  start(): Promise<void>;
  dispose(): Promise<void>;
};

function run(dataDir: string, port: number): Promise<ChildServer> {
  return startTsx({
    name: 'sync server',
    script: 'e2e/support/sync-server-main.ts',
    env: { E2E_SERVER_DATA_DIR: dataDir, E2E_SERVER_PORT: String(port) },
    ready: /SYNC SERVER (\S+)/,
    timeoutMs: 60_000,
  });
}

/** A real sync server process on embedded PGlite in a fresh temp data dir. */
export async function launchSyncServer(): Promise<SyncServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdr-e2e-server-'));
  let running: ChildServer | null = await run(dataDir, 0);
  const url = running.url;
  const server: SyncServer = {
    url,
    dataDir,
    async stop() {
      await running?.stop();
      running = null;
    },
    async start() {
      running = await run(dataDir, Number(new URL(url).port));
    },
    async dispose() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
