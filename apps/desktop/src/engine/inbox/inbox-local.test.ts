/**
 * The inbox's local side on a real SQLite file (migrations applied), facts stored through the
 * same `FactStore` the sync client uses, no server (offline): list filters, search (LIKE
 * wildcards typed by the user match themselves), unread counts with a pending mark-read, the
 * optimistic state of queued commands (conversation changes, a waiting message, its cancel, a
 * reorder), queue order with manager pins, the team load, notifications filtered to me, and
 * another user's copies wiped on sign-in.
 */
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthState } from '../../shared/contract.ts';
import { openDb } from '../db.ts';
import { tempDir, testLog } from '../test/harness.ts';
import { FactStore } from './fact-store.ts';
import { createInboxApi } from './inbox-api.ts';
import { createInboxStore } from './inbox-store.ts';
import { Inbox } from './inbox.ts';
import { messageFact } from './test/facts.ts';

const WS = 'ws1';
const ME = 'u-me';
const OTHER = 'u-other';
const NOW = Date.UTC(2026, 10, 20, 10, 0);

function signedIn(userId: string, role = 'sdr'): AuthState {
  return {
    status: 'signed-in',
    offline: true,
    me: {
      user: { id: userId, email: `${userId}@example.com`, name: `User ${userId}` },
      role,
      workspace: { id: WS, name: 'Acme', role },
      workspaces: [{ id: WS, name: 'Acme', role }],
    },
  } as unknown as AuthState;
}

const conversation = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  leadId: `lead-${id}`,
  channel: 'sms',
  status: 'open',
  snoozedUntil: null,
  assigneeId: ME,
  teamId: null,
  priority: 'normal',
  labels: [],
  subject: null,
  ourAddress: '+442079460000',
  leadAddress: `+4420794601${id.slice(-2).padStart(2, '0')}`,
  mailboxId: null,
  threadKey: `k-${id}`,
  unreadCount: 0,
  lastMessageAt: NOW - 60_000,
  lastMessagePreview: `preview ${id}`,
  lastInboundAt: null,
  lastOutboundAt: null,
  firstInboundAt: null,
  firstResponseAt: null,
  closedAt: null,
  sla: [],
  escalations: [],
  workspaceId: WS,
  createdAt: NOW - 120_000,
  updatedAt: NOW - 60_000,
  seq: 1,
  ...over,
});

const queueItem = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  kind: 'inbound_message',
  state: 'open',
  conversationId: null,
  leadId: null,
  taskId: null,
  assigneeId: ME,
  teamId: null,
  dueAt: null,
  rankKey: NOW,
  pinnedRank: null,
  leadScore: null,
  channel: 'sms',
  claimedBy: null,
  claimedAt: null,
  doneAt: null,
  title: `item ${id}`,
  workspaceId: WS,
  createdAt: NOW - 1000,
  updatedAt: NOW - 1000,
  seq: 1,
  ...over,
});

