/**
 * A workspace's lead settings, configured by admins and managers: the pipeline (ordered stages),
 * custom field definitions, scoring rules and the routing rule for new leads. The server stores
 * them; the engine keeps the last copy it saw so everything works offline.
 */
import { z } from 'zod';
import { CUSTOM_KEY_PATTERN } from './records/lead.ts';
import { RoutingRule, ScoringConfig } from './scoring-routing.ts';

const Label = z.string().trim().min(1, 'Give it a name').max(80, 'Use at most 80 characters');
const unique = (xs: readonly string[]) => new Set(xs).size === xs.length;

/** `open` stages are worked; `won`/`lost` end the pipeline (`lost` asks for a reason). */
export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export const PipelineStage = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'Use lowercase letters, digits, - and _'),
  label: Label,
  kind: z.enum(STAGE_KINDS),
  /** Reasons offered when a lead enters this stage (e.g. disqualification reasons). */
  reasons: z.array(Label).max(50).default([]),
});
export type PipelineStage = z.infer<typeof PipelineStage>;

export const Pipeline = z
  .object({ stages: z.array(PipelineStage).min(1).max(50) })
  .refine((p) => unique(p.stages.map((s) => s.key)), 'Stage keys must be unique');
export type Pipeline = z.infer<typeof Pipeline>;

export const CUSTOM_FIELD_TYPES = [
  'text',
  'number',
  'date',
  'select',
  'multiselect',
  'boolean',
] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export const CustomFieldDef = z
  .object({
    key: z.string().regex(CUSTOM_KEY_PATTERN, 'Use lowercase letters, digits and _'),
    label: Label,
    type: z.enum(CUSTOM_FIELD_TYPES),
    /** For select and multiselect. */
    options: z.array(Label).max(200).optional(),
  })
  .refine(
    (f) => (f.type === 'select' || f.type === 'multiselect') === (f.options !== undefined),
    'Select fields need options; other types take none',
  );
export type CustomFieldDef = z.infer<typeof CustomFieldDef>;

export const LeadSettings = z.object({
  pipeline: Pipeline,
  customFields: z
    .array(CustomFieldDef)
    .max(200)
    .refine((fs) => unique(fs.map((f) => f.key)), 'Custom field keys must be unique'),
  scoring: ScoringConfig,
  routing: RoutingRule,
});
export type LeadSettings = z.infer<typeof LeadSettings>;

export const DEFAULT_PIPELINE: Pipeline = {
  stages: [
    { key: 'new', label: 'New', kind: 'open', reasons: [] },
    { key: 'working', label: 'Working', kind: 'open', reasons: [] },
    { key: 'qualified', label: 'Qualified', kind: 'open', reasons: [] },
    { key: 'converted', label: 'Converted', kind: 'won', reasons: [] },
    {
      key: 'disqualified',
      label: 'Disqualified',
      kind: 'lost',
      reasons: ['Not a fit', 'No budget', 'No response', 'Competitor', 'Bad data'],
    },
  ],
};

export const DEFAULT_LEAD_SETTINGS: LeadSettings = {
  pipeline: DEFAULT_PIPELINE,
  customFields: [],
  scoring: { fit: [], engagement: [] },
  routing: { kind: 'unassigned' },
};
