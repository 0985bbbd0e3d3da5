/**
 * A large import must not take the engine away from the renderer: while it runs, and while the
 * engine does the work it leaves behind (sync of the new leads, the search index, scores), every
 * piece of synchronous work on the engine's event loop stays short, a cheap request is answered
 * at once, and the problem report (asked for right after the import) comes back promptly.
 * (A 50k-row import once left the engine unable to answer `import:errorReport` within 30 s.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJobDto, StoredFileDto } from '../../shared/contract.ts';
import type { Engine } from '../engine.ts';
import { startTestServer, tempDir } from '../test/harness.ts';
import { call, openSyncEngine, signUp, type TestServer } from '../sync/test/sync-harness.ts';

const ROWS = 6_000;
/** Every this many rows, one has a broken email (a problem for the report). */
const BROKEN_EVERY = 10;
/** Longest synchronous stretch allowed on the engine's event loop, in CPU time. */
const MAX_HELD_CPU_MS = 250;
/** Longest wait for a cheap request (`import:jobs`) while the import and its after-work run. */
const MAX_ANSWER_MS = 300;
/** Longest wait for the problem report right after the import. */
const MAX_REPORT_MS = 2_000;

describe('a large import keeps the engine responsive', () => {
  let server: TestServer;
  let engine: Engine | undefined;
  let closed = false;
  beforeAll(async () => {
    server = await startTestServer({ dataDir: tempDir('sdr-server-') });
  }, 240_000);
  afterAll(async () => {
    engine?.close();
    if (!closed) await server.close();
  });

  it('answers cheap requests within bounds during and right after a large import', async () => {
    engine = await openSyncEngine(server.url, tempDir());
    const e = engine;
    await signUp(e, 'import-responsive');
    // The sync server runs in this process (its database work would count as the engine's): the
    // import runs offline, the engine's own work only (the e2e test covers it with a server).
    await server.close();
    closed = true;
    const csv = path.join(tempDir('sdr-csv-'), 'large.csv');
    const lines = ['First Name,Last Name,Email,Phone,Company'];
    for (let i = 1; i <= ROWS; i++) {
      const email = i % BROKEN_EVERY === 0 ? `broken${i}@@example` : `p${i}@example.com`;
      lines.push(`P${i},Person,${email},+1415${2_000_000 + i},Company ${i % 300}`);
    }
    writeFileSync(csv, lines.join('\n'));
    const file = await call<StoredFileDto>(e, 'files:stagePath', { path: csv });
    const mapping = {
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Email: 'email',
      Phone: 'phone',
      Company: 'company',
    };

    // The longest stretch the event loop was held, in CPU time of this process (wall time on a
    // loaded machine counts the time other processes had the CPU), and where it was (failure
    // message: "start ms+CPU ms" from here).
    const t0 = performance.now();
    const held: string[] = [];
    let heldMax = 0;
    let lastTick = t0;
    let lastCpu = process.cpuUsage();
    const ticker = setInterval(() => {
      const now = performance.now();
      const cpu = process.cpuUsage(lastCpu);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      if (now - lastTick > 50 && cpuMs > 50)
        held.push(`${(lastTick - t0).toFixed(0)}+${cpuMs.toFixed(0)}`);
      heldMax = Math.max(heldMax, cpuMs);
      lastTick = now;
      lastCpu = process.cpuUsage();
    }, 5);
    let slowest = 0;
    let asked = 0;
    let pinging = true;
    const pinger = (async () => {
      while (pinging) {
        const t = performance.now();
        const answer = await e.dispatch('import:jobs', {});
        if (!answer.ok) return answer.error;
        slowest = Math.max(slowest, performance.now() - t);
        asked += 1;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    const job = await call<ImportJobDto>(e, 'import:start', {
      fileId: file.id,
      mapping,
      options: {},
    });
    let done: ImportJobDto | undefined;
    while (!done) {
      await new Promise((r) => setTimeout(r, 50));
      const jobs = await call<ImportJobDto[]>(e, 'import:jobs', {});
      const j = jobs.find((x) => x.id === job.id);
      if (j && j.state !== 'running') done = j;
    }
    const refused = ROWS / BROKEN_EVERY;
    expect(done).toMatchObject({ state: 'done', created: ROWS - refused, failed: refused });

    // Right after the import: the problem report, while the engine syncs and indexes the leads.
    const t = performance.now();
    const report = await call<StoredFileDto>(e, 'import:errorReport', { jobId: job.id });
    const reportMs = performance.now() - t;
    expect(report.name).toBe('large-import-problems.csv');
    // Read in pages: every problem once, in row order (with the header, lead n is on row n + 1).
    const reported = readFileSync(e.files.pathOf(report.id), 'utf8').trim().split(/\r?\n/);
    expect(reported.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(
      Array.from({ length: refused }, (_, i) => (i + 1) * BROKEN_EVERY + 1),
    );
    // Keep asking while the after-work runs (sync, search index, scores).
    await new Promise((r) => setTimeout(r, 3_000));
    pinging = false;
    expect(await pinger).toBeUndefined();
    clearInterval(ticker);

    expect(asked).toBeGreaterThan(20);
    const figures = `loop held up to ${heldMax.toFixed(0)} ms CPU, slowest answer ${slowest.toFixed(0)} ms, report ${reportMs.toFixed(0)} ms; loop held at ${held.join(' ') || '-'}`;
    expect(heldMax, figures).toBeLessThanOrEqual(MAX_HELD_CPU_MS);
    expect(slowest, figures).toBeLessThanOrEqual(MAX_ANSWER_MS);
    expect(reportMs, figures).toBeLessThanOrEqual(MAX_REPORT_MS);
  }, 240_000);
});
