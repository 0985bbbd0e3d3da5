/**
 * Fit rules: who the lead is (title, seniority, industry, company size, country). Each matching
 * rule adds its points (possibly negative) and one line of explanation.
 */
import type { FitRule } from '@sdr/schema';
import { companySizeRange, formatSizeRange } from './company-size.ts';
import { seniorityOf } from './seniority.ts';
import type { FitField, FitPart, ScoreLine, ScoringLead } from './types.ts';

const ALNUM = /[\p{L}\p{N}]/u;

function isBoundary(s: string, i: number): boolean {
  const ch = s[i];
  return ch === undefined || !ALNUM.test(ch);
}

/** Whether `needle` occurs in `haystack` as whole word(s); both already lower case. */
export function containsWord(haystack: string, needle: string): boolean {
  if (needle.length === 0) return false;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
    if (isBoundary(haystack, i - 1) && isBoundary(haystack, i + needle.length)) return true;
  }
  return false;
}

function norm(s: string | null | undefined): string {
  return (s ?? '').trim().toLowerCase();
}

function describeBand(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${min}-${max}`;
  return min !== undefined ? `${min}+` : `up to ${max}`;
}

/** Why the rule matches the lead, or null when it does not. */
export function fitReason(rule: FitRule, lead: ScoringLead): string | null {
  switch (rule.kind) {
    case 'title': {
      const title = norm(lead.title);
      if (title === '') return null;
      const term = rule.anyOf.find((t) =>
        rule.match === 'word' ? containsWord(title, norm(t)) : title.includes(norm(t)),
      );
      if (term === undefined) return null;
      const how = rule.match === 'word' ? 'has the word' : 'contains';
      return `Title "${lead.title?.trim()}" ${how} "${term}"`;
    }
    case 'seniority': {
      const level = seniorityOf(lead.title);
      return level !== null && rule.levels.includes(level)
        ? `Title "${lead.title?.trim()}" is ${level} level`
        : null;
    }
    case 'industry': {
      const industry = norm(lead.industry);
      const hit = rule.anyOf.find((i) => norm(i) === industry);
      return hit === undefined || industry === '' ? null : `Industry is ${hit}`;
    }
    case 'companySize': {
      const size = companySizeRange(lead.companySize);
      if (size === null) return null;
      const lo = rule.min ?? 0;
      const inside =
        size.min >= lo && (rule.max === undefined || (size.max ?? Infinity) <= rule.max);
      return inside
        ? `Company size ${formatSizeRange(size)} in band ${describeBand(rule.min, rule.max)}`
        : null;
    }
    case 'country': {
      const country = norm(lead.country).toUpperCase();
      const hit = rule.anyOf.some((c) => c.trim().toUpperCase() === country);
      return country !== '' && hit ? `Country is ${country}` : null;
    }
  }
}

export function evaluateFit(lead: ScoringLead, rules: readonly FitRule[]): FitPart {
  const lines: ScoreLine[] = [];
  let points = 0;
  for (const rule of rules) {
    const reason = fitReason(rule, lead);
    if (reason === null) continue;
    lines.push({ ruleId: rule.id, label: rule.label, points: rule.points, reason });
    points += rule.points;
  }
  return { points, lines };
}

const FIELD_OF: Record<FitRule['kind'], FitField> = {
  title: 'title',
  seniority: 'title',
  industry: 'industry',
  companySize: 'companySize',
  country: 'country',
};

/** The lead fields the given fit rules read. */
export function fitFields(rules: readonly FitRule[]): ReadonlySet<FitField> {
  return new Set(rules.map((r) => FIELD_OF[r.kind]));
}
