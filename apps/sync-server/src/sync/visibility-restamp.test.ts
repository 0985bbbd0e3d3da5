/**
 * Visibility changes that change no row (the policy, a member's team or role) reach connected clients
 * without a reconnect, and offline clients through catch-up: what left their view is evicted
 * (`data: null` for facts), what entered it arrives with its full state. Clients sit on a second
 * server instance, whose cached policy and teams are stale until the change log's marker.
 */
import { describe, expect, it } from 'vitest';
import { projectLead, type Change, type FrameOf } from '@sdr/schema/sync';
import { addMember, signUp, testDatabaseKinds, type SignedUp } from '../test/harness.ts';
import { inboxDepsFor, newPhone, sms } from '../inbox/test/inbox-kit.ts';
import { closeOf } from './test/raw-ws.ts';
import { SyncTestClient, replica } from './test/sync-client.ts';
import { useSyncSuite, type SyncTestServer } from './test/sync-harness.ts';

/** What a client holds after applying changes in order: doc or fact key → its lead fields. */
type View = Map<string, Record<string, unknown>>;

function apply(view: View, changes: readonly Change[]): View {
  for (const ch of changes) {
    if (ch.kind === 'record') {
      view.set(ch.docName, projectLead(replica(ch.docName, ch.update)).values);
    } else if (ch.kind === 'evict') {
      view.delete(ch.docName);
    } else if (ch.entity === 'workspaceData') {
      continue; // a nudge to pull views, lists and tasks (data-push.test.ts), no row
    } else if (ch.data === null) {
      view.delete(`${ch.entity}:${ch.id}`);
    } else {
      view.set(`${ch.entity}:${ch.id}`, ch.data as Record<string, unknown>);
    }
  }
  return view;
}

/** A connected client that folds every live change into its view. */
async function live(s: SyncTestServer, who: SignedUp) {
  const client = await SyncTestClient.connect(s.wsUrl, who.accessToken);
  await client.hello();
  const first = await client.catchup(0);
  const base = apply(new Map(), first.changes);
  const view = (): View => {
    const v: View = new Map(base);
    const changes = client.frames.flatMap((f) => (f.type === 'change' ? [f.change] : []));
    return apply(
      v,
      changes.filter((c) => c.seq > first.cursor),
    );
  };
  const sees = (keys: string[]) => client.waitUntil(() => sameKeys(view(), keys));
  return { client, view, sees, cursor: first.cursor, base };
}

function sameKeys(view: View, keys: string[]): boolean {
  return [...view.keys()].sort().join() === [...keys].sort().join();
}

