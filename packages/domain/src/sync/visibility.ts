/**
 * Partial replication by visibility. An admin setting decides which leads SDRs see; managers and
 * admins see all. The server filters catch-up and pushes with `canSeeLead`, and evicts a lead from
 * a user's replica when `visibilityChange` says it was lost.
 */
import type { RoleName } from '@sdr/schema';

/** `all`: every lead; `team`: the team's leads and unassigned ones; `own`: own and unassigned. */
export const LEAD_VISIBILITY_POLICIES = ['all', 'team', 'own'] as const;
export type LeadVisibilityPolicy = (typeof LEAD_VISIBILITY_POLICIES)[number];

export interface Viewer {
  readonly userId: string;
  readonly role: RoleName;
  /** User ids of the viewer's team (the viewer may be included or not). */
  readonly teamUserIds: ReadonlySet<string>;
}

export interface LeadOwnership {
  readonly ownerId: string | null;
}

export function canSeeLead(
  viewer: Viewer,
  lead: LeadOwnership,
  policy: LeadVisibilityPolicy,
): boolean {
  if (viewer.role !== 'sdr' || policy === 'all') return true;
  if (lead.ownerId === null || lead.ownerId === viewer.userId) return true;
  return policy === 'team' && viewer.teamUserIds.has(lead.ownerId);
}

export type VisibilityChange = 'unchanged' | 'gained' | 'lost';

/** How a change of a lead (e.g. its owner) affects one viewer: push it, evict it, or neither. */
export function visibilityChange(
  viewer: Viewer,
  before: LeadOwnership | null,
  after: LeadOwnership,
  policy: LeadVisibilityPolicy,
): VisibilityChange {
  const was = before !== null && canSeeLead(viewer, before, policy);
  const is = canSeeLead(viewer, after, policy);
  return was === is ? 'unchanged' : is ? 'gained' : 'lost';
}

/** The row fields of a server-owned fact that decide who sees it (see `canSeeFact`). */
export interface FactVisibility {
  readonly assigneeId?: string | null;
  readonly userId?: string | null;
}

/**
 * Who sees a server-owned fact: a notification only its user; conversations, their messages and
 * queue items follow the lead rule applied to their assignee (unassigned: everyone who sees
 * unassigned leads, i.e. everyone).
 */
export function canSeeFact(
  viewer: Viewer,
  entity: string,
  data: FactVisibility,
  policy: LeadVisibilityPolicy,
): boolean {
  // A notification and a user's notification preferences: only that user.
  if (entity === 'notification' || entity === 'notificationPrefs') {
    return data.userId === viewer.userId;
  }
  // A workspace's data changed (views, lists, tasks, lead settings): a nudge to pull, no row.
  if (entity === 'workspaceData') return true;
  return canSeeLead(viewer, { ownerId: data.assigneeId ?? null }, policy);
}
