/**
 * `ingestInboundBatch` against `ingestInbound` one by one, on PGlite and Postgres: the same
 * messages into two workspaces set up alike (round-robin routing, an SLA policy, a closed
 * conversation to reopen) leave the same conversations, queue items, notifications and leads;
 * a sender repeated in the batch is one lead; repeats and stored copies are duplicates; an
 * unreadable sender fails alone; every changed row reaches the change log.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { changeLog, conversation, lead, message, notification, queueItem } from '@sdr/schema/pg';
import { testDatabaseKinds } from '../test/harness.ts';
import { useSyncSuite, type SyncTestServer } from '../sync/test/sync-harness.ts';
import { ingestInboundBatch } from './inbound-batch.service.ts';
import { ingestInbound, type InboundInput } from './inbox.service.ts';
import { inboxDepsFor, OUR_NUMBER, team, testClock, type Team } from './test/inbox-kit.ts';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0); // a Monday, 10:00 UTC

async function configure(s: SyncTestServer, t: Team) {
  const put = await s.api.put(
    '/api/v1/inbox/settings',
    {
      routing: {
        rule: 'round_robin',
        sdrIds: [t.sdr1.userId, t.sdr2.userId],
        preferLeadOwner: false,
      },
      sla: {
        policies: [
          {
            id: 'fast',
            name: 'Fast',
            firstResponseMinutes: 10,
            nextResponseMinutes: 30,
            resolutionMinutes: null,
            businessHoursOnly: false,
          },
        ],
        warnBeforeMinutes: 2,
      },
    },
    { token: t.manager.accessToken },
  );
  expect(put.status).toBe(200);
}

/** What a workspace's inbox looks like, with member ids replaced by their role in the team. */
async function snapshot(s: SyncTestServer, t: Team) {
  const role = (id: string | null) =>
    id === null
      ? null
      : ({ [t.sdr1.userId]: 'sdr1', [t.sdr2.userId]: 'sdr2', [t.admin.userId]: 'admin' }[id] ??
        'other');
  const named = (text: string) =>
    [t.sdr1, t.sdr2, t.admin].reduce((out, m) => out.replaceAll(m.userId, role(m.userId)!), text);
  const convs = await s.db.select().from(conversation).where(eq(conversation.workspaceId, t.ws));
  const items = await s.db.select().from(queueItem).where(eq(queueItem.workspaceId, t.ws));
  const notes = await s.db.select().from(notification).where(eq(notification.workspaceId, t.ws));
  const leads = await s.db.select().from(lead).where(eq(lead.workspaceId, t.ws));
  const msgs = await s.db.select().from(message).where(eq(message.workspaceId, t.ws));
  return {
    leads: leads.map((l) => l.phone).sort(),
    conversations: convs
      .map((c) => ({
        lead: c.leadAddress,
        status: c.status,
        assignee: role(c.assigneeId),
        unread: c.unreadCount,
        lastMessageAt: c.lastMessageAt,
        preview: c.lastMessagePreview,
        firstInboundAt: c.firstInboundAt,
        lastInboundAt: c.lastInboundAt,
        sla: c.sla,
        messages: msgs
          .filter((m) => m.conversationId === c.id)
          .map((m) => `${m.providerId}:${role(m.assigneeId)}`)
          .sort(),
        items: items
          .filter((q) => q.conversationId === c.id)
          .map((q) => `${q.kind}:${q.state}:${q.dueAt}:${q.title}:${role(q.assigneeId)}`)
          .sort(),
        notifications: notes
          .filter((n) => n.conversationId === c.id)
          .map((n) => `${n.category}:${role(n.userId)}:${n.title}:${named(n.body)}`)
          .sort(),
      }))
      .sort((a, b) => (a.lead! < b.lead! ? -1 : 1)),
  };
}

