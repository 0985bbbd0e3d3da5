import { describe, expect, it } from 'vitest';
import { TaskRow } from '@sdr/schema';
import { newId, put, taskBody } from '../test/data-fixtures.ts';
import {
  addMember,
  countRows,
  listItems,
  signUp,
  testDatabaseKinds,
  useServerSuite,
} from '../test/harness.ts';

describe.each(testDatabaseKinds())('tasks (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('any member creates and edits tasks; filters by lead, assignee and open; pages by id', async () => {
    const admin = await signUp(t.api);
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    const ids = [newId('a'), newId('b'), newId('c')];
    const [a, b, c] = ids as [string, string, string];
    const created = await put(
      t.api,
      `/api/v1/tasks/${a}`,
      taskBody({ leadId: 'L1', assigneeId: sdr.userId, dueAt: 1_700_000_000_000 }),
      admin.accessToken,
    );
    expect(created.status).toBe(200);
    expect(TaskRow.parse(created.body)).toMatchObject({
      createdBy: admin.userId,
      assigneeId: sdr.userId,
      dueAt: 1_700_000_000_000,
      done: false,
    });
    await put(t.api, `/api/v1/tasks/${b}`, taskBody({ leadId: 'L1' }), sdr.accessToken);
    await put(t.api, `/api/v1/tasks/${c}`, taskBody({ leadId: 'L2', done: true }), sdr.accessToken);
    // The SDR completes the admin's task.
    const done = await put(
      t.api,
      `/api/v1/tasks/${a}`,
      taskBody({
        leadId: 'L1',
        assigneeId: sdr.userId,
        dueAt: 1_700_000_000_000,
        done: true,
        updatedAt: 2_000,
      }),
      sdr.accessToken,
    );
    expect(done.body).toMatchObject({ done: true, createdBy: admin.userId, updatedBy: sdr.userId });

    const ids_ = async (query: string) =>
      listItems(
        (await t.api.get(`/api/v1/tasks${query}`, { token: sdr.accessToken })).body,
        TaskRow,
      )
        .map((x) => x.id)
        .sort();
    expect(await ids_('')).toEqual([...ids].sort());
    expect(await ids_('?leadId=L1')).toEqual([a, b].sort());
    expect(await ids_('?assignee=me')).toEqual([a]);
    expect(await ids_(`?assignee=${sdr.userId}`)).toEqual([a]);
    expect(await ids_('?assignee=none')).toEqual([b, c].sort());
    expect(await ids_('?open=true')).toEqual([b]);
    expect(await ids_('?open=false&leadId=L1')).toEqual([a]);
    const first = await t.api.get('/api/v1/tasks?limit=2', { token: sdr.accessToken });
    const second = await t.api.get(`/api/v1/tasks?limit=2&after=${first.body.nextCursor}`, {
      token: sdr.accessToken,
    });
    expect([...first.body.items, ...second.body.items].map((x: { id: string }) => x.id)).toEqual(
      [...ids].sort(),
    );
    expect(second.body.nextCursor).toBeNull();

    const del = await t.api.delete(`/api/v1/tasks/${b}`, { token: admin.accessToken });
    expect(del.body.deleted).toBe(true);
    expect(await ids_('?leadId=L1')).toEqual([a]);
    expect(await ids_('?leadId=L1&includeDeleted=true')).toEqual([a, b].sort());
  });

  it('last writer wins, and a repeated PUT writes nothing', async () => {
    const admin = await signUp(t.api);
    const id = newId();
    const path = `/api/v1/tasks/${id}`;
    const first = await put(
      t.api,
      path,
      taskBody({ title: 'One', updatedAt: 5_000 }),
      admin.accessToken,
    );
    const before = await countRows(t.db);
    expect(
      (await put(t.api, path, taskBody({ title: 'One', updatedAt: 5_000 }), admin.accessToken))
        .body,
    ).toEqual(first.body);
    const older = await put(
      t.api,
      path,
      taskBody({ title: 'Old', updatedAt: 4_000 }),
      admin.accessToken,
    );
    expect(older.body).toEqual(first.body);
    expect(await countRows(t.db)).toEqual(before);
    const newer = await put(
      t.api,
      path,
      taskBody({ title: 'New', updatedAt: 6_000 }),
      admin.accessToken,
    );
    expect(newer.body).toMatchObject({ title: 'New', updatedAt: 6_000 });
  });

  it('under own visibility an SDR sees and changes only their own and unassigned tasks', async () => {
    const admin = await signUp(t.api);
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    const other = await addMember(t.server, admin.accessToken, 'sdr');
    const manager = await addMember(t.server, admin.accessToken, 'manager');
    const visibility = await t.api.request(
      'PUT',
      '/api/v1/workspace/settings',
      { leadVisibility: 'own' },
      { token: admin.accessToken },
    );
    expect(visibility.status).toBe(200);
    const theirs = newId();
    const open = newId();
    await put(
      t.api,
      `/api/v1/tasks/${theirs}`,
      taskBody({ assigneeId: other.userId }),
      manager.accessToken,
    );
    await put(t.api, `/api/v1/tasks/${open}`, taskBody(), manager.accessToken);

    const seen = await t.api.get('/api/v1/tasks', { token: sdr.accessToken });
    expect(listItems(seen.body, TaskRow).map((x) => x.id)).toEqual([open]);
    expect((await t.api.get(`/api/v1/tasks/${theirs}`, { token: sdr.accessToken })).status).toBe(
      404,
    );
    const before = await countRows(t.db);
    const edit = await put(
      t.api,
      `/api/v1/tasks/${theirs}`,
      taskBody({ title: 'Mine', assigneeId: sdr.userId, updatedAt: 9_000 }),
      sdr.accessToken,
    );
    expect(edit.status).toBe(404);
    const assign = await put(
      t.api,
      `/api/v1/tasks/${open}`,
      taskBody({ assigneeId: other.userId, updatedAt: 9_000 }),
      sdr.accessToken,
    );
    expect(assign.status).toBe(403);
    expect(await countRows(t.db)).toEqual(before);
    const claim = await put(
      t.api,
      `/api/v1/tasks/${open}`,
      taskBody({ assigneeId: sdr.userId, updatedAt: 9_000 }),
      sdr.accessToken,
    );
    expect(claim.body.assigneeId).toBe(sdr.userId);
    const all = await t.api.get('/api/v1/tasks', { token: manager.accessToken });
    expect(all.body.items).toHaveLength(2);
  });

  it('refuses bad tasks (and assignees from outside the workspace) with issues, writing nothing', async () => {
    const admin = await signUp(t.api);
    const stranger = await signUp(t.api);
    const before = await countRows(t.db);
    const path = `/api/v1/tasks/${newId()}`;
    for (const body of [
      taskBody({ title: '' }),
      taskBody({ title: 'x'.repeat(301) }),
      taskBody({ leadId: undefined }),
      taskBody({ dueAt: 'tomorrow' }),
      taskBody({ updatedAt: 1.5 }),
      { ...taskBody(), createdBy: 'me' },
    ]) {
      const res = await put(t.api, path, body, admin.accessToken);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.issues.length).toBeGreaterThan(0);
    }
    const foreign = await put(
      t.api,
      path,
      taskBody({ assigneeId: stranger.userId }),
      admin.accessToken,
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.issues).toEqual([
      { path: 'assigneeId', message: 'not a member of this workspace' },
    ]);
    const malformed = await t.api.request('PUT', path, undefined, {
      token: admin.accessToken,
      raw: '{"title":',
    });
    expect(malformed.body.error.code).toBe('malformed_json');
    expect(await countRows(t.db)).toEqual(before);
  });
});
