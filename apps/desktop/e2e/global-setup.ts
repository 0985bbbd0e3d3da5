/**
 * Before the suite: build the renderer (so the tests exercise the real production bundle under its
 * CSP) and start one sync server on a fresh PGlite data dir. Each test starts its own engine.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DESKTOP_DIR } from './support/processes.ts';
import { launchSyncServer } from './support/sync-server.ts';

export default async function globalSetup() {
  execFileSync(
    process.execPath,
    [path.join(DESKTOP_DIR, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    { cwd: DESKTOP_DIR, stdio: 'inherit' },
  );
  const html = readFileSync(path.join(DESKTOP_DIR, 'dist/renderer/index.html'), 'utf8');
  if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) {
    throw new Error('dist/renderer/index.html contains an inline script; the CSP forbids it');
  }

  const server = await launchSyncServer();
  process.env.E2E_SERVER_URL = server.url;
  process.env.E2E_SERVER_DATA_DIR = server.dataDir;
  return () => server.dispose();
}
