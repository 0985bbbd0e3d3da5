/**
 * The Dovecot harness against the real Dovecot: login, APPEND, FETCH, IDLE seeing a message
 * appended by another connection, users added while running, and a clean stop.
 * Fails (never skips) when Dovecot is missing: CI installs it in .ci/run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from './dovecot.ts';

function rfc822(subject: string, body: string, messageId = `<${subject.replace(/\W/g, '')}@test>`) {
  return [
    'From: Lead <lead@example.com>',
    'To: Rep <rep@sdr.test>',
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    'Date: Fri, 21 Nov 2025 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n');
}

let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot({ users: [{ name: 'rep@sdr.test', password: 'imap-secret' }] });
});
afterAll(async () => {
  await dovecot?.stop();
});

describe('dovecot harness', () => {
  it('runs a private Dovecot on loopback', () => {
    expect(dovecot.version).toMatch(/^2\.\d+/);
    expect(dovecot.port).toBeGreaterThan(0);
    expect(dovecot.log()).toMatch(/starting up for imap/);
  });

  it('delivers with APPEND and imapflow FETCHes the message', async () => {
    const { uid } = await dovecot.deliver(
      'rep@sdr.test',
      rfc822('Hello there', 'Interested in a demo.'),
    );
    expect(uid).toBeGreaterThan(0);
    const client = await dovecot.connect('rep@sdr.test');
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const msg = await client.fetchOne(
          String(uid),
          { envelope: true, source: true, uid: true },
          { uid: true },
        );
        expect(msg).toBeTruthy();
        if (!msg) return;
        expect(msg.envelope?.subject).toBe('Hello there');
        expect(msg.envelope?.messageId).toBe('<Hellothere@test>');
        expect(msg.envelope?.from?.[0]?.address).toBe('lead@example.com');
        expect(msg.source?.toString('utf8')).toContain('Interested in a demo.');
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  });

  it('rejects a wrong password', async () => {
    const client = new ImapFlow({
      ...dovecot.imapOptions('rep@sdr.test'),
      auth: { user: 'rep@sdr.test', pass: 'nope' },
    });
    await expect(client.connect()).rejects.toThrow();
    client.close();
  });

  it('a failed login does not slow down the next ones (no auth penalty)', async () => {
    for (let i = 0; i < 3; i++) {
      const bad = new ImapFlow({
        ...dovecot.imapOptions('rep@sdr.test'),
        auth: { user: 'rep@sdr.test', pass: `wrong${i}` },
      });
      await expect(bad.connect()).rejects.toThrow();
      bad.close();
    }
    const started = Date.now();
    const client = await dovecot.connect('rep@sdr.test');
    await client.logout();
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('IDLE notices a message appended by another connection', async () => {
    const watcher = await dovecot.connect('rep@sdr.test');
    try {
      const mailbox = await watcher.mailboxOpen('INBOX');
      const before = mailbox.exists;
      const seen = new Promise<number>((resolve) => {
        watcher.on('exists', (data: { count: number }) => resolve(data.count));
      });
      // imapflow would enter IDLE by itself after 15 s without commands; start it now.
      const idle = watcher.idle();
      const deadline = Date.now() + 5000;
      while (!watcher.idling && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(watcher.idling).toBe(true);
      await dovecot.deliver('rep@sdr.test', rfc822('While idling', 'New message.'));
      const count = await Promise.race([
        seen,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('IDLE saw nothing in 10 s')), 10_000),
        ),
      ]);
      expect(count).toBe(before + 1);
      // The IDLE was not broken to see the message: it is still running.
      expect(watcher.idling).toBe(true);
      await watcher.logout();
      await idle;
    } finally {
      if (watcher.usable) await watcher.logout();
    }
  });

  it('adds users while running, each with their own mailbox', async () => {
    await dovecot.addUser('second@sdr.test', 'other-secret');
    await dovecot.deliver('second@sdr.test', rfc822('For the second', 'x'));
    const client = await dovecot.connect('second@sdr.test');
    try {
      const status = await client.status('INBOX', { messages: true });
      expect(status && status.messages).toBe(1);
    } finally {
      await client.logout();
    }
  });

  it('a second instance runs beside the first, and stop() removes everything', async () => {
    const other = await startDovecot({ users: [{ name: 'x', password: 'y' }] });
    expect(other.port).not.toBe(dovecot.port);
    await other.deliver('x', rfc822('Other', 'z'));
    await other.stop();
    expect(existsSync(other.dir)).toBe(false);
    // The first one is untouched.
    const client = await dovecot.connect('rep@sdr.test');
    await client.logout();
  });

  it('fails with a clear message when Dovecot is missing', async () => {
    await expect(startDovecot({ binary: '/nonexistent/dovecot' })).rejects.toThrow(
      /apt-get install -y dovecot-imapd/,
    );
  });

  it('also runs as an unprivileged user', () => {
    // As root the tests above ran with Dovecot's own users and mail stored as nobody; here the
    // harness itself runs as `nobody` (everything as one user). As non-root, the tests above are
    // that case already.
    if (userInfo().uid !== 0) {
      expect(dovecot.log()).toMatch(/starting up/);
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'sdr-dovecot-nonroot-'));
    chmodSync(dir, 0o755);
    const script = path.join(dir, 'smoke.mts');
    const harness = fileURLToPath(new URL('./dovecot.ts', import.meta.url));
    writeFileSync(
      script,
      [
        `import { startDovecot } from ${JSON.stringify(harness)};`,
        "const d = await startDovecot({ users: [{ name: 'u', password: 'p' }] });",
        "const { uid } = await d.deliver('u', 'Subject: hi\\r\\n\\r\\nbody\\r\\n');",
        'await d.stop();',
        'console.log(JSON.stringify({ runAs: process.getuid(), uid }));',
      ].join('\n'),
      { mode: 0o644 },
    );
    try {
      const tsx = createRequire(import.meta.url).resolve('tsx/cli');
      const out = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, tsx, script], {
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir },
        timeout: 60_000,
      });
      expect(out.stderr).toBe('');
      expect(JSON.parse(out.stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({
        runAs: 65534,
        uid: 1,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
