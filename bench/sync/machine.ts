/**
 * The conditions a run was measured under: load average (timings on a shared machine are only
 * comparable at similar load), the Postgres commit latency of this machine (the floor of any
 * durable write path), and the code measured (commit, and whether the sync folders had
 * uncommitted changes).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { BenchDatabase } from './seed.ts';
import { percentile, round } from './stats.ts';

export async function commitLatencyMs(
  db: BenchDatabase,
): Promise<{ p50: number | null; p99: number | null }> {
  await db.sql`create table if not exists bench_commit_probe (id int)`;
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await db.sql.begin(async (tx) => {
      await tx`insert into bench_commit_probe values (${i})`;
    });
    samples.push(performance.now() - t0);
  }
  await db.sql`drop table bench_commit_probe`;
  return { p50: round(percentile(samples, 50), 2), p99: round(percentile(samples, 99), 2) };
}

export function codeVersion(): { commit: string; dirty_sync_paths: string[] } {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  try {
    const dirty = git(
      'status',
      '--porcelain',
      '--',
      'apps/sync-server/src',
      'apps/desktop/src/engine',
      'packages/schema/src',
      'packages/domain/src',
    );
    return {
      commit: git('rev-parse', '--short', 'HEAD'),
      dirty_sync_paths: dirty ? dirty.split('\n') : [],
    };
  } catch {
    return { commit: 'unknown', dirty_sync_paths: [] };
  }
}

export function loadAverage(): number[] {
  return os.loadavg().map((l) => round(l, 2)!);
}

export const cpuCount = (): number => os.cpus().length;
