/**
 * Convergence soak: runs the whole-system model (see convergence/) for many seeds and counts the
 * seeds whose quiescent state breaks an invariant. Details of each failure go to stderr; the last
 * line of stdout is one JSON object `{ "seeds": N, "divergences": D }`. Exit code 1 when D > 0.
 *
 *   tsx packages/schema/src/sync/convergence-soak.ts --seeds 1000 [--from 1]
 */
import fc from 'fast-check';
import { checkQuiescentSystem } from './convergence/oracle.ts';
import { scenarioArb } from './convergence/ops.ts';
import { SyncSystem } from './convergence/system.ts';

function intArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : undefined;
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer`);
  return n;
}

/** Problems of one seed's run (empty when the system converged with every invariant). */
function soakSeed(seed: number): { problems: string[]; conflicts: number } {
  const [scenario] = fc.sample(scenarioArb, { seed, numRuns: 1 });
  try {
    const system = new SyncSystem(scenario!.config);
    for (const op of scenario!.ops) system.run(op);
    system.heal();
    return { problems: checkQuiescentSystem(system), conflicts: system.server.conflicts.length };
  } catch (e) {
    return {
      problems: [`threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`],
      conflicts: 0,
    };
  }
}

function main(): void {
  const seeds = intArg('seeds', 1000);
  const from = intArg('from', 1);
  const started = performance.now();
  let divergences = 0;
  let conflicts = 0;
  for (let seed = from; seed < from + seeds; seed++) {
    const r = soakSeed(seed);
    conflicts += r.conflicts;
    if (r.problems.length > 0) {
      divergences++;
      process.stderr.write(`seed ${seed}:\n  ${r.problems.slice(0, 5).join('\n  ')}\n`);
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `ran ${seeds} seeds from ${from} in ${seconds} s; ${conflicts} conflicts logged\n`,
  );
  process.stdout.write(`${JSON.stringify({ seeds, divergences })}\n`);
  process.exitCode = divergences > 0 ? 1 : 0;
}

main();
