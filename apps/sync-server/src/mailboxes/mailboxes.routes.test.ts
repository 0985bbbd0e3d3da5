/**
 * `/api/v1/mailboxes` against a real Dovecot (IMAP) and the real SMTP server process: a save is
 * checked by logging in to both; wrong passwords, unreachable hosts and TLS mismatches are a 400
 * naming what failed with nothing stored; passwords are sealed at rest and never answered;
 * members see their own mailboxes, admins the workspace's, other workspaces nothing.
 */
import { createServer } from 'node:net';
import { eq } from 'drizzle-orm';
import { mailbox } from '@sdr/schema/pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSecretBox } from '../crypto/secret-box.ts';
import { startDovecot, type Dovecot } from '../test/dovecot.ts';
import {
  addMember,
  countRows,
  signUp,
  testDatabaseKinds,
  useServerSuite,
  useSmtpProcess,
} from '../test/harness.ts';
import { openSecrets } from './mailboxes.service.ts';

const IMAP_PASSWORD = 'imap-pass-Xy7';
const SMTP_PASSWORD = 'secret'; // the SMTP test process's password

let dovecot: Dovecot;
beforeAll(async () => {
  dovecot = await startDovecot({ users: [{ name: 'rep@sdr.test', password: IMAP_PASSWORD }] });
});
afterAll(async () => {
  await dovecot?.stop();
});
const smtp = useSmtpProcess();

function body(over: { imap?: object; smtp?: object; address?: string } = {}) {
  const port = Number(new URL(smtp.url).port);
  return {
    address: over.address ?? 'rep@sdr.test',
    displayName: 'Rep One',
    imap: {
      host: '127.0.0.1',
      port: dovecot.port,
      secure: false,
      user: 'rep@sdr.test',
      password: IMAP_PASSWORD,
      ...over.imap,
    },
    smtp: {
      host: '127.0.0.1',
      port,
      secure: false,
      user: 'test',
      password: SMTP_PASSWORD,
      ...over.smtp,
    },
  };
}

