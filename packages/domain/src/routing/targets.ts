/**
 * Routing targets (a user, a team, a pool of SDRs) resolved to an owner with the shared
 * round-robin and availability primitives; also the cursor keys of `RoutingState`.
 */
import type { RoutingState, RoutingTarget } from '@sdr/schema';
import type { Unavailability } from './availability.ts';
import { own } from './own.ts';
import { roundRobinPick } from './round-robin.ts';

/** Cursor keys in `RoutingState.cursors`. */
export const cursorKeys = {
  roundRobin: 'round-robin',
  team: (teamId: string) => `team:${teamId}`,
  territoryPool: (territoryId: string) => `territory:${territoryId}`,
  fallbackPool: 'fallback',
} as const;

export const EMPTY_ROUTING_STATE: RoutingState = { cursors: {} };

export type Check = (id: string) => Unavailability | null;

export interface TargetOutcome {
  readonly ownerId: string | null;
  readonly how: string;
  readonly state: RoutingState;
}

function pickFrom(
  ids: readonly string[],
  key: string,
  state: RoutingState,
  check: Check,
  what: string,
): TargetOutcome {
  const skipped: string[] = [];
  const pick = roundRobinPick(ids, own(state.cursors, key), (id) => {
    const why = check(id);
    if (why !== null) skipped.push(`${id} ${why}`);
    return why === null;
  });
  const skips = skipped.length > 0 ? ` (skipped ${skipped.join(', ')})` : '';
  if (pick.pickedId === null || pick.cursor === null) {
    return { ownerId: null, how: `nobody available in ${what}${skips}`, state };
  }
  const cursors = { ...state.cursors, [key]: pick.cursor };
  return { ownerId: pick.pickedId, how: `${what} → ${pick.pickedId}${skips}`, state: { cursors } };
}

export function resolveTarget(
  target: RoutingTarget,
  poolKey: string,
  state: RoutingState,
  teams: Readonly<Record<string, readonly string[]>> | undefined,
  check: Check,
): TargetOutcome {
  switch (target.kind) {
    case 'user': {
      const why = check(target.userId);
      return why === null
        ? { ownerId: target.userId, how: `assigned to ${target.userId}`, state }
        : { ownerId: null, how: `${target.userId} is ${why}`, state };
    }
    case 'team': {
      const members = own(teams, target.teamId) ?? [];
      const what = `round-robin in team ${target.teamId}`;
      return pickFrom(members, cursorKeys.team(target.teamId), state, check, what);
    }
    case 'pool':
      return pickFrom(
        target.sdrIds,
        poolKey,
        state,
        check,
        `round-robin across ${target.sdrIds.length} SDRs`,
      );
  }
}
