/** `pnpm start`: the sync server alone, configured from the environment (see README). */
import { EnvError, loadEnv } from './env.ts';
import { createLogger } from './logger.ts';
import { startServer } from './server.ts';

async function main(): Promise<void> {
  let logLevel;
  try {
    logLevel = loadEnv(process.env).logLevel;
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(logLevel);
  const running = await startServer({ env: process.env, logger });
  const db = running.env.databaseUrl
    ? 'Postgres (DATABASE_URL)'
    : `PGlite in ${running.env.dataDir}/pglite`;
  logger.info({ url: running.url, db }, 'sync server listening');
  const lines = [
    '',
    `  SDR sync server listening on ${running.url}`,
    `  Database:  ${db}`,
    `  Mail:      ${running.env.smtpUrl ? 'SMTP (SMTP_URL)' : `.eml files in ${running.env.dataDir}/mail`}`,
    `  API docs:  ${running.url}/openapi.json`,
  ];
  if (running.seed?.login) {
    lines.push(`  Demo login: ${running.seed.login.email} / ${running.seed.login.password}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `sync server failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
