#!/usr/bin/env node
// `pnpm test`: type-check, lint, unit + integration tests (PGlite; Postgres too when
// TEST_DATABASE_URL is set), then the Playwright end-to-end tests in Chromium.
// Each step runs even if an earlier one failed, so one run shows every problem; exit code is
// non-zero if any step failed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(
    `pnpm test needs Chromium for the end-to-end tests and found none at ${chromium}.\n` +
      'Install it with:  sudo apt-get install -y chromium   (or set CHROMIUM_PATH to a Chromium binary)',
  );
  process.exit(1);
}

const only = process.argv.slice(2);
const steps = [
  ['typecheck', 'pnpm', ['typecheck']],
  ['lint', 'pnpm', ['lint']],
  ['unit + integration', 'pnpm', ['exec', 'vitest', 'run']],
  ['end-to-end', 'pnpm', ['test:e2e']],
].filter(([name]) => only.length === 0 || only.some((o) => name.startsWith(o)));

if (!process.env.TEST_DATABASE_URL) {
  console.log('TEST_DATABASE_URL is not set: integration tests run on PGlite only.');
}

const failed = [];
for (const [name, cmd, args] of steps) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`=== ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} (${secs}s) ===`);
  if (r.status !== 0) failed.push(name);
}
if (failed.length) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('\nAll green.');
