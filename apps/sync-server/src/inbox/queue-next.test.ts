/**
 * `POST /queue/next` on its one-statement path (`queue-next.sql.ts`: items whose conversation is
 * assigned, or without one): racing SDRs never share an item, the answer is the stored row as
 * drizzle reads it, the claim is a fact (seq, change log, pushed live to `/sync`), and commandIds
 * answer repeats — also two copies at once — with the first answer. PGlite and Postgres.
 */
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { FrameOf } from '@sdr/schema/sync';
import { changeLog, commandResult, queueItem } from '@sdr/schema/pg';
import { testDatabaseKinds } from '../test/harness.ts';
import { SyncTestClient } from '../sync/test/sync-client.ts';
import { useSyncSuite, type SyncTestServer } from '../sync/test/sync-harness.ts';
import { team } from './test/inbox-kit.ts';

let seq = 0;
async function items(s: SyncTestServer, ws: string, assignees: (string | null)[]) {
  const now = Date.now();
  const rows = assignees.map((assigneeId, i) => ({
    id: `qi-fast-${++seq}`,
    workspaceId: ws,
    kind: 'inbound_message' as const,
    state: 'open' as const,
    assigneeId,
    rankKey: now + i * 1000,
    title: `Item ${seq}`,
    createdAt: now,
    updatedAt: now,
  }));
  await s.db.insert(queueItem).values(rows);
  return rows.map((r) => r.id);
}

