/**
 * Before the suite: build the renderer (so the tests exercise the real production bundle under its
 * CSP) and start one sync server on a fresh PGlite data dir. Each test starts its own engine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DESKTOP_DIR, startTsx } from './support/processes.ts';

export default async function globalSetup() {
  execFileSync(
    process.execPath,
    [path.join(DESKTOP_DIR, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: DESKTOP_DIR,
      stdio: 'inherit',
    },
  );
  const html = readFileSync(path.join(DESKTOP_DIR, 'dist/renderer/index.html'), 'utf8');
  if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html))
    throw new Error('dist/renderer/index.html contains an inline script');

  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdr-e2e-server-'));
  const server = await startTsx({
    name: 'sync server',
    script: 'e2e/support/sync-server-main.ts',
    env: { E2E_SERVER_DATA_DIR: dataDir },
    ready: /SYNC SERVER (\S+)/,
    timeoutMs: 60_000,
  });
  process.env.E2E_SERVER_URL = server.url;
  process.env.E2E_SERVER_DATA_DIR = dataDir;

  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
