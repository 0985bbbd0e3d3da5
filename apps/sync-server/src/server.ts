/**
 * `startServer`: opens the database, migrates, optionally seeds, and listens. Used by `main.ts`,
 * by other packages' tests and by the desktop app's `pnpm start`. The node http server is returned
 * with the sync WebSocket endpoints (`/sync`, `/yjs/:docName`) attached to its upgrade event.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import type { ServerEnv } from './context.ts';
import { migrateDatabase } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import type { Db } from './db/schema.ts';
import {
  loadBackgroundEnv,
  loadEmailEnv,
  loadEnv,
  loadSyncEnv,
  type EnvSource,
  type LogLevel,
} from './env.ts';
import { fastUlid } from './fast-ulid.ts';
import { withJwtSecret } from './jwt-secret.ts';
import { createLogger, loggableError, type Logger } from './logger.ts';
import { createMailer } from './mail/mailer.ts';
import { seedDemoLeads } from './seed-leads.ts';
import { seedDemo, type SeedResult } from './seed.ts';
import { serveApp } from './serve-app.ts';
import { attachSyncSockets, type SyncSockets } from './sync/sockets.ts';
import { createSyncCore, startPostgresBus, type SyncCore } from './sync/sync-core.ts';
import { startMailboxWatcher, type MailboxWatcher } from './channels/email/mailbox-watcher.ts';
import { postgresMailboxLocks } from './channels/email/mailbox-lock.ts';
import { SmtpSender } from './channels/email/smtp-sender.ts';
import {
  startTwilioMediaWorker,
  withTwilioMediaDownload,
} from './channels/twilio/twilio-media-download.ts';
import { TwilioSender } from './channels/twilio/twilio-sender.ts';
import { secretBoxFor } from './crypto/secret-box.ts';
import type { InboxDeps } from './inbox/inbox.deps.ts';
import { startInboxJob, type InboxJob } from './inbox/inbox.job.ts';
import { createOutbox, startBossFor, type Outbox } from './outbox/outbox.ts';
import type { ChannelSender } from './outbox/sender.ts';
import { startOutboxWorker, type OutboxWorker } from './outbox/worker.ts';
import {
  inboxWebhookHandlers,
  startWebhookProcessor,
  type WebhookProcessor,
} from './webhooks/webhook-processor.ts';
import type PgBoss from 'pg-boss';

export interface StartServerOptions {
  /** Base environment (e.g. `process.env` from an app's env.ts); the fields below override it. */
  env?: EnvSource;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  smtpUrl?: string;
  publicBaseUrl?: string;
  jwtSecret?: string;
  seedDemo?: boolean;
  logLevel?: LogLevel;
  /** Defaults to a pino logger at `logLevel`. */
  logger?: Logger;
  /**
   * Run the outbox worker and the webhook processor in this process (default: `BACKGROUND_JOBS`,
   * true). With false the server still enqueues sends and stores webhooks; another process works
   * them off.
   */
  background?: boolean;
  /** Channel senders replacing the built-in ones (Twilio SMS/WhatsApp, SMTP email). */
  senders?: Partial<Record<string, ChannelSender>>;
  /** Inbox job interval (SLA escalation, due tasks, snooze), ms; default 15 s; 0: off. */
  inboxJobIntervalMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  db: Db;
  env: ServerEnv;
  logger: Logger;
  seed: SeedResult | null;
  /** The sync core (authority path, fan-out) and the `/sync` + `/yjs` WebSocket endpoints. */
  sync: SyncCore;
  sockets: SyncSockets;
  /** pg-boss (the durable outbox's queue) and the enqueue side for inbox writers. */
  boss: PgBoss;
  outbox: Outbox;
  outboxWorker: OutboxWorker | null;
  webhookProcessor: WebhookProcessor | null;
  /** IMAP IDLE/poll per active mailbox (`MAIL_WATCHER`; channels/email/mailbox-watcher.ts). */
  mailboxWatcher: MailboxWatcher | null;
  /** SLA warnings/breaches and escalation, due tasks, snoozed conversations (`inbox/inbox.job.ts`). */
  inboxJob: InboxJob | null;
  close(): Promise<void>;
}