describe.each(testDatabaseKinds())('queue next in one statement (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('never hands one item to two SDRs, in rank order, answering the stored row', async () => {
    const s = suite.server;
    const t = await team(s);
    const ids = await items(s, t.ws, [
      t.sdr1.userId,
      null,
      t.sdr2.userId,
      null,
      t.sdr1.userId,
      t.sdr2.userId,
      null,
      t.manager.userId,
      null,
      t.sdr1.userId,
    ]);
    const calls = Array.from({ length: 16 }, (_, i) => {
      const who = i % 2 === 0 ? t.sdr1 : t.sdr2;
      return s.api.post('/api/v1/queue/next', undefined, { token: who.accessToken }).then((r) => ({
        who: who.userId,
        status: r.status,
        item: r.body.item as QueueItem | null,
      }));
    });
    const results = await Promise.all(calls);
    expect(results.every((r) => r.status === 200)).toBe(true);
    const claimed = results.flatMap((r) => (r.item ? [{ who: r.who, item: r.item }] : []));
    // Everything but the manager's own item, each exactly once, to someone who may take it.
    expect(claimed).toHaveLength(9);
    expect(new Set(claimed.map((c) => c.item.id)).size).toBe(9);
    expect(claimed.map((c) => c.item.id)).not.toContain(ids[7]);
    const rows = await s.db.select().from(queueItem).where(eq(queueItem.workspaceId, t.ws));
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const c of claimed) {
      expect(c.item).toMatchObject({ state: 'claimed', claimedBy: c.who, assigneeId: c.who });
      // The answer is the row as stored (same keys, same types as a drizzle read).
      expect(c.item).toEqual(JSON.parse(JSON.stringify(byId.get(c.item.id))));
    }

    // One SDR alone gets their items in rank order.
    const more = await items(s, t.ws, [t.sdr1.userId, null, t.sdr1.userId]);
    const got: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await s.api.post('/api/v1/queue/next', {}, { token: t.sdr1.accessToken });
      if (r.body.item) got.push(r.body.item.id as string);
    }
    expect(got).toEqual(more);
  });

  it('stamps the claim as a fact and answers repeated commandIds with the first answer', async () => {
    const s = suite.server;
    const t = await team(s);
    const [first, second] = await items(s, t.ws, [t.sdr1.userId, t.sdr1.userId]);
    const client = await SyncTestClient.connect(s.wsUrl, t.sdr1.accessToken);
    try {
      await client.hello({ clientId: 4712 });
      const a = await s.api.post(
        '/api/v1/queue/next',
        { commandId: 'fast-1' },
        { token: t.sdr1.accessToken },
      );
      expect(a.body.item.id).toBe(first);
      const push = await client.waitFor(
        (f): f is FrameOf<'change'> =>
          f.type === 'change' &&
          f.change.kind === 'fact' &&
          f.change.entity === 'queueItem' &&
          f.change.id === first,
      );
      expect(push.change).toMatchObject({ data: { state: 'claimed', claimedBy: t.sdr1.userId } });
      const [row] = await s.db.select().from(queueItem).where(eq(queueItem.id, first!));
      expect(push.change.seq).toBe(row!.seq);
      const log = await s.db
        .select()
        .from(changeLog)
        .where(and(eq(changeLog.workspaceId, t.ws), eq(changeLog.entityId, first!)));
      expect(log.map((l) => [l.kind, l.entity, Number(l.seq)])).toEqual([
        ['fact', 'queueItem', row!.seq],
      ]);

      // The same command again: the first answer, nothing claimed.
      const again = await s.api.post(
        '/api/v1/queue/next',
        { commandId: 'fast-1' },
        { token: t.sdr1.accessToken },
      );
      expect(again.body).toEqual(a.body);
      // Copies of a new command at once: one claim, one answer (a copy that skipped the other's
      // locked row must not answer "nothing left").
      const copies = await Promise.all(
        [0, 1, 2, 3, 4, 5].map(() =>
          s.api.post('/api/v1/queue/next', { commandId: 'fast-2' }, { token: t.sdr1.accessToken }),
        ),
      );
      const [x] = copies;
      expect(x!.status).toBe(200);
      for (const y of copies) expect(y.body).toEqual(x!.body);
      expect(x!.body.item.id).toBe(second);
      // Nothing left: null, stored for the command too.
      const none = await s.api.post(
        '/api/v1/queue/next',
        { commandId: 'fast-3' },
        { token: t.sdr1.accessToken },
      );
      expect(none.body).toEqual({ item: null });
      await items(s, t.ws, [t.sdr1.userId]);
      const stillNone = await s.api.post(
        '/api/v1/queue/next',
        { commandId: 'fast-3' },
        { token: t.sdr1.accessToken },
      );
      expect(stillNone.body).toEqual({ item: null });
      const claimed = await s.db
        .select()
        .from(queueItem)
        .where(and(eq(queueItem.workspaceId, t.ws), eq(queueItem.state, 'claimed')));
      expect(claimed.map((r) => r.id).sort()).toEqual([first, second].sort());
    } finally {
      client.close();
    }
  });

  // Postgres only: PGlite has one connection, so a second transaction cannot hold locks meanwhile.
  if (kind === 'postgres') {
    it('a copy of a commandId waits for the copy running it, then answers what that one stored', async () => {
      const s = suite.server;
      const t = await team(s);
      const [only] = await items(s, t.ws, [t.sdr1.userId]);
      // "Copy A" on another connection holds the command's advisory lock and the item's row lock,
      // as a copy in the middle of its claim does.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const ready = new Promise<void>((r) => (locked = r));
      const a = s.db.transaction(async (tx) => {
        await tx.execute(
          sql`select pg_advisory_xact_lock(hashtext(${`inbox-command:${t.ws}:race-1`}))`,
        );
        await tx.execute(sql`select id from queue_item where id = ${only} for update`);
        locked();
        await held;
        await tx
          .update(queueItem)
          .set({ state: 'claimed', claimedBy: t.sdr1.userId })
          .where(eq(queueItem.id, only!));
        await tx.insert(commandResult).values({
          id: `cr-${only}`,
          workspaceId: t.ws,
          commandId: 'race-1',
          userId: t.sdr1.userId,
          kind: 'queue.next',
          status: 200,
          response: { item: { id: only } },
          createdAt: Date.now(),
        });
      });
      await ready;
      let answered = false;
      const b = s.api
        .post('/api/v1/queue/next', { commandId: 'race-1' }, { token: t.sdr1.accessToken })
        .finally(() => (answered = true));
      await new Promise((r) => setTimeout(r, 300));
      // Without the lock the copy would skip the locked row and store "nothing left" first.
      expect(answered).toBe(false);
      release();
      await a;
      const rb = await b;
      expect(rb.status).toBe(200);
      expect(rb.body).toEqual({ item: { id: only } });
    });
  }
});

type QueueItem = { id: string } & Record<string, unknown>;
