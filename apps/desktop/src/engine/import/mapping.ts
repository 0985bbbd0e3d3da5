/**
 * Which lead field each column of an import fills. `suggestMapping` recognises our own field
 * names, the headers of HubSpot contact exports and Salesforce lead exports, and common spellings,
 * ignoring case, spaces and punctuation ("E-Mail", "email_address", "Country/Region").
 *
 * Targets are lead fields, `custom:<key>` for a custom field, a few import-only targets, or
 * `ignore`. Several columns may fill one field ("Phone Number" and "Mobile Phone Number"): the
 * first non-empty value wins, tags are merged.
 */
import type { CustomFieldDef } from '@sdr/domain';

export const LEAD_IMPORT_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'company',
  'title',
  'industry',
  'companySize',
  'website',
  'country',
  'timezone',
  'source',
  'status',
  'statusReason',
  'ownerId',
  'team',
  'tags',
  'consentEmail',
  'consentSms',
  'consentCalls',
  'doNotContact',
  'createdAt',
  'lastContactedAt',
] as const;
export type LeadImportField = (typeof LEAD_IMPORT_FIELDS)[number];

export type ConsentField = 'consentEmail' | 'consentSms' | 'consentCalls';

/**
 * - `fullName`: "Ada Lovelace" → first and last name, when those have no column of their own.
 * - `optOut:<consent>`: an opt-out flag (Salesforce `HasOptedOutOfEmail`, `DoNotCall`): true →
 *   denied; false means "not opted out", which says nothing about consent (stays unknown).
 */
export type ImportTarget =
  LeadImportField | 'fullName' | `optOut:${ConsentField}` | `custom:${string}` | 'ignore';

/** Column header → target. */
export type ImportMapping = Record<string, ImportTarget>;

/** "Country/Region" → "countryregion", "E-Mail" → "email". */
export function foldHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

// Spellings per target, folded. Our own field names (camelCase or snake_case) fold to the key.
const ALIASES: Record<Exclude<ImportTarget, `custom:${string}` | 'ignore'>, string[]> = {
  firstName: ['first', 'givenname', 'fname', 'forename', 'vorname', 'prenom', 'nombre'],
  lastName: ['last', 'surname', 'familyname', 'lname', 'nachname', 'nom', 'apellido', 'apellidos'],
  fullName: ['name', 'fullname', 'contactname', 'leadname', 'contact', 'personname'],
  email: [
    'emailaddress',
    'mail',
    'workemail',
    'businessemail',
    'primaryemail',
    'emailadresse',
    'courriel',
  ],
  phone: [
    'phonenumber',
    'telephone',
    'telephonenumber',
    'tel',
    'telefon',
    'telefonnummer',
    'workphone',
    'businessphone',
    'directphone',
    'officephone',
    'mobilephone',
    'mobilephonenumber',
    'mobile',
    'mobilenumber',
    'cell',
    'cellphone',
    'handy',
  ],
  company: [
    'companyname',
    'organization',
    'organisation',
    'organizationname',
    'account',
    'accountname',
    'firma',
    'unternehmen',
    'employer',
    'entreprise',
    'empresa',
  ],
  title: ['jobtitle', 'position', 'role', 'jobrole', 'titel', 'funktion'],
  industry: ['branche', 'sector', 'vertical'],
  companySize: [
    'numberofemployees',
    'employees',
    'employeecount',
    'noofemployees',
    'headcount',
    'size',
    'mitarbeiter',
    'anzahlmitarbeiter',
  ],
  website: [
    'websiteurl',
    'url',
    'web',
    'webseite',
    'homepage',
    'companywebsite',
    'domain',
    'companydomain',
    'companydomainname',
  ],
  country: ['countryregion', 'countrycode', 'countryname', 'land', 'pays', 'pais'],
  timezone: ['tz', 'zeitzone', 'timezonesidkey', 'iana'],
  source: ['leadsource', 'originalsource', 'origin', 'quelle', 'channel'],
  status: ['leadstatus', 'stage', 'leadstage', 'pipelinestage'],
  statusReason: ['disqualificationreason', 'unqualifiedreason', 'lostreason', 'reason'],
  ownerId: [
    'owner',
    'ownername',
    'owneremail',
    'contactowner',
    'leadowner',
    'hubspotowner',
    'assignedto',
    'salesrep',
    'sdr',
  ],
  team: ['hubspotteam', 'ownerteam', 'salesteam'],
  tags: ['tag', 'labels', 'label', 'keywords'],
  consentEmail: ['emailconsent', 'emailoptin', 'marketingemailconsent'],
  consentSms: ['smsconsent', 'smsoptin', 'textconsent'],
  consentCalls: ['callconsent', 'callsconsent', 'phoneconsent'],
  'optOut:consentEmail': [
    'hasoptedoutofemail',
    'emailoptout',
    'unsubscribedfromallemail',
    'unsubscribed',
    'donotemail',
    'optedoutofemail',
  ],
  'optOut:consentSms': ['smsoptout', 'donottext', 'donotsms', 'hasoptedoutofsms'],
  'optOut:consentCalls': ['donotcall', 'dnc', 'callsoptout', 'calloptout', 'hasoptedoutofcalls'],
  doNotContact: ['donotcontact'],
  createdAt: ['createdate', 'createddate', 'created', 'datecreated', 'createdon', 'creationdate'],
  lastContactedAt: ['lastcontacted', 'lastcontacteddate', 'lastcontact', 'lastcontactdate'],
};

