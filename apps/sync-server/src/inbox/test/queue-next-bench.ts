/**
 * The `queue_next_p95_ms` part of `pnpm bench:inbox` on its own (bench/inbox/main.ts runs it after
 * the webhook load): a fresh Postgres database, the server as its own process, 10,000 open items,
 * 300 `POST /api/v1/queue/next` one after another; prints one JSON line
 * `{ queue_next_p50_ms, queue_next_p95_ms }`. `QUEUE_BENCH_SHARED=1`: the items are spread over
 * 10 SDRs and the team's unassigned queue (the caller sees a tenth plus the unassigned ones).
 * `QUEUE_BENCH_COMMAND_ID=1`: every call carries a `commandId`, as the engine sends it.
 *
 *   node --import tsx apps/sync-server/src/inbox/test/queue-next-bench.ts
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { queueItem } from '@sdr/schema/pg';
import { openPostgres } from '../../db/open.ts';

const MAIN = fileURLToPath(new URL('../../main.ts', import.meta.url));
const ADMIN_URL =
  process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SHARED = process.env['QUEUE_BENCH_SHARED'] === '1';
const WITH_COMMAND_ID = process.env['QUEUE_BENCH_COMMAND_ID'] === '1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const round = (x: number) => Math.round(x * 10) / 10;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const admin = openPostgres(ADMIN_URL);
if (admin.kind !== 'postgres') throw new Error('unreachable');
const dbName = `bench_queue_${Date.now().toString(36)}`;
await admin.client.unsafe(`CREATE DATABASE "${dbName}"`);
const dbUrl = new URL(ADMIN_URL);
dbUrl.pathname = `/${dbName}`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-queue-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// QUEUE_BENCH_PROFILE=<dir>: a CPU profile of the server process.
const prof = process.env['QUEUE_BENCH_PROFILE'];
const profArgs = prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : [];
const server = spawn(process.execPath, [...profArgs, '--import', 'tsx', MAIN], {
  env: {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    DATA_DIR: dataDir,
    JWT_SECRET: 'bench-secret-0123456789-0123456789-abcdef',
    SECRET_BOX_KEY: 'cd'.repeat(32),
    AUTH_RATE_LIMIT: '1000',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const db = openPostgres(dbUrl.toString());
try {
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 600) throw new Error('server did not start');
    await sleep(100);
  }
  const signup = await fetch(`${base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'bench@example.com',
      password: 'bench-password-123',
      name: 'Bench Admin',
      workspaceName: 'Bench',
    }),
  });
  const s = (await signup.json()) as {
    accessToken: string;
    workspace: { id: string };
    user: { id: string };
  };
  if (db.kind !== 'postgres') throw new Error('unreachable');
  const now = Date.now();
  for (let b = 0; b < 10; b++) {
    await db.db.insert(queueItem).values(
      Array.from({ length: 1000 }, (_, i) => ({
        id: `qi-bench-${b}-${i}`,
        workspaceId: s.workspace.id,
        kind: 'inbound_message' as const,
        state: 'open' as const,
        // Shared: one in ten is mine, one in ten the team's, the rest other SDRs'.
        assigneeId: !SHARED || i % 10 === 0 ? s.user.id : i % 10 === 1 ? null : `sdr-${i % 10}`,
        rankKey: now + Math.floor(Math.random() * 86_400_000),
        title: `Bench item ${b * 1000 + i}`,
        createdAt: now,
        updatedAt: now,
      })),
    );
  }
  await db.client.unsafe('analyze queue_item');
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    const r = await fetch(`${base}/api/v1/queue/next`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.accessToken}` },
      body: JSON.stringify(WITH_COMMAND_ID ? { commandId: `cmd-${i}` } : {}),
    });
    const body = (await r.json()) as { item: { id: string } | null };
    if (r.status !== 200 || !body.item) throw new Error(`queue next ${r.status}`);
    times.push(performance.now() - t0);
  }
  process.stdout.write(
    `${JSON.stringify({ queue_next_p50_ms: round(pct(times, 50)), queue_next_p95_ms: round(pct(times, 95)) })}\n`,
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await db.close();
  await admin.client.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.close();
  rmSync(dataDir, { recursive: true, force: true });
}