describe.each(testDatabaseKinds())('visibility changes for connected clients (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('a policy change evicts and restores leads and conversations, live and in catch-up', async () => {
    const s1 = suite.server;
    const s2 = await suite.start();
    const admin = await signUp(s1.api);
    const asAdmin = { token: admin.accessToken };
    const ana = await addMember(s1, admin.accessToken, 'sdr');
    const create = async (firstName: string, ownerId?: string) =>
      `lead:${(await s1.api.post('/api/v1/leads', { firstName, ...(ownerId ? { ownerId } : {}) }, asAdmin)).body.id as string}`;
    const mine = await create('Mine', ana.userId);
    const theirs = await create('Theirs', admin.userId);
    const open = await create('Open');
    const inbound = await sms(inboxDepsFor(s1), admin.workspaceId, newPhone(), 'Hello');
    const conv = `conversation:${inbound.conversationId!}`;
    const assign = await s1.api.post(
      `/api/v1/conversations/${inbound.conversationId!}/assign`,
      { assigneeId: admin.userId },
      asAdmin,
    );
    expect(assign.status).toBe(200);

    // Ana on instance 2, connected; a second device of hers goes offline with its cursor.
    const a = await live(s2, ana);
    // The inbound text also made a lead, a message and a queue item.
    const everything = [...a.base.keys()];
    expect(everything).toEqual(expect.arrayContaining([mine, theirs, open, conv]));
    const ownerOf = (v: Record<string, unknown>) => v['ownerId'] ?? v['assigneeId'] ?? null;
    const ownView = everything.filter((k) =>
      [null, ana.userId].includes(ownerOf(a.base.get(k)!) as string | null),
    );
    expect(ownView).toEqual(expect.arrayContaining([mine, open]));
    expect(ownView).not.toContain(theirs);
    expect(ownView.filter((k) => !k.startsWith('lead:'))).toEqual([]);
    const offline = await live(s2, ana);
    offline.client.close();

    const setPolicy = async (leadVisibility: string) =>
      expect(
        (await s1.api.request('PUT', '/api/v1/workspace/settings', { leadVisibility }, asAdmin))
          .status,
      ).toBe(200);

    await setPolicy('own');
    await a.sees(ownView);

    // The offline device catches up from its cursor and forgets the same rows.
    const back = await SyncTestClient.connect(s2.wsUrl, ana.accessToken);
    await back.hello({ cursor: offline.cursor });
    const caught = await back.catchup(offline.cursor);
    expect(sameKeys(apply(new Map(offline.base), caught.changes), ownView)).toBe(true);

    // Back to `all`: the lead and the conversation return whole, not as a delta.
    await setPolicy('all');
    await a.sees(everything);
    expect(a.view().get(theirs)).toMatchObject({ firstName: 'Theirs', ownerId: admin.userId });
    expect(a.view().get(conv)).toMatchObject({ assigneeId: admin.userId });
    const again = await back.catchup(caught.cursor);
    const after = apply(apply(new Map(offline.base), caught.changes), again.changes);
    expect(sameKeys(after, everything)).toBe(true);
    expect(after.get(theirs)).toMatchObject({ firstName: 'Theirs' });

    // Setting the same policy again re-stamps nothing.
    const frames = a.client.frames.length;
    await setPolicy('all');
    const probe = await s1.api.patch(`/api/v1/leads/${open.slice(5)}`, { title: 'x' }, asAdmin);
    await a.client.waitFor(
      (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === probe.body.seq,
    );
    expect(a.client.frames.slice(frames).filter((f) => f.type === 'change')).toHaveLength(1);
    a.client.close();
    back.close();
  });

  it("a team change under the 'team' policy moves leads between both teams' open sockets", async () => {
    const s1 = suite.server;
    const s2 = await suite.start();
    const admin = await signUp(s1.api);
    const asAdmin = { token: admin.accessToken };
    const ana = await addMember(s1, admin.accessToken, 'sdr');
    const ben = await addMember(s1, admin.accessToken, 'sdr');
    const cat = await addMember(s1, admin.accessToken, 'sdr');
    const setTeam = async (m: SignedUp, team: string) =>
      expect((await s1.api.patch(`/api/v1/members/${m.userId}`, { team }, asAdmin)).status).toBe(
        200,
      );
    await setTeam(ana, 'East');
    await setTeam(ben, 'East');
    await setTeam(cat, 'West');
    const put = await s1.api.request(
      'PUT',
      '/api/v1/workspace/settings',
      { leadVisibility: 'team' },
      asAdmin,
    );
    expect(put.status).toBe(200);
    const create = async (firstName: string, ownerId: string) =>
      `lead:${(await s1.api.post('/api/v1/leads', { firstName, ownerId }, asAdmin)).body.id as string}`;
    const anas = await create('Ana’s', ana.userId);
    const bens = await create('Ben’s', ben.userId);
    const cats = await create('Cat’s', cat.userId);

    const a = await live(s2, ana);
    const b = await live(s2, ben);
    const c = await live(s1, cat);
    expect(sameKeys(a.base, [anas, bens])).toBe(true);
    expect(sameKeys(c.base, [cats])).toBe(true);
    // Ben also edits Ana's lead live over /yjs (on instance 2).
    const yjs = closeOf(
      `${s2.wsUrl}/yjs/${anas}?token=${encodeURIComponent(ben.accessToken)}`,
      20_000,
    );

    await setTeam(ben, 'West');
    await a.sees([anas]);
    await b.sees([bens, cats]);
    await c.sees([bens, cats]);
    expect(b.view().get(cats)).toMatchObject({ firstName: 'Cat’s', ownerId: cat.userId });
    expect(c.view().get(bens)).toMatchObject({ firstName: 'Ben’s', ownerId: ben.userId });
    expect(await yjs).toMatchObject({ code: 4403 });
    for (const x of [a, b, c]) x.client.close();
  });

  it("a role change under the 'own' policy widens and narrows the member's open socket", async () => {
    const s1 = suite.server;
    const s2 = await suite.start();
    const admin = await signUp(s1.api);
    const asAdmin = { token: admin.accessToken };
    const ana = await addMember(s1, admin.accessToken, 'sdr');
    const ben = await addMember(s1, admin.accessToken, 'sdr');
    const put = await s1.api.request(
      'PUT',
      '/api/v1/workspace/settings',
      { leadVisibility: 'own' },
      asAdmin,
    );
    expect(put.status).toBe(200);
    const create = async (firstName: string, ownerId: string) =>
      `lead:${(await s1.api.post('/api/v1/leads', { firstName, ownerId }, asAdmin)).body.id as string}`;
    const anas = await create('Ana’s', ana.userId);
    const bens = await create('Ben’s', ben.userId);
    const admins = await create('Admin’s', admin.userId);
    const setRole = async (role: string) =>
      expect((await s1.api.patch(`/api/v1/members/${ana.userId}`, { role }, asAdmin)).status).toBe(
        200,
      );

    // Ana on instance 2 (stale cached roles until the marker), Ben on instance 1.
    const a = await live(s2, ana);
    const b = await live(s1, ben);
    expect(sameKeys(a.base, [anas])).toBe(true);
    expect(sameKeys(b.base, [bens])).toBe(true);
    const offline = await live(s2, ana);
    offline.client.close();

    await setRole('manager');
    await a.sees([anas, bens, admins]);
    expect(a.view().get(bens)).toMatchObject({ firstName: 'Ben’s', ownerId: ben.userId });
    // An edit of Ben's lead reaches Ana live now, and Ben (after the re-stamped rows, which
    // leave his view as it was).
    const edit = await s1.api.patch(`/api/v1/leads/${bens.slice(5)}`, { title: 'Mgr' }, asAdmin);
    for (const x of [a, b]) {
      await x.client.waitFor(
        (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === edit.body.seq,
      );
    }
    expect(edit.status).toBe(200);
    expect(sameKeys(b.view(), [bens])).toBe(true);

    // The offline device catches up with the manager's view.
    const back = await SyncTestClient.connect(s2.wsUrl, ana.accessToken);
    await back.hello({ cursor: offline.cursor });
    const caught = await back.catchup(offline.cursor);
    expect(sameKeys(apply(new Map(offline.base), caught.changes), [anas, bens, admins])).toBe(true);
    back.close();

    // Back to SDR: the others' leads are evicted live, and a /yjs room of Ben's lead closes.
    const yjs = closeOf(
      `${s2.wsUrl}/yjs/${bens}?token=${encodeURIComponent(ana.accessToken)}`,
      20_000,
    );
    await setRole('sdr');
    await a.sees([anas]);
    expect(await yjs).toMatchObject({ code: 4403 });
    // Promoting within the 'sees all' side (manager → admin) re-stamps nothing.
    await setRole('manager');
    await a.sees([anas, bens, admins]);
    const frames = a.client.frames.length;
    await setRole('admin');
    const probe = await s1.api.patch(`/api/v1/leads/${anas.slice(5)}`, { title: 'y' }, asAdmin);
    await a.client.waitFor(
      (f): f is FrameOf<'change'> => f.type === 'change' && f.change.seq === probe.body.seq,
    );
    expect(a.client.frames.slice(frames).filter((f) => f.type === 'change')).toHaveLength(1);
    for (const x of [a, b]) x.client.close();
  });
});
