/**
 * Tenancy: a user of workspace A, even an admin, cannot read or change anything of workspace B
 * through any endpoint. Every attempt is refused (403/404) and the database is unchanged.
 */
import { describe, expect, it } from 'vitest';
import { InvitationDto, MeResponse, MemberDto, SessionDto } from '@sdr/schema';
import { signAccessToken } from './auth/tokens.ts';
import {
  addMember,
  countRows,
  listItems,
  signUp,
  testDatabaseKinds,
  useServerSuite,
} from './test/harness.ts';
import type { HttpResult, Json } from './test/http.ts';

describe.each(testDatabaseKinds())('tenancy isolation (%s)', (kind) => {
  const t = useServerSuite(kind);

  async function twoWorkspaces() {
    const a = await signUp(t.api, { workspaceName: 'A' });
    const b = await signUp(t.api, { workspaceName: 'B' });
    const bMember = await addMember(t.server, b.accessToken, 'sdr');
    const bInvite = await t.api.post(
      '/api/v1/invitations',
      { email: 'b-pending@example.com' },
      { token: b.accessToken },
    );
    expect(bInvite.status).toBe(201);
    return { a, b, bMember, bInviteId: bInvite.body.id as string };
  }

  async function snapshotB(bToken: string) {
    const [members, invitations, sessions] = await Promise.all([
      t.api.get('/api/v1/members', { token: bToken }),
      t.api.get('/api/v1/invitations', { token: bToken }),
      t.api.get('/api/v1/sessions', { token: bToken }),
    ]);
    return { members: members.body, invitations: invitations.body, sessions: sessions.body };
  }

  it('reads only its own workspace', async () => {
    const { a, b, bMember, bInviteId } = await twoWorkspaces();
    const members = await t.api.get('/api/v1/members', { token: a.accessToken });
    expect(listItems(members.body, MemberDto).map((m) => m.userId)).toEqual([a.userId]);
    const invitations = await t.api.get('/api/v1/invitations', { token: a.accessToken });
    expect(listItems(invitations.body, InvitationDto).map((i) => i.id)).not.toContain(bInviteId);
    expect(invitations.body.items).toEqual([]);
    const sessions = await t.api.get('/api/v1/sessions', { token: a.accessToken });
    expect(listItems(sessions.body, SessionDto).map((s) => s.id)).toEqual([a.sessionId]);
    const me = await t.api.get('/api/v1/me', { token: a.accessToken });
    expect(MeResponse.parse(me.body).workspaces.map((w) => w.id)).toEqual([a.workspaceId]);
    expect([b.workspaceId, bMember.workspaceId]).not.toContain(me.body.workspace.id);
  });

  it('cannot change anything of workspace B through any endpoint (403/404, nothing written)', async () => {
    const { a, b, bMember, bInviteId } = await twoWorkspaces();
    const before = await countRows(t.db);
    const bBefore = await snapshotB(b.accessToken);
    const token = a.accessToken;

    const attempts: [string, Promise<HttpResult<Json>>, number][] = [
      [
        'change role of B member',
        t.api.patch(`/api/v1/members/${bMember.userId}`, { role: 'admin' }, { token }),
        404,
      ],
      [
        'change role of B admin',
        t.api.patch(`/api/v1/members/${b.userId}`, { role: 'sdr' }, { token }),
        404,
      ],
      ['remove B member', t.api.delete(`/api/v1/members/${bMember.userId}`, { token }), 404],
      ['remove B admin', t.api.delete(`/api/v1/members/${b.userId}`, { token }), 404],
      ['revoke B invitation', t.api.delete(`/api/v1/invitations/${bInviteId}`, { token }), 404],
      ['revoke B admin session', t.api.delete(`/api/v1/sessions/${b.sessionId}`, { token }), 404],
      [
        'revoke B member session',
        t.api.delete(`/api/v1/sessions/${bMember.sessionId}`, { token }),
        404,
      ],
      [
        'switch into B',
        t.api.post(
          '/api/v1/auth/switch-workspace',
          { workspaceId: b.workspaceId, refreshToken: a.refreshToken },
          { token },
        ),
        403,
      ],
      [
        'log in to B',
        t.api.post('/api/v1/auth/login', {
          email: a.email,
          password: a.password,
          workspaceId: b.workspaceId,
        }),
        403,
      ],
      [
        "use B's refresh token with A's access token",
        t.api.post(
          '/api/v1/auth/switch-workspace',
          { workspaceId: b.workspaceId, refreshToken: b.refreshToken },
          { token },
        ),
        401,
      ],
    ];
    for (const [what, pending, status] of attempts) {
      const res = await pending;
      expect({ what, status: res.status }).toEqual({ what, status });
      expect(res.body.error.code).toBe(
        { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' }[status],
      );
    }
    expect(await countRows(t.db)).toEqual(before);
    expect(await snapshotB(b.accessToken)).toEqual(bBefore);
    // B's people are still signed in, and B's refresh token was not spent.
    expect((await t.api.get('/api/v1/me', { token: bMember.accessToken })).status).toBe(200);
    expect(
      (await t.api.post('/api/v1/auth/refresh', { refreshToken: b.refreshToken })).status,
    ).toBe(200);
  });

  it('a correctly signed token claiming workspace B for a session of A is refused', async () => {
    const { a, b } = await twoWorkspaces();
    const forged = await signAccessToken(
      { sub: a.userId, wid: b.workspaceId, sid: a.sessionId, role: 'admin' },
      t.server.env.jwtSecret,
      new Date(),
    );
    for (const path of [
      '/api/v1/me',
      '/api/v1/members',
      '/api/v1/invitations',
      '/api/v1/sessions',
    ]) {
      const res = await t.api.get(path, { token: forged });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
    // A session of B's admin with A's workspace is refused the same way.
    const forged2 = await signAccessToken(
      { sub: b.userId, wid: a.workspaceId, sid: b.sessionId, role: 'admin' },
      t.server.env.jwtSecret,
      new Date(),
    );
    expect((await t.api.get('/api/v1/members', { token: forged2 })).status).toBe(401);
  });
});
