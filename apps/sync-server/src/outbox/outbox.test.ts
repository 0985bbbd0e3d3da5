/**
 * The durable outbox on pg-boss, on PGlite and (with TEST_DATABASE_URL) Postgres: the job commits
 * or rolls back with the message row, one job per message, the worker sends through the real
 * Twilio SDK to the fake Twilio exactly once, stores sent + MessageSid and stamps facts, skips
 * canceled sends, fails permanent errors at once, retries transient ones with backoff, and fails
 * ambiguous ones as in doubt without resending.
 */
import { sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { message } from '@sdr/schema/pg';
import { inArray } from 'drizzle-orm';
import { TwilioSender } from '../channels/twilio/twilio-sender.ts';
import { createLogger } from '../logger.ts';
import { createSyncCore, type SyncCore } from '../sync/sync-core.ts';
import { queryRows } from '../sync/sql.ts';
import { startFakeTwilio, type FakeTwilio } from '../test/fake-twilio/fake-twilio.ts';
import { newAccountCredentials } from '../test/fake-twilio/messages.ts';
import { testDatabaseKinds } from '../test/harness.ts';
import { createOutbox, OUTBOX_QUEUE, sendJobId, type Outbox } from './outbox.ts';
import { IN_DOUBT, type ChannelSender, type MessageRow } from './sender.ts';
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
import { startOutboxWorker, type OutboxWorker, type OutboxWorkerOptions } from './worker.ts';

const logger = createLogger('silent');

describe.each(testDatabaseKinds())('durable outbox (%s)', (kind) => {
  let t: OutboxTestDb;
  let boss: PgBoss;
  let outbox: Outbox;
  let fake: FakeTwilio;
  let sync: SyncCore;
  let worker: OutboxWorker | null = null;
  const creds = newAccountCredentials();
  const box = testBox();

  beforeAll(async () => {
    t = await openOutboxTestDb(kind);
    boss = await startTestBoss(t, { retryDelaySeconds: 1, maxAttempts: 3 });
    outbox = createOutbox(boss, t.db, { retryDelaySeconds: 1, maxAttempts: 3 });
    fake = await startFakeTwilio({ callbacks: { stepMs: 1 } });
    fake.addAccount(creds.accountSid, creds.authToken);
    sync = createSyncCore({ db: t.db, logger, background: false });
  }, 60_000);
  afterAll(async () => {
    await sync?.close();
    await boss?.stop({ graceful: false, wait: true });
    await fake?.close();
    await t?.close();
  });
  beforeEach(async () => {
    await resetOutbox(t.db);
    fake.reset();
  });
  afterEach(async () => {
    await worker?.stop();
    worker = null;
  });

  const startWorker = (senders?: OutboxWorkerOptions['senders']) => {
    const sender = new TwilioSender({
      db: t.db,
      box,
      // Nobody listens here: status callbacks fail, which the worker does not care about.
      publicBaseUrl: 'http://127.0.0.1:9',
      apiBaseUrl: fake.url,
    });
    worker = startOutboxWorker({
      db: t.db,
      boss,
      senders: senders ?? { sms: sender, whatsapp: sender },
      sync,
      logger,
      batchSize: 20,
      concurrency: 4,
      pollMs: 50,
    });
    return worker;
  };

  const jobs = async (ids: string[]) =>
    queryRows<{ id: string; state: string }>(
      t.db,
      sql`select id::text as id, state::text as state from pgboss.job
          where name = ${OUTBOX_QUEUE} and id::text in (${sql.join(
            ids.map((id) => sql`${sendJobId(id)}`),
            sql`, `,
          )})`,
    );

  it('commits the job with the message row, and rolls both back together', async () => {
    const ws = await twilioWorkspace(t.db, box, creds);
    const { messageIds } = await queueSms(t.db, outbox, ws, { n: 3 });
    expect(await jobs(messageIds)).toHaveLength(3);

    const rolledBack = 'msg-rolled-back';
    await expect(
      t.db.transaction(async (tx) => {
        await outbox.enqueueSend(tx, { workspaceId: ws, messageId: rolledBack, channel: 'sms' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await jobs([rolledBack])).toHaveLength(0);

    // Enqueueing the same message again adds nothing.
    await t.db.transaction((tx) =>
      outbox.enqueueSend(tx, { workspaceId: ws, messageId: messageIds[0]!, channel: 'sms' }),
    );
    expect(await jobs(messageIds)).toHaveLength(3);
  });

  it('sends every message once, stores sent + MessageSid and stamps the facts', async () => {
    const ws = await twilioWorkspace(t.db, box, creds);
    const { messageIds } = await queueSms(t.db, outbox, ws, { n: 25 });
    startWorker();
    await waitUntil(
      async () => (await messageRows(t.db, messageIds)).every((m) => m.status === 'sent'),
      20_000,
      'all sent',
    );
    const rows = await messageRows(t.db, messageIds);
    expect(fake.messages).toHaveLength(25);
    for (const m of rows) {
      const sent = fake.messages.filter((f) => f.body === m.body);
      expect(sent).toHaveLength(1);
      expect(m.providerId).toBe(sent[0]!.sid);
      expect(sent[0]!.to).toBe('+15557654321');
      expect(sent[0]!.from).toBe('+15550001111');
      expect(sent[0]!.statusCallback).toBe('http://127.0.0.1:9/webhooks/twilio/status');
      expect(Number(m.seq)).toBeGreaterThan(0);
      expect(m.sentAt).not.toBeNull();
    }
    const log = await queryRows<{ n: unknown }>(
      t.db,
      sql`select count(*) as n from change_log where workspace_id = ${ws} and kind = 'fact' and entity = 'message'`,
    );
    // sending + sent for each message
    expect(Number(log[0]!.n)).toBe(50);
    await waitUntil(
      async () => (await jobs(messageIds)).every((j) => j.state === 'completed'),
      5000,
      'jobs completed',
    );
  });

  it("stores a sender's prepared headers with the claim, completes jobs with their outcome, and each row's seq is its last fact", async () => {
    const ws = await twilioWorkspace(t.db, box, creds);
    const { messageIds } = await queueSms(t.db, outbox, ws, { n: 6 });
    const atSend: MessageRow[] = [];
    const headersOf = (id: string) => ({
      emailMessageId: `${id}@sdr.test`,
      inReplyTo: 'root@lead.test',
      references: ['root@lead.test'],
      fromAddress: 'rep@sdr.test',
      toAddress: 'lead@lead.test',
      subject: `Re: ${id}`,
    });
    const sender: ChannelSender = {
      async prepare(items) {
        return new Map(items.map(({ message: m }) => [m.id, headersOf(m.id)]));
      },
      async send(m) {
        const [row] = await t.db
          .select()
          .from(message)
          .where(inArray(message.id, [m.id]));
        atSend.push(row!);
        return { providerId: `p-${m.id}`, status: 'sent' };
      },
    };
    startWorker({ sms: sender });
    await waitUntil(
      async () => (await messageRows(t.db, messageIds)).every((m) => m.status === 'sent'),
      20_000,
      'all sent',
    );
    // Each job is completed in the transaction that stores its outcome.
    expect((await jobs(messageIds)).map((j) => j.state)).toEqual(messageIds.map(() => 'completed'));
    // Claimed and the headers stored (committed) before the provider is called.
    expect(atSend.map((r) => r.id).sort()).toEqual([...messageIds].sort());
    for (const r of atSend) {
      expect(r).toMatchObject({ status: 'sending', ...headersOf(r.id) });
    }
    const rows = await messageRows(t.db, messageIds);
    const log = await queryRows<{ entity_id: string; seq: unknown }>(
      t.db,
      sql`select entity_id, seq from change_log
          where workspace_id = ${ws} and kind = 'fact' and entity = 'message'`,
    );
    expect(new Set(log.map((l) => Number(l.seq))).size).toBe(log.length);
    for (const r of rows) {
      expect(r).toMatchObject({ providerId: `p-${r.id}`, emailMessageId: `${r.id}@sdr.test` });
      const seqs = log.filter((l) => l.entity_id === r.id).map((l) => Number(l.seq));
      expect(seqs).toHaveLength(2); // sending, sent
      expect(Number(r.seq)).toBe(Math.max(...seqs));
    }
  });

  it('honours sendAt and skips a canceled scheduled message', async () => {
    const ws = await twilioWorkspace(t.db, box, creds);
    const sendAt = Date.now() + 1500;
    const { messageIds } = await queueSms(t.db, outbox, ws, { n: 2, sendAt });
    await t.db
      .update(message)
      .set({ status: 'canceled' })
      .where(inArray(message.id, [messageIds[1]!]));
    startWorker();
    await new Promise((r) => setTimeout(r, 700));
    expect(fake.messages).toHaveLength(0);
    await waitUntil(
      async () => (await messageRows(t.db, [messageIds[0]!]))[0]!.status === 'sent',
      20_000,
      'scheduled sent',
    );
    expect(Date.now()).toBeGreaterThanOrEqual(sendAt);
    await waitUntil(
      async () => (await jobs(messageIds)).every((j) => j.state === 'completed'),
      10_000,
      'jobs completed',
    );
    const [canceled] = await messageRows(t.db, [messageIds[1]!]);
    expect(canceled!.status).toBe('canceled');
    expect(fake.messages).toHaveLength(1);
  });

  it('fails permanent errors at once, retries transient ones, fails ambiguous ones as in doubt', async () => {
    const ws = await twilioWorkspace(t.db, box, creds);
    fake.rejectTo('+15550000004', {
      code: 21610,
      message: 'Attempt to send to unsubscribed recipient',
    });
    const optedOut = await queueSms(t.db, outbox, ws, { n: 1, to: '+15550000004' });
    startWorker();
    await waitUntil(
      async () => (await messageRows(t.db, optedOut.messageIds))[0]!.status === 'failed',
      10_000,
      'permanent failure',
    );
    const [m1] = await messageRows(t.db, optedOut.messageIds);
    expect(m1!.statusReason).toContain('unsubscribed');
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);

    // 429 twice, then accepted: retried with backoff, sent once.
    fake.reset();
    fake.failNext({ kind: 'status', status: 429 }, 2);
    const limited = await queueSms(t.db, outbox, ws, { n: 1, bodyPrefix: 'limited' });
    await waitUntil(
      async () => (await messageRows(t.db, limited.messageIds))[0]!.status === 'sent',
      20_000,
      'sent after retries',
    );
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([
      429, 429, 201,
    ]);
    expect(fake.messages).toHaveLength(1);

    // Twilio created the message but the connection died: in doubt, never resent.
    fake.reset();
    fake.failNext({ kind: 'reset-after-create' });
    const ambiguous = await queueSms(t.db, outbox, ws, { n: 1, bodyPrefix: 'ambiguous' });
    await waitUntil(
      async () => (await messageRows(t.db, ambiguous.messageIds))[0]!.status === 'failed',
      10_000,
      'in doubt',
    );
    const [m3] = await messageRows(t.db, ambiguous.messageIds);
    expect(m3!.statusReason?.startsWith(IN_DOUBT)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.messages).toHaveLength(1);
  }, 40_000);
});
