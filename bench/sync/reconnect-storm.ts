/**
 * `reconnect_storm_catchup_s`: 500 raw clients connected and caught up to the head; the network
 * drops them all (sockets terminated); a server-side writer changes 1,000 leads while they are
 * away; then every client reconnects at a random moment within 10 s (uniform), sends hello with its
 * cursor and pulls catch-up pages until `done`. The figure runs from the first reconnect to the
 * last client caught up (so it is at least the spread, ~10 s). Median over runs.
 */
import type { BenchContext, ScenarioResult } from './context.ts';
import { progress, sleep } from './log.ts';
import { newClientId, RawClient } from './raw-client.ts';
import { login, patchLead, pool, signUp } from './rest.ts';
import { leadId, seedLeads } from './seed.ts';
import { serverHead } from './replicas.ts';
import type { ServerProcess } from './server-process.ts';
import { median, percentile, round } from './stats.ts';

export async function reconnectStorm(
  ctx: BenchContext,
  server: ServerProcess,
): Promise<ScenarioResult> {
  const clients = ctx.quick ? 100 : 500;
  const spreadMs = ctx.quick ? 2000 : 10_000;
  const changes = ctx.quick ? 200 : 1000;
  const account = await signUp(server.url, 'storm');
  const leads = ctx.quick ? 1000 : 10_000;
  await seedLeads(ctx.db, account, 's', leads);
  const token = await login(server.url, account);
  const ids = Array.from({ length: leads }, (_, i) => leadId('s', i));
  const runs: { seconds: number; perClientP50: number; perClientP99: number; rows: number }[] = [];
  for (let rep = 0; rep < ctx.reps; rep++) {
    const conns: { client: RawClient; clientId: number }[] = [];
    for (let i = 0; i < clients; i++) {
      const client = await RawClient.connect(server.wsUrl, token);
      const clientId = newClientId();
      const welcome = await client.hello(clientId, await serverHead(ctx.db, account.workspaceId));
      client.cursor = welcome.headSeq;
      conns.push({ client, clientId });
    }
    const cursors = conns.map((c) => c.client.cursor);
    for (const c of conns) c.client.terminate();
    const writes = Array.from(
      { length: changes },
      (_, i) => ids[(rep * changes + i) % ids.length]!,
    );
    await pool(writes, 16, (id, i) =>
      patchLead(server.url, token, id, { title: `Storm ${rep}-${i}` }).then(() => {}),
    );
    const head = await serverHead(ctx.db, account.workspaceId);

    const t0 = performance.now();
    const per: number[] = [];
    let rows = 0;
    await Promise.all(
      conns.map(async (c, i) => {
        await sleep(Math.random() * spreadMs);
        const started = performance.now();
        const client = await RawClient.connect(server.wsUrl, token);
        await client.hello(c.clientId, cursors[i]);
        const r = await client.catchUp(5000);
        if (r.cursor < head)
          throw new Error(`client ${i} caught up to ${r.cursor}, head is ${head}`);
        rows += r.records;
        per.push(performance.now() - started);
        c.client = client;
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const run = {
      seconds,
      perClientP50: percentile(per, 50)!,
      perClientP99: percentile(per, 99)!,
      rows,
    };
    runs.push(run);
    progress(
      `reconnect storm run ${rep + 1}/${ctx.reps}: ${clients} clients within ${spreadMs / 1000} s all caught up (${changes} changes each) after ${seconds.toFixed(2)} s; per client p50 ${run.perClientP50.toFixed(0)} ms, p99 ${run.perClientP99.toFixed(0)} ms`,
    );
    await Promise.all(conns.map((c) => c.client.close()));
  }
  return {
    figures: { reconnect_storm_catchup_s: round(median(runs.map((r) => r.seconds)), 2) },
    notes: ctx.quick
      ? [
          `reconnect_storm_catchup_s: measured with ${clients} clients within ${spreadMs / 1000} s (--quick)`,
        ]
      : [],
    details: {
      reconnect_storm: {
        clients,
        spread_s: spreadMs / 1000,
        changes_while_away: changes,
        runs: runs.map((r) => ({
          s: round(r.seconds, 2),
          per_client_p50_ms: round(r.perClientP50, 0),
          per_client_p99_ms: round(r.perClientP99, 0),
          records_shipped: r.rows,
        })),
      },
    },
  };
}
