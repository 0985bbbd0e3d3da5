import { describe, expect, it } from 'vitest';
import {
  countRows,
  signUp,
  testDatabaseKinds,
  tokenFromMail,
  useServerSuite,
  useSmtpProcess,
} from '../test/harness.ts';

const smtp = useSmtpProcess();

describe.each(testDatabaseKinds())('password reset (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('request → mail over SMTP → confirm sets the password and signs out every session', async () => {
    const s = await t.start({ smtpUrl: smtp.url });
    const email = `reset-${kind}-${Date.now()}@example.com`;
    const u = await signUp(s.api, { email });
    const laptop = await s.api.post('/api/v1/auth/login', { email, password: u.password });

    const req = await s.api.post('/api/v1/auth/password-reset/request', {
      email: email.toUpperCase(),
    });
    expect(req.status).toBe(202);
    const mail = await smtp.waitForMail(email);
    expect(mail.parsed.subject).toBe('Reset your password');
    const token = tokenFromMail(mail.parsed, 'reset-password', s.url);

    const page = await fetch(`${s.url}/reset-password/${token}`);
    expect(await page.text()).toContain(token);

    const confirm = await s.api.post('/api/v1/auth/password-reset/confirm', {
      token,
      password: 'brand-new-password',
    });
    expect(confirm.status).toBe(204);

    // Every session is gone: access tokens and refresh tokens.
    expect((await s.api.get('/api/v1/me', { token: u.accessToken })).status).toBe(401);
    expect((await s.api.get('/api/v1/me', { token: laptop.body.accessToken })).status).toBe(401);
    expect(
      (await s.api.post('/api/v1/auth/refresh', { refreshToken: u.refreshToken })).status,
    ).toBe(401);

    expect((await s.api.post('/api/v1/auth/login', { email, password: u.password })).status).toBe(
      401,
    );
    expect(
      (await s.api.post('/api/v1/auth/login', { email, password: 'brand-new-password' })).status,
    ).toBe(200);

    const again = await s.api.post('/api/v1/auth/password-reset/confirm', {
      token,
      password: 'another-password-1',
    });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('invalid_token');
  });

  it('answers 202 for an unknown email, sends nothing and writes nothing', async () => {
    const s = await t.start({ smtpUrl: smtp.url });
    const before = await countRows(t.db);
    const sentBefore = (await smtp.messages()).length;
    const res = await s.api.post('/api/v1/auth/password-reset/request', {
      email: 'ghost@example.com',
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: true });
    expect(await countRows(t.db)).toEqual(before);
    expect((await smtp.messages()).length).toBe(sentBefore);
  });

  it('a reset token expires after one hour', async () => {
    let now = new Date('2033-01-01T00:00:00Z');
    const s = await t.start({ smtpUrl: smtp.url, clock: () => now });
    const email = `expire-${kind}-${Date.now()}@example.com`;
    await signUp(s.api, { email });
    await s.api.post('/api/v1/auth/password-reset/request', { email });
    const token = tokenFromMail((await smtp.waitForMail(email)).parsed, 'reset-password', s.url);
    now = new Date(now.getTime() + 60 * 60 * 1000);
    const res = await s.api.post('/api/v1/auth/password-reset/confirm', {
      token,
      password: 'too-late-password',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('the HTML form on the reset page sets the password', async () => {
    const s = await t.start({ smtpUrl: smtp.url });
    const email = `form-${kind}-${Date.now()}@example.com`;
    await signUp(s.api, { email });
    await s.api.post('/api/v1/auth/password-reset/request', { email });
    const token = tokenFromMail((await smtp.waitForMail(email)).parsed, 'reset-password', s.url);
    const res = await fetch(`${s.url}/reset-password/${token}`, {
      method: 'POST',
      body: new URLSearchParams({ password: 'typed-in-a-browser' }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Password changed');
    expect(
      (await s.api.post('/api/v1/auth/login', { email, password: 'typed-in-a-browser' })).status,
    ).toBe(200);
  });
});
