/**
 * Runs a real sync server for the end-to-end tests: embedded PGlite in E2E_SERVER_DATA_DIR, on
 * E2E_SERVER_PORT (default: a free port), mail written as .eml files under the data dir. Prints
 * `SYNC SERVER <url>` when listening.
 */
import { startServer } from '@sdr/sync-server';

const dataDir = process.env.E2E_SERVER_DATA_DIR;
if (!dataDir) throw new Error('E2E_SERVER_DATA_DIR is required');
const port = Number(process.env.E2E_SERVER_PORT ?? '0');

const server = await startServer({
  port,
  host: '127.0.0.1',
  dataDir,
  logLevel: 'warn',
  // Every test signs up and in from 127.0.0.1; the production limit would throttle the suite.
  env: { AUTH_RATE_LIMIT: '10000' },
});
process.stdout.write(`SYNC SERVER ${server.url}\n`);

const stop = () => {
  void server.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
