import { describe, expect, it } from 'vitest';
import { ReplicationPage, type ReplicationItem } from '@sdr/schema';
import { newId, put, taskBody, viewBody } from '../test/data-fixtures.ts';
import {
  addMember,
  signUp,
  testDatabaseKinds,
  useServerSuite,
  type ApiClient,
} from '../test/harness.ts';

async function pullAll(api: ApiClient, token: string, after = 0, limit = 500) {
  const items: ReplicationItem[] = [];
  let cursor = after;
  for (;;) {
    const res = await api.get(`/api/v1/replication/rows?after=${cursor}&limit=${limit}`, { token });
    if (res.status !== 200) throw new Error(`pull: ${res.status} ${res.text}`);
    const page = ReplicationPage.parse(res.body);
    items.push(...page.items);
    cursor = page.nextAfter;
    if (page.done) return { items, cursor };
  }
}

describe.each(testDatabaseKinds())('replication feed (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('sends every changed view, list, member and task in seq order, hiding what the caller may not see', async () => {
    const admin = await signUp(t.api);
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    const personal = newId('v');
    const shared = newId('v');
    const list = newId('l');
    const task = newId('t');
    await put(
      t.api,
      `/api/v1/views/${personal}`,
      viewBody({ scope: 'personal' }),
      admin.accessToken,
    );
    await put(t.api, `/api/v1/views/${shared}`, viewBody(), admin.accessToken);
    await put(
      t.api,
      `/api/v1/lists/${list}`,
      { name: 'L', kind: 'static', updatedAt: 1 },
      sdr.accessToken,
    );
    await t.api.post(
      `/api/v1/lists/${list}/members`,
      { add: ['lead-a', 'lead-b'] },
      { token: sdr.accessToken },
    );
    await put(
      t.api,
      `/api/v1/tasks/${task}`,
      taskBody({ assigneeId: admin.userId }),
      sdr.accessToken,
    );

    const { items, cursor } = await pullAll(t.api, sdr.accessToken, 0, 2);
    expect(items.map((i) => [i.entity, i.id, i.row === null])).toEqual([
      ['view', personal, true],
      ['view', shared, false],
      ['list', list, false],
      ['member', `${list}:lead-a`, false],
      ['member', `${list}:lead-b`, false],
      ['task', task, false],
    ]);
    expect(items.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cursor).toBe(6);
    expect(items[3]?.row).toMatchObject({ listId: list, leadId: 'lead-a', deleted: false, seq: 4 });
    expect(items[5]?.row).toMatchObject({ assigneeId: admin.userId, createdBy: sdr.userId });
    const mine = await pullAll(t.api, admin.accessToken);
    expect(mine.items[0]?.row).toMatchObject({ id: personal, scope: 'personal' });

    // Only newer changes after the cursor: a removal and a tombstone.
    await t.api.post(
      `/api/v1/lists/${list}/members`,
      { remove: ['lead-a'] },
      { token: admin.accessToken },
    );
    await t.api.delete(`/api/v1/views/${shared}`, { token: admin.accessToken });
    const next = await pullAll(t.api, sdr.accessToken, cursor);
    expect(
      next.items.map((i) => [i.entity, i.seq, (i.row as { deleted?: boolean }).deleted]),
    ).toEqual([
      ['member', 7, true],
      ['view', 8, true],
    ]);
    expect((await pullAll(t.api, sdr.accessToken, next.cursor)).items).toEqual([]);

    // Another workspace's feed is its own.
    const stranger = await signUp(t.api);
    expect((await pullAll(t.api, stranger.accessToken)).items).toEqual([]);
    const bad = await t.api.get('/api/v1/replication/rows?after=-1', { token: sdr.accessToken });
    expect(bad.status).toBe(400);
  });

  it('an SDR under own visibility gets other members’ tasks as row: null', async () => {
    const admin = await signUp(t.api);
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    await t.api.request(
      'PUT',
      '/api/v1/workspace/settings',
      { leadVisibility: 'own' },
      { token: admin.accessToken },
    );
    const theirs = newId();
    const mine = newId();
    await put(
      t.api,
      `/api/v1/tasks/${theirs}`,
      taskBody({ assigneeId: admin.userId }),
      admin.accessToken,
    );
    await put(
      t.api,
      `/api/v1/tasks/${mine}`,
      taskBody({ assigneeId: sdr.userId }),
      admin.accessToken,
    );
    const { items } = await pullAll(t.api, sdr.accessToken);
    expect(items.map((i) => [i.id, i.row === null])).toEqual([
      [theirs, true],
      [mine, false],
    ]);
  });

  it('a reader pulling during concurrent writes never skips a row (seq order = commit order)', async () => {
    const admin = await signUp(t.api);
    const manager = await addMember(t.server, admin.accessToken, 'manager');
    const writers = [admin, manager];
    const ids: string[] = [];
    let writing = true;
    const pulled = new Set<string>();
    const reader = (async () => {
      let cursor = 0;
      while (writing) {
        const page = await pullAll(t.api, admin.accessToken, cursor, 7);
        for (const i of page.items) pulled.add(i.id);
        cursor = page.cursor;
      }
      const rest = await pullAll(t.api, admin.accessToken, cursor);
      for (const i of rest.items) pulled.add(i.id);
    })();
    await Promise.all(
      writers.map(async (w) => {
        for (let i = 0; i < 15; i += 1) {
          const id = newId();
          ids.push(id);
          const res = await put(
            t.api,
            i % 2 ? `/api/v1/tasks/${id}` : `/api/v1/views/${id}`,
            i % 2 ? taskBody() : viewBody(),
            w.accessToken,
          );
          expect(res.status).toBe(200);
        }
      }),
    );
    writing = false;
    await reader;
    expect([...pulled].sort()).toEqual([...ids].sort());
  });

  it('a policy or role change sends the tasks whose visibility it changed again, judged anew', async () => {
    const admin = await signUp(t.api);
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    const theirs = newId('t');
    const mine = newId('t');
    const open = newId('t');
    const asAdmin = { token: admin.accessToken };
    await put(t.api, `/api/v1/tasks/${theirs}`, taskBody({ assigneeId: admin.userId }), admin.accessToken);
    await put(t.api, `/api/v1/tasks/${mine}`, taskBody({ assigneeId: sdr.userId }), admin.accessToken);
    await put(t.api, `/api/v1/tasks/${open}`, taskBody(), admin.accessToken);
    // What a replica holds after applying the pulled items in order.
    const held = new Set<string>();
    let cursor = 0;
    const pull = async () => {
      const page = await pullAll(t.api, sdr.accessToken, cursor);
      for (const i of page.items) {
        if (i.row && !i.row.deleted) held.add(i.id);
        else held.delete(i.id);
      }
      cursor = page.cursor;
      return page.items.map((i) => i.id).sort();
    };
    await pull();
    expect([...held].sort()).toEqual([theirs, mine, open].sort());
    const setPolicy = async (leadVisibility: string) =>
      expect(
        (await t.api.request('PUT', '/api/v1/workspace/settings', { leadVisibility }, asAdmin))
          .status,
      ).toBe(200);
    const setRole = async (role: string) =>
      expect((await t.api.patch(`/api/v1/members/${sdr.userId}`, { role }, asAdmin)).status).toBe(
        200,
      );

    // `own`: the assigned tasks come again (unassigned ones are visible either way).
    await setPolicy('own');
    expect(await pull()).toEqual([theirs, mine].sort());
    expect([...held].sort()).toEqual([mine, open].sort());
    // A manager sees every task; back to SDR, not.
    await setRole('manager');
    await pull();
    expect([...held].sort()).toEqual([theirs, mine, open].sort());
    await setRole('sdr');
    await pull();
    expect([...held].sort()).toEqual([mine, open].sort());
    await setPolicy('all');
    await pull();
    expect([...held].sort()).toEqual([theirs, mine, open].sort());
    // Nothing changed, nothing sent.
    await setPolicy('all');
    expect(await pull()).toEqual([]);
  });
});
