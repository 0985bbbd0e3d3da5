/**
 * The merge screen's logic, pure: which lead to keep by default, which value each field takes
 * (`'winner'` or a loser's id, as `leads:merge` expects), and the merged lead it gives.
 */
import { MERGE_FIELDS } from '../../../shared/contract.ts';
import { LEAD_FIELD_LABELS } from '../../../shared/lead-labels.ts';
import type { InputOf, LeadDto, MergeField } from '../../../shared/contract.ts';

export type Choices = Partial<Record<MergeField, string>>;

export const MERGE_FIELD_LABELS = Object.fromEntries(
  MERGE_FIELDS.map((f) => [f, LEAD_FIELD_LABELS[f]]),
) as Record<MergeField, string>;

const value = (lead: LeadDto, field: MergeField): unknown =>
  (lead as unknown as Record<string, unknown>)[field];

/** Empty for merging purposes: '', null, {}, 'unknown' consent. */
export function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === 'unknown') return true;
  if (typeof v === 'object' && !Array.isArray(v)) return Object.keys(v).length === 0;
  return false;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The lead kept by default: the most complete one; ties go to the oldest. */
export function pickWinner(leads: readonly LeadDto[]): LeadDto {
  const score = (l: LeadDto) => MERGE_FIELDS.filter((f) => !isEmpty(value(l, f))).length;
  return [...leads].sort(
    (a, b) => score(b) - score(a) || (a.createdAt || a.updatedAt) - (b.createdAt || b.updatedAt),
  )[0]!;
}

/** Fields whose values differ between the leads (the ones worth choosing). */
export function differingFields(leads: readonly LeadDto[]): MergeField[] {
  return MERGE_FIELDS.filter((f) => leads.some((l) => !same(value(l, f), value(leads[0]!, f))));
}

/** Default choices: the winner's value, unless it is empty and a loser has one. */
export function defaultChoices(winner: LeadDto, losers: readonly LeadDto[]): Choices {
  const choices: Choices = {};
  for (const f of MERGE_FIELDS) {
    if (f === 'custom' || !isEmpty(value(winner, f))) continue;
    const from = losers.find((l) => !isEmpty(value(l, f)));
    if (from) choices[f] = from.id;
  }
  return choices;
}

/** The lead a choice resolves to. */
export function sourceOf(
  choices: Choices,
  field: MergeField,
  winner: LeadDto,
  losers: readonly LeadDto[],
): LeadDto {
  const id = choices[field];
  return losers.find((l) => l.id === id) ?? winner;
}

/** What the merged lead will look like (the engine also fills custom fields the winner lacks). */
export function mergedPreview(
  winner: LeadDto,
  losers: readonly LeadDto[],
  choices: Choices,
): Record<MergeField, unknown> & { tags: string[] } {
  const out = {} as Record<MergeField, unknown> & { tags: string[] };
  for (const f of MERGE_FIELDS) out[f] = value(sourceOf(choices, f, winner, losers), f);
  if (choices.custom === undefined) {
    const custom: Record<string, unknown> = { ...winner.custom };
    for (const l of losers) {
      for (const [k, v] of Object.entries(l.custom)) {
        if ((custom[k] === undefined || custom[k] === null) && v !== null) custom[k] = v;
      }
    }
    out.custom = custom;
  }
  const tags = [...winner.tags];
  for (const l of losers) for (const t of l.tags) if (!tags.includes(t)) tags.push(t);
  out.tags = tags;
  return out;
}

/** The `leads:merge` input: only choices that name a loser that is merged. */
export function mergeRequest(
  winner: LeadDto,
  losers: readonly LeadDto[],
  choices: Choices,
): InputOf<'leads:merge'> {
  const ids = new Set(losers.map((l) => l.id));
  const values: Choices = {};
  for (const [f, id] of Object.entries(choices) as [MergeField, string][]) {
    if (ids.has(id)) values[f] = id;
  }
  return { winnerId: winner.id, loserIds: losers.map((l) => l.id), values };
}

/** A field value as text for the compare table. */
export function showValue(
  field: MergeField,
  v: unknown,
  memberName?: (id: string) => string,
): string {
  if (v === null || v === undefined || v === '') return '—';
  if (field === 'ownerId' && typeof v === 'string') return memberName?.(v) ?? v;
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (field === 'lastContactedAt' && typeof v === 'number')
    return new Date(v).toISOString().slice(0, 10);
  if (typeof v === 'number') return v.toLocaleString('en');
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return entries.length === 0
      ? '—'
      : entries.map(([k, x]) => `${k}: ${Array.isArray(x) ? x.join(', ') : plain(x)}`).join('; ');
  }
  return plain(v);
}

const plain = (x: unknown): string =>
  typeof x === 'string' ? x : typeof x === 'object' ? JSON.stringify(x) : `${x as number}`;

/** What a duplicate group has in common, for its heading. */
export function groupReason(kind: 'email' | 'phone' | 'name', key: string): string {
  if (kind === 'email') return `Same email ${key}`;
  if (kind === 'phone') return `Same phone ${key}`;
  const [last = '', initial = '', company = ''] = key.split('|');
  return `Same name and company (${last}${initial ? `, ${initial.toUpperCase()}.` : ''} at ${company})`;
}
