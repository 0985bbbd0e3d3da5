import { describe, expect, it } from 'vitest';
import { MemberDto } from '@sdr/schema';
import {
  addMember,
  countRows,
  listItems,
  signUp,
  testDatabaseKinds,
  useServerSuite,
} from '../test/harness.ts';

describe.each(testDatabaseKinds())('members and roles (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('any member lists the members of their workspace', async () => {
    const admin = await signUp(t.api);
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    const res = await t.api.get('/api/v1/members', { token: sdr.accessToken });
    expect(res.status).toBe(200);
    expect(listItems(res.body, MemberDto).map((m) => [m.userId, m.role])).toEqual([
      [admin.userId, 'admin'],
      [sdr.userId, 'sdr'],
    ]);
  });

  it.each(['sdr', 'manager'] as const)(
    'a %s cannot invite, change roles, remove members or manage invitations',
    async (role) => {
      const admin = await signUp(t.api);
      const member = await addMember(t.server, admin.accessToken, role);
      const other = await addMember(t.server, admin.accessToken, 'sdr');
      const pending = await t.api.post(
        '/api/v1/invitations',
        { email: 'pending@example.com' },
        { token: admin.accessToken },
      );
      const before = await countRows(t.db);
      const token = member.accessToken;
      const attempts = [
        await t.api.post(
          '/api/v1/invitations',
          { email: 'x@example.com', role: 'admin' },
          { token },
        ),
        await t.api.get('/api/v1/invitations', { token }),
        await t.api.delete(`/api/v1/invitations/${pending.body.id}`, { token }),
        await t.api.patch(`/api/v1/members/${other.userId}`, { role: 'admin' }, { token }),
        await t.api.patch(`/api/v1/members/${member.userId}`, { role: 'admin' }, { token }),
        await t.api.delete(`/api/v1/members/${other.userId}`, { token }),
      ];
      for (const res of attempts) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
      expect(await countRows(t.db)).toEqual(before);
      const members = await t.api.get('/api/v1/members', { token: admin.accessToken });
      expect(listItems(members.body, MemberDto).map((m) => m.role)).toEqual(['admin', role, 'sdr']);
    },
  );

  it('an admin changes a role, and it takes effect on the member’s next request', async () => {
    const admin = await signUp(t.api);
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    expect((await t.api.get('/api/v1/invitations', { token: sdr.accessToken })).status).toBe(403);
    const res = await t.api.patch(
      `/api/v1/members/${sdr.userId}`,
      { role: 'admin' },
      { token: admin.accessToken },
    );
    expect(res.status).toBe(200);
    expect(MemberDto.parse(res.body)).toMatchObject({ userId: sdr.userId, role: 'admin' });
    expect((await t.api.get('/api/v1/me', { token: sdr.accessToken })).body.role).toBe('admin');
    expect((await t.api.get('/api/v1/invitations', { token: sdr.accessToken })).status).toBe(200);
  });

  it('refuses to demote or remove the last admin (409 last_admin)', async () => {
    const admin = await signUp(t.api);
    const demote = await t.api.patch(
      `/api/v1/members/${admin.userId}`,
      { role: 'sdr' },
      { token: admin.accessToken },
    );
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('last_admin');
    const remove = await t.api.delete(`/api/v1/members/${admin.userId}`, {
      token: admin.accessToken,
    });
    expect(remove.status).toBe(409);
    expect(remove.body.error.code).toBe('last_admin');

    const second = await addMember(t.server, admin.accessToken, 'admin');
    const ok = await t.api.patch(
      `/api/v1/members/${admin.userId}`,
      { role: 'manager' },
      { token: second.accessToken },
    );
    expect(ok.status).toBe(200);
    const last = await t.api.patch(
      `/api/v1/members/${second.userId}`,
      { role: 'sdr' },
      { token: second.accessToken },
    );
    expect(last.body.error.code).toBe('last_admin');
  });

  it('removing a member signs out their sessions in that workspace', async () => {
    const admin = await signUp(t.api);
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    expect(
      (await t.api.delete(`/api/v1/members/${sdr.userId}`, { token: admin.accessToken })).status,
    ).toBe(204);
    expect((await t.api.get('/api/v1/me', { token: sdr.accessToken })).status).toBe(401);
    expect(
      (await t.api.post('/api/v1/auth/refresh', { refreshToken: sdr.refreshToken })).status,
    ).toBe(401);
    const login = await t.api.post('/api/v1/auth/login', {
      email: sdr.email,
      password: sdr.password,
    });
    expect(login.status).toBe(403);
    const members = await t.api.get('/api/v1/members', { token: admin.accessToken });
    expect(members.body.items).toHaveLength(1);
  });

  it('404 for a user who is not a member', async () => {
    const admin = await signUp(t.api);
    const res = await t.api.patch(
      '/api/v1/members/01NOSUCHUSER',
      { role: 'sdr' },
      { token: admin.accessToken },
    );
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
  it('an admin puts a member in a team and takes them out again; an SDR cannot', async () => {
    const admin = await signUp(t.api);
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    const path = `/api/v1/members/${sdr.userId}`;

    const set = await t.api.patch(path, { team: '  EMEA ' }, { token: admin.accessToken });
    expect(set.status).toBe(200);
    expect(MemberDto.parse(set.body)).toMatchObject({
      userId: sdr.userId,
      role: 'sdr',
      team: 'EMEA',
    });

    const refused = await t.api.patch(path, { team: 'Mine' }, { token: sdr.accessToken });
    expect(refused.status).toBe(403);

    const empty = await t.api.patch(path, {}, { token: admin.accessToken });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('invalid_input');

    const listed = await t.api.get('/api/v1/members', { token: admin.accessToken });
    expect(listItems(listed.body, MemberDto).find((m) => m.userId === sdr.userId)?.team).toBe(
      'EMEA',
    );

    const cleared = await t.api.patch(path, { team: null }, { token: admin.accessToken });
    expect(MemberDto.parse(cleared.body).team).toBeNull();
  });
});
