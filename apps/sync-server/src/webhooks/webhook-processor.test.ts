/**
 * The webhook processor's batch path on PGlite and Postgres, with events stored through the real
 * webhook store: one claim mixing workspaces, senders repeated within it (one lead each), a
 * status callback for a message stored in the same claim, out-of-order and repeated status
 * callbacks, a poisoned event (a trigger that refuses its message: the batch falls back to one
 * by one, the rest is stored, the poisoned one is retried), and two processors draining one
 * unknown sender's burst at once.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { conversation, lead, message, webhookEvent } from '@sdr/schema/pg';
import { createOutbound } from '../inbox/inbox.service.ts';
import { inboxDepsFor, newPhone, OUR_NUMBER, sms, team } from '../inbox/test/inbox-kit.ts';
import { createLogger } from '../logger.ts';
import { useSyncSuite } from '../sync/test/sync-harness.ts';
import { testDatabaseKinds } from '../test/harness.ts';
import {
  inboxWebhookHandlers,
  startWebhookProcessor,
  type WebhookProcessor,
} from './webhook-processor.ts';
import { createWebhookStore, type IncomingEvent } from './webhook-store.ts';

const logger = createLogger('silent');

const inbound = (
  ws: string,
  sid: string,
  from: string,
  body: string,
  at: number,
): IncomingEvent => ({
  provider: 'twilio_messaging',
  eventKey: sid,
  workspaceId: ws,
  payload: { MessageSid: sid, From: from, To: OUR_NUMBER, Body: body, SmsStatus: 'received' },
  receivedAt: at,
});
const status = (ws: string, sid: string, st: string, at: number): IncomingEvent => ({
  provider: 'twilio_status',
  eventKey: `${sid}:${st}`,
  workspaceId: ws,
  payload: { MessageSid: sid, MessageStatus: st },
  receivedAt: at,
});

describe.each(testDatabaseKinds())('webhook processor batches (%s)', (kind) => {
  const suite = useSyncSuite(kind);
  const processors: WebhookProcessor[] = [];
  afterEach(async () => {
    await Promise.all(processors.splice(0).map((p) => p.stop()));
  });
  const start = (o: { batchSize?: number; clock?: () => number } = {}) => {
    const d = inboxDepsFor(suite.server);
    const p = startWebhookProcessor({
      db: suite.server.db,
      handlers: inboxWebhookHandlers(d),
      logger,
      pollMs: 60_000,
      ...o,
    });
    processors.push(p);
    return p;
  };
  const events = () => suite.server.db.select().from(webhookEvent);

  it('applies one claim across workspaces: one lead per sender, statuses after the messages', async () => {
    const s = suite.server;
    const [a, b] = [await team(s), await team(s)];
    const d = inboxDepsFor(s);
    // An outbound message already sent (the provider id stored), for the status callbacks.
    const first = await sms(d, a.ws, newPhone(), 'start');
    await createOutbound(d, {
      workspaceId: a.ws,
      userId: a.sdr1.userId,
      conversationId: first.conversationId!,
      id: 'msg-out',
      kind: 'message',
      body: 'Our answer',
    });
    await s.db
      .update(message)
      .set({ providerId: 'SMout', status: 'sending' })
      .where(eq(message.id, 'msg-out'));

    const p1 = newPhone();
    const p2 = newPhone();
    const t = Date.now();
    const store = createWebhookStore(s.db);
    await store.insertMany([
      inbound(a.ws, 'SMa1', p1, 'one', t),
      inbound(b.ws, 'SMb1', p1, 'same number, other workspace', t + 1),
      inbound(a.ws, 'SMa2', p2, 'two', t + 2),
      status(a.ws, 'SMout', 'delivered', t + 3),
      inbound(a.ws, 'SMa3', p1, 'three', t + 4),
      status(a.ws, 'SMout', 'sent', t + 5),
      status(a.ws, 'SMa1', 'delivered', t + 6), // a message stored in this very claim
      inbound(b.ws, 'SMb2', p1, 'again', t + 7),
      status(a.ws, 'SMout', 'queued', t + 8),
    ]);
    expect(await start().drain()).toBe(9);

    const stored = await events();
    expect(stored.every((e) => e.processedAt !== null && e.lastError === null)).toBe(true);
    for (const [ws, phone, n] of [
      [a.ws, p1, 2],
      [a.ws, p2, 1],
      [b.ws, p1, 2],
    ] as const) {
      const leads = await s.db
        .select()
        .from(lead)
        .where(and(eq(lead.workspaceId, ws), eq(lead.phone, phone)));
      expect(leads).toHaveLength(1);
      const [c] = await s.db
        .select()
        .from(conversation)
        .where(and(eq(conversation.workspaceId, ws), eq(conversation.leadId, leads[0]!.id)));
      expect(c!.unreadCount).toBe(n);
      expect(
        await s.db.select().from(message).where(eq(message.conversationId, c!.id)),
      ).toHaveLength(n);
    }
    const [out] = await s.db.select().from(message).where(eq(message.id, 'msg-out'));
    expect(out).toMatchObject({ status: 'delivered' });
    expect(out!.deliveredAt).not.toBeNull();
  });

  it('stores the rest of a batch when one event is poisoned, and retries that one', async () => {
    const s = suite.server;
    const t0 = await team(s);
    // A real failure inside the batch's transaction: the database refuses one message row.
    await s.db.execute(sql`create or replace function refuse_poison() returns trigger
      language plpgsql as $$ begin
        if new.body = 'POISON' then raise exception 'poisoned message'; end if;
        return new;
      end $$`);
    await s.db.execute(sql`create trigger refuse_poison before insert on message
      for each row execute function refuse_poison()`);
    try {
      const t = Date.now();
      const phone = newPhone();
      await createWebhookStore(s.db).insertMany([
        inbound(t0.ws, 'SMp1', phone, 'fine 1', t),
        inbound(t0.ws, 'SMp2', phone, 'POISON', t + 1),
        inbound(t0.ws, 'SMp3', newPhone(), 'fine 2', t + 2),
        inbound(t0.ws, 'SMp4', 'not a phone', 'unreadable sender', t + 3),
        inbound(t0.ws, 'SMp5', phone, 'fine 3', t + 4),
      ]);
      let now = Date.now();
      const p = start({ clock: () => now });
      await p.drain();
      const byKey = new Map((await events()).map((e) => [e.eventKey, e]));
      for (const k of ['SMp1', 'SMp3', 'SMp5']) {
        expect(byKey.get(k)).toMatchObject({ lastError: null });
        expect(byKey.get(k)!.processedAt).not.toBeNull();
      }
      for (const k of ['SMp2', 'SMp4']) {
        expect(byKey.get(k)).toMatchObject({ processedAt: null, attempts: 1 });
        expect(byKey.get(k)!.lastError).toBeTruthy();
      }
      const msgs = await s.db.select().from(message).where(eq(message.workspaceId, t0.ws));
      expect(msgs.map((m) => m.providerId).sort()).toEqual(['SMp1', 'SMp3', 'SMp5']);

      await s.db.execute(sql`drop trigger refuse_poison on message`);
      now += 60_000; // past the retry backoff
      await p.drain();
      const after = new Map((await events()).map((e) => [e.eventKey, e]));
      expect(after.get('SMp2')).toMatchObject({ lastError: null, attempts: 2 });
      expect(after.get('SMp2')!.processedAt).not.toBeNull();
      expect(after.get('SMp4')!.processedAt).toBeNull(); // never readable: retried until given up
      const [c] = await s.db
        .select()
        .from(conversation)
        .where(and(eq(conversation.workspaceId, t0.ws), eq(conversation.leadAddress, phone)));
      expect(c!.unreadCount).toBe(3);
    } finally {
      await s.db.execute(sql`drop trigger if exists refuse_poison on message`);
      await s.db.execute(sql`drop function if exists refuse_poison()`);
    }
  });

  it('creates one lead when two processors take one unknown sender’s burst at once', async () => {
    const s = suite.server;
    const t0 = await team(s);
    const phone = newPhone();
    const t = Date.now();
    await createWebhookStore(s.db).insertMany(
      Array.from({ length: 24 }, (_, i) =>
        inbound(t0.ws, `SMburst${i}`, phone, `part ${i}`, t + i),
      ),
    );
    const [x, y] = [start({ batchSize: 5 }), start({ batchSize: 5 })];
    await Promise.all([x.drain(), y.drain()]);
    const stored = await events();
    expect(stored.every((e) => e.processedAt !== null && e.lastError === null)).toBe(true);
    const leads = await s.db
      .select()
      .from(lead)
      .where(and(eq(lead.workspaceId, t0.ws), eq(lead.phone, phone)));
    expect(leads).toHaveLength(1);
    const convs = await s.db.select().from(conversation).where(eq(conversation.workspaceId, t0.ws));
    expect(convs).toHaveLength(1);
    expect(convs[0]!.unreadCount).toBe(24);
  });
});
