/**
 * `cross_instance_p99_ms`: two server processes on one Postgres. An editor connected to instance A
 * edits; clients connected to instance B receive the change (A commits → NOTIFY → B reads the
 * change log → pushes). Timed from the editor's `ws.send` to arrival on each B client; the safety
 * poll of B is left at its default (2 s), so the figure is the LISTEN/NOTIFY path.
 */
import type { BenchContext, ScenarioResult } from './context.ts';
import { connectPeers, Editor, timeEdits } from './edit-to-peer.ts';
import { progress, sleep } from './log.ts';
import { login, signUp } from './rest.ts';
import { seedLeads } from './seed.ts';
import { spawnServer, type ServerProcess } from './server-process.ts';
import { median, percentile, round } from './stats.ts';

export async function crossInstance(ctx: BenchContext, a: ServerProcess): Promise<ScenarioResult> {
  const receivers = 10;
  const edits = ctx.quick ? 100 : 500;
  const b = await spawnServer({
    databaseUrl: ctx.db.url,
    jwtSecret: ctx.jwtSecret,
    label: 'server-b',
  });
  try {
    const account = await signUp(a.url, 'cross');
    await seedLeads(ctx.db, account, 'x', 1000);
    const token = await login(a.url, account);
    const runs: { p50: number; p99: number; n: number }[] = [];
    for (let rep = 0; rep < ctx.reps; rep++) {
      const editor = await Editor.open(a.wsUrl, token, 50);
      const peers = await connectPeers(b.wsUrl, token, receivers);
      await sleep(200);
      await timeEdits(editor, peers, 20);
      const samples = await timeEdits(editor, peers, edits);
      const r = { p50: percentile(samples, 50)!, p99: percentile(samples, 99)!, n: samples.length };
      runs.push(r);
      progress(
        `cross-instance run ${rep + 1}/${ctx.reps}: ${edits} edits on A x ${receivers} clients on B, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`,
      );
      await Promise.all([editor.client.close(), ...peers.map((p) => p.close())]);
    }
    return {
      figures: { cross_instance_p99_ms: round(median(runs.map((r) => r.p99)), 2) },
      details: {
        cross_instance: {
          receivers_on_b: receivers,
          edits_per_run: edits,
          runs: runs.map((r) => ({
            p50_ms: round(r.p50, 2),
            p99_ms: round(r.p99, 2),
            deliveries: r.n,
          })),
        },
      },
    };
  } finally {
    await b.stop();
  }
}
