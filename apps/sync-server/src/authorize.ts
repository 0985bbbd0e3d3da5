import { can, type Permission } from '@sdr/domain';
import type { AuthContext } from './context.ts';
import { ApiError } from './errors.ts';

/** Throws 403 `forbidden` unless the caller's role grants `permission` (rules live in `@sdr/domain`). */
export function authorize(auth: AuthContext, permission: Permission): void {
  if (!can(auth.role, permission)) {
    throw new ApiError('forbidden', `Your role (${auth.role}) does not allow this.`);
  }
}
