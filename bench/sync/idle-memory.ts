/**
 * `server_kb_per_idle_client`: a fresh server process; one client connects first (so the code
 * paths and the workspace's fan-out feed exist), the RSS settles and is read from /proc; then 500
 * more clients connect, send hello and stay idle; after they settle the RSS is read again. The
 * figure is the RSS delta divided by the idle clients. Median over fresh server processes.
 */
import type { BenchContext, ScenarioResult } from './context.ts';
import { progress, sleep } from './log.ts';
import { newClientId, RawClient } from './raw-client.ts';
import { login, signUp } from './rest.ts';
import { seedLeads } from './seed.ts';
import { spawnServer } from './server-process.ts';
import { median, round } from './stats.ts';

export async function idleClientMemory(ctx: BenchContext): Promise<ScenarioResult> {
  const idle = ctx.quick ? 100 : 500;
  const runs: { kbPerClient: number; beforeKb: number; afterKb: number }[] = [];
  for (let rep = 0; rep < ctx.reps; rep++) {
    const server = await spawnServer({
      databaseUrl: ctx.db.url,
      jwtSecret: ctx.jwtSecret,
      label: 'server-mem',
    });
    const clients: RawClient[] = [];
    try {
      const account = await signUp(server.url, `idle${rep}`);
      await seedLeads(ctx.db, account, `z${rep}`, 100);
      const token = await login(server.url, account);
      const first = await RawClient.connect(server.wsUrl, token);
      await first.hello(newClientId(), 100);
      clients.push(first);
      await sleep(3000);
      const beforeKb = server.rssKb();
      for (let i = 0; i < idle; i++) {
        const c = await RawClient.connect(server.wsUrl, token);
        await c.hello(newClientId(), 100);
        clients.push(c);
      }
      await sleep(3000);
      const afterKb = server.rssKb();
      const kbPerClient = (afterKb - beforeKb) / idle;
      runs.push({ kbPerClient, beforeKb, afterKb });
      progress(
        `idle clients run ${rep + 1}/${ctx.reps}: server RSS ${(beforeKb / 1024).toFixed(1)} MB → ${(afterKb / 1024).toFixed(1)} MB with ${idle} idle clients = ${kbPerClient.toFixed(1)} KB each`,
      );
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await server.stop();
    }
  }
  return {
    figures: { server_kb_per_idle_client: round(median(runs.map((r) => r.kbPerClient)), 1) },
    notes: ctx.quick
      ? [`server_kb_per_idle_client: measured with ${idle} idle clients (--quick)`]
      : [],
    details: {
      idle_clients: {
        clients: idle,
        runs: runs.map((r) => ({
          kb_per_client: round(r.kbPerClient, 1),
          rss_before_mb: round(r.beforeKb / 1024, 1),
          rss_after_mb: round(r.afterKb / 1024, 1),
        })),
      },
    },
  };
}