/** A port on loopback where nothing listens. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe.each(testDatabaseKinds())('mailboxes (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('connects a mailbox after logging in to IMAP and SMTP; the passwords are sealed and never answered', async () => {
    const admin = await signUp(t.api);
    const res = await t.api.put('/api/v1/mailboxes/mb1', body(), { token: admin.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      id: 'mb1',
      userId: admin.userId,
      address: 'rep@sdr.test',
      displayName: 'Rep One',
      imap: {
        host: '127.0.0.1',
        port: dovecot.port,
        secure: false,
        user: 'rep@sdr.test',
        hasPassword: true,
      },
      smtp: { user: 'test', hasPassword: true },
      status: 'active',
      lastError: null,
      imapLastUid: 0,
    });
    const list = await t.api.get('/api/v1/mailboxes', { token: admin.accessToken });
    const one = await t.api.get('/api/v1/mailboxes/mb1', { token: admin.accessToken });
    expect(list.body.items).toHaveLength(1);
    for (const r of [res, list, one]) {
      expect(r.text).not.toContain(IMAP_PASSWORD);
      expect(r.text).not.toContain('"password"');
      expect(r.text).not.toContain('secret');
    }
    const [row] = await t.db.select().from(mailbox).where(eq(mailbox.id, 'mb1'));
    expect(row!.secretEnc).not.toContain(IMAP_PASSWORD);
    expect(row!.secretEnc).toMatch(/^v1\./);
    const box = loadSecretBox(t.server.dataDir, t.server.env.secretBoxKey);
    expect(openSecrets(box, row!)).toEqual({
      imapPassword: IMAP_PASSWORD,
      smtpPassword: SMTP_PASSWORD,
    });
    // Bound to its row: the same ciphertext does not open as another mailbox's.
    expect(() => openSecrets(box, { id: 'mb2', secretEnc: row!.secretEnc })).toThrow();

    // A later save without passwords keeps the stored ones (and is checked with them).
    const noPw = body();
    delete (noPw.imap as { password?: string }).password;
    delete (noPw.smtp as { password?: string }).password;
    const again = await t.api.put(
      '/api/v1/mailboxes/mb1',
      { ...noPw, displayName: 'Rep' },
      { token: admin.accessToken },
    );
    expect(again.status, again.text).toBe(200);
    expect(again.body.displayName).toBe('Rep');
  });

  it('a wrong IMAP password is a clear 400 and stores nothing', async () => {
    const admin = await signUp(t.api);
    const before = await countRows(t.db);
    const res = await t.api.put('/api/v1/mailboxes/mb1', body({ imap: { password: 'wrong' } }), {
      token: admin.accessToken,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.issues).toEqual([
      { path: 'imap', message: expect.stringMatching(/refused the login.*app password/s) },
    ]);
    expect(res.body.error.message).toMatch(/IMAP server 127\.0\.0\.1:\d+ refused the login/);
    expect(res.text).not.toContain('wrong');
    expect(await countRows(t.db)).toEqual(before);
  });

  it('a wrong SMTP password, an unreachable host and a TLS mismatch each say what failed', async () => {
    const admin = await signUp(t.api);
    const before = await countRows(t.db);
    const token = admin.accessToken;
    const smtpAuth = await t.api.put(
      '/api/v1/mailboxes/mb1',
      body({ smtp: { password: 'nope' } }),
      { token },
    );
    expect(smtpAuth.status).toBe(400);
    expect(smtpAuth.body.error.issues).toEqual([
      { path: 'smtp', message: expect.stringMatching(/SMTP server .* refused the login/) },
    ]);

    const port = await closedPort();
    const unreachable = await t.api.put(
      '/api/v1/mailboxes/mb1',
      body({ imap: { port }, smtp: { port } }),
      { token },
    );
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.error.issues).toEqual([
      {
        path: 'imap',
        message: expect.stringMatching(
          /Cannot reach the IMAP server 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
        ),
      },
      {
        path: 'smtp',
        message: expect.stringMatching(
          /Cannot reach the SMTP server 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
        ),
      },
    ]);

    // Implicit TLS against plain-text servers.
    const tls = await t.api.put(
      '/api/v1/mailboxes/mb1',
      body({ imap: { secure: true }, smtp: { secure: true } }),
      { token },
    );
    expect(tls.status).toBe(400);
    expect(tls.body.error.issues).toEqual([
      { path: 'imap', message: expect.stringMatching(/^TLS with the IMAP server .* failed/) },
      { path: 'smtp', message: expect.stringMatching(/^TLS with the SMTP server .* failed/) },
    ]);

    const missing = body();
    delete (missing.imap as { password?: string }).password;
    const noPassword = await t.api.put('/api/v1/mailboxes/mb1', missing, { token });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.error.issues).toEqual([
      { path: 'imap.password', message: 'Required for a new mailbox' },
    ]);
    expect(await countRows(t.db)).toEqual(before);
  });

  it('tenancy: another workspace cannot read, overwrite or delete a mailbox; members see their own', async () => {
    const admin = await signUp(t.api);
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    const other = await signUp(t.api);
    expect(
      (await t.api.put('/api/v1/mailboxes/mb1', body(), { token: sdr.accessToken })).status,
    ).toBe(200);

    expect((await t.api.get('/api/v1/mailboxes/mb1', { token: other.accessToken })).status).toBe(
      404,
    );
    expect((await t.api.delete('/api/v1/mailboxes/mb1', { token: other.accessToken })).status).toBe(
      404,
    );
    expect((await t.api.get('/api/v1/mailboxes', { token: other.accessToken })).body.items).toEqual(
      [],
    );
    const steal = await t.api.put('/api/v1/mailboxes/mb1', body(), { token: other.accessToken });
    expect(steal.status).toBe(409);
    // The same address twice in one workspace is a conflict.
    const dup = await t.api.put('/api/v1/mailboxes/mb2', body(), { token: admin.accessToken });
    expect(dup.status).toBe(409);

    // The admin sees it and may remove it, but not change its credentials.
    expect(
      (await t.api.get('/api/v1/mailboxes', { token: admin.accessToken })).body.items,
    ).toHaveLength(1);
    expect(
      (await t.api.put('/api/v1/mailboxes/mb1', body(), { token: admin.accessToken })).status,
    ).toBe(403);
    const [row] = await t.db.select().from(mailbox).where(eq(mailbox.id, 'mb1'));
    expect(row!.userId).toBe(sdr.userId);

    // Another SDR of the workspace sees nothing.
    const sdr2 = await addMember(t.server, admin.accessToken, 'sdr');
    expect((await t.api.get('/api/v1/mailboxes', { token: sdr2.accessToken })).body.items).toEqual(
      [],
    );
    expect((await t.api.get('/api/v1/mailboxes/mb1', { token: sdr2.accessToken })).status).toBe(
      404,
    );

    expect((await t.api.delete('/api/v1/mailboxes/mb1', { token: sdr.accessToken })).status).toBe(
      204,
    );
    expect((await t.api.get('/api/v1/mailboxes/mb1', { token: sdr.accessToken })).status).toBe(404);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await t.api.get('/openapi.json');
    expect(Object.keys(doc.body.paths as Record<string, unknown>)).toEqual(
      expect.arrayContaining(['/api/v1/mailboxes', '/api/v1/mailboxes/{id}']),
    );
    expect(doc.body.components.schemas.MailboxPut).toBeDefined();
    expect(JSON.stringify(doc.body.components.schemas.Mailbox)).not.toContain('password"');
  });
});
