/**
 * `pnpm bench:inbox`: the inbox's server-side figures on real Postgres (a fresh database, dropped
 * afterwards), with the sync server as its own process and load from another process.
 *
 * - webhook_req_per_s / webhook_p99_ms / webhook_duplicates_stored: signed Twilio inbound
 *   webhooks from `load-wrk.ts` (wrk, when installed: `apt-get install -y wrk`) or `load.ts`
 *   (Node; `BENCH_LOAD=node`) (50 keep-alive connections, 10 % exact duplicates) against
 *   `POST /webhooks/twilio/messaging`; the server's processor keeps ingesting meanwhile (it runs
 *   in the same process, as in production). Duplicates stored = rows beyond the unique
 *   MessageSids sent (missing rows are reported too).
 * - inbound_to_client_p99_ms: one signed webhook at a time → the message fact arriving on a
 *   connected `/sync` client (the load's processing backlog is marked done first, so each sample
 *   measures one message, not the queue).
 * - queue_next_p95_ms: `POST /api/v1/queue/next` with 10,000 open items (null when the route is
 *   not mounted).
 * - outbox_smtp_per_s: the server is stopped; one worker process (`outbox-worker.ts`, the email
 *   channel's SmtpSender) sends M queued emails to a local SMTP server process; messages handed
 *   over per second from the worker's start until every message is `sent` (the worker reports
 *   when it has recorded M outcomes; one count of the table confirms it).
 *
 * The last line of output is one JSON object with those keys.
 *
 * Alongside (stderr, not in the JSON): CPU time per webhook request and per queue-next call of the server process and of
 * the bench database's Postgres backends, and per message of the outbox worker process (from
 * /proc: far less sensitive to machine load than the rates). `BENCH_PARTS` (comma separated,
 * default webhook,latency,queue,outbox) runs only some parts; `drain` added (with `webhook`):
 * after the burst, `webhook_drain_events_per_s`, the rate at which the processor turns the
 * stored backlog into conversation updates (up to 60 s), and CPU per ingested event on stderr.
 * `BENCH_SENDERS` (default 20, at most 1000) sets how many distinct numbers the burst comes
 * from (unknown senders: each becomes a lead and a conversation).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { conversation, mailbox, message, queueItem } from '../../packages/schema/src/pg.ts';
import { createSecretBox } from '../../apps/sync-server/src/crypto/secret-box.ts';
import { openPostgres } from '../../apps/sync-server/src/db/open.ts';
import { sealSecrets } from '../../apps/sync-server/src/mailboxes/mailboxes.service.ts';
import { createOutbox, startBossFor } from '../../apps/sync-server/src/outbox/outbox.ts';
import { SyncTestClient } from '../../apps/sync-server/src/sync/test/sync-client.ts';
import { startFakeTwilio } from '../../apps/sync-server/src/test/fake-twilio/fake-twilio.ts';
import { newAccountCredentials } from '../../apps/sync-server/src/test/fake-twilio/messages.ts';
import {
  twilioSignature,
  formEncode,
} from '../../apps/sync-server/src/test/fake-twilio/signature.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ADMIN_URL =
  process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const SECRET_BOX_KEY = 'cd'.repeat(32);
const OUR = '+442079460000';
const WEBHOOK_SECONDS = Number(process.env['BENCH_WEBHOOK_SECONDS'] ?? 10);
const OUTBOX_MESSAGES = Number(process.env['BENCH_OUTBOX_MESSAGES'] ?? 6000);
const LATENCY_SAMPLES = 100;
const SENDERS = Number(process.env['BENCH_SENDERS'] ?? 20);
/**
 * The webhook load generator: `wrk` (load-wrk.ts) when it is installed, else the Node one
 * (load.ts); `BENCH_LOAD=node` forces the Node one.
 */
const LOAD_GENERATOR =
  process.env['BENCH_LOAD'] === 'node' || spawnSync('wrk', ['--version']).error ? 'node' : 'wrk';
const PARTS = new Set(
  (process.env['BENCH_PARTS'] ?? 'webhook,latency,queue,outbox').split(',').map((x) => x.trim()),
);

/** CPU time (user + system, ms) of each pid that exists (Linux /proc; 0 elsewhere). */
function cpuMs(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, ((Number(f[11]) + Number(f[12])) * 1000) / 100);
    } catch {
      // gone, or no /proc
    }
  }
  return out;
}
/** CPU spent between two `cpuMs` snapshots (pids new in `after` count from 0). */
const cpuDelta = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);

