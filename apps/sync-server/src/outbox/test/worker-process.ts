/**
 * An outbox worker as its own process, for the killed-worker test (and by hand):
 *
 *   OUTBOX_DATABASE_URL=postgres://… | OUTBOX_PGLITE_DIR=/tmp/x  FAKE_TWILIO_URL=http://…
 *   SECRET_BOX_KEY=<64 hex>  [OUTBOX_EXIT_WHEN_DONE=1]  [OUTBOX_LIST_CONSISTENCY_MS=1000]
 *   tsx worker-process.ts
 *
 * Prints `{"ready":true}` once working; with OUTBOX_EXIT_WHEN_DONE it exits 0 when the queues
 * have no created/retry/active send or reconcile jobs and no message in `sending` left, printing
 * its stats. In-doubt messages are looked up at the fake (reconcile retries every second or so;
 * Twilio's list is taken as complete OUTBOX_LIST_CONSISTENCY_MS after the in-doubt mark). Jobs abandoned by a killed worker
 * are expired (every 300 ms here) and come back to this one. OUTBOX_DEBUG=1 prints the state now
 * and then (statuses, job states, messages still `sending`) to stderr.
 */
import { sql } from 'drizzle-orm';
import { TwilioSender } from '../../channels/twilio/twilio-sender.ts';
import { loadSecretBox } from '../../crypto/secret-box.ts';
import { openPglite, openPostgres } from '../../db/open.ts';
import { createLogger } from '../../logger.ts';
import { createSyncCore } from '../../sync/sync-core.ts';
import { queryRows } from '../../sync/sql.ts';
import { OUTBOX_QUEUE, RECONCILE_QUEUE, startBossFor } from '../outbox.ts';
import { startOutboxWorker } from '../worker.ts';

const url = process.env['OUTBOX_DATABASE_URL'];
const dir = process.env['OUTBOX_PGLITE_DIR'];
const fakeUrl = process.env['FAKE_TWILIO_URL'];
const key = process.env['SECRET_BOX_KEY'];
if ((!url && !dir) || !fakeUrl || !key) {
  process.stderr.write(
    'set OUTBOX_DATABASE_URL or OUTBOX_PGLITE_DIR, FAKE_TWILIO_URL, SECRET_BOX_KEY\n',
  );
  process.exit(2);
}

const logger = createLogger('warn');
const handle = url ? openPostgres(url) : await openPglite(dir);
const boss = await startBossFor(handle, url, {
  supervise: false,
  poolSize: 2,
  expireInSeconds: 4,
  retryDelaySeconds: 1,
  maxAttempts: 5,
  reconcileRetryDelaySeconds: 1,
  reconcileAttempts: 20,
});
const sync = createSyncCore({ db: handle.db, logger, background: false });
const sender = new TwilioSender({
  db: handle.db,
  box: loadSecretBox('', key),
  publicBaseUrl: 'http://127.0.0.1:9',
  apiBaseUrl: fakeUrl,
  listConsistencyMs: Number(process.env['OUTBOX_LIST_CONSISTENCY_MS'] ?? 1000),
});
const worker = startOutboxWorker({
  db: handle.db,
  boss,
  senders: { sms: sender, whatsapp: sender },
  sync,
  logger,
  batchSize: 10,
  concurrency: 4,
  loops: 2,
  pollMs: 50,
  expireEveryMs: 300,
  flushEvery: 3,
});
process.stdout.write(JSON.stringify({ ready: true, pid: process.pid }) + '\n');

if (process.env['OUTBOX_EXIT_WHEN_DONE']) {
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const [row] = await queryRows<{ n: unknown }>(
      handle.db,
      sql`select (select count(*) from pgboss.job where name in (${OUTBOX_QUEUE}, ${RECONCILE_QUEUE})
                    and state in ('created', 'retry', 'active'))
               + (select count(*) from message where status = 'sending') as n`,
    );
    if (Number(row?.n ?? 1) === 0) break;
    if (process.env['OUTBOX_DEBUG'] && Math.random() < 0.05) {
      const stuck = await queryRows(
        handle.db,
        sql`select m.id, m.status, m.provider_id, m.updated_at, m.sent_at, j.state::text as job, j.retry_count
            from message m left join pgboss.job j on j.data->>'messageId' = m.id where m.status = 'sending'`,
      );
      process.stderr.write(JSON.stringify({ stuck }) + '\n');
      const st = await queryRows(
        handle.db,
        sql`select 'm:' || status as k, count(*) as n from message group by status
            union all select 'j:' || state::text, count(*) from pgboss.job where name = ${OUTBOX_QUEUE} group by state`,
      );
      process.stderr.write(JSON.stringify({ stats: worker.stats, st }) + '\n');
    }
  }
  await worker.stop();
  await boss.stop({ graceful: false, wait: true });
  await sync.close();
  await handle.close();
  process.stdout.write(
    JSON.stringify({ done: true, stats: worker.stats, reconcile: worker.reconcileStats }) + '\n',
  );
  process.exit(0);
}
