/**
 * Outbox idempotency under a killed worker: a worker runs in a CHILD PROCESS (tsx) and sends
 * messages to the fake Twilio (each create slowed down), is SIGKILLed mid-run, and a second worker
 * process takes over. The messages the killed worker had claimed are in doubt; the second worker
 * looks them up at the fake (reconcile.ts): the ones Twilio accepted become `sent` with their SID,
 * the ones it never got are sent once more. Afterwards every message was received exactly once.
 * PGlite runs from a data directory opened by one process at a time; Postgres (TEST_DATABASE_URL)
 * from a fresh database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { message } from '@sdr/schema/pg';
import { migrateDatabase } from '../db/migrate.ts';
import { openPglite, openPostgres, type DatabaseHandle } from '../db/open.ts';
import { startFakeTwilio, type FakeTwilio } from '../test/fake-twilio/fake-twilio.ts';
import { newAccountCredentials } from '../test/fake-twilio/messages.ts';
import { createPostgresDatabase, testDatabaseKinds, type DbKind } from '../test/harness.ts';
import { createOutbox, startBossFor } from './outbox.ts';
import {
  queueSms,
  TEST_SECRET_BOX_KEY,
  testBox,
  twilioWorkspace,
  waitUntil,
} from './test/outbox-harness.ts';

const script = fileURLToPath(new URL('./test/worker-process.ts', import.meta.url));
// Node itself with tsx's loader (not the tsx CLI, which runs the script in a grandchild that a
// SIGKILL of the CLI would not reach).
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const N = 60;

function spawnWorker(env: Record<string, string>): {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', tsxLoader, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('"ready":true')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
  ready.catch(() => {});
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, ready, exited };
}

interface CrashRun {
  fake: FakeTwilio;
  ids: string[];
  env: Record<string, string>;
  /** The database again (PGlite: after the workers are gone). */
  open(): Promise<DatabaseHandle>;
  cleanup(): Promise<void>;
}

