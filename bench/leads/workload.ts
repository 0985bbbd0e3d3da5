/**
 * What the benchmark asks the engine: 20 realistic table filters (each with the sort a person
 * would pick), 20 searches as typed into the search box, and 10 saved views whose counts show in
 * the sidebar. Values exist in the generated data (generate.ts), so every query does real work.
 */
import type { FilterNode } from './deps.ts';
import { OWNER_IDS } from './generate.ts';

type Sort = { field: string; dir: 'asc' | 'desc' }[];
export interface TableQuery {
  name: string;
  filter: FilterNode;
  sort: Sort;
}

const c = (field: string, op: string, value?: unknown): FilterNode =>
  (value === undefined
    ? { kind: 'condition', field, op }
    : { kind: 'condition', field, op, value }) as FilterNode;
const and = (...children: FilterNode[]): FilterNode => ({ kind: 'and', children });
const or = (...children: FilterNode[]): FilterNode => ({ kind: 'or', children });
const not = (child: FilterNode): FilterNode => ({ kind: 'not', child });
const days = (amount: number) => ({ amount, unit: 'days' });

const ME = OWNER_IDS[0]!;
const UPDATED: Sort = [{ field: 'updatedAt', dir: 'desc' }];
const NAME: Sort = [
  { field: 'lastName', dir: 'asc' },
  { field: 'firstName', dir: 'asc' },
];

export const TABLE_QUERIES: TableQuery[] = [
  { name: 'status new', filter: c('status', 'is', 'new'), sort: UPDATED },
  {
    name: 'working or qualified, by name',
    filter: c('status', 'in', ['working', 'qualified']),
    sort: NAME,
  },
  { name: 'my leads', filter: c('ownerId', 'is', ME), sort: UPDATED },
  {
    name: 'my open leads',
    filter: and(c('ownerId', 'is', ME), c('status', 'in', ['new', 'working'])),
    sort: UPDATED,
  },
  { name: 'Germany', filter: c('country', 'is', 'DE'), sort: UPDATED },
  {
    name: 'North America, newest',
    filter: c('country', 'in', ['US', 'CA']),
    sort: [{ field: 'createdAt', dir: 'desc' }],
  },
  { name: 'tagged vip', filter: c('tags', 'contains_any', ['vip']), sort: UPDATED },
  {
    name: 'hot or warm, not disqualified',
    filter: and(c('tags', 'contains_any', ['hot', 'warm']), c('status', 'is_not', 'disqualified')),
    sort: UPDATED,
  },
  {
    name: 'created in the last 30 days',
    filter: c('createdAt', 'in_last', days(30)),
    sort: [{ field: 'createdAt', dir: 'desc' }],
  },
  {
    name: 'working, never contacted',
    filter: and(c('status', 'is', 'working'), c('lastContactedAt', 'is_empty')),
    sort: UPDATED,
  },
  {
    name: 'stale: not contacted in 90 days',
    filter: and(
      c('status', 'in', ['working', 'qualified']),
      not(c('lastContactedAt', 'in_last', days(90))),
    ),
    sort: [{ field: 'lastContactedAt', dir: 'asc' }],
  },
  { name: 'industry software', filter: c('industry', 'is', 'Software'), sort: NAME },
  {
    name: '50-500 employees, by company',
    filter: c('companySize', 'between', [50, 500]),
    sort: [{ field: 'company', dir: 'asc' }],
  },
  {
    name: 'email allowed',
    filter: and(
      c('consentEmail', 'is', 'granted'),
      c('doNotContact', 'is_false'),
      c('email', 'is_not_empty'),
    ),
    sort: UPDATED,
  },
  { name: 'title contains VP', filter: c('title', 'contains', 'VP'), sort: UPDATED },
  {
    name: 'company starts with Nor',
    filter: c('company', 'starts_with', 'Nor'),
    sort: [{ field: 'company', dir: 'asc' }],
  },
  { name: 'email ends with .de', filter: c('email', 'ends_with', '.de'), sort: UPDATED },
  { name: 'custom tier gold', filter: c('custom.tier', 'is', 'gold'), sort: UPDATED },
  {
    name: 'custom budget over 50k, biggest first',
    filter: c('custom.budget', 'gte', 50_000),
    sort: [{ field: 'custom.budget', dir: 'desc' }],
  },
  {
    name: 'EMEA team, last 90 days, by last contact',
    filter: and(c('team', 'is', 'EMEA'), c('createdAt', 'in_last', days(90))),
    sort: [{ field: 'lastContactedAt', dir: 'desc' }],
  },
];

/** Searches as people type them: name and company prefixes, emails, phones, notes words. */
export const SEARCHES: string[] = [
  'mar',
  'martin',
  'müller',
  'garcia',
  'jo',
  'north',
  'northwind ana',
  'sophia.g',
  'kim park',
  "o'brien",
  'van der',
  '+1 415',
  '4155',
  '+49 151',
  'pricing',
  'follow up',
  'competitor contract',
  'zoe',
  'logistics',
  'renée',
];

export interface SavedView {
  name: string;
  filter: FilterNode | undefined;
  search?: string;
}

export const SAVED_VIEWS: SavedView[] = [
  { name: 'All leads', filter: undefined },
  {
    name: 'My open leads',
    filter: and(c('ownerId', 'is', ME), c('status', 'in', ['new', 'working'])),
  },
  { name: 'New this week', filter: c('createdAt', 'in_last', days(7)) },
  {
    name: 'Hot EMEA',
    filter: and(c('team', 'is', 'EMEA'), c('tags', 'contains_any', ['hot', 'vip'])),
  },
  {
    name: 'Stale working',
    filter: and(
      c('status', 'is', 'working'),
      or(c('lastContactedAt', 'is_empty'), not(c('lastContactedAt', 'in_last', days(30)))),
    ),
  },
  {
    name: 'Enterprise US',
    filter: and(c('country', 'is', 'US'), c('companySize', 'gte', 1000)),
  },
  {
    name: 'Qualified, email allowed',
    filter: and(c('status', 'is', 'qualified'), c('consentEmail', 'is', 'granted')),
  },
  { name: 'Gold tier', filter: c('custom.tier', 'is', 'gold') },
  { name: 'Do not contact', filter: c('doNotContact', 'is_true') },
  { name: 'Pricing talks', filter: c('status', 'in', ['working', 'qualified']), search: 'pricing' },
];
