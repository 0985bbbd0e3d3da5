/**
 * One outbox worker process for `pnpm bench:inbox` (outbox_smtp_per_s): pg-boss on
 * DATABASE_URL, the email channel's `SmtpSender` (nodemailer pooled per mailbox), facts stamped
 * as in production. Prints `{"ready":true}` (and `{"settled":n}` with OUTBOX_EXPECT); stops on
 * SIGTERM and prints its stats.
 */
import { SmtpSender } from '../../apps/sync-server/src/channels/email/smtp-sender.ts';
import { loadSecretBox } from '../../apps/sync-server/src/crypto/secret-box.ts';
import { openPostgres } from '../../apps/sync-server/src/db/open.ts';
import { createLogger } from '../../apps/sync-server/src/logger.ts';
import { startBossFor } from '../../apps/sync-server/src/outbox/outbox.ts';
import { startOutboxWorker } from '../../apps/sync-server/src/outbox/worker.ts';
import { createSyncCore } from '../../apps/sync-server/src/sync/sync-core.ts';

const url = process.env['DATABASE_URL']!;
const key = process.env['SECRET_BOX_KEY']!;
const logger = createLogger('warn');
const handle = openPostgres(url);
const boss = await startBossFor(handle, url, { supervise: false, poolSize: 4 });
const sync = createSyncCore({ db: handle.db, logger, background: false });
const smtp = new SmtpSender({
  db: handle.db,
  box: loadSecretBox('', key),
  maxConnections: Number(process.env['OUTBOX_SMTP_CONNECTIONS'] ?? 20),
});
const worker = startOutboxWorker({
  db: handle.db,
  boss,
  senders: { email: smtp },
  sync,
  logger,
  batchSize: Number(process.env['OUTBOX_BATCH'] ?? 300),
  concurrency: Number(process.env['OUTBOX_CONCURRENCY'] ?? 60),
  loops: Number(process.env['OUTBOX_LOOPS'] ?? 2),
  pollMs: 50,
});
process.stdout.write(JSON.stringify({ ready: true }) + '\n');
// OUTBOX_EXPECT=n: prints {"settled":n} once n outcomes are recorded (committed), so the bench
// need not poll the message table (a scan every 50 ms, on the same 2 cores) to see the end.
const expected = Number(process.env['OUTBOX_EXPECT'] ?? 0);
if (expected > 0) {
  const timer = setInterval(() => {
    const s = worker.stats;
    const settled = s.sent + s.failed + s.inDoubt;
    if (settled < expected) return;
    clearInterval(timer);
    process.stdout.write(JSON.stringify({ settled }) + '\n');
  }, 5);
}
process.once('SIGTERM', () => {
  void (async () => {
    await worker.stop();
    smtp.close();
    await boss.stop({ graceful: false, wait: true });
    await sync.close();
    await handle.close();
    process.stdout.write(JSON.stringify({ stats: worker.stats }) + '\n');
    process.exit(0);
  })();
});
