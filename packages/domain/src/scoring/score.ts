/**
 * Full scoring: fit + engagement, with the "why". `scoreLeadState` returns the cacheable state
 * that `rescore` (rescore.ts) updates incrementally.
 */
import type { ScoringConfig } from '@sdr/schema';
import { evaluateEngagement, normalizeEvents } from './engagement.ts';
import { evaluateFit } from './fit.ts';
import type {
  ActivityEvent,
  EngagementPart,
  FitPart,
  LeadScore,
  ScoreState,
  ScoringLead,
} from './types.ts';

export interface ScoreOptions {
  /** Epoch milliseconds. */
  readonly now: number;
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const configKeys = new WeakMap<ScoringConfig, string>();

/**
 * A fingerprint of the configuration: equal for equal configurations, whatever the key order.
 * Remembered per configuration object (configurations are never mutated once parsed), so scoring
 * many leads with one configuration computes it once, not per lead.
 */
export function scoringConfigKey(config: ScoringConfig): string {
  let key = configKeys.get(config);
  if (key === undefined) {
    key = stable(config);
    configKeys.set(config, key);
  }
  return key;
}

export function assembleScore(
  fit: FitPart,
  engagement: EngagementPart,
  configKey: string,
  computedAt: number,
): ScoreState {
  return {
    score: fit.points + engagement.points,
    breakdown: [...fit.lines, ...engagement.lines],
    fit,
    engagement,
    configKey,
    computedAt,
  };
}

/** Scores a lead from scratch; keep the result to `rescore` it cheaply later. */
export function scoreLeadState(
  lead: ScoringLead,
  activity: readonly ActivityEvent[],
  config: ScoringConfig,
  { now }: ScoreOptions,
): ScoreState {
  return assembleScore(
    evaluateFit(lead, config.fit),
    evaluateEngagement(config.engagement, normalizeEvents(activity), now),
    scoringConfigKey(config),
    now,
  );
}

/** The score and its explanation: one line per rule that contributed. */
export function scoreLead(
  lead: ScoringLead,
  activity: readonly ActivityEvent[],
  config: ScoringConfig,
  options: ScoreOptions,
): LeadScore {
  const { score, breakdown } = scoreLeadState(lead, activity, config, options);
  return { score, breakdown };
}
