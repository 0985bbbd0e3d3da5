/**
 * The inbox over real HTTP on PGlite and Postgres: routing through the service, assignment
 * and status history, queue claims racing, notes with mentions, facts on a connected /sync client,
 * idempotent commands, tenancy and role refusals, bad input writing nothing, OpenAPI entries.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { FrameOf } from '@sdr/schema/sync';
import { conversation, lead, queueItem, twilioIntegration, user } from '@sdr/schema/pg';
import { countRows } from '../db/tables.ts';
import { signUp, testDatabaseKinds } from '../test/harness.ts';
import { SyncTestClient } from '../sync/test/sync-client.ts';
import { useSyncSuite, type SyncTestServer } from '../sync/test/sync-harness.ts';
import { applyDeliveryStatus, createOutbound, ingestInbound } from './inbox.service.ts';
import { ingestInboundBatch } from './inbound-batch.service.ts';
import { runInboxJobOnce } from './inbox.job.ts';
import { inboxDepsFor, newPhone, OUR_NUMBER, sms, team } from './test/inbox-kit.ts';

/** A team whose inbox routes every new conversation to its first SDR, and inbox deps. */
async function routedToSdr1(s: SyncTestServer) {
  const t = await team(s);
  const d = inboxDepsFor(s);
  await s.api.put(
    '/api/v1/inbox/settings',
    { routing: { rule: 'round_robin', sdrIds: [t.sdr1.userId], preferLeadOwner: false } },
    { token: t.admin.accessToken },
  );
  return { t, d };
}