const BY_ALIAS = new Map<string, ImportTarget>();
for (const field of LEAD_IMPORT_FIELDS) BY_ALIAS.set(foldHeader(field), field);
for (const [target, names] of Object.entries(ALIASES) as [ImportTarget, string[]][]) {
  for (const name of names) if (!BY_ALIAS.has(name)) BY_ALIAS.set(name, target);
}

/**
 * A suggested target for every header: our field names first, then custom fields (by key or
 * label), then known CRM spellings; `ignore` for the rest (ids, HubSpot's "Record ID", …).
 */
export function suggestMapping(
  headers: readonly string[],
  customFields: readonly CustomFieldDef[] = [],
): ImportMapping {
  const custom = new Map<string, string>();
  for (const def of customFields) {
    custom.set(foldHeader(def.label), def.key);
    custom.set(foldHeader(def.key), def.key);
  }
  const mapping: ImportMapping = {};
  for (const header of headers) {
    const key = foldHeader(header);
    const own = LEAD_IMPORT_FIELDS.find((f) => foldHeader(f) === key);
    const customKey = custom.get(key);
    mapping[header] = own ?? (customKey ? `custom:${customKey}` : (BY_ALIAS.get(key) ?? 'ignore'));
  }
  return mapping;
}

/** Problems with a mapping the user edited: unknown targets, headers not in the file. */
export function checkMapping(
  headers: readonly string[],
  mapping: ImportMapping,
  customFields: readonly CustomFieldDef[] = [],
): string[] {
  const problems: string[] = [];
  const known = new Set(headers);
  const customKeys = new Set(customFields.map((d) => d.key));
  for (const [header, target] of Object.entries(mapping)) {
    if (!known.has(header)) problems.push(`"${header}" is not a column of this file`);
    if (target === 'ignore' || target === 'fullName') continue;
    if (target.startsWith('custom:')) {
      if (!customKeys.has(target.slice(7))) {
        problems.push(`"${header}" is mapped to an unknown custom field "${target.slice(7)}"`);
      }
      continue;
    }
    if (target.startsWith('optOut:')) {
      if (!['consentEmail', 'consentSms', 'consentCalls'].includes(target.slice(7))) {
        problems.push(`"${header}" is mapped to an unknown opt-out "${target}"`);
      }
      continue;
    }
    if (!(LEAD_IMPORT_FIELDS as readonly string[]).includes(target)) {
      problems.push(`"${header}" is mapped to an unknown field "${target}"`);
    }
  }
  return problems;
}
