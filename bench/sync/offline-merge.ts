/**
 * The week offline (`offline_merge_s`, `offline_divergent_replicas`,
 * `offline_conflicts_logged_ratio`). A workspace of 5k leads; engine E1 reaches the server through a
 * TCP proxy (its network cable), engine E2 directly; both finish their initial sync. The cable is
 * cut; E1 makes 10k local edits (2 fields of every lead) while a server-side writer makes 10k REST
 * PATCHes (2 fields of every lead, chosen independently). The cable is restored; the clock runs
 * from E1's first new connection until the system is quiet: E1's outbox empty, E1 and E2 at the
 * server's head. Then every replica is compared: E1 and E2 (their rows and their decoded docs)
 * against the server's rows, and the server's rows against its own decoded docs.
 *
 * The truth about conflicts is counted here, from the plan: a (lead, field) written by both sides
 * is one same-field concurrent overwrite (values always differ, each side writes a field once).
 * The ratio is how many of those appear in `field_conflict`. The plan also says what every field
 * must end up as (the server's write wins a concurrent pair: highest Yjs client id), which checks
 * that nothing was lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchContext, ScenarioResult } from './context.ts';
import { EngineProcess, type LeadEdit, type LeadValues } from './engine-process.ts';
import { ENGINE_BACKOFF } from './initial-sync.ts';
import { progress, sleep } from './log.ts';
import { differingIds, serverHead, serverSnapshot } from './replicas.ts';
import { login, patchLead, pool, signUp } from './rest.ts';
import { leadFields, leadId, seedLeads } from './seed.ts';
import type { ServerProcess } from './server-process.ts';
import { median, round } from './stats.ts';
import { TcpProxy } from './tcp-proxy.ts';

const FIELDS = ['firstName', 'lastName', 'email', 'phone', 'company', 'title', 'status'] as const;
type Field = (typeof FIELDS)[number];

/** mulberry32: a small seeded PRNG, so a run's plan can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function twoFields(random: () => number): [Field, Field] {
  const a = Math.floor(random() * FIELDS.length);
  const b = (a + 1 + Math.floor(random() * (FIELDS.length - 1))) % FIELDS.length;
  return [FIELDS[a]!, FIELDS[b]!];
}

function value(side: 'e' | 's', i: number, field: Field): string {
  return field === 'email'
    ? `${side}${i}@${side === 'e' ? 'engine' : 'server'}.test`
    : `${side}-${i}-${field}`;
}

interface Plan {
  readonly engine: LeadEdit[];
  readonly server: LeadEdit[];
  /** `lead:<id>|field` pairs both sides wrote. */
  readonly conflicts: Set<string>;
  /** What every lead must end as. */
  readonly expected: Record<string, LeadValues>;
}

function makePlan(prefix: string, leads: number, seed: number): Plan {
  const random = prng(seed);
  const engine: LeadEdit[] = [];
  const server: LeadEdit[] = [];
  const conflicts = new Set<string>();
  const expected: Record<string, LeadValues> = {};
  const perLead: [Field, Field][] = [];
  for (let i = 0; i < leads; i++) {
    const id = leadId(prefix, i);
    const mine = twoFields(random);
    const theirs = twoFields(random);
    perLead.push(mine);
    for (const f of theirs) server.push({ id, changes: { [f]: value('s', i, f) } });
    const final: LeadValues = { ...leadFields(i) };
    for (const f of mine) final[f] = value('e', i, f);
    for (const f of theirs) {
      final[f] = value('s', i, f);
      if (mine.includes(f)) conflicts.add(`lead:${id}|${f}`);
    }
    expected[id] = final;
  }
  // Two passes over the leads: each outbox entry is one field of one lead.
  for (const pass of [0, 1]) {
    for (let i = 0; i < leads; i++) {
      const f = perLead[i]![pass]!;
      engine.push({ id: leadId(prefix, i), changes: { [f]: value('e', i, f) } });
    }
  }
  return { engine, server, conflicts, expected };
}

interface RunResult {
  mergeS: number | null;
  divergent: number;
  ratio: number | null;
  details: Record<string, unknown>;
}

async function waitOffline(engine: EngineProcess): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await engine.call('status', {})).connection !== 'online') return;
    await sleep(20);
  }
  throw new Error('the engine did not notice the cut cable');
}

