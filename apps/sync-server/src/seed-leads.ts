/**
 * Demo leads for a fresh demo workspace (`pnpm start`): realistic names, companies, titles,
 * industries, countries with their phone formats and time zones, pipeline stages, tags, owners
 * and notes, so a newcomer sees a working workspace. Deterministic (seeded), written through the
 * sync authority like any server writer, so they reach every client and have a timeline.
 */
import { ulid } from 'ulid';
import { leadDocName } from './sync/lead-row.ts';
import type { SyncCore } from './sync/sync-core.ts';

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Katherine',
  'Linus',
  'Margaret',
  'Tim',
  'Barbara',
  'Dennis',
  'Frances',
  'Ken',
  'Radia',
  'Guido',
  'Hedy',
  'Edsger',
  'Sophie',
  'Yukihiro',
  'Anders',
  'Joan',
  'Niklaus',
  'Lucía',
  'Mateo',
  'Chloé',
  'Jonas',
  'Priya',
  'Kenji',
  'Amara',
  'Olga',
  'Tomás',
  'Zoë',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Johnson',
  'Torvalds',
  'Hamilton',
  'Berners-Lee',
  'Liskov',
  'Ritchie',
  'Allen',
  'Thompson',
  'Perlman',
  'van Rossum',
  'Lamarr',
  'Dijkstra',
  'Wilson',
  'Matsumoto',
  'Hejlsberg',
  'Clarke',
  'Wirth',
  'García',
  'Müller',
  'Dubois',
  'Nakamura',
  'Okafor',
];
const COMPANIES = [
  ['Northwind Traders', 'Retail', 240],
  ['Contoso Analytics', 'Software', 1200],
  ['Fabrikam Robotics', 'Manufacturing', 860],
  ['Tailspin Air', 'Aviation', 3400],
  ['Wide World Importers', 'Logistics', 520],
  ['Litware Health', 'Healthcare', 95],
  ['Adventure Works', 'Consumer Goods', 410],
  ['Proseware Labs', 'Biotech', 60],
  ['Woodgrove Bank', 'Financial Services', 15000],
  ['Lucerne Publishing', 'Media', 180],
  ['Blue Yonder Airlines', 'Aviation', 2100],
  ['Coho Vineyard', 'Food & Beverage', 45],
  ['Trey Research', 'Software', 30],
  ['Alpine Ski House', 'Hospitality', 130],
  ['Fourth Coffee', 'Food & Beverage', 75],
  ['Graphic Design Institute', 'Education', 300],
] as const;
const TITLES = [
  'VP of Sales',
  'Head of Revenue Operations',
  'CTO',
  'Director of Marketing',
  'Sales Manager',
  'Chief Executive Officer',
  'Procurement Lead',
  'IT Director',
  'Operations Manager',
  'Founder',
  'Account Executive',
  'Head of Growth',
];
/** Country, its main zone, and an E.164 prefix that gives valid-looking numbers there. */
const PLACES = [
  ['US', 'America/New_York', '+1212555'],
  ['US', 'America/Chicago', '+1312555'],
  ['US', 'America/Los_Angeles', '+1415555'],
  ['GB', 'Europe/London', '+4420794'],
  ['DE', 'Europe/Berlin', '+4930901'],
  ['FR', 'Europe/Paris', '+3314268'],
  ['ES', 'Europe/Madrid', '+3491123'],
  ['JP', 'Asia/Tokyo', '+8135550'],
  ['AU', 'Australia/Sydney', '+6128765'],
  ['CA', 'America/Toronto', '+1416555'],
] as const;
const STAGES = [
  'new',
  'new',
  'new',
  'working',
  'working',
  'qualified',
  'converted',
  'disqualified',
];
const TAGS = ['trade-show', 'inbound', 'webinar', 'referral', 'enterprise', 'smb', 'q4-push'];
const SOURCES = ['Trade show', 'Website', 'Webinar', 'Referral', 'LinkedIn', 'Cold outbound'];
const NOTES = [
  'Met at the SaaStr booth; interested in the API. Send the security whitepaper.',
  'Asked for pricing for 40 seats. Decision after the board meeting next month.',
  'Gatekeeper said to call back Tuesday morning their time.',
  'Using a competitor, contract renews in March. Keep warm.',
  '',
  '',
];

/** A small deterministic generator (mulberry32), so every demo looks the same. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoLeadOptions {
  workspaceId: string;
  /** Who the leads are created by (the demo admin). */
  authorId: string;
  /** Who may own them (SDRs and managers); some stay unassigned. */
  ownerIds: readonly string[];
  count?: number;
  now?: number;
}

export async function seedDemoLeads(sync: SyncCore, o: DemoLeadOptions): Promise<number> {
  const rnd = random(20261121);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const now = o.now ?? Date.now();
  const count = o.count ?? 240;
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const [company, industry, size] = pick(COMPANIES);
    const [country, timezone, prefix] = pick(PLACES);
    const status = pick(STAGES);
    const domain = `${company.toLowerCase().replace(/[^a-z]+/g, '')}.example.com`;
    const tags = [...new Set([pick(TAGS), ...(rnd() < 0.3 ? [pick(TAGS)] : [])])];
    const changes: Record<string, unknown> = {
      firstName: first,
      lastName: last,
      email: `${first}.${last}.${i}@${domain}`.toLowerCase().replace(/[^a-z0-9.@-]/g, ''),
      phone: `${prefix}${String(1000 + ((i * 37) % 9000)).padStart(4, '0')}`,
      company,
      title: pick(TITLES),
      industry,
      companySize: size,
      website: `https://${domain}`,
      country,
      timezone,
      source: pick(SOURCES),
      status,
      statusReason: status === 'disqualified' ? pick(['No budget', 'Not a fit', 'Competitor']) : '',
      ownerId: rnd() < 0.8 && o.ownerIds.length > 0 ? pick(o.ownerIds) : null,
      tags,
      consentEmail: pick(['unknown', 'granted', 'granted', 'denied']),
      consentCalls: pick(['unknown', 'granted']),
      doNotContact: rnd() < 0.03,
      createdAt: now - Math.floor(rnd() * 90) * 86_400_000 - Math.floor(rnd() * 86_400_000),
      lastContactedAt: status === 'new' ? null : now - Math.floor(rnd() * 14) * 86_400_000,
      notes: pick(NOTES),
    };
    writes.push(
      sync.authority.applyServerWrite({
        workspaceId: o.workspaceId,
        userId: o.authorId,
        docName: leadDocName(ulid()),
        changes,
        mode: 'create',
      }),
    );
  }
  // Queued together, the writes commit in a few group-commit batches.
  const results = (await Promise.all(writes)) as { ok: boolean }[];
  return results.filter((r) => r.ok).length;
}
