/**
 * The inbox writers through the real authority on PGlite and Postgres: inbound creating and
 * attaching leads, dedupe, outbound idempotency and send-later, monotonic delivery status.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { conversation, lead, message, notification, queueItem } from '@sdr/schema/pg';
import { signUp, testDatabaseKinds } from '../test/harness.ts';
import { useSyncSuite } from '../sync/test/sync-harness.ts';
import { applyDeliveryStatus, createOutbound, ingestInbound } from './inbox.service.ts';
import { inboxDepsFor } from './test/inbox-kit.ts';

const OUR = '+442079460000';

describe.each(testDatabaseKinds())('inbox service (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('creates a lead for an unknown SMS sender and attaches a differently formatted number', async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const d = inboxDepsFor(s);
    const first = await ingestInbound(d, {
      workspaceId: admin.workspaceId,
      channel: 'sms',
      from: '+44 20 7946 0958',
      to: OUR,
      body: 'Hi, is this still available?',
      providerId: 'SM1',
      receivedAt: d.now(),
    });
    expect(first).toMatchObject({ duplicate: false, createdLead: true });
    const [l] = await s.db.select().from(lead).where(eq(lead.id, first.leadId!));
    expect(l).toMatchObject({ phone: '+442079460958', source: 'inbound sms' });

    const second = await ingestInbound(d, {
      workspaceId: admin.workspaceId,
      channel: 'sms',
      from: '00442079460958',
      to: OUR,
      body: 'Hello again',
      providerId: 'SM2',
      receivedAt: d.now() + 1,
    });
    expect(second).toMatchObject({
      duplicate: false,
      createdLead: false,
      leadId: first.leadId,
      conversationId: first.conversationId,
    });
    const [c] = await s.db
      .select()
      .from(conversation)
      .where(eq(conversation.id, first.conversationId!));
    expect(c).toMatchObject({ unreadCount: 2, lastMessagePreview: 'Hello again', status: 'open' });
    expect(c!.sla.map((t) => t.kind)).toContain('first_response');
    const items = await s.db.select().from(queueItem).where(eq(queueItem.conversationId, c!.id));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'inbound_message', state: 'open' });

    const again = await ingestInbound(d, {
      workspaceId: admin.workspaceId,
      channel: 'sms',
      from: '+442079460958',
      to: OUR,
      body: 'Hello again',
      providerId: 'SM2',
      receivedAt: d.now() + 1,
    });
    expect(again).toMatchObject({ duplicate: true, messageId: second.messageId });
    const msgs = await s.db.select().from(message).where(eq(message.conversationId, c!.id));
    expect(msgs).toHaveLength(2);
  });

  it('sends once per id, schedules send-later, and never moves a status backwards', async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const d = inboxDepsFor(s);
    const inbound = await ingestInbound(d, {
      workspaceId: admin.workspaceId,
      channel: 'sms',
      from: '+442079460958',
      to: OUR,
      body: 'Hi',
      providerId: 'SM10',
      receivedAt: d.now(),
    });
    const input = {
      workspaceId: admin.workspaceId,
      userId: admin.userId,
      conversationId: inbound.conversationId!,
      id: 'msg-out-1',
      kind: 'message' as const,
      body: 'Hello from us',
    };
    const a = await createOutbound(d, input);
    const b = await createOutbound(d, input);
    expect(a.duplicate).toBe(false);
    expect(b.duplicate).toBe(true);
    expect(a.message.status).toBe('queued');
    expect(d.sent).toHaveLength(1);
    const later = await createOutbound(d, {
      ...input,
      id: 'msg-out-2',
      sendAt: d.now() + 3_600_000,
    });
    expect(later.message).toMatchObject({ status: 'scheduled', sendAt: d.now() + 3_600_000 });
    expect(d.sent[1]).toMatchObject({ messageId: 'msg-out-2', sendAt: d.now() + 3_600_000 });

    // The answer completed the inbound work item.
    const items = await s.db
      .select()
      .from(queueItem)
      .where(eq(queueItem.conversationId, inbound.conversationId!));
    expect(items.every((i) => i.state === 'done')).toBe(true);

    const at = d.now();
    for (const status of ['delivered', 'sent', 'queued'] as const) {
      await applyDeliveryStatus(d, {
        workspaceId: admin.workspaceId,
        messageId: 'msg-out-1',
        providerId: 'SMout1',
        status,
        at,
      });
    }
    const [m] = await s.db.select().from(message).where(eq(message.id, 'msg-out-1'));
    expect(m).toMatchObject({ status: 'delivered', providerId: 'SMout1', deliveredAt: at });
    const byProvider = await applyDeliveryStatus(d, {
      workspaceId: admin.workspaceId,
      providerId: 'SMout1',
      status: 'sent',
      at,
    });
    expect(byProvider).toMatchObject({ found: true, changed: false, status: 'delivered' });
    const none = await s.db
      .select()
      .from(notification)
      .where(and(eq(notification.workspaceId, admin.workspaceId)));
    expect(none.every((n) => n.category !== 'mention')).toBe(true);
  });

  it('labels auto-replies and bounces without treating them as replies', async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const d = inboxDepsFor(s);
    const ws = admin.workspaceId;
    const first = await ingestInbound(d, {
      workspaceId: ws,
      channel: 'email',
      from: 'Lee <lee@example.org>',
      fromName: 'Lee Park',
      to: 'sales@acme.test',
      subject: 'Hello',
      body: 'Tell me more',
      providerId: '<in-1@example.org>',
      emailMessageId: 'in-1@example.org',
      receivedAt: d.now(),
    });
    expect(first).toMatchObject({ createdLead: true });
    const [l] = await s.db.select().from(lead).where(eq(lead.id, first.leadId!));
    expect(l).toMatchObject({
      email: 'lee@example.org',
      firstName: 'Lee',
      source: 'inbound email',
    });
    const out = await createOutbound(d, {
      workspaceId: ws,
      userId: admin.userId,
      conversationId: first.conversationId!,
      id: 'mail-out-1',
      kind: 'message',
      body: 'Here you go',
    });
    expect(d.sent.at(-1)).toMatchObject({ messageId: 'mail-out-1', channel: 'email' });
    await s.db
      .update(message)
      .set({ emailMessageId: 'mail-out-1@acme.test', status: 'sent' })
      .where(eq(message.id, out.message.id));
    const convBefore = (
      await s.db.select().from(conversation).where(eq(conversation.id, first.conversationId!))
    )[0]!;

    const auto = await ingestInbound(d, {
      workspaceId: ws,
      channel: 'email',
      kind: 'auto_reply',
      from: 'lee@example.org',
      to: 'sales@acme.test',
      subject: 'Out of office',
      body: 'I am away',
      providerId: '<ooo-1@example.org>',
      emailMessageId: 'ooo-1@example.org',
      inReplyTo: '<mail-out-1@acme.test>',
      receivedAt: d.now() + 10,
    });
    const bounce = await ingestInbound(d, {
      workspaceId: ws,
      channel: 'email',
      kind: 'bounce',
      from: 'mailer-daemon@mx.example.org',
      to: 'sales@acme.test',
      subject: 'Undelivered Mail Returned to Sender',
      body: '550 5.1.1 User unknown',
      providerId: '<dsn-1@mx.example.org>',
      references: ['<mail-out-1@acme.test>'],
      receivedAt: d.now() + 20,
    });
    expect(auto.conversationId).toBe(first.conversationId);
    expect(bounce.conversationId).toBe(first.conversationId);
    const stray = await ingestInbound(d, {
      workspaceId: ws,
      channel: 'email',
      kind: 'bounce',
      from: 'mailer-daemon@elsewhere.test',
      to: 'sales@acme.test',
      body: 'bounce of something we do not know',
      providerId: '<dsn-2@elsewhere.test>',
      receivedAt: d.now() + 30,
    });
    expect(stray).toMatchObject({ messageId: null, ignored: 'bounce from an unknown sender' });

    const [original] = await s.db.select().from(message).where(eq(message.id, 'mail-out-1'));
    expect(original).toMatchObject({ status: 'bounced', statusReason: '550 5.1.1 User unknown' });
    const kinds = await s.db
      .select({ kind: message.kind })
      .from(message)
      .where(eq(message.conversationId, first.conversationId!));
    expect(kinds.map((k) => k.kind).sort()).toEqual(['auto_reply', 'bounce', 'message', 'message']);
    const convAfter = (
      await s.db.select().from(conversation).where(eq(conversation.id, first.conversationId!))
    )[0]!;
    expect(convAfter).toMatchObject({
      unreadCount: convBefore.unreadCount,
      lastInboundAt: convBefore.lastInboundAt,
      lastMessagePreview: convBefore.lastMessagePreview,
    });
    const leads = await s.db.select().from(lead).where(eq(lead.workspaceId, ws));
    expect(leads).toHaveLength(1);
    const open = await s.db
      .select()
      .from(queueItem)
      .where(and(eq(queueItem.conversationId, first.conversationId!), eq(queueItem.state, 'open')));
    expect(open).toHaveLength(0);
  });
});