async function runOnce(ctx: BenchContext, server: ServerProcess, rep: number): Promise<RunResult> {
  const leads = ctx.quick ? 200 : 5000;
  const account = await signUp(server.url, `offline${rep}`);
  const prefix = `o${rep}`;
  await seedLeads(ctx.db, account, prefix, leads);
  const plan = makePlan(prefix, leads, 1000 + rep);
  const proxy = await TcpProxy.start(Number(new URL(server.url).port));
  const dirs = [0, 1].map(() => mkdtempSync(path.join(tmpdir(), 'sdr-bench-offline-')));
  const e1 = await EngineProcess.spawn();
  const e2 = await EngineProcess.spawn();
  try {
    await e1.call('open', { dataDir: dirs[0]!, serverUrl: proxy.url, backoff: ENGINE_BACKOFF });
    await e2.call('open', { dataDir: dirs[1]!, serverUrl: server.url, backoff: ENGINE_BACKOFF });
    const signIn = {
      email: account.email,
      password: account.password,
      expectedRows: leads,
      timeoutMs: 120_000,
    };
    await Promise.all([e1.call('signIn', signIn), e2.call('signIn', signIn)]);

    proxy.cut();
    await waitOffline(e1);
    const token = await login(server.url, account);
    const t0 = performance.now();
    const [local, remoteMs] = await Promise.all([
      e1.call('edit', { edits: plan.engine }),
      pool(plan.server, 16, (e) =>
        patchLead(server.url, token, e.id, e.changes).then(() => {}),
      ).then(() => performance.now() - t0),
    ]);
    progress(
      `offline: ${plan.engine.length} local edits in ${(local.ms / 1000).toFixed(1)} s, ${plan.server.length} server edits in ${(remoteMs / 1000).toFixed(1)} s; ${plan.conflicts.size} same-field overlaps`,
    );
    const pending = (await e1.call('status', {})).pending;
    if (pending !== plan.engine.length)
      throw new Error(`outbox holds ${pending}, expected ${plan.engine.length}`);

    const restoredAt = performance.now();
    proxy.restore();
    let quietAt: number | null = null;
    let lastReport = performance.now();
    const deadline = restoredAt + 300_000;
    while (performance.now() < deadline) {
      const head = await serverHead(ctx.db, account.workspaceId);
      const [s1, s2] = await Promise.all([e1.call('status', {}), e2.call('status', {})]);
      if (
        s1.connection === 'online' &&
        s1.pending === 0 &&
        s1.cursor >= head &&
        s2.cursor >= head
      ) {
        quietAt = performance.now();
        break;
      }
      if (performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        progress(
          `merging: head ${head}, E1 cursor ${s1.cursor} (outbox ${s1.pending}), E2 cursor ${s2.cursor}`,
        );
      }
      await sleep(100);
    }
    const reconnectedAt = proxy.firstConnectionAt;
    const serverSide = await serverSnapshot(ctx.db, account.workspaceId);
    const [snap1, snap2] = await Promise.all([e1.call('snapshot', {}), e2.call('snapshot', {})]);
    const diffs = {
      e1_rows: differingIds(snap1.rows, serverSide.rows).length,
      e1_docs: differingIds(snap1.docs, serverSide.rows).length,
      e2_rows: differingIds(snap2.rows, serverSide.rows).length,
      e2_docs: differingIds(snap2.docs, serverSide.rows).length,
      server_docs: differingIds(serverSide.docs, serverSide.rows).length,
    };
    const divergent =
      Number(diffs.e1_rows + diffs.e1_docs > 0) +
      Number(diffs.e2_rows + diffs.e2_docs > 0) +
      Number(diffs.server_docs > 0);
    const unexpected = differingIds(serverSide.rows, plan.expected).length;

    const logged = await ctx.db.sql`
      select distinct doc_name, field from field_conflict
      where workspace_id = ${account.workspaceId} and not same_value`;
    const loggedKeys = new Set(
      logged.map((r) => `${r['doc_name'] as string}|${r['field'] as string}`),
    );
    const found = [...plan.conflicts].filter((k) => loggedKeys.has(k)).length;
    const ratio = plan.conflicts.size === 0 ? null : found / plan.conflicts.size;
    const mergeS =
      quietAt !== null && divergent === 0 && reconnectedAt !== null
        ? (quietAt - reconnectedAt) / 1000
        : null;
    progress(
      `offline run ${rep + 1}: merge ${mergeS === null ? 'NOT converged' : `${mergeS.toFixed(2)} s`} (reconnect ${reconnectedAt === null ? '?' : ((reconnectedAt - restoredAt) / 1000).toFixed(2)} s after restore); ` +
        `divergent replicas ${divergent} ${JSON.stringify(diffs)}; conflicts logged ${found}/${plan.conflicts.size} (+${loggedKeys.size - found} not in the truth); leads not as expected ${unexpected}`,
    );
    return {
      mergeS,
      divergent,
      ratio,
      details: {
        leads,
        local_edits: plan.engine.length,
        server_edits: plan.server.length,
        local_edits_s: round(local.ms / 1000, 2),
        server_edits_s: round(remoteMs / 1000, 2),
        reconnect_after_restore_s:
          reconnectedAt === null ? null : round((reconnectedAt - restoredAt) / 1000, 2),
        merge_s: round(mergeS, 2),
        quiet: quietAt !== null,
        differing_leads: diffs,
        true_conflicts: plan.conflicts.size,
        logged_true_conflicts: found,
        logged_not_in_truth: loggedKeys.size - found,
        leads_not_as_expected: unexpected,
      },
    };
  } finally {
    await Promise.all([e1.stop(), e2.stop()]);
    await proxy.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

export async function offlineMerge(
  ctx: BenchContext,
  server: ServerProcess,
): Promise<ScenarioResult> {
  const runs: RunResult[] = [];
  for (let rep = 0; rep < ctx.reps; rep++) runs.push(await runOnce(ctx, server, rep));
  const notes: string[] = [];
  if (runs.some((r) => r.mergeS === null))
    notes.push('offline_merge_s: at least one run did not converge (see details.offline_merge)');
  if (ctx.quick) notes.push('offline_*: measured at 200 leads / 400 + 400 edits (--quick)');
  const ratios = runs.map((r) => r.ratio).filter((r): r is number => r !== null);
  return {
    figures: {
      offline_merge_s: runs.every((r) => r.mergeS !== null)
        ? round(median(runs.map((r) => r.mergeS)), 2)
        : null,
      offline_divergent_replicas: Math.max(...runs.map((r) => r.divergent)),
      offline_conflicts_logged_ratio: ratios.length > 0 ? round(Math.min(...ratios), 4) : null,
    },
    notes,
    details: { offline_merge: runs.map((r) => r.details) },
  };
}
