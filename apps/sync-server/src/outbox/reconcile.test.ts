/**
 * Reconciliation in process, on PGlite and (with TEST_DATABASE_URL) Postgres: Twilio (the fake)
 * accepts a message but the connection drops before the answer (ambiguous: in doubt); while
 * Twilio's list answers 503 the message stays in doubt and the lookup is retried; then it is
 * found and becomes sent with its SID, never sent twice.
 */
import type PgBoss from 'pg-boss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TwilioSender } from '../channels/twilio/twilio-sender.ts';
import { createLogger } from '../logger.ts';
import { createSyncCore, type SyncCore } from '../sync/sync-core.ts';
import { startFakeTwilio, type FakeTwilio } from '../test/fake-twilio/fake-twilio.ts';
import { newAccountCredentials } from '../test/fake-twilio/messages.ts';
import { testDatabaseKinds } from '../test/harness.ts';
import { createOutbox } from './outbox.ts';
import { IN_DOUBT } from './sender.ts';
import {
  messageRows,
  openOutboxTestDb,
  queueSms,
  resetOutbox,
  startTestBoss,
  testBox,
  twilioWorkspace,
  waitUntil,
  type OutboxTestDb,
} from './test/outbox-harness.ts';
import { startOutboxWorker, type OutboxWorker } from './worker.ts';

const logger = createLogger('silent');

describe.each(testDatabaseKinds())('in-doubt reconciliation (%s)', (kind) => {
  let t: OutboxTestDb;
  let boss: PgBoss;
  let fake: FakeTwilio;
  let sync: SyncCore;
  let worker: OutboxWorker | null = null;
  const creds = newAccountCredentials();
  const settings = { retryDelaySeconds: 1, reconcileRetryDelaySeconds: 1, maxAttempts: 3 };

  beforeAll(async () => {
    t = await openOutboxTestDb(kind);
    boss = await startTestBoss(t, settings);
    fake = await startFakeTwilio({ callbacks: { stepMs: 1 } });
    fake.addAccount(creds.accountSid, creds.authToken);
    sync = createSyncCore({ db: t.db, logger, background: false });
  }, 120_000);
  afterAll(async () => {
    await sync?.close();
    await boss?.stop({ graceful: false, wait: true });
    await fake?.close();
    await t?.close();
  });
  afterEach(async () => {
    await worker?.stop();
    worker = null;
  });

  it('Twilio unreachable: stays in doubt and is looked up again; found: sent with its SID', async () => {
    await resetOutbox(t.db);
    const outbox = createOutbox(boss, t.db, settings);
    const ws = await twilioWorkspace(t.db, testBox(), creds);
    fake.failNext({ kind: 'reset-after-create' });
    fake.failNext({ kind: 'status', status: 503 }, 2, 'list');
    const { messageIds } = await queueSms(t.db, outbox, ws, { n: 1, bodyPrefix: 'doubt' });
    const sender = new TwilioSender({
      db: t.db,
      box: testBox(),
      publicBaseUrl: 'http://127.0.0.1:9',
      apiBaseUrl: fake.url,
      listConsistencyMs: 500,
    });
    worker = startOutboxWorker({
      db: t.db,
      boss,
      senders: { sms: sender },
      sync,
      logger,
      pollMs: 50,
    });
    const lists = () =>
      fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Messages.json'));
    await waitUntil(() => lists().length >= 1, 30_000, 'the first lookup');
    const [during] = await messageRows(t.db, messageIds);
    expect(during!.status).toBe('failed');
    expect(during!.statusReason?.startsWith(IN_DOUBT)).toBe(true);

    await waitUntil(
      async () => ['sent', 'delivered'].includes((await messageRows(t.db, messageIds))[0]!.status),
      60_000,
      'reconciled',
    );
    const [m] = await messageRows(t.db, messageIds);
    expect(m!.providerId).toBe(fake.messages[0]!.sid);
    expect(m!.statusReason).toBeNull();
    expect(lists().map((r) => r.status)).toEqual([503, 503, 200]);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(fake.messages).toHaveLength(1);
    expect(worker.reconcileStats).toMatchObject({ found: 1, resent: 0 });
  }, 120_000);
});
