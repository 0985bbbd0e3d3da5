/**
 * Lead scores for ranking queue items on the server: the workspace's scoring rules
 * (`workspace_lead_settings`) over the lead's fit fields and its engagement (replies, calls,
 * opens, clicks from its messages: `engagementEventsOf`), with the same pure function the
 * engines use (`scoreLead`). Two queries for any number of leads, in the caller's transaction.
 *
 * The engines keep their own score for the lead list, from the messages they hold (ADR 0004); a
 * queue item carries the score it was ranked with, so the queue's "why" shows the server's number.
 */
import { and, eq, inArray, isNotNull, or } from 'drizzle-orm';
import { engagementEventsOf, scoreLead } from '@sdr/domain';
import { DEFAULT_LEAD_SETTINGS, type ScoringConfig } from '@sdr/schema';
import { lead, message, workspaceLeadSettings } from '@sdr/schema/pg';
import type { Tx } from './inbox.deps.ts';

/** The workspace's scoring configuration (the default, no rules, when none is saved). */
export async function scoringConfigOf(tx: Tx, workspaceId: string): Promise<ScoringConfig> {
  const [row] = await tx
    .select({ settings: workspaceLeadSettings.settings })
    .from(workspaceLeadSettings)
    .where(eq(workspaceLeadSettings.workspaceId, workspaceId));
  return (row?.settings ?? DEFAULT_LEAD_SETTINGS).scoring;
}

const hasRules = (c: ScoringConfig) => c.fit.length > 0 || c.engagement.length > 0;

/**
 * Scores of these leads at `now` (leads not found, or deleted, are missing). A workspace with no
 * scoring rules has no scores (an empty map, nothing else read).
 */
export async function leadScores(
  tx: Tx,
  workspaceId: string,
  leadIds: readonly string[],
  now: number,
  config?: ScoringConfig,
): Promise<Map<string, number>> {
  const ids = [...new Set(leadIds)];
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  const scoring = config ?? (await scoringConfigOf(tx, workspaceId));
  if (!hasRules(scoring)) return out;
  const leads = await tx
    .select({
      id: lead.id,
      title: lead.title,
      industry: lead.industry,
      companySize: lead.companySize,
      country: lead.country,
    })
    .from(lead)
    .where(and(eq(lead.workspaceId, workspaceId), inArray(lead.id, ids), eq(lead.deleted, false)));
  const messages =
    scoring.engagement.length === 0
      ? []
      : await tx
          .select({
            id: message.id,
            leadId: message.leadId,
            direction: message.direction,
            kind: message.kind,
            createdAt: message.createdAt,
            openedAt: message.openedAt,
            clickedAt: message.clickedAt,
          })
          .from(message)
          .where(
            and(
              eq(message.workspaceId, workspaceId),
              inArray(message.leadId, ids),
              or(
                eq(message.kind, 'call'),
                and(eq(message.direction, 'in'), eq(message.kind, 'message')),
                isNotNull(message.openedAt),
                isNotNull(message.clickedAt),
              ),
            ),
          );
  const byLead = new Map<string, (typeof messages)[number][]>();
  for (const m of messages) {
    const list = byLead.get(m.leadId);
    if (list) list.push(m);
    else byLead.set(m.leadId, [m]);
  }
  for (const l of leads) {
    const events = engagementEventsOf(
      (byLead.get(l.id) ?? []).map((m) => ({
        ...m,
        createdAt: Number(m.createdAt),
        openedAt: m.openedAt === null ? null : Number(m.openedAt),
        clickedAt: m.clickedAt === null ? null : Number(m.clickedAt),
      })),
    );
    out.set(l.id, scoreLead(l, events, scoring, { now }).score);
  }
  return out;
}
