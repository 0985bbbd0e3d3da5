/**
 * The webhook load of `pnpm bench:inbox` through `wrk` (a C load generator; Debian package `wrk`),
 * with the same input and output as `load.ts`. The Node generator spends about as much CPU per
 * request as the server it measures, on the same two cores; wrk spends a small fraction of it,
 * so the figure is the server's, not the load generator's.
 *
 * The signed requests are made here first (the same bodies, signatures and share of exact
 * duplicates as `load.ts`), written to a file, and replayed by wrk's Lua script in order: a
 * warm-up run, then the measured run, each from its own file (their MessageSids differ). wrk
 * reports how many requests it made and completed, the latency percentiles and the non-2xx count.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inboundSms, readLoadInput } from './load-common.ts';

const input = readLoadInput();
/** Requests prepared per second of load: more than the server can take on this machine. */
const PREPARED_PER_S = 15_000;

/**
 * `count` requests (`signature \t body` lines) and the MessageSid of each (null: a duplicate);
 * `tag`, one hex digit, keeps the two runs' MessageSids apart.
 */
function prepare(tag: string, count: number): { lines: string[]; sids: (string | null)[] } {
  const lines: string[] = [];
  const sids: (string | null)[] = [];
  for (let n = 1; n <= count; n++) {
    if (lines.length > 100 && Math.random() < input.duplicateRatio) {
      lines.push(lines[Math.floor(Math.random() * lines.length)]!);
      sids.push(null);
      continue;
    }
    const sid = `SM${tag}${n.toString(16).padStart(15, '0')}${'0'.repeat(16)}`;
    const r = inboundSms(input, sid, n, `Load message ${tag}-${n}`);
    lines.push(`${r.signature}\t${r.body}`);
    sids.push(sid);
  }
  return { lines, sids };
}

const SCRIPT = `
entries, n, i = {}, 0, 0
-- In init, not at load: wrk sets the Host header (wrk.headers) before it calls init.
init = function(args)
  for line in io.lines(os.getenv("WRK_REQUESTS")) do
    local tab = line:find("\\t", 1, true)
    n = n + 1
    entries[n] = wrk.format("POST", nil, {
      ["Host"] = wrk.headers["Host"],
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Twilio-Signature"] = line:sub(1, tab - 1),
    }, line:sub(tab + 1))
  end
end
made = 0
request = function()
  i = i + 1
  if i > n then i = 1 end
  made = made + 1
  return entries[i]
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local made = 0
  for _, t in ipairs(threads) do made = made + t:get("made") end
  io.write(string.format(
    '{"completed":%d,"durationUs":%d,"non2xx":%d,"socketErrors":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,"made":%d,"prepared":%d}\\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, made, threads[1]:get("n")))
end
`;

interface WrkResult {
  completed: number;
  durationUs: number;
  non2xx: number;
  socketErrors: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  made: number;
  prepared: number;
}

function runWrk(dir: string, tag: string, ms: number) {
  const { lines, sids } = prepare(tag, Math.ceil((PREPARED_PER_S * ms) / 1000));
  const file = path.join(dir, `${tag}.txt`);
  writeFileSync(file, lines.join('\n') + '\n');
  const script = path.join(dir, 'replay.lua');
  writeFileSync(script, SCRIPT);
  return new Promise<{ r: WrkResult; sids: (string | null)[] }>((resolve, reject) => {
    const child = spawn(
      'wrk',
      [
        '-t1',
        `-c${input.connections}`,
        `-d${Math.max(1, Math.round(ms / 1000))}s`,
        '--timeout',
        '10s',
        '-s',
        script,
        input.url,
      ],
      { env: { ...process.env, WRK_REQUESTS: file }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', (err) =>
      reject(new Error(`wrk could not start (apt-get install -y wrk): ${err.message}`)),
    );
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"completed"'));
      if (code !== 0 || !line) return reject(new Error(`wrk failed (exit ${code}):\n${out}`));
      const r = JSON.parse(line) as WrkResult;
      if (r.made > r.prepared) {
        return reject(new Error(`wrk made ${r.made} requests, only ${r.prepared} were prepared`));
      }
      resolve({ r, sids });
    });
  });
}

/** MessageSids among the first `k` requests. */
const uniqueIn = (sids: (string | null)[], k: number) =>
  sids.slice(0, k).filter((s) => s !== null).length;

const dir = mkdtempSync(path.join(tmpdir(), 'bench-wrk-'));
try {
  const warm = await runWrk(dir, 'a', input.warmupMs);
  const main = await runWrk(dir, 'b', input.durationMs);
  const seconds = main.r.durationUs / 1e6;
  const statuses: Record<string, number> = { '200': main.r.completed - main.r.non2xx };
  if (main.r.non2xx > 0) statuses['non-2xx'] = main.r.non2xx;
  process.stdout.write(
    JSON.stringify({
      generator: 'wrk',
      requests: main.r.completed,
      errors: main.r.socketErrors,
      seconds,
      reqPerS: main.r.completed / seconds,
      p50: main.r.p50Us / 1000,
      p99: main.r.p99Us / 1000,
      max: main.r.maxUs / 1000,
      statuses,
      // Every request wrk made may have reached the server (up to `connections` were still in
      // flight when it stopped), so rows beyond these are duplicates stored...
      uniqueSent: uniqueIn(warm.sids, warm.r.made) + uniqueIn(main.sids, main.r.made),
      // ...and rows fewer than these (the answered ones, all but the last `connections`) are lost.
      uniqueAnswered:
        uniqueIn(warm.sids, Math.max(0, warm.r.made - input.connections)) +
        uniqueIn(main.sids, Math.max(0, main.r.made - input.connections)),
      totalRequests: warm.r.completed + main.r.completed,
    }) + '\n',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
