/**
 * The inbox job with a fixed clock on PGlite and Postgres: an SLA warning then breach gives the
 * assignee notifications, a `sla_breach` queue item and fires the escalation rules once
 * (notify managers, raise priority, reassign); a due task gets a queue item and a notification
 * once (done when the task is); a snoozed conversation reopens when due. Plus concurrent inbound
 * messages from one unknown sender creating one lead.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { conversation, lead, message, notification, queueItem } from '@sdr/schema/pg';
import { testDatabaseKinds } from '../test/harness.ts';
import { useSyncSuite } from '../sync/test/sync-harness.ts';
import { patchConversation } from './conversations.service.ts';
import { runInboxJobOnce, startInboxJob } from './inbox.job.ts';
import { inboxDepsFor, newPhone, sms, team, testClock } from './test/inbox-kit.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0); // a Monday, 10:00 UTC

describe.each(testDatabaseKinds())('inbox job (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('warns, breaches and escalates once with a fixed clock', async () => {
    const s = suite.server;
    const t = await team(s);
    const d = inboxDepsFor(s, testClock(T0));
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
              nextResponseMinutes: null,
              resolutionMinutes: null,
              businessHoursOnly: false,
            },
          ],
          warnBeforeMinutes: 2,
        },
        escalations: [
          {
            on: 'first_response',
            after: 'breach',
            actions: ['notify_manager', 'raise_priority', 'reassign'],
          },
        ],
      },
      { token: t.manager.accessToken },
    );
    expect(put.status).toBe(200);
    const r = await sms(d, t.ws, newPhone(), 'Please call');
    const conv = async () =>
      (await s.db.select().from(conversation).where(eq(conversation.id, r.conversationId!)))[0]!;
    const notes = async (userId: string) =>
      s.db
        .select()
        .from(notification)
        .where(and(eq(notification.userId, userId), eq(notification.workspaceId, t.ws)));
    expect((await conv()).assigneeId).toBe(t.sdr1.userId);
    expect((await conv()).sla).toEqual([
      { kind: 'first_response', dueAt: T0 + 10 * MIN, state: 'ok' },
    ]);
    // The inbound item ranks by the SLA due time.
    const [inboundItem] = await s.db
      .select()
      .from(queueItem)
      .where(eq(queueItem.conversationId, r.conversationId!));
    expect(inboundItem).toMatchObject({ kind: 'inbound_message', dueAt: T0 + 10 * MIN });

    d.clock.set(T0 + 5 * MIN);
    expect(await runInboxJobOnce(d)).toMatchObject({ slaChecked: 0, escalations: 0 });

    d.clock.set(T0 + 9 * MIN);
    await runInboxJobOnce(d);
    expect((await conv()).sla[0]!.state).toBe('warning');
    expect((await notes(t.sdr1.userId)).filter((n) => n.category === 'sla')).toHaveLength(1);

    d.clock.set(T0 + 11 * MIN);
    const res = await runInboxJobOnce(d);
    expect(res).toMatchObject({ slaChecked: 1, escalations: 3 });
    const c = await conv();
    expect(c).toMatchObject({ priority: 'high', assigneeId: t.sdr2.userId });
    expect(c.sla[0]!.state).toBe('breached');
    expect(c.escalations).toEqual(
      expect.arrayContaining([
        `first_response@${T0 + 10 * MIN}:breach:notify_manager`,
        `first_response@${T0 + 10 * MIN}:breach:raise_priority`,
        `first_response@${T0 + 10 * MIN}:breach:reassign`,
      ]),
    );
    const items = await s.db
      .select()
      .from(queueItem)
      .where(eq(queueItem.conversationId, r.conversationId!));
    const breach = items.filter((i) => i.kind === 'sla_breach');
    expect(breach).toHaveLength(1);
    // Reassignment moved the open items with the conversation.
    expect(items.every((i) => i.assigneeId === t.sdr2.userId)).toBe(true);
    expect((await notes(t.sdr1.userId)).filter((n) => n.category === 'sla')).toHaveLength(2);
    for (const m of [t.manager, t.admin]) {
      expect((await notes(m.userId)).filter((n) => n.category === 'sla')).toHaveLength(1);
    }
    expect((await notes(t.sdr2.userId)).map((n) => n.category)).toContain('assignment');

    // Later ticks fire nothing again.
    const counted = async () => ({
      items: (await s.db.select().from(queueItem).where(eq(queueItem.workspaceId, t.ws))).length,
      notes: (await s.db.select().from(notification).where(eq(notification.workspaceId, t.ws)))
        .length,
    });
    const before = await counted();
    d.clock.set(T0 + 30 * MIN);
    expect(await runInboxJobOnce(d)).toMatchObject({ escalations: 0 });
    expect(await counted()).toEqual(before);
    expect((await conv()).priority).toBe('high');

    // Answering stops the timer and completes the conversation's work items.
    const { createOutbound } = await import('./inbox.service.ts');
    await createOutbound(d, {
      workspaceId: t.ws,
      userId: t.sdr2.userId,
      conversationId: r.conversationId!,
      id: 'answer-1',
      kind: 'message',
      body: 'Sorry for the wait',
    });
    expect((await conv()).sla[0]!.state).toBe('breached');
    const after = await s.db
      .select()
      .from(queueItem)
      .where(eq(queueItem.conversationId, r.conversationId!));
    expect(after.every((i) => i.state === 'done')).toBe(true);
  });

  it('queues due tasks once, completes them when done, reopens snoozed conversations', async () => {
    const s = suite.server;
    const t = await team(s);
    const d = inboxDepsFor(s, testClock(T0));
    const put = (body: Record<string, unknown>) =>
      s.api.put(
        '/api/v1/tasks/task-1',
        { leadId: 'lead-1', title: 'Call back', done: false, assigneeId: t.sdr1.userId, ...body },
        { token: t.admin.accessToken },
      );
    expect((await put({ dueAt: T0 + 30 * MIN, updatedAt: 1_000 })).status).toBe(200);
    d.clock.set(T0 + 29 * MIN);
    expect((await runInboxJobOnce(d)).tasksDue).toBe(0);
    d.clock.set(T0 + 31 * MIN);
    expect((await runInboxJobOnce(d)).tasksDue).toBe(1);
    expect((await runInboxJobOnce(d)).tasksDue).toBe(0);
    const [item] = await s.db.select().from(queueItem).where(eq(queueItem.taskId, 'task-1'));
    expect(item).toMatchObject({
      kind: 'task_due',
      state: 'open',
      assigneeId: t.sdr1.userId,
      dueAt: T0 + 30 * MIN,
      title: 'Call back',
    });
    const n = await s.db.select().from(notification).where(eq(notification.userId, t.sdr1.userId));
    expect(n.map((x) => [x.category, x.queueItemId])).toEqual([['task', item!.id]]);
    expect((await put({ dueAt: T0 + 30 * MIN, done: true, updatedAt: 2_000 })).status).toBe(200);
    await runInboxJobOnce(d);
    const [doneItem] = await s.db.select().from(queueItem).where(eq(queueItem.taskId, 'task-1'));
    expect(doneItem!.state).toBe('done');

    const r = await sms(d, t.ws, newPhone());
    await s.db
      .update(conversation)
      .set({ status: 'snoozed', snoozedUntil: T0 + 40 * MIN })
      .where(eq(conversation.id, r.conversationId!));
    expect((await runInboxJobOnce(d)).reopened).toBe(0);
    d.clock.set(T0 + 41 * MIN);
    expect((await runInboxJobOnce(d)).reopened).toBe(1);
    const [c] = await s.db
      .select()
      .from(conversation)
      .where(eq(conversation.id, r.conversationId!));
    expect(c).toMatchObject({ status: 'open', snoozedUntil: null });

    // The interval job runs the same tick and stops cleanly.
    const job = startInboxJob(d, { intervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await job.stop();
  });

  it('does not count an ended snooze against the SLA (the status history keeps it)', async () => {
    const s = suite.server;
    const t = await team(s);
    const d = inboxDepsFor(s, testClock(T0));
    const put = await s.api.put(
      '/api/v1/inbox/settings',
      {
        routing: { rule: 'round_robin', sdrIds: [t.sdr1.userId], preferLeadOwner: false },
        sla: {
          policies: [
            {
              id: 'std',
              name: 'Standard',
              match: {},
              firstResponseMinutes: 10,
              nextResponseMinutes: null,
              resolutionMinutes: null,
              businessHoursOnly: false,
            },
          ],
          warnBeforeMinutes: 2,
        },
      },
      { token: t.admin.accessToken },
    );
    expect(put.status).toBe(200);
    const r = await sms(d, t.ws, newPhone());
    const id = r.conversationId!;
    const conv = async () =>
      (await s.db.select().from(conversation).where(eq(conversation.id, id)))[0]!;
    expect((await conv()).sla).toEqual([
      { kind: 'first_response', dueAt: T0 + 10 * MIN, state: 'ok' },
    ]);
    const sdr1 = { userId: t.sdr1.userId, workspaceId: t.ws, sessionId: 's', role: 'sdr' as const };
    d.clock.set(T0 + 2 * MIN);
    await patchConversation(d, sdr1, id, { snoozedUntil: T0 + 30 * MIN });
    // Snoozed: paused, due as if it resumed when the snooze ends.
    expect((await conv()).sla).toEqual([
      { kind: 'first_response', dueAt: T0 + 38 * MIN, state: 'paused' },
    ]);
    d.clock.set(T0 + 31 * MIN);
    expect((await runInboxJobOnce(d)).reopened).toBe(1);
    // Back at 31 min after 29 snoozed: 8 of the 10 minutes are left.
    expect((await conv()).sla).toEqual([
      { kind: 'first_response', dueAt: T0 + 39 * MIN, state: 'ok' },
    ]);
  });

  it('creates one lead for concurrent messages from one unknown sender', async () => {
    const s = suite.server;
    const t = await team(s);
    const d = inboxDepsFor(s);
    const phone = newPhone();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => sms(d, t.ws, phone, `part ${i}`)),
    );
    const leads = await s.db
      .select()
      .from(lead)
      .where(and(eq(lead.workspaceId, t.ws), eq(lead.phone, phone)));
    expect(leads).toHaveLength(1);
    expect(new Set(results.map((r) => r.leadId))).toEqual(new Set([leads[0]!.id]));
    expect(new Set(results.map((r) => r.conversationId)).size).toBe(1);
    expect(results.filter((r) => r.createdLead)).toHaveLength(1);
    const msgs = await s.db
      .select()
      .from(message)
      .where(eq(message.conversationId, results[0]!.conversationId!));
    expect(msgs).toHaveLength(8);
    const [c] = await s.db
      .select()
      .from(conversation)
      .where(eq(conversation.id, results[0]!.conversationId!));
    expect(c!.unreadCount).toBe(8);
    const items = await s.db.select().from(queueItem).where(eq(queueItem.conversationId, c!.id));
    expect(items).toHaveLength(1);
  });
});
