/** What an import column can fill, with the labels the mapping screen shows. */
import type { CustomFieldDef } from '@sdr/schema';
import { LEAD_IMPORT_FIELDS, type LeadImportField } from './mapping.ts';

const LABELS: Record<LeadImportField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  title: 'Title',
  industry: 'Industry',
  companySize: 'Company size',
  website: 'Website',
  country: 'Country',
  timezone: 'Time zone',
  source: 'Source',
  status: 'Status',
  statusReason: 'Status reason',
  ownerId: 'Owner',
  team: 'Team',
  tags: 'Tags',
  consentEmail: 'Email consent',
  consentSms: 'SMS consent',
  consentCalls: 'Call consent',
  doNotContact: 'Do not contact',
  createdAt: 'Created',
  lastContactedAt: 'Last contacted',
};

export function importTargets(
  custom: readonly CustomFieldDef[],
): { value: string; label: string }[] {
  return [
    { value: 'ignore', label: 'Do not import' },
    ...LEAD_IMPORT_FIELDS.map((f) => ({ value: f, label: LABELS[f] })),
    { value: 'fullName', label: 'Full name (split into first and last)' },
    { value: 'optOut:consentEmail', label: 'Opted out of email (yes/no)' },
    { value: 'optOut:consentSms', label: 'Opted out of SMS (yes/no)' },
    { value: 'optOut:consentCalls', label: 'Do not call (yes/no)' },
    ...custom.map((c) => ({ value: `custom:${c.key}`, label: `${c.label} (custom)` })),
  ];
}
