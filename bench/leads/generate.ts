/**
 * Realistic generated leads, deterministic per (seed, index): people with names from many
 * languages (diacritics included), companies with domains, sizes and industries, countries with a
 * matching IANA zone and an E.164 phone in that country's plan, pipeline statuses (with reasons
 * for the disqualified), owners and teams, tags, consent flags, custom fields, created dates over
 * two years, last contacts, notes on one lead in five, and a few tombstones.
 */
import type { CustomFieldDef, LeadFields } from './deps.ts';

/** mulberry32: a small, fast seeded generator. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const WORKSPACE_ID = 'ws_bench_leads';

/** The workspace's custom field definitions (lead settings) for the values generated below. */
export const CUSTOM_FIELDS: CustomFieldDef[] = [
  { key: 'budget', label: 'Budget', type: 'number' },
  { key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver', 'bronze'] },
  { key: 'renewal_date', label: 'Renewal date', type: 'date' },
  {
    key: 'products',
    label: 'Products',
    type: 'multiselect',
    options: ['crm', 'dialer', 'sequences', 'analytics', 'api'],
  },
  { key: 'newsletter', label: 'Newsletter', type: 'boolean' },
];
export const DAY_MS = 86_400_000;

const FIRST = [
  'James',
  'Mary',
  'Ada',
  'Grace',
  'Alan',
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Sophia',
  'Lucas',
  'Mia',
  'Ethan',
  'Isabella',
  'Mason',
  'Amelia',
  'Logan',
  'Harper',
  'Elijah',
  'Evelyn',
  'José',
  'Zoë',
  'François',
  'Søren',
  'Łukasz',
  'Jürgen',
  'Anaïs',
  'Björn',
  'Chloé',
  'Renée',
  'André',
  'Noémie',
  'Inés',
  'Mateo',
  'Priya',
  'Arjun',
  'Wei',
  'Yuki',
  'Hiroshi',
  'Fatima',
  'Omar',
  'Sofía',
  'Joaquín',
  'Małgorzata',
  'Øyvind',
  'Åsa',
  'Çağlar',
  'Dvořák',
  'Thomas',
  'Sarah',
  'Michael',
  'Jennifer',
  'David',
  'Laura',
  'Daniel',
  'Anna',
  'Paul',
  'Julia',
  'Mark',
  'Elena',
  'Peter',
  'Hannah',
  'Kevin',
  'Chiara',
  'Marco',
  'Lena',
  'Felix',
  'Aisha',
  'Raj',
  'Mei',
  'Kenji',
  'Ingrid',
  'Lars',
  'Camille',
  'Hugo',
  'Lucía',
  'Pablo',
  'Rosa',
  'Ivan',
  'Olga',
];
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Miller',
  'Davis',
  'García',
  'Rodríguez',
  'Martínez',
  'Hernández',
  'López',
  'González',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Pérez',
  'Thompson',
  'White',
  'Harris',
  'Sánchez',
  'Clark',
  'Ramírez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Hall',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schäfer',
  'Köhler',
  'Dubois',
  'Lefèvre',
  'Moreau',
  'Laurent',
  'Girard',
  'Bonnet',
  'Rossi',
  'Russo',
  'Ferrari',
  'Esposito',
  'Bianchi',
  'Romano',
  'Colombo',
  'Ricci',
  'Núñez',
  'Jiménez',
  'Álvarez',
  'Nowak',
  'Kowalski',
  'Wiśniewski',
  'Wójcik',
  'Żak',
  'Novák',
  'Dvořák',
  'Svensson',
  'Johansson',
  'Øster',
  'Andersen',
  'Nielsen',
  'Hansen',
  'Jensen',
  "O'Brien",
  "O'Connor",
  'Murphy',
  'Kelly',
  'Patel',
  'Sharma',
  'Singh',
  'Kumar',
  'Gupta',
  'Khan',
  'Tanaka',
  'Suzuki',
  'Takahashi',
  'Sato',
  'Watanabe',
  'Kim',
  'Park',
  'Choi',
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Chen',
  'Yang',
  'Silva',
  'Santos',
  'Oliveira',
  'Souza',
  'Costa',
  'Pereira',
  'Van der Berg',
  'De Vries',
  'Janssen',
  'Yılmaz',
  'Demir',
  'Şahin',
  'Popescu',
  'Ivanov',
  'Petrov',
  'Kovač',
  'Horváth',
  'Nagy',
];
const COMPANY_A = [
  'Northwind',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Acme',
  'Blue Harbor',
  'Pinecrest',
  'Redwood',
  'Silverline',
  'Brightpath',
  'Quantum',
  'Vertex',
  'Nimbus',
  'Helios',
  'Atlas',
  'Orion',
  'Lumen',
  'Crescent',
  'Summit',
  'Evergreen',
  'Ironclad',
  'Cobalt',
  'Zenith',
  'Nordlicht',
  'Bergmann',
  'Lighthouse',
  'Riverstone',
  'Falcon',
  'Horizon',
  'Keystone',
  'Meridian',
  'Pioneer',
  'Sterling',
  'Trident',
  'Beacon',
  'Cascade',
  'Everest',
  'Granite',
  'Harbor',
  'Juniper',
  'Kestrel',
  'Maple',
  'Nova',
  'Oakridge',
  'Polaris',
  'Sequoia',
  'Tundra',
  'Vanguard',
  'Willow',
  'Zephyr',
  'Aurora',
  'Boreal',
  'Cedar',
  'Delta',
  'Echo',
  'Fjord',
  'Glacier',
  'Halcyon',
  'Indigo',
  'Jade',
  'Kairos',
  'Lynx',
  'Mistral',
  'Nexus',
  'Onyx',
  'Prism',
  'Quartz',
  'Radiant',
  'Solstice',
  'Titan',
  'Umbra',
  'Vela',
  'Wren',
  'Xenon',
  'Yonder',
  'Zinnia',
  'Café Lumière',
  'Société Nova',
  'Größe',
  'Dvořák',
];
const COMPANY_B = [
  'Analytics',
  'Systems',
  'Labs',
  'Logistics',
  'Health',
  'Robotics',
  'Software',
  'Capital',
  'Foods',
  'Energy',
  'Media',
  'Consulting',
  'Networks',
  'Bio',
  'Retail',
  'Dynamics',
  'Solutions',
  'Industries',
  'Digital',
  'Cloud',
  'Security',
  'Partners',
  'Ventures',
  'Works',
  'Group',
];
const INDUSTRIES = [
  'Software',
  'Financial Services',
  'Healthcare',
  'Manufacturing',
  'Retail',
  'Logistics',
  'Education',
  'Telecommunications',
  'Energy',
  'Media',
  'Real Estate',
  'Hospitality',
  'Biotechnology',
  'Insurance',
  'Automotive',
  'Consulting',
  'Government',
  'Nonprofit',
  'Construction',
  'Agriculture',
];
const TITLES = [
  'CEO',
  'CTO',
  'CFO',
  'COO',
  'VP Sales',
  'VP Marketing',
  'VP Engineering',
  'Head of Sales',
  'Head of Growth',
  'Head of IT',
  'Director of Operations',
  'Director of Procurement',
  'Sales Manager',
  'Marketing Manager',
  'IT Manager',
  'Operations Manager',
  'Product Manager',
  'Engineering Manager',
  'Account Executive',
  'Business Analyst',
  'Software Engineer',
  'Data Scientist',
  'Procurement Specialist',
  'Office Manager',
  'Founder',
  'Co-Founder',
  'Managing Director',
  'General Manager',
  'Chief Revenue Officer',
  'Revenue Operations Lead',
];
const SOURCES = [
  'Website',
  'Referral',
  'Trade show',
  'LinkedIn',
  'Cold outbound',
  'Webinar',
  'Partner',
  'Import',
];
const TAGS = [
  'vip',
  'hot',
  'warm',
  'cold',
  'b2b',
  'enterprise',
  'smb',
  'mid-market',
  'webinar-2024',
  'trade-show',
  'newsletter',
  'partner',
  'churn-risk',
  'champion',
  'decision-maker',
  'budget-q3',
  'budget-q4',
  'inbound',
  'outbound',
  'event-berlin',
  'event-nyc',
  'competitor-user',
  'renewal',
  'pilot',
  'trial',
];
const TEAMS = ['EMEA', 'NA East', 'NA West', 'APAC'];
export const OWNER_IDS = Array.from(
  { length: 24 },
  (_, i) => `usr_${String(i + 1).padStart(2, '0')}_bench`,
);
const DISQUALIFY = ['Not a fit', 'No budget', 'No response', 'Competitor', 'Bad data'];
const TIERS = ['gold', 'silver', 'bronze'];
const PRODUCTS = ['crm', 'dialer', 'sequences', 'analytics', 'api'];