describe('inbox (local, offline)', () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  function open(dir = tempDir(), popups?: string[]) {
    const { db, close } = openDb(dir);
    const sqlite = (db as unknown as { $client: Database.Database }).$client;
    const facts = new FactStore(sqlite);
    const put = (entity: string, row: Record<string, unknown>) => {
      const r = facts.apply(WS, entity, String(row.id), row);
      if (r && 'error' in r) throw new Error(r.error);
    };
    const events: { event: string; payload: unknown }[] = [];
    const inbox = new Inbox({
      store: createInboxStore(sqlite),
      api: createInboxApi({ baseUrl: 'http://127.0.0.1:9' }),
      authed: () => Promise.reject(new Error('offline')),
      workspace: { readable: () => WS, editable: () => WS },
      emit: (event, payload) => events.push({ event, payload }),
      ...(popups
        ? { notify: (title: string, body: string) => popups.push(`${title}: ${body}`) }
        : {}),
      log: testLog,
      now: () => NOW,
    });
    closers.push(() => {
      inbox.close();
      close();
    });
    const live = (entity: string, row: Record<string, unknown>) => {
      const applied = facts.apply(WS, entity, String(row.id), row);
      if (!applied || 'error' in applied)
        throw new Error(`not applied: ${entity} ${String(row.id)}`);
      inbox.onFacts(WS, [applied], true);
    };
    return { inbox, put, live, events, dir, close };
  }

  it('filters, searches and counts from the local copies', () => {
    const { inbox, put } = open();
    inbox.follow(signedIn(ME));
    put('conversation', conversation('c01', { unreadCount: 2, labels: ['vip'] }));
    put('conversation', conversation('c02', { channel: 'email', priority: 'high' }));
    put('conversation', conversation('c03', { assigneeId: null, unreadCount: 1 }));
    put('conversation', conversation('c04', { status: 'closed' }));
    put(
      'conversation',
      conversation('c05', { assigneeId: OTHER, lastMessagePreview: '100% sure_' }),
    );

    const ids = (q: Parameters<Inbox['conversations']>[0]) =>
      inbox.conversations(q).items.map((c) => c.id);
    const q = { view: 'mine' as const, limit: 100, offset: 0 };
    expect(ids(q)).toEqual(['c02', 'c01']); // newest first: same time, id desc
    expect(ids({ ...q, view: 'unassigned' })).toEqual(['c03']);
    expect(ids({ ...q, view: 'all' })).toHaveLength(4);
    expect(ids({ ...q, view: 'all', status: ['closed'] })).toEqual(['c04']);
    expect(ids({ ...q, channel: 'email' })).toEqual(['c02']);
    expect(ids({ ...q, priority: 'high' })).toEqual(['c02']);
    expect(ids({ ...q, label: 'vip' })).toEqual(['c01']);
    // `%` and `_` match themselves; the lead's number matches too.
    expect(ids({ ...q, view: 'all', q: '100%' })).toEqual(['c05']);
    expect(ids({ ...q, view: 'all', q: '%' })).toEqual(['c05']);
    expect(ids({ ...q, view: 'all', q: '+442079460103' })).toEqual(['c03']);

    expect(inbox.counts()).toMatchObject({
      views: {
        mine: { conversations: 2, unread: 1 },
        unassigned: { conversations: 1, unread: 1 },
        all: { conversations: 4, unread: 2 },
      },
      labels: ['vip'],
      pendingCommands: 0,
    });
    // Marked read offline: read at once, the command waits.
    inbox.markRead('c01');
    expect(inbox.counts().views.mine.unread).toBe(0);
    expect(inbox.conversations(q).items.find((c) => c.id === 'c01')?.unreadCount).toBe(0);
    expect(inbox.counts().pendingCommands).toBe(1);
  });

  it('shows queued commands at once and keeps them, in order, across a restart', () => {
    const first = open();
    first.inbox.follow(signedIn(ME));
    first.put('conversation', conversation('c01'));
    first.put(
      'message',
      messageFact({
        id: 'm-in',
        conversationId: 'c01',
        leadId: 'lead-c01',
        fromAddress: '+442079460101',
        toAddress: '+442079460000',
        providerId: 'SM1',
        assigneeId: ME,
        workspaceId: WS,
        createdAt: NOW - 50_000,
        updatedAt: NOW - 50_000,
        seq: 2,
      }),
    );
    const sent = first.inbox.send({ conversationId: 'c01', kind: 'message', body: 'Hi there' });
    const later = first.inbox.send({
      conversationId: 'c01',
      kind: 'message',
      body: 'Tomorrow',
      sendAt: NOW + 86_400_000,
    });
    first.inbox.send({ conversationId: 'c01', kind: 'note', body: 'Keen', mentions: [OTHER] });
    first.inbox.update({ conversationId: 'c01', status: 'snoozed', snoozedUntil: NOW + 3_600_000 });
    first.inbox.assign({ conversationId: 'c01', assigneeId: OTHER, note: 'yours' });
    first.close();

    const { inbox } = open(first.dir);
    inbox.follow(signedIn(ME));
    const thread = inbox.thread({ conversationId: 'c01' });
    expect(thread.messages.map((m) => [m.body, m.direction, m.local, m.status])).toEqual([
      ['Hello?', 'in', null, 'received'],
      ['Hi there', 'out', 'waiting', 'queued'],
      ['Tomorrow', 'out', 'waiting', 'scheduled'],
      ['Keen', 'internal', 'waiting', 'queued'],
    ]);
    expect(thread.conversations[0]).toMatchObject({
      status: 'snoozed',
      snoozedUntil: NOW + 3_600_000,
      assigneeId: OTHER,
      pending: true,
    });
    expect(inbox.commands().map((c) => c.kind)).toEqual([
      'send',
      'send',
      'send',
      'update',
      'assign',
    ]);
    // A message still in the outbox is cancelled by not sending it.
    inbox.cancelMessage(later.messageId);
    expect(inbox.thread({ conversationId: 'c01' }).messages.map((m) => m.body)).not.toContain(
      'Tomorrow',
    );
    expect(inbox.commands()).toHaveLength(4);
    // The same message id twice is refused once the server has it.
    expect(() =>
      inbox.send({ conversationId: 'c01', kind: 'message', body: 'again', id: 'm-in' }),
    ).toThrow(/sent already/);
    expect(sent.messageId).toMatch(/^[0-9A-Z]{26}$/);
  });

  it('orders the queue with pins, explains it, reorders optimistically and computes the team load', () => {
    const { inbox, put } = open();
    inbox.follow(signedIn(ME, 'manager'));
    put(
      'conversation',
      conversation('c01', {
        sla: [{ kind: 'first_response', dueAt: NOW + 600_000, state: 'ok' }],
      }),
    );
    put(
      'conversation',
      conversation('c02', {
        assigneeId: OTHER,
        unreadCount: 1,
        sla: [{ kind: 'first_response', dueAt: NOW - 60_000, state: 'breached' }],
      }),
    );
    put(
      'queueItem',
      queueItem('q1', { rankKey: NOW + 500_000, conversationId: 'c01', dueAt: NOW + 600_000 }),
    );
    put('queueItem', queueItem('q2', { rankKey: NOW + 100_000 }));
    put('queueItem', queueItem('q3', { rankKey: NOW + 900_000, pinnedRank: 1 }));
    put('queueItem', queueItem('q4', { rankKey: NOW, assigneeId: OTHER }));
    put('queueItem', queueItem('q5', { state: 'done' }));

    const mine = inbox.queue(false);
    expect(mine.map((i) => i.id)).toEqual(['q3', 'q2', 'q1']);
    expect(mine[0]!.explanation[0]).toBe('Pinned by a manager #1');
    expect(mine.find((i) => i.id === 'q1')!.explanation[0]).toBe(
      'SLA first response due in 10 min',
    );
    expect(inbox.queue(true).map((i) => i.id)).toEqual(['q3', 'q4', 'q2', 'q1']);

    inbox.reorder(['q1', 'q2']);
    expect(inbox.queue(true).map((i) => [i.id, i.pinnedRank])).toEqual([
      ['q1', 1],
      ['q2', 2],
      ['q4', null],
      ['q3', null],
    ]);
    inbox.queueAction('claim', 'q2');
    inbox.queueAction('complete', 'q1');
    expect(inbox.queue(false).map((i) => [i.id, i.claim])).toEqual([
      ['q2', 'unconfirmed'],
      ['q3', 'open'],
    ]);

    expect(inbox.team()).toEqual([
      { userId: ME, openConversations: 1, unread: 0, queueItems: 3, breaches: 0 },
      { userId: OTHER, openConversations: 1, unread: 1, queueItems: 1, breaches: 1 },
    ]);
  });

  it('lists only my notifications; another user signing in starts from a clean copy', () => {
    const { inbox, put } = open();
    inbox.follow(signedIn(ME));
    const note = (id: string, userId: string) => ({
      id,
      userId,
      category: 'reply',
      title: `t ${id}`,
      body: 'b',
      conversationId: null,
      leadId: null,
      queueItemId: null,
      readAt: null,
      workspaceId: WS,
      createdAt: NOW,
      updatedAt: NOW,
      seq: 1,
    });
    put('notification', note('n1', ME));
    put('notification', note('n2', OTHER));
    expect(inbox.notifications(50)).toMatchObject({ unread: 1, items: [{ id: 'n1' }] });
    inbox.markNotificationsRead(['n1']);
    expect(inbox.notifications(50).unread).toBe(0);
    put('conversation', conversation('c01'));

    inbox.follow(signedIn(OTHER));
    expect(inbox.notifications(50).items).toEqual([]);
    expect(inbox.conversations({ view: 'all', limit: 10, offset: 0 }).total).toBe(0);
    expect(inbox.commands()).toEqual([]);
  });

  it('a new notification pops up once; a due task pops up from the local reminder only, as the preferences say', () => {
    const popups: string[] = [];
    const { inbox, live, events } = open(tempDir(), popups);
    inbox.follow(signedIn(ME));
    const note = (id: string, category: string) => ({
      id,
      userId: ME,
      category,
      title: category === 'task' ? 'Task due' : 'New reply',
      body: `body ${id}`,
      conversationId: null,
      leadId: null,
      queueItemId: null,
      readAt: null,
      workspaceId: WS,
      createdAt: NOW,
      updatedAt: NOW,
      seq: 1,
    });
    live('notification', note('n1', 'reply'));
    live('notification', note('n1', 'reply'));
    live('notification', note('n2', 'task'));
    expect(popups).toEqual(['New reply: body n1']);
    expect(
      events
        .filter((e) => e.event === 'notifications:new')
        .map(
          (e) => (e.payload as { notification: { id: string }; shown: boolean }).notification.id,
        ),
    ).toEqual(['n1', 'n2']);
    expect(inbox.notifications(50).unread).toBe(2);

    // The local reminder asks the preferences: task popups on, then do-not-disturb.
    const prefs = inbox.prefs();
    inbox.setPrefs({
      ...prefs,
      categories: { ...prefs.categories, task: { ...prefs.categories.task, os: true } },
    });
    expect(inbox.allowsOsNotification('task')).toBe(true);
    inbox.setPrefs({ ...inbox.prefs(), doNotDisturbUntil: NOW + 60_000 });
    expect(inbox.allowsOsNotification('task')).toBe(false);
    inbox.follow({ status: 'signed-out' });
    expect(inbox.allowsOsNotification('task')).toBe(true);
  });
});
