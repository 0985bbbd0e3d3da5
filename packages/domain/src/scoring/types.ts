/** Inputs and outputs of lead scoring (the configuration shapes live in `@sdr/schema`). */
import type { EngagementEventKind } from '@sdr/schema';

/** The lead fields scoring reads; absent or null fields simply match no rule. */
export interface ScoringLead {
  readonly title?: string | null;
  readonly industry?: string | null;
  /** Employees, or a band as people write it: "51-200", "1,001–5,000", "10k+". */
  readonly companySize?: number | string | null;
  /** ISO 3166-1 alpha-2 (any case). */
  readonly country?: string | null;
}

/** The lead fields fit rules depend on (what `changedFields` is compared with). */
export type FitField = 'title' | 'industry' | 'companySize' | 'country';

/**
 * One activity fact, immutable by `id` (a redelivered event with the same id counts once).
 * `at` is epoch milliseconds.
 */
export interface ActivityEvent {
  readonly id: string;
  readonly kind: EngagementEventKind;
  readonly at: number;
}

/** One line of the "why": a rule that contributed to the score. */
export interface ScoreLine {
  readonly ruleId: string;
  readonly label: string;
  readonly points: number;
  readonly reason: string;
}

export interface LeadScore {
  readonly score: number;
  readonly breakdown: readonly ScoreLine[];
}

export interface FitPart {
  readonly points: number;
  readonly lines: readonly ScoreLine[];
}

export interface EngagementPart {
  readonly points: number;
  readonly lines: readonly ScoreLine[];
  /** Events that count now or may count later, sorted by (at, id); older ones never count again. */
  readonly events: readonly ActivityEvent[];
  /**
   * The earliest time after `computedAt` at which the engagement points may change with no new
   * event (an event entering or leaving a window, or decay); null when they never will.
   */
  readonly validUntil: number | null;
}

/** A cacheable score: fit and engagement kept apart so a change recomputes only its part. */
export interface ScoreState extends LeadScore {
  readonly fit: FitPart;
  readonly engagement: EngagementPart;
  /** Fingerprint of the configuration the state was computed with. */
  readonly configKey: string;
  readonly computedAt: number;
}
