/**
 * Who may see and change saved views, lead lists and tasks. One set of rules, applied by the
 * server (the authority, on every REST write and in the replication feed) and by the engine (to
 * refuse a local edit the server would refuse anyway).
 *
 * - Views: a `personal` view is its owner's only (nobody else sees it, admins included); a
 *   `shared` view every member sees, and its owner, managers and admins may change it. Only the
 *   owner changes a view's scope.
 * - Lists: every member sees every list; its owner, managers and admins rename, re-filter and
 *   delete it; any member adds and removes leads of a static list.
 * - Tasks: any member sees and changes any task; under a restricted lead visibility (`team` or
 *   `own`) an SDR only sees and changes tasks assigned to them or to nobody (and may not assign a
 *   task to someone else). Tasks are not filtered by their lead's visibility.
 * - Lead settings: managers and admins.
 */
import type { RoleName } from '@sdr/schema';
import { roleAtLeast } from '../permissions.ts';
import type { LeadVisibilityPolicy } from '../sync/visibility.ts';

export interface DataActor {
  userId: string;
  role: RoleName;
}

export interface ViewAccess {
  scope: 'personal' | 'shared';
  ownerId: string;
}

export function canSeeView(actor: DataActor, view: ViewAccess): boolean {
  return view.scope === 'shared' || view.ownerId === actor.userId;
}

export function canEditView(actor: DataActor, view: ViewAccess): boolean {
  if (view.ownerId === actor.userId) return true;
  return view.scope === 'shared' && roleAtLeast(actor.role, 'manager');
}

/** Whether `actor` may write `next` over `stored` (null: a new view, owned by the writer). */
export function viewWriteError(
  actor: DataActor,
  stored: ViewAccess | null,
  next: Pick<ViewAccess, 'scope'>,
): 'not_found' | 'forbidden' | null {
  if (!stored) return null;
  if (!canSeeView(actor, stored)) return 'not_found';
  if (!canEditView(actor, stored)) return 'forbidden';
  if (next.scope !== stored.scope && stored.ownerId !== actor.userId) return 'forbidden';
  return null;
}

export function canEditList(actor: DataActor, list: { ownerId: string }): boolean {
  return list.ownerId === actor.userId || roleAtLeast(actor.role, 'manager');
}

export function canSeeTask(
  actor: DataActor,
  task: { assigneeId: string | null },
  policy: LeadVisibilityPolicy,
): boolean {
  if (policy === 'all' || actor.role !== 'sdr') return true;
  return task.assigneeId === null || task.assigneeId === actor.userId;
}

/** Whether `actor` may write `next` over `stored` (null: a new task). */
export function taskWriteError(
  actor: DataActor,
  stored: { assigneeId: string | null } | null,
  next: { assigneeId: string | null },
  policy: LeadVisibilityPolicy,
): 'not_found' | 'forbidden' | null {
  if (stored && !canSeeTask(actor, stored, policy)) return 'not_found';
  if (!canSeeTask(actor, next, policy)) return 'forbidden';
  return null;
}

export function canEditLeadSettings(role: RoleName): boolean {
  return roleAtLeast(role, 'manager');
}
