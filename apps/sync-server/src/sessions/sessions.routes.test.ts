import { describe, expect, it } from 'vitest';
import { SessionDto } from '@sdr/schema';
import {
  addMember,
  listItems,
  signUp,
  testDatabaseKinds,
  useServerSuite,
} from '../test/harness.ts';

describe.each(testDatabaseKinds())('sessions (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('lists the caller’s live sessions, one per device, marking the current one', async () => {
    const u = await signUp(t.api, { deviceName: 'Desktop' });
    const phone = await t.api.post('/api/v1/auth/login', {
      email: u.email,
      password: u.password,
      deviceName: 'Phone',
    });
    const tablet = await t.api.post(
      '/api/v1/auth/login',
      { email: u.email, password: u.password },
      { headers: { 'user-agent': 'TabletBrowser/1.0' } },
    );
    await t.api.post('/api/v1/auth/logout', undefined, { token: tablet.body.accessToken });

    const res = await t.api.get('/api/v1/sessions', { token: phone.body.accessToken });
    expect(res.status).toBe(200);
    expect(
      listItems(res.body, SessionDto)
        .map((s) => [s.deviceName, s.current])
        .sort(),
    ).toEqual([
      ['Desktop', false],
      ['Phone', true],
    ]);
  });

  it('revokes one of the caller’s sessions: that device is signed out, the others are not', async () => {
    const u = await signUp(t.api, { deviceName: 'Desktop' });
    const phone = await t.api.post('/api/v1/auth/login', {
      email: u.email,
      password: u.password,
      deviceName: 'Phone',
    });
    const del = await t.api.delete(`/api/v1/sessions/${phone.body.sessionId}`, {
      token: u.accessToken,
    });
    expect(del.status).toBe(204);
    expect((await t.api.get('/api/v1/me', { token: phone.body.accessToken })).status).toBe(401);
    expect(
      (await t.api.post('/api/v1/auth/refresh', { refreshToken: phone.body.refreshToken })).status,
    ).toBe(401);
    expect((await t.api.get('/api/v1/me', { token: u.accessToken })).status).toBe(200);
    const again = await t.api.delete(`/api/v1/sessions/${phone.body.sessionId}`, {
      token: u.accessToken,
    });
    expect(again.status).toBe(404);
  });

  it('never shows or revokes another user’s session, even in the same workspace', async () => {
    const a = await signUp(t.api);
    const b = await addMember(t.server, a.accessToken, 'admin');
    const list = await t.api.get('/api/v1/sessions', { token: a.accessToken });
    expect(listItems(list.body, SessionDto).map((s) => s.id)).toEqual([a.sessionId]);
    const res = await t.api.delete(`/api/v1/sessions/${b.sessionId}`, { token: a.accessToken });
    expect(res.status).toBe(404);
    expect((await t.api.get('/api/v1/me', { token: b.accessToken })).status).toBe(200);
  });
});
