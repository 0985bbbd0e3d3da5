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
export { attachSyncSockets } from './sync/sockets.ts';
export type { SyncSockets, SyncSocketsOptions } from './sync/sockets.ts';
export { createSyncCore, startPostgresBus } from './sync/sync-core.ts';
export type { SyncCore, SyncCoreOptions } from './sync/sync-core.ts';
export { SyncAuthority } from './sync/authority.service.ts';
export type {
  ClientUpdateRequest,
  ClientUpdateResult,
  ServerWriteRequest,
  ServerWriteResult,
} from './sync/authority.types.ts';
export { compactChangeLog } from './sync/compaction.ts';
export { CLOSE_CODES } from './sync/close-codes.ts';
export type { LeadRow } from './sync/lead-row.ts';
