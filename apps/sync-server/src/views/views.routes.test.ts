import { describe, expect, it } from 'vitest';
import { SavedViewRow } from '@sdr/schema';
import { newId, put, viewBody } from '../test/data-fixtures.ts';
import {
  addMember,
  countRows,
  listItems,
  signUp,
  testDatabaseKinds,
  useServerSuite,
} from '../test/harness.ts';

describe.each(testDatabaseKinds())('saved views (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('personal views are their owner’s only; shared views every member sees', async () => {
    const admin = await signUp(t.api);
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    const mine = newId();
    const shared = newId();
    const created = await put(
      t.api,
      `/api/v1/views/${mine}`,
      viewBody({ name: 'Mine', scope: 'personal' }),
      sdr.accessToken,
    );
    expect(created.status).toBe(200);
    expect(SavedViewRow.parse(created.body)).toMatchObject({
      id: mine,
      ownerId: sdr.userId,
      scope: 'personal',
      updatedBy: sdr.userId,
      deleted: false,
    });
    expect(created.body.seq).toBeGreaterThan(0);
    await put(t.api, `/api/v1/views/${shared}`, viewBody({ name: 'Team' }), sdr.accessToken);

    const names = async (token: string) =>
      listItems((await t.api.get('/api/v1/views', { token })).body, SavedViewRow).map(
        (v) => v.name,
      );
    expect(await names(sdr.accessToken)).toEqual(['Mine', 'Team']);
    expect(await names(admin.accessToken)).toEqual(['Team']);

    // The admin can neither read nor overwrite the SDR's personal view (404: it does not exist
    // for them), and nothing is written.
    const before = await countRows(t.db);
    expect((await t.api.get(`/api/v1/views/${mine}`, { token: admin.accessToken })).status).toBe(
      404,
    );
    const overwrite = await put(
      t.api,
      `/api/v1/views/${mine}`,
      viewBody({ name: 'Taken', scope: 'personal', updatedAt: 5_000 }),
      admin.accessToken,
    );
    expect(overwrite.status).toBe(404);
    expect((await t.api.delete(`/api/v1/views/${mine}`, { token: admin.accessToken })).status).toBe(
      404,
    );
    expect(await countRows(t.db)).toEqual(before);
    expect((await t.api.get(`/api/v1/views/${mine}`, { token: sdr.accessToken })).body.name).toBe(
      'Mine',
    );
  });

  it('last writer wins on updatedAt; a repeated PUT is idempotent', async () => {
    const admin = await signUp(t.api);
    const id = newId();
    const path = `/api/v1/views/${id}`;
    const first = await put(
      t.api,
      path,
      viewBody({ name: 'A', updatedAt: 2_000 }),
      admin.accessToken,
    );
    const again = await put(
      t.api,
      path,
      viewBody({ name: 'A', updatedAt: 2_000 }),
      admin.accessToken,
    );
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body); // same row, same seq: nothing written

    const older = await put(
      t.api,
      path,
      viewBody({ name: 'Old', updatedAt: 1_999 }),
      admin.accessToken,
    );
    expect(older.status).toBe(200);
    expect(older.body).toMatchObject({ name: 'A', updatedAt: 2_000, seq: first.body.seq });

    const tie = await put(
      t.api,
      path,
      viewBody({ name: 'Tie', updatedAt: 2_000 }),
      admin.accessToken,
    );
    expect(tie.body).toMatchObject({ name: 'Tie', updatedAt: 2_000 });
    expect(SavedViewRow.parse(tie.body).seq).toBeGreaterThan(SavedViewRow.parse(first.body).seq);

    const newer = await put(
      t.api,
      path,
      viewBody({ name: 'New', pinned: true, updatedAt: 3_000 }),
      admin.accessToken,
    );
    expect(newer.body).toMatchObject({ name: 'New', pinned: true, updatedAt: 3_000 });
    expect((await t.api.get(path, { token: admin.accessToken })).body).toEqual(newer.body);
  });

  it('a clock far in the future is stored as the server’s time plus a minute', async () => {
    const admin = await signUp(t.api);
    const res = await put(
      t.api,
      `/api/v1/views/${newId()}`,
      viewBody({ updatedAt: Date.now() + 365 * 86_400_000 }),
      admin.accessToken,
    );
    expect(res.body.updatedAt).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(res.body.updatedAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it('shared views: owner, managers and admins edit; SDRs only their own; only the owner changes the scope', async () => {
    const admin = await signUp(t.api);
    const manager = await addMember(t.server, admin.accessToken, 'manager');
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    const other = await addMember(t.server, admin.accessToken, 'sdr');
    const id = newId();
    const path = `/api/v1/views/${id}`;
    await put(t.api, path, viewBody({ name: 'SDR view', updatedAt: 1_000 }), sdr.accessToken);

    const byOther = await put(
      t.api,
      path,
      viewBody({ name: 'X', updatedAt: 2_000 }),
      other.accessToken,
    );
    expect(byOther.status).toBe(403);
    expect(byOther.body.error.code).toBe('forbidden');
    expect((await t.api.delete(path, { token: other.accessToken })).status).toBe(403);

    const byManager = await put(
      t.api,
      path,
      viewBody({ name: 'Managed', updatedAt: 2_000 }),
      manager.accessToken,
    );
    expect(byManager.status).toBe(200);
    expect(byManager.body).toMatchObject({
      name: 'Managed',
      ownerId: sdr.userId,
      updatedBy: manager.userId,
    });
    const scope = await put(
      t.api,
      path,
      viewBody({ name: 'Managed', scope: 'personal', updatedAt: 3_000 }),
      manager.accessToken,
    );
    expect(scope.status).toBe(403);
    const byOwner = await put(
      t.api,
      path,
      viewBody({ name: 'Managed', scope: 'personal', updatedAt: 3_000 }),
      sdr.accessToken,
    );
    expect(byOwner.body.scope).toBe('personal');
    expect((await t.api.get(path, { token: manager.accessToken })).status).toBe(404);
  });

  it('delete is a tombstone, last writer wins', async () => {
    const admin = await signUp(t.api);
    const id = newId();
    const path = `/api/v1/views/${id}`;
    await put(t.api, path, viewBody({ updatedAt: 5_000 }), admin.accessToken);
    const stale = await t.api.delete(`${path}?updatedAt=4000`, { token: admin.accessToken });
    expect(stale.status).toBe(200);
    expect(stale.body.deleted).toBe(false);

    const gone = await t.api.delete(path, { token: admin.accessToken });
    expect(gone.status).toBe(200);
    expect(gone.body.deleted).toBe(true);
    expect((await t.api.get(path, { token: admin.accessToken })).body.deleted).toBe(true);
    expect((await t.api.get('/api/v1/views', { token: admin.accessToken })).body.items).toEqual([]);
    const all = await t.api.get('/api/v1/views?includeDeleted=true', { token: admin.accessToken });
    expect(listItems(all.body, SavedViewRow).map((v) => v.id)).toEqual([id]);
    // A later write brings it back (it is a row like any other).
    const back = await put(
      t.api,
      path,
      viewBody({ updatedAt: Date.now() + 1_000 }),
      admin.accessToken,
    );
    expect(back.body.deleted).toBe(false);
  });

  it('refuses bad input with issues and writes nothing', async () => {
    const admin = await signUp(t.api);
    const before = await countRows(t.db);
    const path = `/api/v1/views/${newId()}`;
    const bad = [
      viewBody({ columns: [] }),
      viewBody({ filter: { kind: 'condition', field: 'status', op: 'is' } }),
      viewBody({ scope: 'team' }),
      viewBody({ name: '   ' }),
      viewBody({ updatedAt: -1 }),
      viewBody({ sort: [1, 2, 3, 4].map(() => ({ field: 'x', dir: 'asc' })) }),
      { ...viewBody(), ownerId: 'someone' },
      {
        name: 'no clock',
        scope: 'shared',
        filter: viewBody().filter,
        columns: [{ field: 'x' }],
        sort: [],
      },
    ];
    for (const body of bad) {
      const res = await put(t.api, path, body, admin.accessToken);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(res.body.error.issues.length).toBeGreaterThan(0);
    }
    expect(
      (await t.api.delete(`${path}?updatedAt=soon`, { token: admin.accessToken })).status,
    ).toBe(400);
    expect(await countRows(t.db)).toEqual(before);
  });

  it('keeps workspaces apart: a view id of another workspace is a conflict, never overwritten', async () => {
    const a = await signUp(t.api);
    const b = await signUp(t.api);
    const id = newId();
    await put(t.api, `/api/v1/views/${id}`, viewBody({ name: 'A' }), a.accessToken);
    expect((await t.api.get(`/api/v1/views/${id}`, { token: b.accessToken })).status).toBe(404);
    const res = await put(
      t.api,
      `/api/v1/views/${id}`,
      viewBody({ name: 'B', updatedAt: 9_000 }),
      b.accessToken,
    );
    expect(res.status).toBe(409);
    expect((await t.api.get('/api/v1/views', { token: b.accessToken })).body.items).toEqual([]);
    expect((await t.api.get(`/api/v1/views/${id}`, { token: a.accessToken })).body.name).toBe('A');
    expect((await t.api.get('/api/v1/views')).status).toBe(401);
  });

  it('a view keeps its search and its list; clients that send neither store none', async () => {
    const admin = await signUp(t.api);
    const id = newId();
    const scoped = await put(
      t.api,
      `/api/v1/views/${id}`,
      viewBody({ search: 'pricing call', listId: 'list-1' }),
      admin.accessToken,
    );
    expect(scoped.status).toBe(200);
    expect(SavedViewRow.parse(scoped.body)).toMatchObject({
      search: 'pricing call',
      listId: 'list-1',
    });
    const got = await t.api.get(`/api/v1/views/${id}`, { token: admin.accessToken });
    expect(got.body).toMatchObject({ search: 'pricing call', listId: 'list-1' });
    // A change of the search alone is a change (stored, new seq).
    const again = await put(
      t.api,
      `/api/v1/views/${id}`,
      viewBody({ search: 'renewal', listId: 'list-1', updatedAt: 2_000 }),
      admin.accessToken,
    );
    expect(again.body).toMatchObject({ search: 'renewal' });
    expect(SavedViewRow.parse(again.body).seq).toBeGreaterThan(SavedViewRow.parse(scoped.body).seq);

    const plain = newId();
    const old = await put(t.api, `/api/v1/views/${plain}`, viewBody(), admin.accessToken);
    expect(old.body).toMatchObject({ search: '', listId: null });
    const tooLong = await put(
      t.api,
      `/api/v1/views/${plain}`,
      viewBody({ search: 'x'.repeat(201), updatedAt: 3_000 }),
      admin.accessToken,
    );
    expect(tooLong.status).toBe(400);

    // The OpenAPI document describes both.
    const doc = (await t.api.get('/openapi.json')).body as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(Object.keys(doc.components.schemas.SavedView!.properties)).toEqual(
      expect.arrayContaining(['search', 'listId']),
    );
    expect(Object.keys(doc.components.schemas.SavedViewPut!.properties)).toEqual(
      expect.arrayContaining(['search', 'listId']),
    );
  });
});