interface Country {
  code: string;
  cc: string;
  /** National significant number: a first digit chooser and the remaining length. */
  first: string;
  rest: number;
  zones: string[];
  legal: string;
  tld: string;
  weight: number;
}
const COUNTRIES: Country[] = [
  {
    code: 'US',
    cc: '1',
    first: '23456789',
    rest: 9,
    legal: 'Inc',
    tld: 'com',
    weight: 34,
    zones: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'],
  },
  {
    code: 'CA',
    cc: '1',
    first: '46',
    rest: 9,
    legal: 'Inc',
    tld: 'ca',
    weight: 4,
    zones: ['America/Toronto', 'America/Vancouver'],
  },
  {
    code: 'GB',
    cc: '44',
    first: '27',
    rest: 9,
    legal: 'Ltd',
    tld: 'co.uk',
    weight: 9,
    zones: ['Europe/London'],
  },
  {
    code: 'DE',
    cc: '49',
    first: '1',
    rest: 10,
    legal: 'GmbH',
    tld: 'de',
    weight: 8,
    zones: ['Europe/Berlin'],
  },
  {
    code: 'FR',
    cc: '33',
    first: '167',
    rest: 8,
    legal: 'SAS',
    tld: 'fr',
    weight: 6,
    zones: ['Europe/Paris'],
  },
  {
    code: 'ES',
    cc: '34',
    first: '69',
    rest: 8,
    legal: 'S.L.',
    tld: 'es',
    weight: 4,
    zones: ['Europe/Madrid'],
  },
  {
    code: 'IT',
    cc: '39',
    first: '3',
    rest: 9,
    legal: 'S.p.A.',
    tld: 'it',
    weight: 3,
    zones: ['Europe/Rome'],
  },
  {
    code: 'NL',
    cc: '31',
    first: '6',
    rest: 8,
    legal: 'B.V.',
    tld: 'nl',
    weight: 3,
    zones: ['Europe/Amsterdam'],
  },
  {
    code: 'SE',
    cc: '46',
    first: '7',
    rest: 8,
    legal: 'AB',
    tld: 'se',
    weight: 2,
    zones: ['Europe/Stockholm'],
  },
  {
    code: 'PL',
    cc: '48',
    first: '5',
    rest: 8,
    legal: 'Sp. z o.o.',
    tld: 'pl',
    weight: 2,
    zones: ['Europe/Warsaw'],
  },
  {
    code: 'IE',
    cc: '353',
    first: '8',
    rest: 8,
    legal: 'Ltd',
    tld: 'ie',
    weight: 1,
    zones: ['Europe/Dublin'],
  },
  {
    code: 'CH',
    cc: '41',
    first: '7',
    rest: 8,
    legal: 'AG',
    tld: 'ch',
    weight: 1,
    zones: ['Europe/Zurich'],
  },
  {
    code: 'BR',
    cc: '55',
    first: '1',
    rest: 10,
    legal: 'Ltda',
    tld: 'com.br',
    weight: 4,
    zones: ['America/Sao_Paulo'],
  },
  {
    code: 'MX',
    cc: '52',
    first: '5',
    rest: 9,
    legal: 'S.A. de C.V.',
    tld: 'mx',
    weight: 2,
    zones: ['America/Mexico_City'],
  },
  {
    code: 'IN',
    cc: '91',
    first: '789',
    rest: 9,
    legal: 'Pvt Ltd',
    tld: 'in',
    weight: 6,
    zones: ['Asia/Kolkata'],
  },
  {
    code: 'AU',
    cc: '61',
    first: '4',
    rest: 8,
    legal: 'Pty Ltd',
    tld: 'com.au',
    weight: 3,
    zones: ['Australia/Sydney', 'Australia/Melbourne'],
  },
  {
    code: 'JP',
    cc: '81',
    first: '9',
    rest: 9,
    legal: 'K.K.',
    tld: 'jp',
    weight: 2,
    zones: ['Asia/Tokyo'],
  },
  {
    code: 'SG',
    cc: '65',
    first: '89',
    rest: 7,
    legal: 'Pte Ltd',
    tld: 'sg',
    weight: 2,
    zones: ['Asia/Singapore'],
  },
  {
    code: 'ZA',
    cc: '27',
    first: '7',
    rest: 8,
    legal: '(Pty) Ltd',
    tld: 'co.za',
    weight: 1,
    zones: ['Africa/Johannesburg'],
  },
  {
    code: 'AE',
    cc: '971',
    first: '5',
    rest: 8,
    legal: 'LLC',
    tld: 'ae',
    weight: 1,
    zones: ['Asia/Dubai'],
  },
];
const COUNTRY_TOTAL = COUNTRIES.reduce((s, c) => s + c.weight, 0);