function overrides(o: StartServerOptions): EnvSource {
  const pairs: [string, string | number | boolean | undefined][] = [
    ['PORT', o.port],
    ['HOST', o.host],
    ['DATA_DIR', o.dataDir],
    ['DATABASE_URL', o.databaseUrl],
    ['SMTP_URL', o.smtpUrl],
    ['PUBLIC_BASE_URL', o.publicBaseUrl],
    ['JWT_SECRET', o.jwtSecret],
    ['SEED_DEMO', o.seedDemo],
    ['LOG_LEVEL', o.logLevel],
  ];
  return Object.fromEntries(
    pairs.filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]),
  );
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const source = { ...options.env, ...overrides(options) };
  const parsed = loadEnv(source);
  const logger = options.logger ?? createLogger(parsed.logLevel);
  const handle = await openDatabase(parsed);
  try {
    await migrateDatabase(handle);
    const seed = parsed.seedDemo ? await seedDemo(handle.db) : null;
    const env = withJwtSecret(parsed);
    const mailer = createMailer({
      smtpUrl: env.smtpUrl,
      from: env.mailFrom,
      dataDir: env.dataDir,
      logger,
    });
    const sync = createSyncCore({
      db: handle.db,
      logger,
      env: loadSyncEnv(source),
      ...(handle.kind === 'postgres' ? { bus: await startPostgresBus(handle.client, logger) } : {}),
    });
    if (seed?.workspace) {
      const [admin, ...others] = seed.workspace.users;
      const leads = await seedDemoLeads(sync, {
        workspaceId: seed.workspace.id,
        authorId: admin!.id,
        ownerIds: others.map((u) => u.id),
      });
      logger.info({ leads }, 'demo leads seeded');
    }
    const boss = await startBossFor(handle, env.databaseUrl, {
      onError: (err) => logger.warn({ err: loggableError(err) }, 'pg-boss error'),
    });
    const outbox = createOutbox(boss, handle.db);
    const box = secretBoxFor(env);
    const twilioSender = new TwilioSender({
      db: handle.db,
      box,
      publicBaseUrl: () => env.publicBaseUrl,
      apiBaseUrl: env.twilioApiBaseUrl,
      mediaSecret: env.jwtSecret,
    });
    const smtpSender = new SmtpSender({ db: handle.db, box });
    const background = options.background ?? loadBackgroundEnv(source).backgroundJobs;
    const outboxWorker = background
      ? startOutboxWorker({
          db: handle.db,
          boss,
          senders: {
            sms: twilioSender,
            whatsapp: twilioSender,
            email: smtpSender,
            ...options.senders,
          },
          sync,
          logger,
        })
      : null;
    const inboxDeps: InboxDeps = {
      db: handle.db,
      sync,
      newId: fastUlid,
      now: () => Date.now(),
      enqueueSend: (tx, job) => outbox.enqueueSend(tx, job),
      logger,
    };
    // Inbound Twilio media are downloaded into the file store after the message is stored.
    const twilioMedia = background
      ? await startTwilioMediaWorker({
          db: handle.db,
          boss,
          box,
          sync,
          logger,
          apiBaseUrl: env.twilioApiBaseUrl,
          newId: fastUlid,
        })
      : null;
    const webhookProcessor = twilioMedia
      ? startWebhookProcessor({
          db: handle.db,
          handlers: withTwilioMediaDownload(inboxWebhookHandlers(inboxDeps), twilioMedia),
          logger,
        })
      : null;
    const emailEnv = loadEmailEnv(source);
    const mailboxWatcher =
      background && emailEnv.watcher
        ? startMailboxWatcher({
            db: handle.db,
            box,
            inbox: inboxDeps,
            logger,
            pollMs: emailEnv.pollMs,
            ...(env.databaseUrl ? { locks: postgresMailboxLocks(env.databaseUrl, logger) } : {}),
          })
        : null;
    const inboxJob = background
      ? startInboxJob(inboxDeps, { intervalMs: options.inboxJobIntervalMs ?? 15_000, logger })
      : null;
    const app = createApp({ db: handle.db, env, mailer, logger, sync, outbox });
    const server = await serveApp(app, env.port, env.host);
    const sockets = attachSyncSockets(server, sync, { secret: env.jwtSecret, logger });
    const port = (server.address() as AddressInfo).port;
    // With PORT=0 the default public URL must point at the port actually chosen.
    const url = `http://${env.host.includes(':') ? `[${env.host}]` : env.host}:${port}`;
    if (source['PUBLIC_BASE_URL'] === undefined && env.port === 0)
      env.publicBaseUrl = `http://localhost:${port}`;
    let closed = false;
    return {
      url,
      port,
      server,
      db: handle.db,
      env,
      logger,
      seed,
      sync,
      sockets,
      boss,
      outbox,
      outboxWorker,
      webhookProcessor,
      mailboxWatcher,
      inboxJob,
      async close() {
        if (closed) return;
        closed = true;
        await mailboxWatcher?.stop();
        await inboxJob?.stop();
        await webhookProcessor?.stop();
        await twilioMedia?.stop();
        await outboxWorker?.stop();
        await boss.stop({ graceful: false, wait: true });
        smtpSender.close();
        await sockets.close();
        await sync.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        mailer.close();
        await handle.close();
      },
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
