/**
 * Pure helpers of the lead settings editor: keys derived from labels, new stages, fields and rules
 * with defaults, list moves, and the engine's validation issues placed by their path.
 */
import type {
  CustomFieldDef,
  CustomFieldType,
  FitRule,
  LeadSettings,
  PipelineStage,
  RoutingRule,
  Territory,
} from '@sdr/schema';

/**
 * A key from a label: lowercase ASCII letters, digits and `_`, starting with a letter ("Deal size
 * (€)" → `deal_size`), not one of `taken` (a number is added: `deal_size_2`). `max` is the key's
 * longest length.
 */
export function keyFromLabel(label: string, taken: readonly string[], max = 40): string {
  const base =
    label
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^[^a-z]+/, '')
      .replace(/_+$/, '')
      .slice(0, max)
      .replace(/_+$/, '') || 'field';
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const key = `${base.slice(0, max - suffix.length)}${suffix}`;
    if (!used.has(key)) return key;
  }
}

/** An id for a new rule or territory (letters, digits, `-`), unique among `taken`. */
export function newId(prefix: string, taken: readonly string[]): string {
  const used = new Set(taken);
  for (let n = 1; ; n++) {
    const id = `${prefix}-${n}`;
    if (!used.has(id)) return id;
  }
}

/** `list` with the item at `from` moved by `by` places (clamped to the list). */
export function move<T>(list: readonly T[], from: number, by: number): T[] {
  const to = Math.max(0, Math.min(list.length - 1, from + by));
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}

export function replaceAt<T>(list: readonly T[], index: number, item: T): T[] {
  return list.map((x, i) => (i === index ? item : x));
}

export function removeAt<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}

/** A new open stage named `label` (its key derived from it, kept when the label changes later). */
export function newStage(label: string, stages: readonly PipelineStage[]): PipelineStage {
  return {
    key: keyFromLabel(
      label,
      stages.map((s) => s.key),
      64,
    ),
    label: label.trim(),
    kind: 'open',
    reasons: [],
  };
}

export function newCustomField(
  label: string,
  type: CustomFieldType,
  fields: readonly CustomFieldDef[],
  options: readonly string[] = [],
): CustomFieldDef {
  const key = keyFromLabel(
    label,
    fields.map((f) => f.key),
  );
  const withOptions = type === 'select' || type === 'multiselect';
  return { key, label: label.trim(), type, ...(withOptions ? { options: [...options] } : {}) };
}

/** A custom field's type changed: options appear (empty) or go, as the schema wants. */
export function withType(field: CustomFieldDef, type: CustomFieldType): CustomFieldDef {
  const { options, ...rest } = field;
  return type === 'select' || type === 'multiselect'
    ? { ...rest, type, options: options ?? [] }
    : { ...rest, type };
}

export const FIT_KINDS: readonly { value: FitRule['kind']; label: string }[] = [
  { value: 'title', label: 'Title' },
  { value: 'seniority', label: 'Seniority' },
  { value: 'industry', label: 'Industry' },
  { value: 'companySize', label: 'Company size' },
  { value: 'country', label: 'Country' },
];

/** A fit rule of `kind` with starting values (the same id, label and points when converting). */
export function fitRuleOf(
  kind: FitRule['kind'],
  base: { id: string; label: string; points: number },
): FitRule {
  switch (kind) {
    case 'title':
      return { ...base, kind, match: 'word', anyOf: [] };
    case 'seniority':
      return { ...base, kind, levels: ['vp'] };
    case 'industry':
      return { ...base, kind, anyOf: [] };
    case 'companySize':
      return { ...base, kind, min: 50 };
    case 'country':
      return { ...base, kind, anyOf: [] };
  }
}

export function newFitRule(kind: FitRule['kind'], rules: readonly FitRule[]): FitRule {
  const label = FIT_KINDS.find((k) => k.value === kind)?.label ?? 'Rule';
  const id = newId(
    kind.toLowerCase(),
    rules.map((r) => r.id),
  );
  return fitRuleOf(kind, { id, label: `${label} rule`, points: 10 });
}

export function newTerritory(territories: readonly Territory[]): Territory {
  return {
    id: newId(
      'territory',
      territories.map((t) => t.id),
    ),
    label: `Territory ${territories.length + 1}`,
    countries: [],
    assignTo: { kind: 'pool', sdrIds: [] },
  };
}

/** The routing rule of `kind`, keeping what carries over (chosen SDRs). */
export function routingOf(kind: RoutingRule['kind'], current: RoutingRule): RoutingRule {
  const sdrs =
    current.kind === 'round-robin'
      ? current.sdrIds
      : current.kind === 'territory' && current.fallback.kind === 'pool'
        ? current.fallback.sdrIds
        : [];
  switch (kind) {
    case 'unassigned':
      return { kind };
    case 'round-robin':
      return { kind, sdrIds: [...sdrs] };
    case 'territory':
      return current.kind === 'territory'
        ? current
        : {
            kind,
            territories: [],
            fallback:
              sdrs.length > 0 ? { kind: 'pool', sdrIds: [...sdrs] } : { kind: 'unassigned' },
          };
  }
}

/** Engine `invalid_input` issues by path (`pipeline.stages.2.label` → its message). */
export type Issues = Readonly<Record<string, string>>;

export function issuesByPath(issues: readonly { path: string; message: string }[]): Issues {
  const out: Record<string, string> = {};
  for (const i of issues) out[i.path] ??= i.message;
  return out;
}

/** The message at exactly `path`. */
export function issueAt(issues: Issues, path: string): string | undefined {
  return issues[path];
}

/**
 * Messages at `path` or below it that no field shows (`shown` lists the paths fields show), e.g.
 * "Stage keys must be unique" on `pipeline`: for a banner at the top of that part.
 */
export function issuesUnder(issues: Issues, path: string, shown: readonly string[]): string[] {
  const fields = new Set(shown);
  return Object.entries(issues)
    .filter(([p]) => (p === path || p.startsWith(`${path}.`)) && !fields.has(p))
    .map(([, m]) => m);
}

/** Number of issues of each part of the settings (badges on the tabs). */
export function issueCounts(issues: Issues): Record<keyof LeadSettings, number> {
  const counts = { pipeline: 0, customFields: 0, scoring: 0, routing: 0 };
  for (const path of Object.keys(issues)) {
    const part = path.split('.')[0] as keyof LeadSettings;
    if (part in counts) counts[part] += 1;
  }
  return counts;
}
