/**
 * Configuration shapes for lead scoring and routing on creation. Managers edit them in Settings;
 * the server validates them with these schemas at the boundary and stores them per workspace; the
 * pure rules in `@sdr/domain` (scoring/, routing/) consume the parsed (output) types.
 */
import { z } from 'zod';

const Id = z.string().min(1).max(64);
const RuleId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'Use letters, digits, "_", "-" or "." (max 64)');
const Label = z.string().trim().min(1, 'Enter a label').max(120);
const Points = z.number().int().min(-1000).max(1000);
/** ISO 3166-1 alpha-2, stored upper case. */
export const CountryCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'Use a two-letter ISO country code');
/** An IANA zone (`Europe/Berlin`, `UTC`) or a region prefix pattern (`America/*`). */
export const TimeZonePattern = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*(\/\*)?$/,
    'Use an IANA time zone like Europe/Berlin',
  )
  .max(64);
const Term = z.string().trim().min(1).max(100);

function unique<T>(list: readonly T[]): boolean {
  return new Set(list).size === list.length;
}

// ---- scoring ---------------------------------------------------------------------------------

/** Ordered from most to least senior; `seniorityOf(title)` in the domain classifies a title. */
export const SENIORITY_LEVELS = ['c-level', 'vp', 'director', 'manager', 'individual'] as const;
export type SeniorityLevel = (typeof SENIORITY_LEVELS)[number];

/** Activity that engagement rules count (later issues emit them: email, calls, meetings). */
export const ENGAGEMENT_EVENT_KINDS = ['open', 'click', 'reply', 'call', 'meeting'] as const;
export type EngagementEventKind = (typeof ENGAGEMENT_EVENT_KINDS)[number];

const fitBase = { id: RuleId, label: Label, points: Points };

export const FitRule = z.discriminatedUnion('kind', [
  z.object({
    ...fitBase,
    kind: z.literal('title'),
    /** `contains`: substring; `word`: whole words or phrases. Case-insensitive. */
    match: z.enum(['contains', 'word']),
    anyOf: z.array(Term).min(1).max(100),
  }),
  z.object({
    ...fitBase,
    kind: z.literal('seniority'),
    levels: z.array(z.enum(SENIORITY_LEVELS)).min(1).refine(unique, 'Levels repeat'),
  }),
  z.object({
    ...fitBase,
    kind: z.literal('industry'),
    /** Case-insensitive exact match after trimming. */
    anyOf: z.array(Term).min(1).max(200),
  }),
  z
    .object({
      ...fitBase,
      kind: z.literal('companySize'),
      /** Employees, inclusive; the lead's size (or band) must lie within. */
      min: z.number().int().min(0).optional(),
      max: z.number().int().min(0).optional(),
    })
    .refine((r) => r.min !== undefined || r.max !== undefined, 'Give a minimum or a maximum')
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
      message: 'Minimum is above maximum',
    }),
  z.object({
    ...fitBase,
    kind: z.literal('country'),
    anyOf: z.array(CountryCode).min(1).max(250),
  }),
]);
export type FitRule = z.infer<typeof FitRule>;

export const EngagementRule = z.object({
  id: RuleId,
  label: Label,
  event: z.enum(ENGAGEMENT_EVENT_KINDS),
  /** Counted events: `now - windowDays < at <= now`. */
  windowDays: z.number().int().min(1).max(3650),
  pointsPerEvent: z.number().finite().min(-1000).max(1000),
  /** Cap on the magnitude of the rule's total. */
  maxPoints: z.number().int().min(1).max(10_000),
  /** Each event's points halve every `halfLifeDays` of age. */
  decay: z.object({ halfLifeDays: z.number().positive().max(3650) }).optional(),
});
export type EngagementRule = z.infer<typeof EngagementRule>;

export const ScoringConfig = z
  .object({
    fit: z.array(FitRule).max(200),
    engagement: z.array(EngagementRule).max(50),
  })
  .refine(
    (c) => unique([...c.fit.map((r) => r.id), ...c.engagement.map((r) => r.id)]),
    'Rule ids must be unique',
  );
export type ScoringConfig = z.infer<typeof ScoringConfig>;

// ---- routing ---------------------------------------------------------------------------------

export const RoutingTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), userId: Id }),
  /** Round-robin across the team's members (the server passes the member lists). */
  z.object({ kind: z.literal('team'), teamId: Id }),
  /** Round-robin across the listed SDRs. */
  z.object({
    kind: z.literal('pool'),
    sdrIds: z.array(Id).min(1).max(500).refine(unique, 'SDRs repeat'),
  }),
]);
export type RoutingTarget = z.infer<typeof RoutingTarget>;

export const Territory = z
  .object({
    id: RuleId,
    label: Label,
    /** Both lists given: the lead must match both; one given: that one decides. */
    countries: z.array(CountryCode).max(250).optional(),
    timeZones: z.array(TimeZonePattern).max(200).optional(),
    assignTo: RoutingTarget,
  })
  .refine(
    (t) => (t.countries?.length ?? 0) + (t.timeZones?.length ?? 0) > 0,
    'Give countries or time zones',
  );
export type Territory = z.infer<typeof Territory>;

export const RoutingRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('unassigned') }),
  z.object({
    kind: z.literal('round-robin'),
    sdrIds: z.array(Id).min(1).max(500).refine(unique, 'SDRs repeat'),
  }),
  z.object({
    kind: z.literal('territory'),
    /** First match wins. */
    territories: z
      .array(Territory)
      .max(200)
      .refine((ts) => unique(ts.map((t) => t.id)), 'Territory ids must be unique'),
    fallback: z.union([z.object({ kind: z.literal('unassigned') }), RoutingTarget]),
  }),
]);
export type RoutingRule = z.infer<typeof RoutingRule>;

/** Where a round-robin left off: the last picked id and its index (used if it left the list). */
export const RoundRobinCursor = z.object({ lastId: Id, index: z.number().int().min(0) });
export type RoundRobinCursor = z.infer<typeof RoundRobinCursor>;

/** Persistent routing state per workspace: one cursor per round-robin (keyed by the domain). */
export const RoutingState = z.object({ cursors: z.record(z.string(), RoundRobinCursor) });
export type RoutingState = z.infer<typeof RoutingState>;
