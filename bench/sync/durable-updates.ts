/**
 * `durable_updates_per_s`: one server instance on real Postgres; many clients, each keeping one
 * update in flight on each of its own leads (a new edit of a lead is sent when the previous one's
 * ack arrived). An ack means committed (the server acks after its transaction commits), so acks
 * per second over a fixed window is the durable update rate. Median over runs.
 */
import type { BenchContext, ScenarioResult } from './context.ts';
import { applyFieldChanges, leadRecord, loadRecordDoc, type Doc } from './deps.ts';
import { progress, sleep } from './log.ts';
import { newClientId, RawClient } from './raw-client.ts';
import { login, signUp } from './rest.ts';
import { seedLeads } from './seed.ts';
import type { ServerProcess } from './server-process.ts';
import { median, round } from './stats.ts';

interface Writer {
  readonly client: RawClient;
  readonly clientId: number;
  readonly docs: [string, Doc][];
}

export async function durableUpdates(
  ctx: BenchContext,
  server: ServerProcess,
): Promise<ScenarioResult> {
  const clients = ctx.quick ? 20 : 100;
  const docsPerClient = 10;
  const windowMs = ctx.quick ? 3000 : 10_000;
  const account = await signUp(server.url, 'durable');
  await seedLeads(ctx.db, account, 'd', clients * docsPerClient);
  const token = await login(server.url, account);

  // The docs' states, once, from a catch-up; each client edits its own share of them.
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

  const runs: number[] = [];
  for (let rep = 0; rep < ctx.reps; rep++) {
    const writers: Writer[] = [];
    for (let i = 0; i < clients; i++) {
      const client = await RawClient.connect(server.wsUrl, token);
      const clientId = newClientId();
      await client.hello(clientId, 0);
      // Every edit of an earlier run was acked, so the docs are the server's state.
      writers.push({
        client,
        clientId,
        docs: docs.slice(i * docsPerClient, (i + 1) * docsPerClient),
      });
    }
    let counting = false;
    let acks = 0;
    let stop = false;
    let n = 0;
    const loops: Promise<void>[] = [];
    for (const w of writers) {
      for (const [name, doc] of w.docs) {
        loops.push(
          (async () => {
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
          })(),
        );
      }
    }
    await sleep(ctx.quick ? 500 : 2000); // warm-up: not counted
    counting = true;
    const t0 = performance.now();
    await sleep(windowMs);
    counting = false;
    const rate = acks / ((performance.now() - t0) / 1000);
    stop = true;
    await Promise.all(loops);
    runs.push(rate);
    progress(
      `durable updates run ${rep + 1}/${ctx.reps}: ${acks} acks in ${windowMs / 1000} s = ${rate.toFixed(0)}/s (${clients} clients x ${docsPerClient} leads in flight)`,
    );
    await Promise.all(writers.map((w) => w.client.close()));
  }
  return {
    figures: { durable_updates_per_s: round(median(runs), 0) },
    details: {
      durable_updates: {
        clients,
        in_flight: clients * docsPerClient,
        window_s: windowMs / 1000,
        runs_per_s: runs.map((r) => round(r, 0)),
      },
    },
  };
}
