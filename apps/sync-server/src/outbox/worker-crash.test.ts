/**
 * Outbox idempotency under a killed worker: a worker runs in a CHILD PROCESS (tsx) and sends N
 * messages to the fake Twilio (each create slowed down), is SIGKILLed mid-run, and a second worker
 * process takes over. Afterwards every message is either `sent` (and the fake received it exactly
 * once) or `failed` as in doubt (the fake received it at most once), and nothing was sent twice.
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
import { startFakeTwilio } from '../test/fake-twilio/fake-twilio.ts';
import { newAccountCredentials } from '../test/fake-twilio/messages.ts';
import { createPostgresDatabase, testDatabaseKinds } from '../test/harness.ts';
import { createOutbox, startBossFor } from './outbox.ts';
import { IN_DOUBT } from './sender.ts';
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

describe.each(testDatabaseKinds())('outbox under a killed worker (%s)', (kind) => {
  it('sends every message at most once; all but the in-doubt ones exactly once', async () => {
    const fake = await startFakeTwilio({ callbacks: { stepMs: 1 } });
    const creds = newAccountCredentials();
    fake.addAccount(creds.accountSid, creds.authToken);
    let dataDir: string | undefined;
    let pg: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
    const open = async (): Promise<DatabaseHandle> =>
      pg ? openPostgres(pg.url) : openPglite(dataDir);
    try {
      if (kind === 'pglite') dataDir = mkdtempSync(path.join(tmpdir(), 'sdr-outbox-crash-'));
      else pg = await createPostgresDatabase();
      // Set up: workspace, integration, N queued messages with their jobs.
      let handle = await open();
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
      for (let i = 0; i < N / 10; i++) {
        const { messageIds } = await queueSms(handle.db, outbox, ws, {
          n: 10,
          bodyPrefix: `crash-${i}`,
        });
        ids.push(...messageIds);
      }
      await boss.stop({ graceful: false, wait: true });
      if (!pg) await handle.close();

      // Every create takes 40 ms: the kill lands while sends are in flight.
      fake.failNext({ kind: 'delay', ms: 40 }, 10_000);
      const env = {
        ...(pg ? { OUTBOX_DATABASE_URL: pg.url } : { OUTBOX_PGLITE_DIR: dataDir! }),
        FAKE_TWILIO_URL: fake.url,
        SECRET_BOX_KEY: TEST_SECRET_BOX_KEY,
      };
      const first = spawnWorker(env);
      await first.ready;
      await waitUntil(() => fake.messages.length >= 15, 30_000, 'first worker sending');
      first.child.kill('SIGKILL');
      await first.exited;
      const killedAt = fake.messages.length;
      expect(killedAt).toBeLessThan(N);

      const second = spawnWorker({ ...env, OUTBOX_EXIT_WHEN_DONE: '1' });
      await second.ready;
      expect(await second.exited).toBe(0);

      if (!pg) handle = await open();
      const rows = (await handle.db.select().from(message)).filter((m) => ids.includes(m.id));
      expect(rows).toHaveLength(N);
      const received = new Map<string, number>();
      for (const m of fake.messages) received.set(m.body, (received.get(m.body) ?? 0) + 1);
      let sent = 0;
      let inDoubt = 0;
      for (const m of rows) {
        const times = received.get(m.body) ?? 0;
        expect(times).toBeLessThanOrEqual(1);
        if (m.status === 'sent') {
          sent++;
          expect(times).toBe(1);
          expect(m.providerId).toBe(fake.messages.find((f) => f.body === m.body)!.sid);
        } else {
          expect(m.status).toBe('failed');
          expect(m.statusReason?.startsWith(IN_DOUBT)).toBe(true);
          inDoubt++;
        }
      }
      expect(sent + inDoubt).toBe(N);
      process.stdout.write(
        `killed after ${killedAt} creates: ${sent} sent, ${inDoubt} in doubt, ${fake.messages.length} received\n`,
      );
      expect(sent).toBeGreaterThan(killedAt - 20);
      expect(fake.messages.length).toBeLessThanOrEqual(N);
      await handle.close();
    } finally {
      await fake.close();
      await pg?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
