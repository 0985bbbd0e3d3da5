/**
 * Routing on creation: who owns a new lead under the workspace's rule (`@sdr/schema`
 * `RoutingRule`). Pure: the round-robin cursors come in with `state` and go out with `nextState`;
 * availability and team members come in with the context. `routeLeads` routes an import batch
 * with one cursor threaded through it (so it stays fair) and counts the batch's own assignments
 * against capacity.
 */
import type { RoutingRule, RoutingState } from '@sdr/schema';
import { unavailability, type SdrAvailability } from './availability.ts';
import { own } from './own.ts';
import { cursorKeys, resolveTarget, type Check } from './targets.ts';
import { matchTerritory, type LeadLocation } from './territory.ts';

export interface RoutingContext {
  /** Epoch milliseconds (out-of-office periods are checked against it). */
  readonly now: number;
  /** Availability per SDR id; an SDR missing here is treated as available. */
  readonly sdrs?: Readonly<Record<string, SdrAvailability>>;
  /** Member ids per team id, in rotation order, for `team` targets. */
  readonly teams?: Readonly<Record<string, readonly string[]>>;
}

export type RoutingCode =
  'rule-unassigned' | 'round-robin' | 'territory' | 'territory-fallback' | 'no-available-sdr';

export interface RoutingDecision {
  readonly ownerId: string | null;
  readonly code: RoutingCode;
  /** One sentence for the timeline / "why was this assigned to me". */
  readonly reason: string;
  /** The matched territory, if any. */
  readonly territoryId: string | null;
}

export interface RouteResult extends RoutingDecision {
  readonly nextState: RoutingState;
}

function route(
  lead: LeadLocation,
  rule: RoutingRule,
  state: RoutingState,
  ctx: RoutingContext,
  check: Check,
): RouteResult {
  const none = { territoryId: null, nextState: state };
  switch (rule.kind) {
    case 'unassigned':
      return {
        ...none,
        ownerId: null,
        code: 'rule-unassigned',
        reason: 'Routing leaves new leads unassigned',
      };
    case 'round-robin': {
      const out = resolveTarget(
        { kind: 'pool', sdrIds: rule.sdrIds },
        cursorKeys.roundRobin,
        state,
        ctx.teams,
        check,
      );
      const code = out.ownerId === null ? 'no-available-sdr' : 'round-robin';
      return {
        ownerId: out.ownerId,
        code,
        reason: capitalise(out.how),
        territoryId: null,
        nextState: out.state,
      };
    }
    case 'territory': {
      const match = matchTerritory(lead, rule.territories);
      let prefix = 'No territory matches';
      if (match !== null) {
        const { territory } = match;
        const out = resolveTarget(
          territory.assignTo,
          cursorKeys.territoryPool(territory.id),
          state,
          ctx.teams,
          check,
        );
        const head = `Territory ${territory.label} (${match.because})`;
        if (out.ownerId !== null) {
          return {
            ownerId: out.ownerId,
            code: 'territory',
            reason: `${head}: ${out.how}`,
            territoryId: territory.id,
            nextState: out.state,
          };
        }
        prefix = `${head}: ${out.how}`;
      }
      const territoryId = match?.territory.id ?? null;
      if (rule.fallback.kind === 'unassigned') {
        return {
          ownerId: null,
          code: 'territory-fallback',
          reason: `${prefix}; fallback leaves it unassigned`,
          territoryId,
          nextState: state,
        };
      }
      const out = resolveTarget(rule.fallback, cursorKeys.fallbackPool, state, ctx.teams, check);
      const code = out.ownerId === null ? 'no-available-sdr' : 'territory-fallback';
      return {
        ownerId: out.ownerId,
        code,
        reason: `${prefix}; fallback ${out.how}`,
        territoryId,
        nextState: out.state,
      };
    }
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Routes one new lead. */
export function routeLead(
  lead: LeadLocation,
  rule: RoutingRule,
  state: RoutingState,
  ctx: RoutingContext,
): RouteResult {
  return route(lead, rule, state, ctx, (id) => unavailability(own(ctx.sdrs, id), ctx.now));
}

export interface BatchRouteResult {
  /** One decision per lead, in input order. */
  readonly decisions: readonly RoutingDecision[];
  readonly nextState: RoutingState;
  /** Leads assigned per SDR in this batch (add to their loads). */
  readonly assigned: Readonly<Record<string, number>>;
}

/** Routes an import batch: one cursor threaded through, the batch's assignments count as load. */
export function routeLeads(
  leads: readonly LeadLocation[],
  rule: RoutingRule,
  state: RoutingState,
  ctx: RoutingContext,
): BatchRouteResult {
  const extra = new Map<string, number>();
  const check: Check = (id) => unavailability(own(ctx.sdrs, id), ctx.now, extra.get(id) ?? 0);
  const decisions: RoutingDecision[] = [];
  let current = state;
  for (const lead of leads) {
    const { nextState, ...decision } = route(lead, rule, current, ctx, check);
    decisions.push(decision);
    current = nextState;
    if (decision.ownerId !== null)
      extra.set(decision.ownerId, (extra.get(decision.ownerId) ?? 0) + 1);
  }
  return { decisions, nextState: current, assigned: Object.fromEntries(extra) };
}
