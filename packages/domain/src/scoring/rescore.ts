/**
 * Incremental rescoring. Fit and engagement are cached apart in `ScoreState`: a change of a field
 * no fit rule reads recomputes nothing, a fit field recomputes only fit, and engagement is
 * recomputed only when a new event can count or the clock crosses `validUntil` (an event entering
 * or leaving a window, or decay). Engagement works from the events kept in the state, so the
 * caller never reloads the activity history. The result always equals `scoreLeadState` over the
 * whole history (proved by a property test), given that events are immutable by id and the clock
 * does not move backwards; a changed configuration or a clock that went back asks for a full
 * recomputation instead.
 */
import type { ScoringConfig } from '@sdr/schema';
import { canStillCount, evaluateEngagement, maxWindows, normalizeEvents } from './engagement.ts';
import { evaluateFit, fitFields } from './fit.ts';
import { assembleScore, scoringConfigKey } from './score.ts';
import type { ActivityEvent, ScoreState, ScoringLead } from './types.ts';

export interface ScoreChange {
  /** The lead as it is now. */
  readonly lead: ScoringLead;
  /** Lead fields changed since `prev` was computed; omitted: unknown, so fit is recomputed. */
  readonly changedFields?: readonly string[];
  /** Activity that arrived since `prev` was computed (repeats of known ids are ignored). */
  readonly newEvents?: readonly ActivityEvent[];
  /** Epoch milliseconds. */
  readonly now: number;
}

export type FullRescoreReason = 'config-changed' | 'clock-went-back';

export type RescorePlan =
  | { readonly kind: 'full'; readonly reason: FullRescoreReason }
  | {
      readonly kind: 'partial';
      readonly fit: boolean;
      readonly engagement: boolean;
      /** New events that can count (now or later) and are not in `prev` yet. */
      readonly newEvents: readonly ActivityEvent[];
    };

export type RescoreResult =
  | {
      readonly ok: true;
      /** `prev` itself when nothing had to be recomputed. */
      readonly state: ScoreState;
      readonly recomputed: { readonly fit: boolean; readonly engagement: boolean };
    }
  | { readonly ok: false; readonly reason: FullRescoreReason };

/** What a change requires: nothing, fit and/or engagement, or a full recomputation. */
export function planRescore(
  prev: ScoreState,
  change: ScoreChange,
  config: ScoringConfig,
): RescorePlan {
  if (scoringConfigKey(config) !== prev.configKey)
    return { kind: 'full', reason: 'config-changed' };
  if (change.now < prev.computedAt) return { kind: 'full', reason: 'clock-went-back' };
  const reads = fitFields(config.fit);
  const fit =
    change.changedFields === undefined ||
    change.changedFields.some((f) => (reads as ReadonlySet<string>).has(f));
  const windows = maxWindows(config.engagement);
  const known = new Set(prev.engagement.events.map((e) => e.id));
  const newEvents = (change.newEvents ?? []).filter(
    (e) => !known.has(e.id) && canStillCount(e, windows, change.now),
  );
  const { validUntil } = prev.engagement;
  const timePassed =
    change.now > prev.computedAt && validUntil !== null && change.now >= validUntil;
  return { kind: 'partial', fit, engagement: newEvents.length > 0 || timePassed, newEvents };
}

/** Brings `prev` up to date with `change` doing only the work the change requires. */
export function rescore(
  prev: ScoreState,
  change: ScoreChange,
  config: ScoringConfig,
): RescoreResult {
  const plan = planRescore(prev, change, config);
  if (plan.kind === 'full') return { ok: false, reason: plan.reason };
  const recomputed = { fit: plan.fit, engagement: plan.engagement };
  if (!plan.fit && !plan.engagement) return { ok: true, state: prev, recomputed };
  const fit = plan.fit ? evaluateFit(change.lead, config.fit) : prev.fit;
  const engagement = plan.engagement
    ? evaluateEngagement(
        config.engagement,
        normalizeEvents([...prev.engagement.events, ...plan.newEvents]),
        change.now,
      )
    : prev.engagement;
  const state = assembleScore(fit, engagement, prev.configKey, change.now);
  return { ok: true, state, recomputed };
}
