/**
 * Routing of leads created on the server (REST API, integrations): a lead without an owner gets
 * one from the workspace's rule (round-robin over chosen SDRs, territories by country or time
 * zone, or none), with the pure rules of @sdr/domain. The round-robin cursor lives with the lead
 * settings and is advanced under a row lock, so concurrent creates never pick the same turn.
 */
import { eq } from 'drizzle-orm';
import { routeLead, type RoutingDecision } from '@sdr/domain';
import { DEFAULT_LEAD_SETTINGS, type RoutingState } from '@sdr/schema';
import { membership, workspaceLeadSettings } from '@sdr/schema/pg';
import type { Deps } from '../context.ts';

export async function routeNewLead(
  d: Pick<Deps, 'db'>,
  workspaceId: string,
  lead: { country?: unknown; timezone?: unknown },
  now: number,
): Promise<RoutingDecision | null> {
  return d.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(workspaceLeadSettings)
      .where(eq(workspaceLeadSettings.workspaceId, workspaceId))
      .for('update');
    const rule = (row?.settings ?? DEFAULT_LEAD_SETTINGS).routing;
    if (rule.kind === 'unassigned') return null;
    const members = await tx
      .select({ userId: membership.userId, team: membership.team })
      .from(membership)
      .where(eq(membership.workspaceId, workspaceId))
      .orderBy(membership.createdAt, membership.userId);
    const teams: Record<string, string[]> = {};
    for (const m of members) if (m.team) (teams[m.team] ??= []).push(m.userId);
    const state: RoutingState = row?.routingState ?? { cursors: {} };
    const result = routeLead(
      {
        country: typeof lead.country === 'string' ? lead.country : null,
        timeZone: typeof lead.timezone === 'string' ? lead.timezone : null,
      },
      rule,
      state,
      { now, teams },
    );
    // Only an SDR who is still a member may be picked (the rule may name someone who left).
    const memberIds = new Set(members.map((m) => m.userId));
    if (row && result.nextState !== state) {
      await tx
        .update(workspaceLeadSettings)
        .set({ routingState: result.nextState })
        .where(eq(workspaceLeadSettings.workspaceId, workspaceId));
    }
    const { nextState: _n, ...decision } = result;
    return decision.ownerId && !memberIds.has(decision.ownerId)
      ? { ...decision, ownerId: null }
      : decision;
  });
}
