import { describe, expect, it } from 'vitest';
import type { FitRule } from '@sdr/schema';
import { companySizeRange } from './company-size.ts';
import { containsWord, evaluateFit, fitFields, fitReason } from './fit.ts';
import { seniorityOf } from './seniority.ts';
import type { ScoringLead } from './types.ts';

describe('seniorityOf', () => {
  it.each([
    { title: 'CEO', level: 'c-level' },
    { title: 'Chief Revenue Officer', level: 'c-level' },
    { title: 'Co-Founder & CTO', level: 'c-level' },
    { title: 'President', level: 'c-level' },
    { title: 'Vice President, Sales', level: 'vp' },
    { title: 'SVP Marketing', level: 'vp' },
    { title: 'Director of Engineering', level: 'director' },
    { title: 'Head of Growth', level: 'director' },
    { title: 'General Manager EMEA', level: 'director' },
    { title: 'Sales Manager', level: 'manager' },
    { title: 'Team Lead, Support', level: 'manager' },
    { title: 'Product Owner', level: 'individual' },
    { title: 'Executive Assistant to the CEO', level: 'individual' },
    { title: 'Marketing Intern', level: 'individual' },
    { title: 'Software Engineer', level: 'individual' },
    { title: '   ', level: null },
    { title: null, level: null },
  ] as const)('$title → $level', ({ title, level }) => {
    expect(seniorityOf(title)).toBe(level);
  });
});

describe('companySizeRange', () => {
  it.each([
    { value: 250, range: { min: 250, max: 250 } },
    { value: '51-200', range: { min: 51, max: 200 } },
    { value: '1,001 – 5,000 employees', range: { min: 1001, max: 5000 } },
    { value: '51 to 200', range: { min: 51, max: 200 } },
    { value: '10,000+', range: { min: 10000, max: null } },
    { value: '10k+', range: { min: 10000, max: null } },
    { value: '1.5k', range: { min: 1500, max: 1500 } },
    { value: '500 employees', range: { min: 500, max: 500 } },
    { value: '200-51', range: { min: 51, max: 200 } },
    { value: 'lots', range: null },
    { value: '', range: null },
    { value: -3, range: null },
    { value: Number.NaN, range: null },
    { value: null, range: null },
  ])('$value → $range', ({ value, range }) => {
    expect(companySizeRange(value)).toEqual(range);
  });
});

describe('containsWord', () => {
  it.each([
    { hay: 'vp of sales', needle: 'vp', hit: true },
    { hay: 'svp of sales', needle: 'vp', hit: false },
    { hay: 'head of sales ops', needle: 'sales ops', hit: true },
    { hay: 'salesforce admin', needle: 'sales', hit: false },
    { hay: 'sales/marketing', needle: 'marketing', hit: true },
    { hay: 'anything', needle: '', hit: false },
  ])('"$needle" in "$hay" → $hit', ({ hay, needle, hit }) => {
    expect(containsWord(hay, needle)).toBe(hit);
  });
});

const base = { label: 'Rule', points: 10 } as const;
const rules = {
  titleContains: {
    ...base,
    id: 'tc',
    kind: 'title',
    match: 'contains',
    anyOf: ['Sales', 'revenue'],
  },
  titleWord: { ...base, id: 'tw', kind: 'title', match: 'word', anyOf: ['VP'] },
  seniority: { ...base, id: 'sen', kind: 'seniority', levels: ['c-level', 'vp'] },
  industry: { ...base, id: 'ind', kind: 'industry', anyOf: ['Software', 'SaaS'] },
  sizeBand: { ...base, id: 'size', kind: 'companySize', min: 50, max: 500 },
  sizeMin: { ...base, id: 'big', kind: 'companySize', min: 1000 },
  country: { ...base, id: 'ctry', kind: 'country', anyOf: ['DE', 'AT', 'CH'] },
  student: { ...base, id: 'stud', kind: 'title', match: 'word', anyOf: ['student'], points: -25 },
} satisfies Record<string, FitRule>;

describe('fit rules', () => {
  it.each([
    {
      rule: 'titleContains',
      lead: { title: 'Head of Salesforce' },
      reason: 'Title "Head of Salesforce" contains "Sales"',
    },
    { rule: 'titleContains', lead: { title: 'Engineer' }, reason: null },
    { rule: 'titleContains', lead: {}, reason: null },
    {
      rule: 'titleWord',
      lead: { title: ' VP Sales ' },
      reason: 'Title "VP Sales" has the word "VP"',
    },
    { rule: 'titleWord', lead: { title: 'SVP Sales' }, reason: null },
    { rule: 'seniority', lead: { title: 'SVP Sales' }, reason: 'Title "SVP Sales" is vp level' },
    { rule: 'seniority', lead: { title: 'Sales Manager' }, reason: null },
    { rule: 'industry', lead: { industry: ' saas ' }, reason: 'Industry is SaaS' },
    { rule: 'industry', lead: { industry: 'Software Services' }, reason: null },
    { rule: 'industry', lead: { industry: '' }, reason: null },
    {
      rule: 'sizeBand',
      lead: { companySize: '51-200' },
      reason: 'Company size 51-200 in band 50-500',
    },
    { rule: 'sizeBand', lead: { companySize: 50 }, reason: 'Company size 50 in band 50-500' },
    { rule: 'sizeBand', lead: { companySize: '201-1000' }, reason: null },
    { rule: 'sizeBand', lead: { companySize: '10k+' }, reason: null },
    { rule: 'sizeBand', lead: { companySize: 'unknown' }, reason: null },
    { rule: 'sizeMin', lead: { companySize: '10k+' }, reason: 'Company size 10000+ in band 1000+' },
    { rule: 'country', lead: { country: 'de' }, reason: 'Country is DE' },
    { rule: 'country', lead: { country: 'FR' }, reason: null },
    { rule: 'country', lead: { country: null }, reason: null },
  ] as const)('$rule on $lead', ({ rule, lead, reason }) => {
    expect(fitReason(rules[rule], lead)).toBe(reason);
  });

  it('sums matching rules, negative points included, and explains each one in rule order', () => {
    const lead: ScoringLead = { title: 'VP Sales (student)', industry: 'Software', country: 'US' };
    const fit = evaluateFit(lead, Object.values(rules));
    expect(fit.lines.map((l) => [l.ruleId, l.points])).toEqual([
      ['tc', 10],
      ['tw', 10],
      ['sen', 10],
      ['ind', 10],
      ['stud', -25],
    ]);
    expect(fit.points).toBe(15);
  });

  it('gives nothing for an empty lead or no rules', () => {
    expect(evaluateFit({}, Object.values(rules))).toEqual({ points: 0, lines: [] });
    expect(evaluateFit({ title: 'CEO' }, [])).toEqual({ points: 0, lines: [] });
  });

  it('names the lead fields the rules read', () => {
    expect([...fitFields([rules.seniority, rules.titleWord, rules.country])].sort()).toEqual([
      'country',
      'title',
    ]);
    expect(fitFields([]).size).toBe(0);
  });
});
