import type { RoleName } from '@sdr/schema';

/**
 * What each role may do. One table, read by the server (authority) and by the renderer (to hide
 * what a user cannot do). Roles are ordered: admin > manager > sdr.
 */
export type Permission =
  'members:read' | 'members:invite' | 'members:changeRole' | 'members:remove' | 'workspace:update';

const GRANTS: Record<Permission, readonly RoleName[]> = {
  'members:read': ['admin', 'manager', 'sdr'],
  'members:invite': ['admin'],
  'members:changeRole': ['admin'],
  'members:remove': ['admin'],
  'workspace:update': ['admin'],
};

export function can(role: RoleName, permission: Permission): boolean {
  return GRANTS[permission].includes(role);
}

const RANK: Record<RoleName, number> = { admin: 3, manager: 2, sdr: 1 };

/** True when `role` is at least as privileged as `atLeast`. */
export function roleAtLeast(role: RoleName, atLeast: RoleName): boolean {
  return RANK[role] >= RANK[atLeast];
}