const CHILD_LOG = path.join(tmpdir(), 'bench-inbox-children.log');
const logFile = createWriteStream(CHILD_LOG);
const log = (msg: string) => process.stderr.write(`[bench:inbox] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const round = (x: number) => Math.round(x * 10) / 10;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Children's stdout is read for JSON lines; the rest of it (server logs) goes to CHILD_LOG. */
function runTs(file: string, args: string[], env: Record<string, string>): ChildProcess {
  // BENCH_PROFILE=<dir>: CPU profiles of every child (written when it exits).
  const prof = process.env['BENCH_PROFILE'];
  const nodeArgs = prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', TSX, path.join(ROOT, file), ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  child.stdout?.pipe(logFile, { end: false });
  return child;
}

/** Resolves with the first stdout line matching `pred` (parsed JSON). */
function jsonLine<T>(
  child: ChildProcess,
  pred: (v: Record<string, unknown>) => boolean,
  timeoutMs = 120_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error('timed out waiting for child output')),
      timeoutMs,
    );
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        try {
          const v = JSON.parse(line) as Record<string, unknown>;
          if (pred(v)) {
            clearTimeout(timer);
            resolve(v as T);
          }
        } catch {
          // not JSON
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code})`)));
  });
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

async function main() {
  const adminHandle = openPostgres(ADMIN_URL);
  if (adminHandle.kind !== 'postgres') throw new Error('unreachable');
  const admin = adminHandle.client;
  const dbName = `bench_inbox_${Date.now().toString(36)}`;
  await admin.unsafe(`CREATE DATABASE "${dbName}"`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  const DATABASE_URL = dbUrl.toString();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-inbox-'));
  const fake = await startFakeTwilio();
  const creds = newAccountCredentials();
  fake.addAccount(creds.accountSid, creds.authToken);
  const children: ChildProcess[] = [];
  const result: Record<string, number | string | null> = {
    webhook_req_per_s: null,
    webhook_p99_ms: null,
    webhook_duplicates_stored: null,
    inbound_to_client_p99_ms: null,
    outbox_smtp_per_s: null,
    queue_next_p95_ms: null,
    webhook_drain_events_per_s: null,
  };
  try {
    // ---- the server, its own process ------------------------------------------------------
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = runTs('apps/sync-server/src/main.ts', [], {
      DATABASE_URL,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: base,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      DATA_DIR: dataDir,
      JWT_SECRET: 'bench-secret-0123456789-0123456789-abcdef',
      SECRET_BOX_KEY,
      TWILIO_API_BASE_URL: fake.url,
      AUTH_RATE_LIMIT: '1000',
    });
    children.push(server);
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        // not up yet
      }
      if (i > 600) throw new Error('server did not start');
      await sleep(100);
    }
    log(`server up on ${base} (child logs: ${CHILD_LOG})`);
    const api = async (method: string, p: string, body?: unknown, token?: string) => {
      const res = await fetch(`${base}${p}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return {
        status: res.status,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
      };
    };
    const signup = await api('POST', '/api/v1/auth/signup', {
      email: 'bench@example.com',
      password: 'bench-password-123',
      name: 'Bench Admin',
      workspaceName: 'Bench',
    });
    if (signup.status !== 201) throw new Error(`signup ${signup.status}`);
    const token = signup.body!['accessToken'] as string;
    const workspaceId = (signup.body!['workspace'] as { id: string }).id;
    const userId = (signup.body!['user'] as { id: string }).id;
    const put = await api(
      'PUT',
      '/api/v1/integrations/twilio',
      { ...creds, phoneNumbers: [OUR] },
      token,
    );
    if (put.status !== 200) throw new Error(`twilio integration ${put.status}`);
    const db = openPostgres(DATABASE_URL);
    if (db.kind !== 'postgres') throw new Error('unreachable');
    const q = <T>(text: string) => db.client.unsafe(text) as unknown as Promise<[T, ...T[]]>;
    const backends = async () =>
      (
        await q<{ pid: number }>(
          `select pid from pg_stat_activity where datname = '${dbName}' and pid <> pg_backend_pid()`,
        )
      ).map((r) => r.pid);

    // ---- webhooks under load -------------------------------------------------------------
    if (PARTS.has('webhook')) {
      const froms = Array.from(
        { length: SENDERS },
        (_, i) => `+442079461${String(i).padStart(3, '0')}`,
      );
      const load = runTs(
        LOAD_GENERATOR === 'wrk' ? 'bench/inbox/load-wrk.ts' : 'bench/inbox/load.ts',
        [
          JSON.stringify({
            url: `${base}/webhooks/twilio/messaging`,
            accountSid: creds.accountSid,
            authToken: creds.authToken,
            to: OUR,
            froms,
            connections: 50,
            durationMs: WEBHOOK_SECONDS * 1000,
            warmupMs: 2000,
            duplicateRatio: 0.1,
          }),
        ],
        {},
      );
      children.push(load);
      // CPU is counted over warm-up + measured load (all requests the load process sent).
      const serverCpu0 = cpuMs([server.pid!]);
      const pgCpu0 = cpuMs(await backends());
      const loadResult = await jsonLine<{
        reqPerS: number;
        p99: number;
        p50: number;
        requests: number;
        errors: number;
        statuses: Record<string, number>;
        uniqueSent: number;
        /** wrk: the unique MessageSids of the answered requests (fewer rows: some were lost). */
        uniqueAnswered?: number;
        totalRequests: number;
      }>(load, (v) => 'reqPerS' in v);
      const serverCpu = cpuDelta(serverCpu0, cpuMs([server.pid!]));
      const pgCpu = cpuDelta(pgCpu0, cpuMs(await backends()));
      log(
        `webhooks CPU: server ${round((serverCpu / loadResult.totalRequests) * 1000)} µs/req, ` +
          `postgres backends ${round((pgCpu / loadResult.totalRequests) * 1000)} µs/req ` +
          `(${loadResult.totalRequests} requests incl. warm-up; the processor's work included)`,
      );
      const [{ n: stored }] = await q<{ n: number }>(
        `select count(*)::int as n from webhook_event where provider = 'twilio_messaging'`,
      );
      log(
        `webhooks (${LOAD_GENERATOR}): ${round(loadResult.reqPerS)} req/s, p50 ${round(loadResult.p50)} ms, p99 ${round(loadResult.p99)} ms, ` +
          `statuses ${JSON.stringify(loadResult.statuses)}, errors ${loadResult.errors}, unique sent ${loadResult.uniqueSent}, rows ${stored}`,
      );
      result['webhook_req_per_s'] = Math.round(loadResult.reqPerS);
      result['webhook_load_generator'] = LOAD_GENERATOR;
      result['webhook_p99_ms'] = round(loadResult.p99);
      result['webhook_duplicates_stored'] = Math.max(0, stored - loadResult.uniqueSent);
      const answered = loadResult.uniqueAnswered ?? loadResult.uniqueSent;
      if (stored < answered) log(`MISSING rows: ${answered - stored}`);
      const [{ n: processed }] = await q<{ n: number }>(
        `select count(*)::int as n from webhook_event where processed_at is not null`,
      );
      log(
        `processor ingested ${processed} of ${stored} during/after the load` +
          (PARTS.has('drain') ? '' : '; marking the rest done'),
      );
      const [{ batches }] = await q<{ batches: number }>(
        `select count(distinct xmin::text)::int as batches from webhook_event`,
      );
      log(
        `group commit: ${stored} rows in ${batches} inserts (${round(stored / batches)} per insert)`,
      );
      if (PARTS.has('drain')) {
        // How fast the processor works off the backlog once the burst is over (up to 60 s).
        const cpu0 = cpuMs([server.pid!]);
        const pg0 = cpuMs(await backends());
        const t0 = performance.now();
        let n1 = processed;
        while (n1 < stored && performance.now() - t0 < 60_000) {
          await sleep(250);
          [{ n: n1 }] = await q<{ n: number }>(
            `select count(*)::int as n from webhook_event where processed_at is not null`,
          );
        }
        const secs = (performance.now() - t0) / 1000;
        const n = n1 - processed;
        const serverCpu = cpuDelta(cpu0, cpuMs([server.pid!]));
        const pgCpu = cpuDelta(pg0, cpuMs(await backends()));
        log(
          `processor drain: ${n} events in ${round(secs)} s (${round(n / secs)}/s); ` +
            `server ${round((serverCpu / n) * 1000)} µs/event, postgres backends ${round((pgCpu / n) * 1000)} µs/event` +
            (n1 < stored ? `; ${stored - n1} left, marking them done` : ''),
        );
        result['webhook_drain_events_per_s'] = Math.round(n / secs);
      }
      await q(`update webhook_event set processed_at = 0 where processed_at is null`);
      // Events the processor had already claimed finish first (they set processed_at again).
      for (let i = 0; i < 1200; i++) {
        const [{ n }] = await q<{ n: number }>(
          `select count(*)::int as n from webhook_event where processed_at = 0 and attempts > 0`,
        );
        if (n === 0) break;
        await sleep(100);
      }
      await sleep(500);
    }

    // ---- inbound webhook → connected /sync client --------------------------------------------
    if (PARTS.has('latency')) {
      const client = await SyncTestClient.connect(`ws://127.0.0.1:${port}`, token);
      await client.hello({ clientId: 4242 });
      const url = `${base}/webhooks/twilio/messaging`;
      const samples: number[] = [];
      for (let i = 0; i < LATENCY_SAMPLES; i++) {
        const sid = `SM${'f'.repeat(24)}${i.toString(16).padStart(8, '0')}`;
        const params = {
          AccountSid: creds.accountSid,
          ApiVersion: '2010-04-01',
          Body: `Latency sample ${i}`,
          From: '+442079469876',
          MessageSid: sid,
          NumMedia: '0',
          SmsStatus: 'received',
          To: OUR,
        };
        const from = client.frames.length;
        const t0 = performance.now();
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilioSignature(creds.authToken, url, params),
          },
          body: formEncode(params),
        });
        await res.text();
        await client.waitFor(
          (f): f is typeof f =>
            f.type === 'change' &&
            f.change.kind === 'fact' &&
            f.change.entity === 'message' &&
            (f.change.data as { providerId?: string } | null)?.providerId === sid,
          { from, timeoutMs: 10_000 },
        );
        samples.push(performance.now() - t0);
        await sleep(20);
      }
      log(`inbound → client: p50 ${round(pct(samples, 50))} ms, p99 ${round(pct(samples, 99))} ms`);
      result['inbound_to_client_p99_ms'] = round(pct(samples, 99));
      client.close();
    }

    // ---- queue next at 10k open items -------------------------------------------------------
    const probe = PARTS.has('queue')
      ? await api('POST', '/api/v1/queue/next', {}, token)
      : { status: 0 };
    if (probe.status === 0) {
      // not asked for
    } else if (probe.status === 404) {
      log('POST /api/v1/queue/next is not mounted: queue_next_p95_ms = null');
    } else {
      const now = Date.now();
      for (let b = 0; b < 10; b++) {
        await db.db.insert(queueItem).values(
          Array.from({ length: 1000 }, (_, i) => ({
            id: `qi-bench-${b}-${i}`,
            workspaceId,
            kind: 'inbound_message' as const,
            state: 'open' as const,
            assigneeId: userId,
            rankKey: now + Math.floor(Math.random() * 86_400_000),
            title: `Bench item ${b * 1000 + i}`,
            createdAt: now,
            updatedAt: now,
          })),
        );
      }
      await q(`analyze queue_item`);
      const times: number[] = [];
      const queueCpu0 = cpuMs([server.pid!]);
      const queuePg0 = cpuMs(await backends());
      for (let i = 0; i < 300; i++) {
        const t0 = performance.now();
        const r = await api('POST', '/api/v1/queue/next', {}, token);
        if (r.status !== 200) throw new Error(`queue next ${r.status}`);
        times.push(performance.now() - t0);
      }
      const queueCpu = cpuDelta(queueCpu0, cpuMs([server.pid!]));
      const queuePg = cpuDelta(queuePg0, cpuMs(await backends()));
      log(
        `queue next: p50 ${round(pct(times, 50))} ms, p95 ${round(pct(times, 95))} ms; CPU per call: ` +
          `server ${round((queueCpu / times.length) * 1000)} µs, postgres backends ${round((queuePg / times.length) * 1000)} µs`,
      );
      result['queue_next_p95_ms'] = round(pct(times, 95));
    }

    // ---- outbox → SMTP, one worker process --------------------------------------------------
    await stop(server);
    if (PARTS.has('outbox')) {
      log('server stopped; outbox → SMTP');
      const smtp = runTs('apps/sync-server/src/test/smtp-server.ts', [], {});
      children.push(smtp);
      const { smtpPort, httpPort } = await jsonLine<{ smtpPort: number; httpPort: number }>(
        smtp,
        (v) => 'smtpPort' in v,
      );
      const box = createSecretBox(Buffer.from(SECRET_BOX_KEY, 'hex'));
      const mailboxId = 'mbx-bench';
      const now = Date.now();
      await db.db.insert(mailbox).values({
        id: mailboxId,
        workspaceId,
        userId,
        address: 'sdr@bench.example.com',
        imapHost: '127.0.0.1',
        imapPort: 1,
        imapSecure: false,
        imapUser: 'test',
        smtpHost: '127.0.0.1',
        smtpPort,
        smtpSecure: false,
        smtpUser: 'test',
        secretEnc: sealSecrets(box, mailboxId, { imapPassword: 'x', smtpPassword: 'secret' }),
        createdAt: now,
        updatedAt: now,
      });
      const boss = await startBossFor(db, DATABASE_URL, { supervise: false, poolSize: 2 });
      const outbox = createOutbox(boss, db.db);
      const perConversation = 60;
      for (let c = 0; c < OUTBOX_MESSAGES / perConversation; c++) {
        const convId = `conv-bench-${c}`;
        await db.db.transaction(async (tx) => {
          await tx.insert(conversation).values({
            id: convId,
            workspaceId,
            leadId: `lead-bench-${c}`,
            channel: 'email',
            labels: [],
            sla: [],
            escalations: [],
            subject: `Bench thread ${c}`,
            ourAddress: 'sdr@bench.example.com',
            leadAddress: `lead${c}@example.org`,
            mailboxId,
            threadKey: `<root-${c}@bench.example.com>`,
            createdAt: now,
            updatedAt: now,
          });
          const ids = Array.from({ length: perConversation }, (_, i) => `msg-bench-${c}-${i}`);
          await tx.insert(message).values(
            ids.map((id, i) => ({
              id,
              conversationId: convId,
              leadId: `lead-bench-${c}`,
              workspaceId,
              channel: 'email' as const,
              direction: 'out' as const,
              kind: 'message' as const,
              authorId: userId,
              subject: `Bench thread ${c}`,
              body: `Hello ${c}/${i}, this is a benchmark message.`,
              attachments: [],
              status: 'queued' as const,
              createdAt: now + i,
              updatedAt: now + i,
            })),
          );
          for (const id of ids) {
            await outbox.enqueueSend(tx, { workspaceId, messageId: id, channel: 'email' });
          }
        });
      }
      await boss.stop({ graceful: false, wait: true });
      log(`${OUTBOX_MESSAGES} emails queued`);
      const worker = runTs('bench/inbox/outbox-worker.ts', [], {
        DATABASE_URL,
        SECRET_BOX_KEY,
        OUTBOX_EXPECT: String(OUTBOX_MESSAGES),
      });
      children.push(worker);
      await jsonLine(worker, (v) => v['ready'] === true);
      // The worker says when it has recorded them all; the table is then counted to confirm
      // (polled as before if it does not agree), instead of a scan of it every 50 ms meanwhile.
      const settled = jsonLine(worker, (v) => 'settled' in v, 600_000).catch(() => null);
      const workerCpu0 = cpuMs([worker.pid!]);
      const smtpCpu0 = cpuMs([smtp.pid!]);
      const outboxPg0 = cpuMs(await backends());
      const t0 = performance.now();
      await settled;
      for (;;) {
        const [{ sent, failed }] = await q<{
          sent: number;
          failed: number;
        }>(`select count(*) filter (where status = 'sent')::int as sent,
                   count(*) filter (where status = 'failed')::int as failed
            from message where channel = 'email'`);
        if (sent + failed >= OUTBOX_MESSAGES) {
          const secs = (performance.now() - t0) / 1000;
          log(`outbox: ${sent} sent, ${failed} failed in ${round(secs)} s`);
          result['outbox_smtp_per_s'] = Math.round(sent / secs);
          const workerCpu = cpuDelta(workerCpu0, cpuMs([worker.pid!]));
          const smtpCpu = cpuDelta(smtpCpu0, cpuMs([smtp.pid!]));
          const pgCpu = cpuDelta(outboxPg0, cpuMs(await backends()));
          log(
            `outbox CPU: worker ${round((workerCpu / OUTBOX_MESSAGES) * 1000)} µs/msg, ` +
              `postgres backends ${round((pgCpu / OUTBOX_MESSAGES) * 1000)} µs/msg, ` +
              `SMTP receiver ${round((smtpCpu / OUTBOX_MESSAGES) * 1000)} µs/msg`,
          );
          break;
        }
        if (performance.now() - t0 > 600_000)
          throw new Error('outbox did not finish in 10 minutes');
        await sleep(50);
      }
      const received = (await (
        await fetch(`http://127.0.0.1:${httpPort}/messages`)
      ).json()) as unknown[];
      log(`SMTP server received ${received.length} messages`);
      await stop(worker);
    }
    await db.close();
  } finally {
    for (const c of children) await stop(c);
    await fake.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await adminHandle.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

await main();
