/** What every scenario gets from main.ts, and what it gives back. */
import type { BenchDatabase } from './seed.ts';

export interface BenchContext {
  readonly db: BenchDatabase;
  readonly jwtSecret: string;
  /** --quick: every figure at a small size, one repetition. */
  readonly quick: boolean;
  /** Repetitions of short duration figures (median reported). */
  readonly reps: number;
}

export type Figures = Record<string, number | null>;

export interface ScenarioResult {
  readonly figures: Figures;
  /** Why a figure is null, or what it was measured at when that differs from the goal's size. */
  readonly notes?: readonly string[];
  /** Supporting numbers (per-run values, breakdowns) for the README and the report. */
  readonly details?: Record<string, unknown>;
}
