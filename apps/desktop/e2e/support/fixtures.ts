/**
 * Test fixtures. `shell` is a real engine web shell on its own temp data dir, talking to the suite's
 * sync server; `launchShell` starts one against any server. `stop()`/`start()` keep the data dir and
 * port, as a user quitting and reopening the app would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { DESKTOP_DIR, startTsx } from './processes.ts';
import type { ChildServer } from './processes.ts';

export type WebShell = {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the engine and deletes its data dir. */
  dispose(): Promise<void>;
};

function startEngine(dataDir: string, serverUrl: string, port: number): Promise<ChildServer> {
  return startTsx({
    name: 'engine web shell',
    script: 'src/engine/main.ts',
    env: {
      ENGINE_DATA_DIR: dataDir,
      SERVER_URL: serverUrl,
      ENGINE_PORT: String(port),
      RENDERER_DIR: path.join(DESKTOP_DIR, 'dist/renderer'),
      LOG_LEVEL: 'warn',
    },
    ready: /SDR web shell: (\S+)/,
  });
}

export async function launchShell(serverUrl: string): Promise<WebShell> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdr-e2e-engine-'));
  let running: ChildServer | null = await startEngine(dataDir, serverUrl, 0);
  // The URL the shell prints is what a user opens.
  const url = running.url;
  const port = Number(new URL(url).port);
  const shell: WebShell = {
    url,
    dataDir,
    async stop() {
      await running?.stop();
      running = null;
    },
    async start() {
      running = await startEngine(dataDir, serverUrl, port);
    },
    async restart() {
      await shell.stop();
      await shell.start();
    },
    async dispose() {
      await shell.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return shell;
}

export function suiteServerUrl(): string {
  const url = process.env.E2E_SERVER_URL;
  if (!url)
    throw new Error('E2E_SERVER_URL is not set: run the tests through playwright.config.ts');
  return url;
}

export const test = base.extend<{ shell: WebShell }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure their dependencies
  shell: async ({}, use) => {
    const shell = await launchShell(suiteServerUrl());
    await use(shell);
    await shell.dispose();
  },
});

export { expect } from '@playwright/test';
