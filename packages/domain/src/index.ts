export { can, roleAtLeast } from './permissions.ts';
export type { Permission } from './permissions.ts';
export { DEFAULT_BACKOFF, reconnectDelayMs } from './sync/backoff.ts';
export type { BackoffOptions } from './sync/backoff.ts';
export { compareVersions, isReadOnlyClient } from './sync/client-version.ts';
export { FIELD_PERMISSIONS, fieldWriteCheck } from './sync/field-permissions.ts';
export { canSeeLead, LEAD_VISIBILITY_POLICIES, visibilityChange } from './sync/visibility.ts';
export type {
  LeadOwnership,
  LeadVisibilityPolicy,
  Viewer,
  VisibilityChange,
} from './sync/visibility.ts';
