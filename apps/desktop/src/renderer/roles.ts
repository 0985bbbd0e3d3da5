import type { OutputOf } from '../shared/contract.ts';

export type Role = OutputOf<'members:list'>[number]['role'];

/** Display names of the roles; typed as a full record so a new role cannot be forgotten here. */
export const ROLE_LABELS: Record<Role, string> = { admin: 'Admin', manager: 'Manager', sdr: 'SDR' };

export const ROLE_OPTIONS = (Object.keys(ROLE_LABELS) as Role[]).map((role) => ({
  value: role,
  label: ROLE_LABELS[role],
}));

export function isRole(value: string): value is Role {
  return Object.hasOwn(ROLE_LABELS, value);
}