const NOTE_OPENERS = [
  'Called and left a voicemail.',
  'Spoke with them about pricing for next quarter.',
  'Met at the trade show booth; interested in a demo.',
  'Asked for a follow up after their budget review.',
  'Currently using a competitor, contract renews in the spring.',
  'Referred by an existing customer.',
  'Downloaded the whitepaper and attended the webinar.',
  'Wants a security questionnaire before the pilot.',
  'Not the decision maker; introduced us to their manager.',
  'Requested an integration with their ERP system.',
];
const NOTE_DETAILS = [
  'Budget approved for Q3.',
  'Send the case study about logistics.',
  'Prefers email over phone calls.',
  'Follow up on Tuesday morning their time.',
  'Mentioned headcount growth of 20% this year.',
  'Evaluating Salesforce and HubSpot as well.',
  'Legal review takes about six weeks.',
  'Très intéressé par la version française.',
  'Möchte ein Angebot bis Ende des Monats.',
  'Asked about onboarding and training costs.',
];

function asciiFold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .replace(/Ø/g, 'O')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i');
}

const slugs = new Map<string, string>();
const slug = (s: string): string => {
  let out = slugs.get(s);
  if (out === undefined) {
    out = asciiFold(s)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '');
    slugs.set(s, out);
  }
  return out;
};

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A ULID-shaped id (48-bit time + 80 bits from the generator), so ids sort by creation. */
function ulidLike(time: number, rand: () => number): string {
  let out = '';
  let t = time;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32]! + out;
    t = Math.floor(t / 32);
  }
  for (let i = 0; i < 16; i++) out += CROCKFORD[Math.floor(rand() * 32)]!;
  return out;
}

