/**
 * End-to-end tests: Debian's Chromium drives the web shell (the engine as a plain Node process
 * serving the built renderer and the contract over a WebSocket) against a real sync server on
 * embedded PGlite. See e2e/README.md.
 */
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  throw new Error(
    [
      `No Chromium at ${chromiumPath}. The end-to-end tests need Debian's Chromium:`,
      '',
      '    sudo apt-get update && sudo apt-get install -y chromium',
      '',
      'or set CHROMIUM_PATH to a Chromium or Chrome binary. (`npx playwright install` cannot',
      'download browsers on machines without internet access.)',
    ].join('\n'),
  );
}

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.e2e.ts',
  globalSetup: './e2e/global-setup.ts',
  timeout: 45_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
