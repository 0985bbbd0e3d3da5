import { describe, expect, it } from 'vitest';
import { AuthResponse, InvitationDto, MemberDto } from '@sdr/schema';
import {
  countRows,
  listItems,
  readMailFiles,
  signUp,
  testDatabaseKinds,
  tokenFromMail,
  useServerSuite,
  useSmtpProcess,
} from '../test/harness.ts';

const smtp = useSmtpProcess();

describe.each(testDatabaseKinds())('invitations (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('admin invites → mail arrives over SMTP → accept creates user and membership → the new member logs in', async () => {
    const s = await t.start({ smtpUrl: smtp.url });
    const admin = await signUp(s.api, { workspaceName: 'Globex' });
    const email = `new-${kind}-${Date.now()}@example.com`;

    const inv = await s.api.post(
      '/api/v1/invitations',
      { email, role: 'manager' },
      { token: admin.accessToken },
    );
    expect(inv.status).toBe(201);
    const dto = InvitationDto.parse(inv.body);
    expect(dto).toMatchObject({ email, role: 'manager', acceptedAt: null, revokedAt: null });
    expect(new Date(dto.expiresAt).getTime() - new Date(dto.createdAt).getTime()).toBe(
      7 * 24 * 3600 * 1000,
    );

    const mail = await smtp.waitForMail(email);
    expect(mail.user).toBe('test'); // sent with the credentials from SMTP_URL
    expect(mail.parsed.subject).toContain('Globex');
    const token = tokenFromMail(mail.parsed, 'invite', s.url);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The link in the mail opens a page that shows the token.
    const page = await fetch(`${s.url}/invite/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(token);

    const accepted = await s.api.post('/api/v1/invitations/accept', {
      token,
      password: 'new-member-pass',
      name: 'Nia New',
    });
    expect(accepted.status).toBe(200);
    const auth = AuthResponse.parse(accepted.body);
    expect(auth).toMatchObject({
      role: 'manager',
      workspace: { id: admin.workspaceId, name: 'Globex' },
      user: { email, name: 'Nia New' },
    });

    const login = await s.api.post('/api/v1/auth/login', { email, password: 'new-member-pass' });
    expect(login.status).toBe(200);
    expect(login.body.workspace.id).toBe(admin.workspaceId);
    const members = await s.api.get('/api/v1/members', { token: login.body.accessToken });
    expect(listItems(members.body, MemberDto).map((m) => [m.email, m.role])).toEqual([
      [admin.email, 'admin'],
      [email, 'manager'],
    ]);

    // Single use.
    const again = await s.api.post('/api/v1/invitations/accept', {
      token,
      password: 'new-member-pass',
      name: 'Nia',
    });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('invalid_token');
    const list = await s.api.get('/api/v1/invitations', { token: admin.accessToken });
    expect(list.body.items[0].acceptedAt).not.toBeNull();
  });

  it('an existing user accepts with their own password (wrong password → 401, nothing written)', async () => {
    const admin = await signUp(t.api);
    const existing = await signUp(t.api);
    await t.api.post(
      '/api/v1/invitations',
      { email: existing.email, role: 'sdr' },
      { token: admin.accessToken },
    );
    const token = tokenFromMail((await readMailFiles(t.server.dataDir)).at(-1)!, 'invite', t.url);

    const before = await countRows(t.db);
    const wrong = await t.api.post('/api/v1/invitations/accept', {
      token,
      password: 'not-their-password',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(await countRows(t.db)).toEqual(before);

    const ok = await t.api.post('/api/v1/invitations/accept', {
      token,
      password: existing.password,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      role: 'sdr',
      user: { id: existing.userId },
      workspace: { id: admin.workspaceId },
    });
  });

  it('a new user must give a name', async () => {
    const admin = await signUp(t.api);
    await t.api.post(
      '/api/v1/invitations',
      { email: 'nameless@example.com' },
      { token: admin.accessToken },
    );
    const token = tokenFromMail((await readMailFiles(t.server.dataDir)).at(-1)!, 'invite', t.url);
    const before = await countRows(t.db);
    const res = await t.api.post('/api/v1/invitations/accept', {
      token,
      password: 'long-enough-pw',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', issues: [{ path: 'name' }] });
    expect(await countRows(t.db)).toEqual(before);
  });

  it('revoked and expired invitations cannot be accepted', async () => {
    let now = new Date('2032-03-01T09:00:00Z');
    const s = await t.start({ clock: () => now });
    const admin = await signUp(s.api);
    const first = await s.api.post(
      '/api/v1/invitations',
      { email: 'late@example.com' },
      { token: admin.accessToken },
    );
    const revokedToken = tokenFromMail((await readMailFiles(s.dataDir)).at(-1)!, 'invite', s.url);
    expect(
      (await s.api.delete(`/api/v1/invitations/${first.body.id}`, { token: admin.accessToken }))
        .status,
    ).toBe(204);
    const r1 = await s.api.post('/api/v1/invitations/accept', {
      token: revokedToken,
      password: 'long-enough-pw',
      name: 'L',
    });
    expect(r1.body.error.code).toBe('invalid_token');

    await s.api.post(
      '/api/v1/invitations',
      { email: 'late@example.com' },
      { token: admin.accessToken },
    );
    const token = tokenFromMail((await readMailFiles(s.dataDir)).at(-1)!, 'invite', s.url);
    now = new Date(now.getTime() + 7 * 24 * 3600 * 1000 + 1000);
    const r2 = await s.api.post('/api/v1/invitations/accept', {
      token,
      password: 'long-enough-pw',
      name: 'L',
    });
    expect(r2.status).toBe(400);
    expect(r2.body.error.code).toBe('invalid_token');
  });

  it('re-inviting replaces the pending invitation; inviting a member is a conflict', async () => {
    const admin = await signUp(t.api);
    const a = await t.api.post(
      '/api/v1/invitations',
      { email: 'twice@example.com' },
      { token: admin.accessToken },
    );
    const b = await t.api.post(
      '/api/v1/invitations',
      { email: 'twice@example.com' },
      { token: admin.accessToken },
    );
    expect(b.status).toBe(201);
    const list = await t.api.get('/api/v1/invitations', { token: admin.accessToken });
    const byId = new Map(listItems(list.body, InvitationDto).map((i) => [i.id, i]));
    expect(byId.get(InvitationDto.parse(a.body).id)?.revokedAt).toEqual(expect.any(String));
    expect(byId.get(InvitationDto.parse(b.body).id)?.revokedAt).toBeNull();

    const self = await t.api.post(
      '/api/v1/invitations',
      { email: admin.email },
      { token: admin.accessToken },
    );
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('conflict');
  });

  it('answers 502 mail_failed and keeps no invitation when the SMTP server refuses', async () => {
    const s = await t.start({ smtpUrl: smtp.url.replace('test:secret', 'test:wrong') });
    const admin = await signUp(s.api);
    const before = await countRows(t.db);
    const res = await s.api.post(
      '/api/v1/invitations',
      { email: 'lost@example.com' },
      { token: admin.accessToken },
    );
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('mail_failed');
    expect(await countRows(t.db)).toEqual(before);
  });
});