interface Company {
  name: string;
  domain: string;
  industry: string;
  size: number | null;
  country: Country;
}

/** A fixed pool of companies (leads cluster in companies, as in real books). */
function companies(count: number): Company[] {
  const rand = seeded(7_000_003);
  const pickCountry = (): Country => {
    let r = rand() * COUNTRY_TOTAL;
    for (const c of COUNTRIES) {
      r -= c.weight;
      if (r < 0) return c;
    }
    return COUNTRIES[0]!;
  };
  const out: Company[] = [];
  for (let i = 0; i < count; i++) {
    const a = COMPANY_A[Math.floor(rand() * COMPANY_A.length)]!;
    const b = COMPANY_B[Math.floor(rand() * COMPANY_B.length)]!;
    const country = pickCountry();
    const n = Math.floor(i / (COMPANY_A.length * COMPANY_B.length));
    const base = n > 0 ? `${a} ${b} ${n + 1}` : `${a} ${b}`;
    const sizeRoll = rand();
    out.push({
      name: `${base} ${country.legal}`,
      domain: `${slug(base)}.${country.tld}`,
      industry: INDUSTRIES[Math.floor(rand() * INDUSTRIES.length)]!,
      size:
        sizeRoll < 0.1
          ? null
          : Math.round(Math.exp(Math.log(2) + rand() * (Math.log(50_000) - Math.log(2)))),
      country,
    });
  }
  return out;
}

const COMPANIES = companies(40_000);

