/**
 * The columns an export can have: the lead's own fields (what the engine exports by default, `id`
 * first) and the workspace's custom fields, labelled as the lead table labels them.
 */
import { LEAD_FIELD_NAMES } from '@sdr/schema';
import type { LeadFieldInfo } from '../../shared/contract.ts';

export type ExportColumn = { key: string; label: string };

/** Fields the engine keeps for itself and never exports. */
const HIDDEN = new Set(['deleted', 'mergedInto']);

export const BUILT_IN_EXPORT_KEYS: readonly string[] = [
  'id',
  ...LEAD_FIELD_NAMES.filter((name) => !HIDDEN.has(name)),
];

/** "firstName" → "First name", "consentSms" → "Consent sms". */
export function humanise(key: string): string {
  const words = key
    .replace(/^custom\./, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim();
  if (key === 'id') return 'Lead id';
  if (key === 'custom') return 'Custom fields (JSON)';
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Built-in columns in the engine's order, then custom fields; labels from `leads:fields`. */
export function exportColumns(fields: readonly LeadFieldInfo[] | null): ExportColumn[] {
  const labels = new Map((fields ?? []).map((field) => [field.key, field.label]));
  const columns: ExportColumn[] = BUILT_IN_EXPORT_KEYS.map((key) => ({
    key,
    label: labels.get(key) ?? humanise(key),
  }));
  for (const field of fields ?? []) {
    if (field.custom && field.key.startsWith('custom.')) {
      columns.push({ key: field.key, label: `${field.label} (custom)` });
    }
  }
  return columns;
}
