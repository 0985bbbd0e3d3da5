/**
 * Server-owned facts travel the change log: a row written with `stampFacts` reaches a connected
 * `/sync` client live and a reconnecting one in catch-up, in seq order with record changes, and an
 * SDR who may not see it gets `data: null`.
 */
import { describe, expect, it } from 'vitest';
import type { FrameOf } from '@sdr/schema/sync';
import { schema } from '../db/schema.ts';
import { addMember, signUp, testDatabaseKinds } from '../test/harness.ts';
import { publishFacts, stampFacts } from './facts.ts';
import { SyncTestClient } from './test/sync-client.ts';
import { useSyncSuite } from './test/sync-harness.ts';

let n = 0;

describe.each(testDatabaseKinds())('server-owned facts on /sync (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  async function writeConversation(workspaceId: string, assigneeId: string | null) {
    const s = suite.server;
    const id = `conv-${kind}-${++n}-${Date.now()}`;
    const now = Date.now();
    const stamp = await s.sync.db.transaction(async (tx) => {
      await tx.insert(schema.conversation).values({
        id,
        workspaceId,
        leadId: 'lead-x',
        channel: 'sms',
        labels: ['vip'],
        sla: [],
        escalations: [],
        assigneeId,
        createdAt: now,
        updatedAt: now,
        lastMessagePreview: 'Hi there',
      });
      return stampFacts(tx, { bus: s.sync.bus, newId: () => `cl-${++n}`, now }, workspaceId, [
        { entity: 'conversation', id },
      ]);
    });
    await publishFacts(s.sync, stamp);
    return { id, seq: stamp.refs[0]!.seq };
  }

  it('pushes a fact live and serves it in catch-up, merged with leads in seq order', async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const lead = await s.api.post(
      '/api/v1/leads',
      { firstName: 'Ada' },
      { token: admin.accessToken },
    );
    expect(lead.status).toBe(201);
    const client = await SyncTestClient.connect(s.wsUrl, admin.accessToken);
    await client.hello({ clientId: 901 });

    const conv = await writeConversation(admin.workspaceId, null);
    expect(conv.seq).toBe(2);
    const push = await client.waitFor(
      (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === conv.seq,
    );
    expect(push.change).toMatchObject({
      kind: 'fact',
      entity: 'conversation',
      id: conv.id,
      data: {
        id: conv.id,
        channel: 'sms',
        labels: ['vip'],
        lastMessagePreview: 'Hi there',
        seq: 2,
      },
    });

    const later = await s.api.patch(
      `/api/v1/leads/${lead.body.id as string}`,
      { company: 'Acme' },
      { token: admin.accessToken },
    );
    expect(later.body.seq).toBe(3);
    const { changes, cursor } = await client.catchup(0);
    expect(cursor).toBe(3);
    expect(changes.map((c) => [c.kind, c.seq])).toEqual([
      ['fact', 2],
      ['record', 3],
    ]);
    // Pages of one change each cross both kinds without skipping or repeating any.
    const paged = await client.catchup(0, 1);
    expect(paged.changes.map((c) => c.seq)).toEqual([2, 3]);
    expect(paged.cursor).toBe(3);
    client.close();
  });

  it("sends an SDR `data: null` for another SDR's conversation under `own` visibility", async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const sdr = await addMember(s, admin.accessToken, 'sdr');
    const other = await addMember(s, admin.accessToken, 'sdr');
    const put = await s.api.put(
      '/api/v1/workspace/settings',
      { leadVisibility: 'own' },
      { token: admin.accessToken },
    );
    expect(put.status).toBe(200);
    const client = await SyncTestClient.connect(s.wsUrl, sdr.accessToken);
    await client.hello({ clientId: 902 });
    const mine = await writeConversation(admin.workspaceId, sdr.userId);
    const theirs = await writeConversation(admin.workspaceId, other.userId);
    const gotTheirs = await client.waitFor(
      (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === theirs.seq,
    );
    expect(gotTheirs.change).toMatchObject({ kind: 'fact', id: theirs.id, data: null });
    const { changes } = await client.catchup(0);
    const byId = new Map(
      changes.flatMap((c) => (c.kind === 'fact' ? [[c.id, c.data] as const] : [])),
    );
    expect(byId.get(mine.id)).toMatchObject({ assigneeId: sdr.userId });
    expect(byId.get(theirs.id)).toBeNull();
    client.close();
  });
});
