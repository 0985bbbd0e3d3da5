import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { AuthResponse, MeResponse } from '@sdr/schema';
import { refreshToken as refreshTokenTable, session } from '@sdr/schema/pg';
import {
  countRows,
  readMailFiles,
  signUp,
  testDatabaseKinds,
  tokenFromMail,
  useServerSuite,
} from '../test/harness.ts';

describe.each(testDatabaseKinds())('auth flows (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('signs up: creates workspace, admin membership and session; returns tokens', async () => {
    const res = await t.api.post('/api/v1/auth/signup', {
      email: '  Ada@Example.COM ',
      password: 'a-long-password',
      name: 'Ada',
      workspaceName: 'Analytical Engines',
      deviceName: 'Laptop',
    });
    expect(res.status).toBe(201);
    const body = AuthResponse.parse(res.body);
    expect(body.user.email).toBe('ada@example.com');
    expect(body.workspace.name).toBe('Analytical Engines');
    expect(body.role).toBe('admin');
    expect(body.expiresIn).toBe(900);
    expect(await countRows(t.db)).toMatchObject({
      workspace: 1,
      user: 1,
      credential: 1,
      membership: 1,
      session: 1,
      refresh_token: 1,
    });

    const me = await t.api.get('/api/v1/me', { token: body.accessToken });
    expect(me.status).toBe(200);
    const parsed = MeResponse.parse(me.body);
    expect(parsed).toMatchObject({
      role: 'admin',
      sessionId: body.sessionId,
      user: { name: 'Ada' },
    });
    expect(parsed.workspaces).toEqual([
      { id: body.workspace.id, name: 'Analytical Engines', role: 'admin' },
    ]);
  });

  it('rejects a second signup with the same email (409 email_taken) and writes nothing', async () => {
    await signUp(t.api, { email: 'taken@example.com' });
    const before = await countRows(t.db);
    const res = await t.api.post('/api/v1/auth/signup', {
      email: 'TAKEN@example.com',
      password: 'another-password',
      name: 'Other',
      workspaceName: 'Other',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('email_taken');
    expect(await countRows(t.db)).toEqual(before);
  });

  it('logs in with the right password, and answers the same 401 for a wrong password or unknown email', async () => {
    const u = await signUp(t.api);
    const ok = await t.api.post('/api/v1/auth/login', {
      email: u.email,
      password: u.password,
      deviceName: 'Phone',
    });
    expect(ok.status).toBe(200);
    expect(ok.body.sessionId).not.toBe(u.sessionId);
    expect(ok.body.workspace.id).toBe(u.workspaceId);

    const wrong = await t.api.post('/api/v1/auth/login', {
      email: u.email,
      password: 'wrong-password',
    });
    const unknown = await t.api.post('/api/v1/auth/login', {
      email: 'nobody@example.com',
      password: 'wrong-password',
    });
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({
        code: 'invalid_credentials',
        message: 'Wrong email or password.',
      });
    }
  });

  it('rotates refresh tokens: the old one is spent, the new one works', async () => {
    const u = await signUp(t.api);
    const r1 = await t.api.post('/api/v1/auth/refresh', { refreshToken: u.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(u.refreshToken);
    expect(r1.body.sessionId).toBe(u.sessionId);
    const r2 = await t.api.post('/api/v1/auth/refresh', { refreshToken: r1.body.refreshToken });
    expect(r2.status).toBe(200);
    const me = await t.api.get('/api/v1/me', { token: r2.body.accessToken });
    expect(me.status).toBe(200);
    const tokens = await t.db
      .select()
      .from(refreshTokenTable)
      .where(eq(refreshTokenTable.sessionId, u.sessionId));
    expect(tokens).toHaveLength(3);
    expect(tokens.filter((x) => x.usedAt === null)).toHaveLength(1);
    // Only hashes are stored.
    for (const x of tokens)
      expect([u.refreshToken, r1.body.refreshToken, r2.body.refreshToken]).not.toContain(
        x.tokenHash,
      );
  });

  it('detects reuse of a spent refresh token and revokes the whole session', async () => {
    const u = await signUp(t.api);
    const other = await t.api.post('/api/v1/auth/login', { email: u.email, password: u.password });
    const r1 = await t.api.post('/api/v1/auth/refresh', { refreshToken: u.refreshToken });
    expect(r1.status).toBe(200);

    const reused = await t.api.post('/api/v1/auth/refresh', { refreshToken: u.refreshToken });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('refresh_token_reused');

    // The legitimate newest token of that family is dead too, and so is its access token.
    const next = await t.api.post('/api/v1/auth/refresh', { refreshToken: r1.body.refreshToken });
    expect(next.status).toBe(401);
    expect(next.body.error.code).toBe('unauthenticated');
    expect((await t.api.get('/api/v1/me', { token: r1.body.accessToken })).status).toBe(401);
    const [row] = await t.db.select().from(session).where(eq(session.id, u.sessionId));
    expect(row?.revokedReason).toBe('reuse');

    // Another device's session is untouched.
    expect((await t.api.get('/api/v1/me', { token: other.body.accessToken })).status).toBe(200);
  });

  it('rejects an unknown refresh token with 401', async () => {
    const res = await t.api.post('/api/v1/auth/refresh', { refreshToken: 'not-a-real-token' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  it('logs out: the session is revoked, its access and refresh tokens stop working', async () => {
    const u = await signUp(t.api);
    expect(
      (await t.api.post('/api/v1/auth/logout', undefined, { token: u.accessToken })).status,
    ).toBe(204);
    expect((await t.api.get('/api/v1/me', { token: u.accessToken })).status).toBe(401);
    const r = await t.api.post('/api/v1/auth/refresh', { refreshToken: u.refreshToken });
    expect(r.status).toBe(401);
    const [row] = await t.db.select().from(session).where(eq(session.id, u.sessionId));
    expect(row?.revokedReason).toBe('logout');
  });

  it('requires a valid bearer token on authenticated routes', async () => {
    const none = await t.api.get('/api/v1/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthenticated');
    const garbage = await t.api.get('/api/v1/me', { token: 'abc.def.ghi' });
    expect(garbage.status).toBe(401);
  });

  it('reports an expired access token as token_expired', async () => {
    let now = new Date('2031-05-01T10:00:00Z');
    const s = await t.start({ clock: () => now });
    const u = await signUp(s.api);
    expect((await s.api.get('/api/v1/me', { token: u.accessToken })).status).toBe(200);
    now = new Date(now.getTime() + 16 * 60_000);
    const res = await s.api.get('/api/v1/me', { token: u.accessToken });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('token_expired');
    const refreshed = await s.api.post('/api/v1/auth/refresh', { refreshToken: u.refreshToken });
    expect((await s.api.get('/api/v1/me', { token: refreshed.body.accessToken })).status).toBe(200);
  });

  it('switches workspace for a member, refuses a non-member with 403 and changes nothing', async () => {
    const owner = await signUp(t.api, { workspaceName: 'Second' });
    const u = await signUp(t.api, { workspaceName: 'First' });
    // Make u a member of "Second" through an invitation.
    const inv = await t.api.post(
      '/api/v1/invitations',
      { email: u.email, role: 'manager' },
      { token: owner.accessToken },
    );
    expect(inv.status).toBe(201);
    const token = tokenFromMail((await readMailFiles(t.server.dataDir)).at(-1)!, 'invite', t.url);
    const accepted = await t.api.post('/api/v1/invitations/accept', {
      token,
      password: u.password,
    });
    expect(accepted.status).toBe(200);

    const switched = await t.api.post(
      '/api/v1/auth/switch-workspace',
      { workspaceId: owner.workspaceId, refreshToken: u.refreshToken },
      { token: u.accessToken },
    );
    expect(switched.status).toBe(200);
    expect(switched.body).toMatchObject({
      role: 'manager',
      sessionId: u.sessionId,
      workspace: { id: owner.workspaceId },
    });
    const me = await t.api.get('/api/v1/me', { token: switched.body.accessToken });
    expect(me.body.workspace.name).toBe('Second');
    expect(
      MeResponse.parse(me.body)
        .workspaces.map((w) => w.name)
        .sort(),
    ).toEqual(['First', 'Second']);

    const stranger = await signUp(t.api);
    const before = await countRows(t.db);
    const denied = await t.api.post(
      '/api/v1/auth/switch-workspace',
      { workspaceId: owner.workspaceId, refreshToken: stranger.refreshToken },
      { token: stranger.accessToken },
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    expect(await countRows(t.db)).toEqual(before);
    // The stranger's refresh token was not spent by the refused switch.
    expect(
      (await t.api.post('/api/v1/auth/refresh', { refreshToken: stranger.refreshToken })).status,
    ).toBe(200);
  });

  it('logs in to a chosen workspace, 403 for one the user does not belong to', async () => {
    const a = await signUp(t.api);
    const b = await signUp(t.api);
    const res = await t.api.post('/api/v1/auth/login', {
      email: a.email,
      password: a.password,
      workspaceId: b.workspaceId,
    });
    expect(res.status).toBe(403);
    const ok = await t.api.post('/api/v1/auth/login', {
      email: a.email,
      password: a.password,
      workspaceId: a.workspaceId,
    });
    expect(ok.status).toBe(200);
  });
});
