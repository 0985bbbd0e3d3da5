/** Public API of `@sdr/sync-server`. The test harness is exported separately (`./test-harness`). */
export { createApp } from './app.ts';
export type { App } from './app.ts';
export type { AppDeps, AuthContext, ServerEnv } from './context.ts';
export { openDatabase, openPglite, openPostgres } from './db/open.ts';
export type { DatabaseHandle } from './db/open.ts';
export { migrateDatabase } from './db/migrate.ts';
export type { Db } from './db/schema.ts';
export { EnvError, loadEnv } from './env.ts';
export type { Env, EnvSource } from './env.ts';
export { ApiError } from './errors.ts';
export type { ApiErrorCode } from './errors.ts';
export { createLogger } from './logger.ts';
export { createMailer } from './mail/mailer.ts';
export type { Mailer, MailMessage } from './mail/mailer.ts';
export { DEMO_PASSWORD, DEMO_USERS, DEMO_WORKSPACE_NAME, seedDemo } from './seed.ts';
export { startServer } from './server.ts';
export type { RunningServer, StartServerOptions } from './server.ts';
