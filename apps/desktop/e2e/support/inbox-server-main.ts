/**
 * The sync server for the inbox end-to-end test: like `sync-server-main.ts`, plus Twilio's API
 * pointed at the fake Twilio (`E2E_TWILIO_URL`) and a fixed public URL (`PUBLIC_BASE_URL`, what
 * webhook signatures are checked against). Prints `SYNC SERVER <url>` when listening.
 */
import { startServer } from '@sdr/sync-server';

const dataDir = process.env.E2E_SERVER_DATA_DIR;
const twilio = process.env.E2E_TWILIO_URL;
const publicBaseUrl = process.env.E2E_PUBLIC_BASE_URL;
if (!dataDir || !twilio || !publicBaseUrl) {
  throw new Error('E2E_SERVER_DATA_DIR, E2E_TWILIO_URL and E2E_PUBLIC_BASE_URL are required');
}

const server = await startServer({
  port: Number(process.env.E2E_SERVER_PORT ?? '0'),
  host: '127.0.0.1',
  dataDir,
  logLevel: 'warn',
  publicBaseUrl,
  env: { AUTH_RATE_LIMIT: '10000', TWILIO_API_BASE_URL: twilio },
});
process.stdout.write(`SYNC SERVER ${server.url}\n`);

const stop = () => {
  void server.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