/** A workspace with `n` queued SMS (bodies `${prefix}-…`) in a database the workers can open. */
async function setUp(kind: DbKind, n: number, prefix: string): Promise<CrashRun> {
  const fake = await startFakeTwilio({ callbacks: { stepMs: 1 } });
  const creds = newAccountCredentials();
  fake.addAccount(creds.accountSid, creds.authToken);
  let dataDir: string | undefined;
  let pg: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  const open = async (): Promise<DatabaseHandle> =>
    pg ? openPostgres(pg.url) : openPglite(dataDir);
  const cleanup = async () => {
    await fake.close();
    await pg?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (kind === 'pglite') dataDir = mkdtempSync(path.join(tmpdir(), 'sdr-outbox-crash-'));
    else pg = await createPostgresDatabase();
    const handle = await open();
    await migrateDatabase(handle);
    const settings = { expireInSeconds: 4, retryDelaySeconds: 1, maxAttempts: 5 };
    const boss = await startBossFor(handle, pg?.url, {
      supervise: false,
      poolSize: 2,
      ...settings,
    });
    const outbox = createOutbox(boss, handle.db, settings);
    const ws = await twilioWorkspace(handle.db, testBox(), creds);
    const ids: string[] = [];
    for (let i = 0; i < Math.ceil(n / 10); i++) {
      const { messageIds } = await queueSms(handle.db, outbox, ws, {
        n: Math.min(10, n - i * 10),
        bodyPrefix: `${prefix}-${i}`,
      });
      ids.push(...messageIds);
    }
    await boss.stop({ graceful: false, wait: true });
    await handle.close();
    const env = {
      ...(pg ? { OUTBOX_DATABASE_URL: pg.url } : { OUTBOX_PGLITE_DIR: dataDir! }),
      FAKE_TWILIO_URL: fake.url,
      SECRET_BOX_KEY: TEST_SECRET_BOX_KEY,
      OUTBOX_LIST_CONSISTENCY_MS: '1000',
    };
    return { fake, ids, env, open, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Runs a second worker to the end and returns the messages with how often the fake got each. */
async function finish(run: CrashRun) {
  const second = spawnWorker({ ...run.env, OUTBOX_EXIT_WHEN_DONE: '1' });
  await second.ready;
  expect(await second.exited).toBe(0);
  const handle = await run.open();
  try {
    const rows = (await handle.db.select().from(message)).filter((m) => run.ids.includes(m.id));
    const received = new Map<string, number>();
    for (const m of run.fake.messages) received.set(m.body, (received.get(m.body) ?? 0) + 1);
    return { rows, received };
  } finally {
    await handle.close();
  }
}

const posts = (fake: FakeTwilio) => fake.requests.filter((r) => r.method === 'POST');

describe.each(testDatabaseKinds())('outbox under a killed worker (%s)', (kind) => {
  it('sends every message exactly once: in-doubt ones are reconciled at Twilio', async () => {
    const run = await setUp(kind, N, 'crash');
    try {
      // Every create takes 40 ms: the kill lands while sends are in flight.
      run.fake.failNext({ kind: 'delay', ms: 40 }, 10_000);
      const first = spawnWorker(run.env);
      await first.ready;
      await waitUntil(() => run.fake.messages.length >= 15, 30_000, 'first worker sending');
      first.child.kill('SIGKILL');
      await first.exited;
      const killedAt = run.fake.messages.length;
      expect(killedAt).toBeLessThan(N);

      const { rows, received } = await finish(run);
      expect(rows).toHaveLength(N);
      for (const m of rows) {
        expect(received.get(m.body)).toBe(1);
        expect(['sent', 'delivered']).toContain(m.status);
        expect(m.providerId).toBe(run.fake.messages.find((f) => f.body === m.body)!.sid);
      }
      expect(run.fake.messages).toHaveLength(N);
      process.stdout.write(`killed after ${killedAt} creates; ${N} sent once each\n`);
    } finally {
      await run.cleanup();
    }
  }, 360_000);

  it('killed after Twilio accepted, before recording: reconciled to sent, never sent twice', async () => {
    const run = await setUp(kind, 1, 'accepted');
    try {
      // Twilio takes the message but answers late; the worker dies waiting for the answer.
      run.fake.failNext({ kind: 'delay', ms: 2500 });
      const first = spawnWorker(run.env);
      await first.ready;
      await waitUntil(() => posts(run.fake).length === 1, 20_000, 'the create request');
      first.child.kill('SIGKILL');
      await first.exited;
      await waitUntil(() => run.fake.messages.length === 1, 10_000, 'Twilio accepting it');

      const { rows, received } = await finish(run);
      const [m] = rows;
      expect(['sent', 'delivered']).toContain(m!.status);
      expect(m!.statusReason).toBeNull();
      expect(m!.providerId).toBe(run.fake.messages[0]!.sid);
      expect(received.get(m!.body)).toBe(1);
      expect(posts(run.fake)).toHaveLength(1);
      expect(
        run.fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Messages.json'))
          .length,
      ).toBeGreaterThan(0);
    } finally {
      await run.cleanup();
    }
  }, 240_000);

  it('killed before Twilio got it: sent exactly once after reconciliation', async () => {
    const run = await setUp(kind, 1, 'lost');
    try {
      // The request is held; the worker dies meanwhile, so Twilio never accepts it.
      run.fake.failNext({ kind: 'hold', ms: 2500 });
      const first = spawnWorker(run.env);
      await first.ready;
      await waitUntil(() => posts(run.fake).length === 1, 20_000, 'the create request');
      first.child.kill('SIGKILL');
      await first.exited;
      await new Promise((r) => setTimeout(r, 3000));
      expect(run.fake.messages).toHaveLength(0);

      const { rows, received } = await finish(run);
      const [m] = rows;
      expect(['sent', 'delivered']).toContain(m!.status);
      expect(run.fake.messages).toHaveLength(1);
      expect(m!.providerId).toBe(run.fake.messages[0]!.sid);
      expect(received.get(m!.body)).toBe(1);
      expect(posts(run.fake).map((r) => r.status)).toEqual([0, 201]);
    } finally {
      await run.cleanup();
    }
  }, 240_000);
});
