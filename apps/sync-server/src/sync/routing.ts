/**
 * Routing of new leads by the workspace's rule (round-robin over chosen SDRs, territories by
 * country or time zone, or none), with the pure rules of @sdr/domain. Used by every writer: the
 * REST API before it creates a lead, and the commit batch for leads created on clients (the app,
 * imports), which are routed when they reach the server, so offline creation works and one cursor
 * serves everyone. The round-robin cursor lives with the lead settings and is advanced under the
 * settings row's lock, so concurrent creates never take the same turn.
 */
import { eq } from 'drizzle-orm';
import { routeLeads } from '@sdr/domain';
import { DEFAULT_LEAD_SETTINGS, type RoutingState } from '@sdr/schema';
import { membership, workspaceLeadSettings } from '@sdr/schema/pg';
import type { Db } from '../db/schema.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface NewLeadPlace {
  readonly country?: unknown;
  readonly timezone?: unknown;
}

/** One owner (or null) per lead, in order; all null when the rule leaves leads unassigned. */
export async function routeNewLeads(
  tx: Tx,
  workspaceId: string,
  leads: readonly NewLeadPlace[],
  now: number,
): Promise<(string | null)[]> {
  const [row] = await tx
    .select()
    .from(workspaceLeadSettings)
    .where(eq(workspaceLeadSettings.workspaceId, workspaceId))
    .for('update');
  const rule = (row?.settings ?? DEFAULT_LEAD_SETTINGS).routing;
  if (rule.kind === 'unassigned' || leads.length === 0) return leads.map(() => null);
  const members = await tx
    .select({ userId: membership.userId, team: membership.team })
    .from(membership)
    .where(eq(membership.workspaceId, workspaceId))
    .orderBy(membership.createdAt, membership.userId);
  const teams: Record<string, string[]> = {};
  for (const m of members) if (m.team) (teams[m.team] ??= []).push(m.userId);
  const state: RoutingState = row?.routingState ?? { cursors: {} };
  const { decisions, nextState } = routeLeads(
    leads.map((l) => ({
      country: typeof l.country === 'string' ? l.country : null,
      timeZone: typeof l.timezone === 'string' ? l.timezone : null,
    })),
    rule,
    state,
    { now, teams },
  );
  if (row && nextState !== state) {
    await tx
      .update(workspaceLeadSettings)
      .set({ routingState: nextState })
      .where(eq(workspaceLeadSettings.workspaceId, workspaceId));
  }
  // Only someone still a member may be picked (the rule may name an SDR who left).
  const memberIds = new Set(members.map((m) => m.userId));
  return decisions.map((d) => (d.ownerId && memberIds.has(d.ownerId) ? d.ownerId : null));
}
