/**
 * Which record fields each role may write. The server passes `fieldWriteCheck(role, type)` as the
 * `canWrite` rule of `validateAndCompensate` (a forbidden write is reverted by a compensating
 * update) and of `applyServerChanges` (refused); the renderer uses it to make fields read-only.
 */
import type { FieldWriteCheck, LeadFieldName, RoleName } from '@sdr/schema';
import { NOTES_FIELD } from '@sdr/schema';

type Writable = 'all' | readonly string[];

/**
 * Lead fields an SDR may write: everything but reassigning (owner, team) and deleting or merging
 * (tombstone, mergedInto), which are for managers and admins.
 */
const SDR_LEAD_FIELDS: readonly (LeadFieldName | typeof NOTES_FIELD)[] = [
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
  'tags',
  'consentEmail',
  'consentSms',
  'consentCalls',
  'doNotContact',
  'custom',
  'createdAt',
  'lastContactedAt',
  NOTES_FIELD,
];

export const FIELD_PERMISSIONS: Readonly<Record<string, Readonly<Record<RoleName, Writable>>>> = {
  lead: { admin: 'all', manager: 'all', sdr: SDR_LEAD_FIELDS },
};

/** The write rule for `role` on records of `recordType`; unknown types allow nothing. */
export function fieldWriteCheck(role: RoleName, recordType: string): FieldWriteCheck {
  const writable = FIELD_PERMISSIONS[recordType]?.[role];
  if (writable === undefined) return () => false;
  if (writable === 'all') return () => true;
  const allowed = new Set(writable);
  return (field) => allowed.has(field);
}
