/**
 * Least-loaded assignment with a per-SDR capacity (issue 5's conversation routing): the eligible
 * candidate with the fewest open items among those below capacity. Ties go to the first in
 * rotation order: from the start of `candidates`, or right after `after` (a round-robin cursor),
 * so repeated ties rotate fairly instead of always landing on the same person.
 */
import type { RoundRobinCursor } from '@sdr/schema';
import { hasCapacity } from './availability.ts';
import { own } from './own.ts';
import { rotationStart } from './round-robin.ts';

export interface LeastLoadedOptions {
  readonly isEligible?: (id: string) => boolean;
  readonly after?: RoundRobinCursor | null;
}

/**
 * @param loads open items per id (absent: 0)
 * @param capacities maximum open items per id (absent or null: unlimited)
 * @returns the chosen id, or null when every candidate is ineligible or at capacity
 */
export function leastLoaded(
  candidates: readonly string[],
  loads: Readonly<Record<string, number>>,
  capacities: Readonly<Record<string, number | null>>,
  options: LeastLoadedOptions = {},
): string | null {
  const n = candidates.length;
  const start = rotationStart(candidates, options.after);
  let best: string | null = null;
  let bestLoad = Infinity;
  for (let k = 0; k < n; k++) {
    const id = candidates[(start + k) % n]!;
    const load = own(loads, id) ?? 0;
    if (load >= bestLoad || !hasCapacity(load, own(capacities, id))) continue;
    if (options.isEligible && !options.isEligible(id)) continue;
    best = id;
    bestLoad = load;
  }
  return best;
}
