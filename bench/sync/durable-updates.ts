/**
 * `durable_updates_per_s`: one server instance on real Postgres; 100 clients (10 workspaces of 10
 * clients, as a server hosts many workspaces), each keeping one update in flight on each of its 10
 * own leads: a lead's next edit is sent when the previous one's ack arrived. The server acks after
 * its transaction commits, so acks per second over a fixed window is the durable update rate. Every
 * change is still fanned out to the other clients of its workspace (they drop those frames
 * undecoded, so the load generator does not become the bottleneck). Median over runs.
 */
import type { BenchContext, ScenarioResult } from './context.ts';
import { applyFieldChanges, leadRecord, loadRecordDoc, type Doc } from './deps.ts';
import { progress, sleep } from './log.ts';
import { newClientId, RawClient } from './raw-client.ts';
import { login, signUp } from './rest.ts';
import { seedLeads } from './seed.ts';
import { procCpuMs, type ServerProcess } from './server-process.ts';
import { median, round } from './stats.ts';

const DOCS_PER_CLIENT = 10;

interface Workspace {
  readonly token: string;
  /** Docs at the server's state (every earlier edit was acked). */
  readonly docs: [string, Doc][];
}

async function prepare(
  ctx: BenchContext,
  server: ServerProcess,
  w: number,
  leads: number,
): Promise<Workspace> {
  const account = await signUp(server.url, `durable${w}`);
  await seedLeads(ctx.db, account, `d${w}`, leads);
  const token = await login(server.url, account);
  const fetcher = await RawClient.connect(server.wsUrl, token);
  await fetcher.hello(newClientId(), 0);
  const docs: [string, Doc][] = [];
  await fetcher.catchUp(10_000, (changes) => {
    for (const c of changes) {
      if (c.kind === 'record' && c.update)
        docs.push([c.docName, loadRecordDoc(c.docName, [c.update])]);
    }
  });
  await fetcher.close();
  return { token, docs };
}

export async function durableUpdates(
  ctx: BenchContext,
  server: ServerProcess,
): Promise<ScenarioResult> {
  const workspaces = ctx.quick ? 4 : 10;
  const clientsPerWorkspace = ctx.quick ? 5 : 10;
  const clients = workspaces * clientsPerWorkspace;
  const windowMs = ctx.quick ? 3000 : 10_000;
  const spaces: Workspace[] = [];
  for (let w = 0; w < workspaces; w++)
    spaces.push(await prepare(ctx, server, w, clientsPerWorkspace * DOCS_PER_CLIENT));

  const runs: number[] = [];
  const cpuPerUpdate: number[] = [];
  const loadCpuPerUpdate: number[] = [];
  for (let rep = 0; rep < ctx.reps; rep++) {
    const writers: { client: RawClient; clientId: number; docs: [string, Doc][] }[] = [];
    for (const space of spaces) {
      for (let i = 0; i < clientsPerWorkspace; i++) {
        const client = await RawClient.connect(server.wsUrl, space.token);
        client.ignoreLive = true;
        const clientId = newClientId();
        await client.hello(clientId, 0);
        writers.push({
          client,
          clientId,
          docs: space.docs.slice(i * DOCS_PER_CLIENT, (i + 1) * DOCS_PER_CLIENT),
        });
      }
    }
    let counting = false;
    let acks = 0;
    let stop = false;
    let n = 0;
    const loops = writers.flatMap((w) =>
      w.docs.map(async ([name, doc]) => {
        while (!stop) {
          n += 1;
          const update = applyFieldChanges(
            leadRecord,
            doc,
            { company: `Co ${w.clientId} ${n}` },
            w.clientId,
          )!;
          const ack = await w.client.update(name, update);
          if (ack.compensation) throw new Error('unexpected compensation');
          if (counting) acks += 1;
        }
      }),
    );
    await sleep(ctx.quick ? 500 : 2000); // warm-up, not counted
    counting = true;
    const t0 = performance.now();
    const cpu0 = procCpuMs(server.pid);
    const loadCpu0 = process.cpuUsage();
    await sleep(windowMs);
    counting = false;
    cpuPerUpdate.push((procCpuMs(server.pid) - cpu0) / acks);
    const loadCpu = process.cpuUsage(loadCpu0);
    loadCpuPerUpdate.push((loadCpu.user + loadCpu.system) / 1000 / acks);
    const rate = acks / ((performance.now() - t0) / 1000);
    stop = true;
    await Promise.all(loops);
    runs.push(rate);
    progress(
      `durable updates run ${rep + 1}/${ctx.reps}: ${acks} acks in ${windowMs / 1000} s = ${rate.toFixed(0)}/s (${clients} clients in ${workspaces} workspaces, ${clients * DOCS_PER_CLIENT} updates in flight; server CPU ${cpuPerUpdate.at(-1)!.toFixed(2)} ms per update, load generator (this process) ${loadCpuPerUpdate.at(-1)!.toFixed(2)} ms)`,
    );
    await Promise.all(writers.map((w) => w.client.close()));
  }
  return {
    figures: { durable_updates_per_s: round(median(runs), 0) },
    details: {
      durable_updates: {
        clients,
        workspaces,
        in_flight: clients * DOCS_PER_CLIENT,
        window_s: windowMs / 1000,
        runs_per_s: runs.map((r) => round(r, 0)),
        server_cpu_ms_per_update: cpuPerUpdate.map((c) => round(c, 3)),
        load_generator_cpu_ms_per_update: loadCpuPerUpdate.map((c) => round(c, 3)),
      },
    },
  };
}