describe.each(testDatabaseKinds())('inbox REST (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('routes round-robin, then least-loaded under capacity, and keeps the history', async () => {
    const s = suite.server;
    const t = await team(s);
    const d = inboxDepsFor(s);
    const put = await s.api.put(
      '/api/v1/inbox/settings',
      {
        routing: {
          rule: 'round_robin',
          sdrIds: [t.sdr1.userId, t.sdr2.userId],
          preferLeadOwner: false,
        },
      },
      { token: t.manager.accessToken },
    );
    expect(put.status).toBe(200);
    expect(put.body.settings.routing.rule).toBe('round_robin');
    const rr = [];
    for (let i = 0; i < 3; i++) rr.push(await sms(d, t.ws, newPhone()));
    const assignees = [];
    for (const r of rr) {
      const c = await s.api.get(`/api/v1/conversations/${r.conversationId}`, {
        token: t.admin.accessToken,
      });
      assignees.push(c.body.assigneeId);
    }
    expect(assignees).toEqual([t.sdr1.userId, t.sdr2.userId, t.sdr1.userId]);

    // least loaded: sdr1 has 2 open, sdr2 1; sdr2 gets the next two (2 vs 2 then capacity 2 full).
    await s.api.put(
      '/api/v1/inbox/settings',
      {
        routing: {
          rule: 'least_loaded',
          sdrIds: [t.sdr1.userId, t.sdr2.userId],
          preferLeadOwner: false,
          capacity: { [t.sdr1.userId]: 2 },
          defaultCapacity: 3,
        },
      },
      { token: t.admin.accessToken },
    );
    const ll = [];
    for (let i = 0; i < 3; i++) ll.push(await sms(d, t.ws, newPhone()));
    const got = [];
    for (const r of ll) {
      const [c] = await s.db
        .select()
        .from(conversation)
        .where(eq(conversation.id, r.conversationId!));
      got.push(c!.assigneeId);
    }
    // sdr1 is at capacity (2/2): sdr2 takes 2 → 3 (its capacity 3), then nobody is left.
    expect(got).toEqual([t.sdr2.userId, t.sdr2.userId, null]);

    const hist = await s.api.get(`/api/v1/conversations/${ll[0]!.conversationId}/assignments`, {
      token: t.manager.accessToken,
    });
    expect(hist.body.items).toHaveLength(1);
    expect(hist.body.items[0]).toMatchObject({ toUserId: t.sdr2.userId, byUserId: null });
    expect(hist.body.items[0].reason).toMatch(/Least loaded/i);

    // Manual reassign with a note; the new assignee is notified and gets the history row.
    const re = await s.api.post(
      `/api/v1/conversations/${ll[0]!.conversationId}/assign`,
      { assigneeId: t.sdr1.userId, note: 'Speaks German' },
      { token: t.manager.accessToken },
    );
    expect(re.status).toBe(200);
    expect(re.body.assigneeId).toBe(t.sdr1.userId);
    const hist2 = await s.api.get(`/api/v1/conversations/${ll[0]!.conversationId}/assignments`, {
      token: t.manager.accessToken,
    });
    expect((hist2.body.items as unknown[]).at(-1)).toMatchObject({
      fromUserId: t.sdr2.userId,
      toUserId: t.sdr1.userId,
      byUserId: t.manager.userId,
      note: 'Speaks German',
    });
    const notes = await s.api.get('/api/v1/notifications', { token: t.sdr1.accessToken });
    expect((notes.body.items as { category: string }[]).map((n) => n.category)).toContain(
      'assignment',
    );
  });

  it('never hands the same queue item to two SDRs calling next at once', async () => {
    const s = suite.server;
    const t = await team(s);
    const d = inboxDepsFor(s);
    await s.api.put(
      '/api/v1/inbox/settings',
      { routing: { rule: 'manual', preferLeadOwner: false } },
      { token: t.admin.accessToken },
    );
    const n = 12;
    for (let i = 0; i < n; i++) await sms(d, t.ws, newPhone(), `msg ${i}`);
    const calls: Promise<{ who: string; status: number; item: { id: string } | null }>[] = [];
    for (let i = 0; i < n + 4; i++) {
      const who = i % 2 === 0 ? t.sdr1 : t.sdr2;
      calls.push(
        s.api.post('/api/v1/queue/next', undefined, { token: who.accessToken }).then((r) => ({
          who: who.userId,
          status: r.status,
          item: r.body.item as { id: string } | null,
        })),
      );
    }
    const results = await Promise.all(calls);
    expect(results.every((r) => r.status === 200)).toBe(true);
    const claimed = results.flatMap((r) => (r.item === null ? [] : [{ ...r, item: r.item }]));
    expect(claimed).toHaveLength(n);
    expect(new Set(claimed.map((r) => r.item.id)).size).toBe(n);
    for (const r of claimed) expect(r.item).toMatchObject({ state: 'claimed', claimedBy: r.who });
    const rows = await s.db.select().from(queueItem).where(eq(queueItem.workspaceId, t.ws));
    expect(rows.filter((r) => r.state === 'claimed')).toHaveLength(n);

    // Claim by id: someone else's claimed item is a 409 naming the holder.
    const theirs = claimed.find((r) => r.who === t.sdr1.userId)!.item;
    const stolen = await s.api.post(`/api/v1/queue/items/${theirs.id}/claim`, undefined, {
      token: t.manager.accessToken,
    });
    expect(stolen.status).toBe(409);
    expect(stolen.body.error.code).toBe('conflict');
    expect(stolen.body.error.issues[0]).toEqual({ path: 'claimedBy', message: t.sdr1.userId });
    const [holder] = await s.db.select().from(user).where(eq(user.id, t.sdr1.userId));
    expect(stolen.body.error.message).toContain(holder!.name);
    // An SDR cannot even see another SDR's item.
    const hidden = await s.api.post(`/api/v1/queue/items/${theirs.id}/release`, undefined, {
      token: t.sdr2.accessToken,
    });
    expect(hidden.status).toBe(404);
    const released = await s.api.post(`/api/v1/queue/items/${theirs.id}/release`, undefined, {
      token: t.sdr1.accessToken,
    });
    expect(released.body.item).toMatchObject({ state: 'open', claimedBy: null });
    const done = await s.api.post(`/api/v1/queue/items/${theirs.id}/complete`, undefined, {
      token: t.sdr1.accessToken,
    });
    expect(done.body.item.state).toBe('done');

    // Managers pin; the pinned item comes first for its owner.
    const open = claimed.find((r) => r.who === t.sdr2.userId)!.item;
    await s.api.post(`/api/v1/queue/items/${open.id}/release`, undefined, {
      token: t.sdr2.accessToken,
    });
    const sdrPin = await s.api.put(
      '/api/v1/queue/order',
      { order: [open.id] },
      { token: t.sdr2.accessToken },
    );
    expect(sdrPin.status).toBe(403);
    const pin = await s.api.put(
      '/api/v1/queue/order',
      { order: [open.id] },
      { token: t.manager.accessToken },
    );
    expect(pin.status).toBe(200);
    expect(pin.body.items[0]).toMatchObject({ id: open.id, pinnedRank: 1 });
    const team2 = await s.api.get('/api/v1/queue/team', { token: t.manager.accessToken });
    expect(team2.status).toBe(200);
    const sdr2Load = (team2.body.members as { userId: string }[]).find(
      (m) => m.userId === t.sdr2.userId,
    );
    // Each claim assigned its conversation to the claimer; how the racing calls split the items
    // between the two SDRs is up to the race (6/6 usually, 7/5 sometimes).
    const sdr2Claims = claimed.filter((r) => r.who === t.sdr2.userId).length;
    expect(sdr2Load).toMatchObject({ openItems: 1, openConversations: sdr2Claims });
    expect((await s.api.get('/api/v1/queue/team', { token: t.sdr1.accessToken })).status).toBe(403);
  });

  it('answers a repeated command with the first result (commandId)', async () => {
    const s = suite.server;
    const t = await team(s);
    const d = inboxDepsFor(s);
    await s.api.put(
      '/api/v1/inbox/settings',
      { routing: { rule: 'manual' } },
      { token: t.admin.accessToken },
    );
    await sms(d, t.ws, newPhone());
    await sms(d, t.ws, newPhone());
    const a = await s.api.post(
      '/api/v1/queue/next',
      { commandId: 'cmd-next-1' },
      { token: t.sdr1.accessToken },
    );
    const b = await s.api.post(
      '/api/v1/queue/next',
      { commandId: 'cmd-next-1' },
      { token: t.sdr1.accessToken },
    );
    expect(a.body.item.id).toBeTruthy();
    expect(b.body).toEqual(a.body);
    const rows = await s.db.select().from(queueItem).where(eq(queueItem.workspaceId, t.ws));
    expect(rows.filter((r) => r.state === 'claimed')).toHaveLength(1);
    const other = await s.api.post(
      `/api/v1/conversations/${a.body.item.conversationId}/read`,
      { commandId: 'cmd-next-1' },
      { token: t.sdr1.accessToken },
    );
    expect(other.status).toBe(409);
  });

  it('notifies mentioned members of a note and pushes facts to a connected client', async () => {
    const s = suite.server;
    const { t, d } = await routedToSdr1(s);
    const client = await SyncTestClient.connect(s.wsUrl, t.sdr1.accessToken);
    await client.hello({ clientId: 4711 });
    const r = await sms(d, t.ws, newPhone(), 'Can you call me?');
    const push = await client.waitFor(
      (f): f is FrameOf<'change'> =>
        f.type === 'change' &&
        f.change.kind === 'fact' &&
        f.change.entity === 'message' &&
        f.change.id === r.messageId,
    );
    expect(push.change).toMatchObject({
      data: { body: 'Can you call me?', assigneeId: t.sdr1.userId },
    });
    await client.waitFor(
      (f): f is FrameOf<'change'> =>
        f.type === 'change' &&
        f.change.kind === 'fact' &&
        f.change.entity === 'notification' &&
        (f.change.data as { category?: string } | null)?.category === 'reply',
    );

    const [mgr] = await s.db.select().from(user).where(eq(user.id, t.manager.userId));
    const note = await s.api.post(
      `/api/v1/conversations/${r.conversationId}/messages`,
      { id: 'note-1', kind: 'note', body: `@${mgr!.name} can you take this one?` },
      { token: t.sdr1.accessToken },
    );
    expect(note.status).toBe(201);
    expect(note.body.message).toMatchObject({
      direction: 'internal',
      mentions: [t.manager.userId],
    });
    const inbox = await s.api.get('/api/v1/notifications?unread=true', {
      token: t.manager.accessToken,
    });
    expect(inbox.body.items).toHaveLength(1);
    expect(inbox.body.items[0]).toMatchObject({
      category: 'mention',
      conversationId: r.conversationId,
    });
    expect(inbox.body.unreadCount).toBe(1);
    const read = await s.api.post(
      '/api/v1/notifications/read',
      { all: true },
      { token: t.manager.accessToken },
    );
    expect(read.body.updated).toBe(1);

    // Send (idempotent by id), then list with filters.
    const send = { id: 'out-1', body: 'Calling you in 5' };
    const first = await s.api.post(`/api/v1/conversations/${r.conversationId}/messages`, send, {
      token: t.sdr1.accessToken,
    });
    const again = await s.api.post(`/api/v1/conversations/${r.conversationId}/messages`, send, {
      token: t.sdr1.accessToken,
    });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toMatchObject({
      duplicate: true,
      message: { id: 'out-1', status: 'queued' },
    });
    const later = await s.api.post(
      `/api/v1/conversations/${r.conversationId}/messages`,
      { id: 'out-2', body: 'Tomorrow', sendAt: Date.now() + 86_400_000 },
      { token: t.sdr1.accessToken },
    );
    expect(later.body.message.status).toBe('scheduled');
    const cancel = await s.api.delete('/api/v1/messages/out-2', { token: t.sdr1.accessToken });
    expect(cancel.body.status).toBe('canceled');
    // Once the provider has it, cancelling is too late.
    await applyDeliveryStatus(d, {
      workspaceId: t.ws,
      messageId: 'out-1',
      status: 'sent',
      at: Date.now(),
    });
    const cannot = await s.api.delete('/api/v1/messages/out-1', { token: t.sdr1.accessToken });
    expect(cannot.status).toBe(409);
    const msgs = await s.api.get(`/api/v1/conversations/${r.conversationId}/messages`, {
      token: t.sdr1.accessToken,
    });
    expect((msgs.body.items as { id: string }[]).map((m) => m.id).slice(0, 3)).toEqual([
      'out-2',
      'out-1',
      'note-1',
    ]);
    const mine = await s.api.get('/api/v1/conversations?mine=true&channel=sms', {
      token: t.sdr1.accessToken,
    });
    expect((mine.body.items as { id: string }[]).map((c) => c.id)).toEqual([r.conversationId]);
    const search = await s.api.get('/api/v1/conversations?q=tomorrow', {
      token: t.sdr1.accessToken,
    });
    expect(search.body.items).toHaveLength(1);
    const snooze = await s.api.patch(
      `/api/v1/conversations/${r.conversationId}`,
      {
        status: 'snoozed',
        snoozedUntil: Date.now() + 3_600_000,
        labels: ['hot'],
        priority: 'high',
      },
      { token: t.sdr1.accessToken },
    );
    expect(snooze.body).toMatchObject({ status: 'snoozed', labels: ['hot'], priority: 'high' });
    const hot = await s.api.get('/api/v1/conversations?label=hot&status=snoozed', {
      token: t.admin.accessToken,
    });
    expect(hot.body.items).toHaveLength(1);
    client.close();
  });

  it('keeps the status history: snoozes, closes, and reopens by a member, a reply or the clock', async () => {
    const s = suite.server;
    const { t, d } = await routedToSdr1(s);
    // The routes stamp with the server's clock: keep the test clock on it, a few ms apart.
    const step = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      d.clock.set(Date.now());
    };
    const phone = newPhone();
    const r = await sms(d, t.ws, phone);
    const id = r.conversationId!;
    const patch = (body: Record<string, unknown>) =>
      s.api.patch(`/api/v1/conversations/${id}`, body, { token: t.sdr1.accessToken });
    const until = Date.now() + 60_000;
    expect((await patch({ snoozedUntil: until })).status).toBe(200);
    // The lead writes while snoozed (the batch path): reopened by the reply.
    await step();
    const [b] = await ingestInboundBatch(d, t.ws, [
      {
        workspaceId: t.ws,
        channel: 'sms',
        from: phone,
        to: OUR_NUMBER,
        body: 'Still there?',
        providerId: `SMhist${Date.now()}`,
        receivedAt: d.now(),
      },
    ]);
    expect(b!.ok).toBe(true);
    await step();
    expect((await patch({ status: 'closed' })).status).toBe(200);
    // A priority change alone is not a status change.
    expect((await patch({ priority: 'high' })).status).toBe(200);
    // Closed, then a reply (one by one) reopens it.
    await step();
    await sms(d, t.ws, phone, 'One more thing');
    await step();
    expect((await patch({ snoozedUntil: Date.now() + 5000 })).status).toBe(200);
    d.clock.set(Date.now() + 6000);
    expect((await runInboxJobOnce(d)).reopened).toBe(1);

    const hist = await s.api.get(`/api/v1/conversations/${id}/history`, {
      token: t.sdr1.accessToken,
    });
    expect(hist.status).toBe(200);
    const items = hist.body.items as Record<string, unknown>[];
    expect(items[0]).toMatchObject({ kind: 'assignment', toUserId: t.sdr1.userId, byUserId: null });
    expect(
      items
        .filter((i) => i.kind === 'status')
        .map((i) => [i.fromStatus, i.toStatus, i.reason, i.byUserId, i.snoozedUntil]),
    ).toEqual([
      ['open', 'snoozed', 'manual', t.sdr1.userId, until],
      ['snoozed', 'open', 'reply', null, null],
      ['open', 'closed', 'manual', t.sdr1.userId, null],
      ['closed', 'open', 'reply', null, null],
      ['open', 'snoozed', 'manual', t.sdr1.userId, expect.any(Number)],
      ['snoozed', 'open', 'snooze_ended', null, null],
    ]);
    const times = items.map((i) => i.at as number);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    // Another workspace's member gets a 404, as for the conversation itself.
    const stranger = await signUp(s.api);
    const other = await s.api.get(`/api/v1/conversations/${id}/history`, {
      token: stranger.accessToken,
    });
    expect(other.status).toBe(404);
  });

  it('refuses other workspaces and roles, and bad input writes nothing', async () => {
    const s = suite.server;
    const { t, d } = await routedToSdr1(s);
    const r = await sms(d, t.ws, newPhone());
    const stranger = await signUp(s.api);
    for (const [method, path, body] of [
      ['GET', `/api/v1/conversations/${r.conversationId}`, undefined],
      ['GET', `/api/v1/conversations/${r.conversationId}/messages`, undefined],
      ['POST', `/api/v1/conversations/${r.conversationId}/messages`, { id: 'x1', body: 'hi' }],
      ['POST', `/api/v1/conversations/${r.conversationId}/assign`, { assigneeId: stranger.userId }],
      ['PATCH', `/api/v1/conversations/${r.conversationId}`, { status: 'closed' }],
      ['POST', `/api/v1/leads/${r.leadId}/conversations`, { channel: 'sms' }],
    ] as const) {
      const res = await s.api.request(method, path, body, { token: stranger.accessToken });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const list = await s.api.get('/api/v1/conversations', { token: stranger.accessToken });
    expect(list.body.items).toEqual([]);
    expect(
      (await s.api.post('/api/v1/queue/next', undefined, { token: stranger.accessToken })).body
        .item,
    ).toBeNull();

    // SDR 2 may not work SDR 1's conversation, nor assign it, nor change settings.
    const patch = await s.api.patch(
      `/api/v1/conversations/${r.conversationId}`,
      { status: 'closed' },
      { token: t.sdr2.accessToken },
    );
    expect(patch.status).toBe(403);
    const take = await s.api.post(
      `/api/v1/conversations/${r.conversationId}/assign`,
      { assigneeId: t.sdr2.userId },
      { token: t.sdr2.accessToken },
    );
    expect(take.status).toBe(403);
    const settings = await s.api.put('/api/v1/inbox/settings', {}, { token: t.sdr2.accessToken });
    expect(settings.status).toBe(403);
    // Under `own` visibility SDR 2 does not see it at all.
    await s.api.put(
      '/api/v1/workspace/settings',
      { leadVisibility: 'own' },
      { token: t.admin.accessToken },
    );
    s.sync.visibility.invalidate(t.ws);
    const hidden = await s.api.get(`/api/v1/conversations/${r.conversationId}`, {
      token: t.sdr2.accessToken,
    });
    expect(hidden.status).toBe(404);

    const before = await countRows(s.db);
    for (const [method, path, body] of [
      ['POST', `/api/v1/conversations/${r.conversationId}/messages`, { body: 'no id' }],
      ['POST', `/api/v1/conversations/${r.conversationId}/messages`, { id: 'bad id!', body: 'x' }],
      [
        'POST',
        `/api/v1/conversations/${r.conversationId}/messages`,
        { id: 'm9', kind: 'fax', body: 'x' },
      ],
      ['PATCH', `/api/v1/conversations/${r.conversationId}`, { status: 'snoozed' }],
      ['PATCH', `/api/v1/conversations/${r.conversationId}`, {}],
      ['POST', `/api/v1/conversations/${r.conversationId}/assign`, { assigneeId: 'nobody-here' }],
      ['PUT', '/api/v1/inbox/settings', { routing: { rule: 'coin_flip' } }],
      ['PUT', '/api/v1/queue/order', { order: ['a', 'a'] }],
      ['POST', '/api/v1/notifications/read', {}],
      ['GET', '/api/v1/conversations?limit=0', undefined],
    ] as const) {
      const res = await s.api.request(method, path, body, { token: t.admin.accessToken });
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    const after = await countRows(s.db);
    expect(after).toEqual(before);
  });

  it('starts a conversation with a lead and documents every inbox route in /openapi.json', async () => {
    const s = suite.server;
    const t = await team(s);
    const created = await s.api.post(
      '/api/v1/leads',
      { firstName: 'Ada', phone: '+44 20 7946 0958', email: 'Ada@Example.com' },
      { token: t.admin.accessToken },
    );
    // Our number must be the workspace's (our-address.ts).
    await s.db.insert(twilioIntegration).values({
      workspaceId: t.ws,
      accountSid: `AC-start-${t.ws}`,
      authTokenEnc: 'unused',
      phoneNumbers: ['+442079460000'],
      updatedAt: Date.now(),
    });
    const start = await s.api.post(
      `/api/v1/leads/${created.body.id}/conversations`,
      { channel: 'sms', ourAddress: '+442079460000' },
      { token: t.sdr1.accessToken },
    );
    expect(start.status).toBe(201);
    expect(start.body).toMatchObject({
      leadAddress: '+442079460958',
      assigneeId: t.sdr1.userId,
      threadKey: '+442079460000|+442079460958',
    });
    const again = await s.api.post(
      `/api/v1/leads/${created.body.id}/conversations`,
      { channel: 'sms', ourAddress: '+442079460000' },
      { token: t.sdr1.accessToken },
    );
    expect(again.body.id).toBe(start.body.id);
    // The lead replies by SMS: same conversation; by email: matched by address.
    const d = inboxDepsFor(s);
    const reply = await sms(d, t.ws, '+442079460958', 'Yes');
    expect(reply).toMatchObject({ conversationId: start.body.id, createdLead: false });
    const mail = await ingestInbound(d, {
      workspaceId: t.ws,
      channel: 'email',
      from: 'ada@example.com',
      to: 'sales@acme.test',
      fromName: 'Ada',
      subject: 'Pricing',
      body: 'What does it cost?',
      providerId: '<m1@example.com>',
      emailMessageId: 'm1@example.com',
      receivedAt: d.now(),
    });
    expect(mail).toMatchObject({ leadId: created.body.id, createdLead: false });
    const thread = await ingestInbound(d, {
      workspaceId: t.ws,
      channel: 'email',
      from: 'ADA@example.com',
      to: 'sales@acme.test',
      subject: 'Re: Pricing',
      body: 'Any news?',
      providerId: '<m2@example.com>',
      emailMessageId: 'm2@example.com',
      inReplyTo: '<m1@example.com>',
      references: ['<m1@example.com>'],
      receivedAt: d.now() + 1,
    });
    expect(thread.conversationId).toBe(mail.conversationId);
    const [l] = await s.db
      .select()
      .from(lead)
      .where(eq(lead.id, created.body.id as string));
    expect(l!.deleted).toBe(false);

    const doc = await s.api.get('/openapi.json');
    const paths = Object.keys(doc.body.paths as Record<string, unknown>);
    for (const p of [
      '/api/v1/conversations',
      '/api/v1/conversations/{id}',
      '/api/v1/conversations/{id}/messages',
      '/api/v1/conversations/{id}/assign',
      '/api/v1/conversations/{id}/read',
      '/api/v1/conversations/{id}/assignments',
      '/api/v1/conversations/{id}/history',
      '/api/v1/leads/{id}/conversations',
      '/api/v1/messages/{id}',
      '/api/v1/queue',
      '/api/v1/queue/next',
      '/api/v1/queue/items/{id}/claim',
      '/api/v1/queue/items/{id}/release',
      '/api/v1/queue/items/{id}/complete',
      '/api/v1/queue/order',
      '/api/v1/queue/team',
      '/api/v1/notifications',
      '/api/v1/notifications/read',
      '/api/v1/inbox/settings',
    ]) {
      expect(paths, p).toContain(p);
    }
    expect(doc.body.paths['/api/v1/conversations/{id}/messages'].post.requestBody).toBeTruthy();
  });

  it('outbound to an unassigned conversation takes it', async () => {
    const s = suite.server;
    const t = await team(s);
    const d = inboxDepsFor(s);
    await s.api.put(
      '/api/v1/inbox/settings',
      { routing: { rule: 'manual' } },
      { token: t.admin.accessToken },
    );
    const r = await sms(d, t.ws, newPhone());
    const res = await createOutbound(d, {
      workspaceId: t.ws,
      userId: t.sdr2.userId,
      conversationId: r.conversationId!,
      id: 'take-1',
      kind: 'message',
      body: 'On it',
    });
    expect(res.message.assigneeId).toBe(t.sdr2.userId);
    const [c] = await s.db
      .select()
      .from(conversation)
      .where(eq(conversation.id, r.conversationId!));
    expect(c).toMatchObject({ assigneeId: t.sdr2.userId, unreadCount: 0 });
  });
});