describe.each(testDatabaseKinds())('inbound batch (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('leaves what one-by-one leaves, one lead per unknown sender, in the change log', async () => {
    const s = suite.server;
    const clock = testClock(T0);
    const d = inboxDepsFor(s, clock);
    const [one, batch] = [await team(s), await team(s)];
    await configure(s, one);
    await configure(s, batch);
    const known = '+442079460301';
    const closed = '+442079460302';
    const fresh = ['+442079460303', '+442079460304'];
    for (const t of [one, batch]) {
      const created = await s.api.post(
        '/api/v1/leads',
        { firstName: 'Known', phone: known },
        { token: t.admin.accessToken },
      );
      expect(created.status).toBe(201);
      // A conversation that was closed: the batch reopens it.
      const first = await ingestInbound(d, {
        workspaceId: t.ws,
        channel: 'sms',
        from: closed,
        to: OUR_NUMBER,
        body: 'earlier',
        providerId: 'SMearly',
        receivedAt: T0,
      });
      await s.db
        .update(conversation)
        .set({ status: 'closed', closedAt: T0 + 1000, unreadCount: 0 })
        .where(eq(conversation.id, first.conversationId!));
    }
    clock.advance(60_000);
    const inputs = (ws: string): InboundInput[] =>
      [
        [fresh[0]!, 'Hi there', 'Sam Lee'],
        [known, 'Known here', null],
        [fresh[0]!, 'Are you there?', 'Sam Lee'],
        [closed, 'Back again', null],
        [fresh[1]!, 'Price?', null],
        [`whatsapp:${fresh[0]}`, 'On WhatsApp now', 'Sam'],
        [fresh[0]!, 'Third one', 'Sam Lee'],
      ].map(([from, body, name], i) => ({
        workspaceId: ws,
        channel: from!.startsWith('whatsapp:') ? ('whatsapp' as const) : ('sms' as const),
        from: from!,
        to: from!.startsWith('whatsapp:') ? `whatsapp:${OUR_NUMBER}` : OUR_NUMBER,
        fromName: name,
        body: body!,
        providerId: `SM${i}`,
        receivedAt: T0 + 60_000 + i * 1000,
      }));
    for (const input of inputs(one.ws)) await ingestInbound(d, input);

    const mine = inputs(batch.ws);
    const outcomes = await ingestInboundBatch(d, batch.ws, [
      ...mine,
      { ...mine[2]!, body: 'a repeat of SM2' },
      { ...mine[4]!, from: 'not a phone', providerId: 'SMbad' },
    ]);
    expect(outcomes.slice(0, 7).every((o) => o.ok && !o.result.duplicate)).toBe(true);
    expect(outcomes[7]).toMatchObject({ ok: true, result: { duplicate: true } });
    expect(outcomes[8]).toMatchObject({ ok: false });
    const created = outcomes.filter((o) => o.ok && o.result.createdLead);
    expect(created).toHaveLength(2); // fresh[0] (sms and whatsapp are one lead) and fresh[1]

    const a = await snapshot(s, one);
    const b = await snapshot(s, batch);
    expect(b).toEqual(a);
    expect(b.leads.filter((p) => p === fresh[0])).toHaveLength(1);
    expect(b.conversations.find((c) => c.lead === closed)).toMatchObject({ status: 'open' });

    // A replay of the whole batch stores nothing new.
    const again = await ingestInboundBatch(d, batch.ws, mine);
    expect(again.every((o) => o.ok && o.result.duplicate)).toBe(true);
    expect(await snapshot(s, batch)).toEqual(b);

    // Every stored message and conversation is a fact in the change log at the row's seq.
    const msgs = await s.db.select().from(message).where(eq(message.workspaceId, batch.ws));
    const log = await s.db
      .select()
      .from(changeLog)
      .where(
        and(
          eq(changeLog.workspaceId, batch.ws),
          inArray(
            changeLog.entityId,
            msgs.map((m) => m.id),
          ),
        ),
      );
    for (const m of msgs) {
      expect(log.some((e) => e.entityId === m.id && Number(e.seq) === Number(m.seq))).toBe(true);
    }
  });
});
