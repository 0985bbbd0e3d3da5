/**
 * One mailbox watcher per mailbox across server instances.
 *
 * Postgres (TEST_DATABASE_URL): two real server processes (`src/main.ts` under tsx) share one
 * database and a real Dovecot. Exactly one of them holds the mailbox's advisory lock and watches
 * it; a mail that arrives is stored once. The watching process is SIGKILLed: Postgres frees its
 * lock, the other process takes the mailbox over at its next refresh, and the next mail is stored
 * (once). Also the locks on their own: two lock sessions never hold the same mailbox.
 * PGlite: one instance, every mailbox is its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailbox, message } from '@sdr/schema/pg';
import { createSecretBox } from '../../crypto/secret-box.ts';
import { openPostgres } from '../../db/open.ts';
import { createLogger } from '../../logger.ts';
import { sealSecrets } from '../../mailboxes/mailboxes.service.ts';
import { queryRows } from '../../sync/sql.ts';
import { startDovecot, type Dovecot } from '../../test/dovecot.ts';
import { createPostgresDatabase, signUp, testDatabaseKinds } from '../../test/harness.ts';
import { apiClient } from '../../test/http.ts';
import { MAILBOX_LOCK_CLASS, postgresMailboxLocks, singleInstanceLocks } from './mailbox-lock.ts';

const logger = createLogger('silent');
const KEY = 'cd'.repeat(32);
const main = fileURLToPath(new URL('../../main.ts', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let dovecot: Dovecot;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await dovecot?.stop();
});

function startInstance(databaseUrl: string, dataDir: string) {
  const child = spawn(process.execPath, ['--import', tsxLoader, main], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      JWT_SECRET: 'instances-test-secret-0123456789-abcdef',
      SECRET_BOX_KEY: KEY,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });
  url.catch(() => {});
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, url, exited };
}

const mail = (from: string, to: string, subject: string) =>
  [
    `From: Lead <${from}>`,
    `To: <${to}>`,
    `Subject: ${subject}`,
    `Message-ID: <${subject.replace(/\W/g, '')}.${Date.now()}@lead.test>`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello, ${subject}`,
    '',
  ].join('\r\n');

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(testDatabaseKinds())('mailbox watcher on several instances (%s)', (kind) => {
  if (kind === 'pglite') {
    it('one instance (PGlite) watches every mailbox', async () => {
      const locks = singleInstanceLocks();
      expect([...(await locks.claim(['a', 'b']))]).toEqual(['a', 'b']);
      await locks.close();
    });
    return;
  }

  it('two lock sessions never hold the same mailbox; a freed one is taken over', async () => {
    const pg = await createPostgresDatabase();
    const a = postgresMailboxLocks(pg.url, logger);
    const b = postgresMailboxLocks(pg.url, logger);
    try {
      const ids = ['mb-1', 'mb-2', 'mb-3'];
      const heldA = await a.claim(ids);
      const heldB = await b.claim(ids);
      expect(heldA.size).toBe(3);
      expect(heldB.size).toBe(0);
      // A gives one up, B takes it; A keeps the rest on a second claim.
      expect([...(await a.claim(['mb-1', 'mb-2']))].sort()).toEqual(['mb-1', 'mb-2']);
      expect([...(await b.claim(ids))]).toEqual(['mb-3']);
      // A's session ends: B gets everything.
      await a.close();
      expect([...(await b.claim(ids))].sort()).toEqual(ids);
    } finally {
      await b.close();
      await pg.drop();
    }
  }, 60_000);

  it('one instance watches; killed, the other takes over; each mail stored once', async () => {
    const pg = await createPostgresDatabase();
    const dirs = [0, 1].map(() => mkdtempSync(path.join(tmpdir(), 'sdr-instance-')));
    const handle = openPostgres(pg.url);
    const instances: ReturnType<typeof startInstance>[] = [];
    try {
      // The first instance migrates; then the second starts on the same database.
      instances.push(startInstance(pg.url, dirs[0]!));
      const urlA = await instances[0]!.url;
      instances.push(startInstance(pg.url, dirs[1]!));
      await instances[1]!.url;

      const u = await signUp(apiClient(urlA));
      const user = `watch-${process.pid}@sdr.test`;
      await dovecot.addUser(user, 'imap-pass-1');
      const now = Date.now();
      await handle.db.insert(mailbox).values({
        id: 'mb-instances',
        workspaceId: u.workspaceId,
        userId: u.userId,
        address: user,
        imapHost: dovecot.host,
        imapPort: dovecot.port,
        imapSecure: false,
        imapUser: user,
        smtpHost: '127.0.0.1',
        smtpPort: 1,
        smtpSecure: false,
        smtpUser: 'x',
        secretEnc: sealSecrets(createSecretBox(Buffer.from(KEY, 'hex')), 'mb-instances', {
          imapPassword: 'imap-pass-1',
          smtpPassword: 'x',
        }),
        createdAt: now - 1000,
        updatedAt: now - 1000,
      });
      const holders = async () =>
        (
          await queryRows<{ name: string }>(
            handle.db,
            sql`select a.application_name as name from pg_locks l
                join pg_stat_activity a on a.pid = l.pid
                where l.locktype = 'advisory' and l.granted
                  and l.classid = ${MAILBOX_LOCK_CLASS}::oid
                  and l.objid = hashtext('mb-instances')::oid`,
          )
        ).map((r) => Number(r.name.split(':')[1]));
      const messages = async () =>
        handle.db.select().from(message).where(eq(message.workspaceId, u.workspaceId));

      // Both instances refresh every 15 s: one takes the mailbox, the other never does.
      const [first] = await until(
        'a watcher',
        async () => (await holders()).length > 0 && holders(),
        40_000,
      );
      const pids = instances.map((i) => i.child.pid);
      expect(pids).toContain(first);
      await new Promise((r) => setTimeout(r, 16_000)); // both have refreshed since
      expect(await holders()).toEqual([first]);
      await dovecot.deliver(user, mail('lead1@lead.test', user, 'first mail'));
      await until('the first mail', async () => (await messages()).length === 1, 40_000);

      // Kill the watching instance: the other takes over.
      const watching = instances.find((i) => i.child.pid === first)!;
      const other = instances.find((i) => i.child.pid !== first)!;
      watching.child.kill('SIGKILL');
      await watching.exited;
      await until(
        'the takeover',
        async () => (await holders()).join() === String(other.child.pid),
        40_000,
      );
      await dovecot.deliver(user, mail('lead2@lead.test', user, 'second mail'));
      await until('the second mail', async () => (await messages()).length === 2, 40_000);
      await new Promise((r) => setTimeout(r, 2000));
      const stored = await messages();
      expect(stored).toHaveLength(2);
      expect(stored.map((m) => m.subject ?? m.body).join()).toMatch(/first mail/);
    } finally {
      for (const i of instances) {
        if (i.child.exitCode === null) {
          i.child.kill('SIGTERM');
          await i.exited;
        }
      }
      await handle.close();
      await pg.drop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  }, 300_000);
});
