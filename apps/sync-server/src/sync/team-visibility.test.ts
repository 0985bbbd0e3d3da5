/**
 * The `team` lead-visibility policy: an SDR sees their team's leads and unassigned ones, through
 * REST and the socket's catch-up; teams are set by admins on the member.
 */
import { describe, expect, it } from 'vitest';
import { addMember, signUp, testDatabaseKinds } from '../test/harness.ts';
import { SyncTestClient, docNameOf } from './test/sync-client.ts';
import { useSyncSuite } from './test/sync-harness.ts';

describe.each(testDatabaseKinds())("the 'team' visibility policy (%s)", (kind) => {
  const suite = useSyncSuite(kind);

  it("shows an SDR their team's and unassigned leads, and nobody else's", async () => {
    const s = suite.server;
    const admin = await signUp(s.api);
    const asAdmin = { token: admin.accessToken };
    const ana = await addMember(s, admin.accessToken, 'sdr');
    const ben = await addMember(s, admin.accessToken, 'sdr');
    const cat = await addMember(s, admin.accessToken, 'sdr');
    for (const [member, team] of [
      [ana, 'East'],
      [ben, 'East'],
      [cat, 'West'],
    ] as const) {
      const res = await s.api.patch(`/api/v1/members/${member.userId}`, { team }, asAdmin);
      expect(res.status).toBe(200);
    }
    const policy = await s.api.request(
      'PUT',
      '/api/v1/workspace/settings',
      { leadVisibility: 'team' },
      asAdmin,
    );
    expect(policy.status).toBe(200);

    const create = async (firstName: string, ownerId?: string) =>
      (await s.api.post('/api/v1/leads', { firstName, ...(ownerId ? { ownerId } : {}) }, asAdmin))
        .body.id as string;
    const anas = await create('Ana’s', ana.userId);
    const bens = await create('Ben’s', ben.userId);
    const cats = await create('Cat’s', cat.userId);
    const open = await create('Unassigned');

    const visibleTo = async (token: string) =>
      ((await s.api.get('/api/v1/leads', { token })).body.items as { id: string }[])
        .map((l) => l.id)
        .sort();
    expect(await visibleTo(ana.accessToken)).toEqual([anas, bens, open].sort());
    expect(await visibleTo(cat.accessToken)).toEqual([cats, open].sort());
    expect(await visibleTo(admin.accessToken)).toEqual([anas, bens, cats, open].sort());
    expect((await s.api.get(`/api/v1/leads/${cats}`, { token: ana.accessToken })).status).toBe(404);

    const socket = await SyncTestClient.connect(s.wsUrl, ana.accessToken);
    await socket.hello();
    const page = await socket.catchup(0);
    expect(page.changes.map((ch) => [ch.kind, docNameOf(ch)])).toEqual([
      ['record', `lead:${anas}`],
      ['record', `lead:${bens}`],
      ['evict', `lead:${cats}`],
      ['record', `lead:${open}`],
    ]);
    socket.close();
  });
});