export interface GeneratedLead {
  id: string;
  fields: LeadFields;
  notes: string;
  updatedAt: number;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Lead number `index` of `total` in a workspace generated at `now` (every value depends only on
 * `(seed, index, now, total)`).
 */
export function generateLead(
  seed: number,
  index: number,
  now: number,
  total = 1_000_000,
): GeneratedLead {
  const rand = seeded(Math.imul(seed ^ 0x9e3779b9, 2654435761) ^ Math.imul(index, 0x85ebca6b));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  // Zipf-ish company choice: a few big accounts, a long tail.
  const company = COMPANIES[Math.floor(COMPANIES.length * rand() ** 2.2)]!;
  const country =
    rand() < 0.85 ? company.country : COUNTRIES[Math.floor(rand() * COUNTRIES.length)]!;
  const first = pick(FIRST);
  const last = pick(LAST);
  // Created in index order over the two years (give or take a day), as leads arrive: ids (which
  // start with the creation time) and rowids grow together, as after a sync in seq order.
  const createdAt = Math.min(
    now,
    now -
      730 * DAY_MS +
      Math.floor(((index + 0.5) / total) * 730 * DAY_MS + (rand() - 0.5) * DAY_MS),
  );
  const age = now - createdAt;
  const updatedAt = createdAt + Math.floor(age * (1 - rand() ** 3));
  const statusRoll = rand();
  const status =
    statusRoll < 0.35
      ? 'new'
      : statusRoll < 0.6
        ? 'working'
        : statusRoll < 0.75
          ? 'qualified'
          : statusRoll < 0.83
            ? 'converted'
            : 'disqualified';
  let national = pick([...country.first]);
  for (let i = 0; i < country.rest; i++) national += String(Math.floor(rand() * 10));
  const hasPhone = rand() < 0.85;
  const ownerRoll = rand();
  const ownerIndex = Math.floor(rand() * OWNER_IDS.length);
  const tagCount = Math.floor(rand() ** 1.5 * 5);
  const tags = [...new Set(Array.from({ length: tagCount }, () => pick(TAGS)))];
  const contacted = status !== 'new' && rand() < 0.8;
  const consent = (g: number, d: number) => {
    const r = rand();
    return r < g ? 'granted' : r < g + d ? 'denied' : 'unknown';
  };
  const custom: Record<string, string | number | boolean | string[] | null> = {};
  if (rand() < 0.5) custom.budget = Math.round(rand() * 200) * 500;
  if (rand() < 0.6) custom.tier = pick(TIERS);
  if (rand() < 0.3) custom.renewal_date = day(now + Math.floor((rand() - 0.3) * 400) * DAY_MS);
  if (rand() < 0.4) custom.products = [...new Set([pick(PRODUCTS), pick(PRODUCTS)])];
  if (rand() < 0.5) custom.newsletter = rand() < 0.5;
  let notes = '';
  if (rand() < 0.2) {
    notes = pick(NOTE_OPENERS);
    const extra = Math.floor(rand() * 3);
    for (let i = 0; i < extra; i++) notes += ` ${pick(NOTE_DETAILS)}`;
  }
  const deleted = rand() < 0.01;
  const emailRoll = rand();
  const email =
    emailRoll < 0.08
      ? ''
      : `${slug(first)}.${slug(last)}${emailRoll < 0.2 ? Math.floor(rand() * 100) : ''}@${company.domain}`;
  const fields: LeadFields = {
    firstName: first,
    lastName: last,
    email,
    phone: hasPhone ? `+${country.cc}${national}` : '',
    company: company.name,
    title: rand() < 0.9 ? pick(TITLES) : '',
    industry: company.industry,
    companySize: company.size,
    website: rand() < 0.8 ? `https://www.${company.domain}` : '',
    country: country.code,
    timezone: pick(country.zones),
    source: pick(SOURCES),
    status,
    statusReason: status === 'disqualified' ? pick(DISQUALIFY) : '',
    ownerId: ownerRoll < 0.08 ? null : OWNER_IDS[ownerIndex]!,
    team: ownerRoll < 0.08 ? null : TEAMS[ownerIndex % TEAMS.length]!,
    tags,
    consentEmail: consent(0.4, 0.1),
    consentSms: consent(0.2, 0.15),
    consentCalls: consent(0.3, 0.1),
    doNotContact: rand() < 0.03,
    custom,
    createdAt,
    lastContactedAt: contacted ? createdAt + Math.floor(rand() * age) : null,
    mergedInto: null,
    deleted,
  };
  return { id: ulidLike(createdAt, rand), fields, notes, updatedAt };
}
