import { describe, expect, it } from 'vitest';
import { LeadListRow, ListMembersPage } from '@sdr/schema';
import { FILTER, newId, put } from '../test/data-fixtures.ts';
import {
  addMember,
  countRows,
  listItems,
  signUp,
  testDatabaseKinds,
  useServerSuite,
} from '../test/harness.ts';

const staticList = (o: Record<string, unknown> = {}) => ({
  name: 'Call list',
  kind: 'static',
  updatedAt: 1_000,
  ...o,
});

describe.each(testDatabaseKinds())('lead lists (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('every member sees every list; owner, managers and admins change it; kind is fixed', async () => {
    const admin = await signUp(t.api);
    const manager = await addMember(t.server, admin.accessToken, 'manager');
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    const mine = newId();
    const theirs = newId();
    const a = await put(
      t.api,
      `/api/v1/lists/${mine}`,
      staticList({ name: 'B mine' }),
      sdr.accessToken,
    );
    expect(a.status).toBe(200);
    expect(LeadListRow.parse(a.body)).toMatchObject({ ownerId: sdr.userId, filter: null });
    const dyn = await put(
      t.api,
      `/api/v1/lists/${theirs}`,
      { name: 'A new leads', kind: 'dynamic', filter: FILTER, updatedAt: 1_000 },
      manager.accessToken,
    );
    expect(dyn.body).toMatchObject({ kind: 'dynamic', filter: FILTER });
    const names = listItems(
      (await t.api.get('/api/v1/lists', { token: sdr.accessToken })).body,
      LeadListRow,
    ).map((l) => l.name);
    expect(names).toEqual(['A new leads', 'B mine']);

    const rename = await put(
      t.api,
      `/api/v1/lists/${theirs}`,
      { name: 'Mine now', kind: 'dynamic', filter: FILTER, updatedAt: 2_000 },
      sdr.accessToken,
    );
    expect(rename.status).toBe(403);
    expect((await t.api.delete(`/api/v1/lists/${theirs}`, { token: sdr.accessToken })).status).toBe(
      403,
    );
    const managed = await put(
      t.api,
      `/api/v1/lists/${mine}`,
      staticList({ name: 'Renamed', updatedAt: 2_000 }),
      manager.accessToken,
    );
    expect(managed.body).toMatchObject({ name: 'Renamed', ownerId: sdr.userId });
    const flip = await put(
      t.api,
      `/api/v1/lists/${mine}`,
      { name: 'Renamed', kind: 'dynamic', filter: FILTER, updatedAt: 3_000 },
      sdr.accessToken,
    );
    expect(flip.status).toBe(400);
    expect(flip.body.error.issues[0].path).toBe('kind');

    const gone = await t.api.delete(`/api/v1/lists/${mine}`, { token: manager.accessToken });
    expect(gone.body.deleted).toBe(true);
    const left = await t.api.get('/api/v1/lists', { token: admin.accessToken });
    expect(listItems(left.body, LeadListRow).map((l) => l.id)).toEqual([theirs]);
  });

  it('refuses bad lists with issues and writes nothing', async () => {
    const admin = await signUp(t.api);
    const before = await countRows(t.db);
    const path = `/api/v1/lists/${newId()}`;
    for (const body of [
      { name: 'x', kind: 'dynamic', updatedAt: 1 },
      { name: 'x', kind: 'static', filter: FILTER, updatedAt: 1 },
      { name: '', kind: 'static', updatedAt: 1 },
      { name: 'x', kind: 'smart', updatedAt: 1 },
      { name: 'x', kind: 'static' },
      { name: 'x', kind: 'static', updatedAt: 1, members: [] },
    ]) {
      const res = await put(t.api, path, body, admin.accessToken);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.issues.length).toBeGreaterThan(0);
    }
    expect(await countRows(t.db)).toEqual(before);
  });

  it('adds 10,000 leads in one request, pages them, and re-adding is a no-op', async () => {
    const admin = await signUp(t.api);
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    const id = newId();
    await put(t.api, `/api/v1/lists/${id}`, staticList(), admin.accessToken);
    const leads = Array.from({ length: 10_000 }, (_, i) => `lead-${String(i).padStart(5, '0')}`);
    const res = await t.api.post(
      `/api/v1/lists/${id}/members`,
      { add: leads },
      { token: sdr.accessToken },
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ added: 10_000, removed: 0 });

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const q: string = after ? `&after=${after}` : '';
      const page = await t.api.get(`/api/v1/lists/${id}/members?limit=4000${q}`, {
        token: admin.accessToken,
      });
      expect(page.status).toBe(200);
      const parsed = ListMembersPage.parse(page.body);
      seen.push(...parsed.items.map((m) => m.leadId));
      after = parsed.nextAfter;
    } while (after);
    expect(seen).toEqual(leads);

    const before = await countRows(t.db);
    const again = await t.api.post(
      `/api/v1/lists/${id}/members`,
      { add: leads.slice(0, 100) },
      { token: admin.accessToken },
    );
    expect(again.body).toEqual({ added: 0, removed: 0 });
    expect(await countRows(t.db)).toEqual(before);

    const tooMany = await t.api.post(
      `/api/v1/lists/${id}/members`,
      { add: leads, remove: ['one-more'] },
      { token: admin.accessToken },
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.issues[0].message).toMatch(/at most 10000/);
  });

  it('members: last writer wins per lead; a remove of a lead never added still beats an older add', async () => {
    const admin = await signUp(t.api);
    const id = newId();
    const members = `/api/v1/lists/${id}/members`;
    const token = admin.accessToken;
    await put(t.api, `/api/v1/lists/${id}`, staticList(), token);
    await t.api.post(members, { add: ['a', 'b'], updatedAt: 5_000 }, { token });

    const stale = await t.api.post(members, { remove: ['a'], updatedAt: 4_000 }, { token });
    expect(stale.body).toEqual({ added: 0, removed: 0 });
    const fresh = await t.api.post(members, { remove: ['a'], updatedAt: 6_000 }, { token });
    expect(fresh.body).toEqual({ added: 0, removed: 1 });

    // 'c' is removed (at 8000) before an older add (at 7000) of another device arrives.
    await t.api.post(members, { remove: ['c'], updatedAt: 8_000 }, { token });
    const late = await t.api.post(members, { add: ['c', 'd'], updatedAt: 7_000 }, { token });
    expect(late.body).toEqual({ added: 1, removed: 0 });
    const page = await t.api.get(members, { token });
    expect(ListMembersPage.parse(page.body).items.map((m) => m.leadId)).toEqual(['b', 'd']);
  });

  it('refuses member changes of dynamic, deleted and foreign lists, and bad batches', async () => {
    const admin = await signUp(t.api);
    const stranger = await signUp(t.api);
    const token = admin.accessToken;
    const dyn = newId();
    const deleted = newId();
    const ok = newId();
    await put(
      t.api,
      `/api/v1/lists/${dyn}`,
      { name: 'd', kind: 'dynamic', filter: FILTER, updatedAt: 1 },
      token,
    );
    await put(t.api, `/api/v1/lists/${deleted}`, staticList({ deleted: true }), token);
    await put(t.api, `/api/v1/lists/${ok}`, staticList(), token);
    const before = await countRows(t.db);
    const post = (list: string, body: unknown, tk = token) =>
      t.api.post(`/api/v1/lists/${list}/members`, body, { token: tk });

    expect((await post(dyn, { add: ['x'] })).status).toBe(409);
    expect((await post(deleted, { add: ['x'] })).status).toBe(404);
    expect((await post(ok, { add: ['x'] }, stranger.accessToken)).status).toBe(404);
    expect(
      (await t.api.get(`/api/v1/lists/${ok}/members`, { token: stranger.accessToken })).status,
    ).toBe(404);
    for (const body of [
      {},
      { add: [] },
      { add: ['x'], remove: ['x'] },
      { add: [''] },
      { add: 'x' },
    ]) {
      const res = await post(ok, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    expect(await countRows(t.db)).toEqual(before);
  });
});
