/**
 * Load process of `pnpm bench:inbox`: floods `POST /webhooks/twilio/messaging` with signed Twilio
 * inbound webhooks over `connections` keep-alive connections (node:http Agent), a share of them
 * exact duplicates (same MessageSid, body and signature) of earlier requests, for `durationMs`.
 * Input: one JSON argument; output: one JSON line (throughput, latency percentiles, statuses,
 * the unique MessageSids sent).
 */
import http from 'node:http';
import { inboundSms, readLoadInput } from './load-common.ts';

const input = readLoadInput();
const target = new URL(input.url);

let counter = 0;
const sent: { body: string; signature: string }[] = [];
function nextRequest(): { body: string; signature: string; sid: string | null } {
  if (sent.length > 100 && Math.random() < input.duplicateRatio) {
    const prev = sent[Math.floor(Math.random() * sent.length)]!;
    return { ...prev, sid: null };
  }
  const n = ++counter;
  const sid =
    'SM' +
    n.toString(16).padStart(8, '0') +
    process.pid.toString(16).padStart(8, '0') +
    '0'.repeat(16);
  const r = inboundSms(input, sid, n, `Load message ${n}`);
  if (sent.length < 50_000) sent.push(r);
  return { ...r, sid };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: input.connections });

function post(body: string, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          'x-twilio-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const latencies: number[] = [];
const statuses: Record<string, number> = {};
const uniqueSids = new Set<string>();
let requests = 0;
let totalRequests = 0;
let errors = 0;

async function run(untilMs: number, record: boolean) {
  await Promise.all(
    Array.from({ length: input.connections }, async () => {
      while (performance.now() < untilMs) {
        const r = nextRequest();
        const t0 = performance.now();
        try {
          const status = await post(r.body, r.signature);
          totalRequests++;
          if (record) {
            latencies.push(performance.now() - t0);
            statuses[status] = (statuses[status] ?? 0) + 1;
            requests++;
          }
        } catch {
          errors++;
        }
        if (r.sid) uniqueSids.add(r.sid);
      }
    }),
  );
}

const start = performance.now();
await run(start + input.warmupMs, false);
const measured = performance.now();
await run(measured + input.durationMs, true);
const elapsed = (performance.now() - measured) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
process.stdout.write(
  JSON.stringify({
    requests,
    errors,
    seconds: elapsed,
    reqPerS: requests / elapsed,
    p50: pct(50),
    p99: pct(99),
    max: latencies.at(-1) ?? 0,
    statuses,
    uniqueSent: uniqueSids.size,
    totalSent: counter,
    totalRequests,
  }) + '\n',
);
agent.destroy();
