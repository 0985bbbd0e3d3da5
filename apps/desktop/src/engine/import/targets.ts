/** What an import column can fill, with the labels the mapping screen shows. */
import type { CustomFieldDef } from '@sdr/schema';
import { LEAD_FIELD_LABELS } from '../../shared/lead-labels.ts';
import { LEAD_IMPORT_FIELDS } from './mapping.ts';

export function importTargets(
  custom: readonly CustomFieldDef[],
): { value: string; label: string }[] {
  return [
    { value: 'ignore', label: 'Do not import' },
    ...LEAD_IMPORT_FIELDS.map((f) => ({ value: f, label: LEAD_FIELD_LABELS[f] })),
    { value: 'fullName', label: 'Full name (split into first and last)' },
    { value: 'optOut:consentEmail', label: 'Opted out of email (yes/no)' },
    { value: 'optOut:consentSms', label: 'Opted out of SMS (yes/no)' },
    { value: 'optOut:consentCalls', label: 'Do not call (yes/no)' },
    ...custom.map((c) => ({ value: `custom:${c.key}`, label: `${c.label} (custom)` })),
  ];
}
