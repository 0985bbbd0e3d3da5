/**
 * A workspace's lead settings (pipeline, custom fields, scoring, routing): one row per workspace in
 * `workspace_lead_settings`, `DEFAULT_LEAD_SETTINGS` until the first save. Managers and admins
 * change them. A pipeline that drops a stage some leads still use is allowed; the answer lists
 * those stages (`unknownStages`) so the client can tell the user.
 */
import { and, eq, notInArray, sql } from 'drizzle-orm';
import { canEditLeadSettings } from '@sdr/domain';
import { lead, workspaceLeadSettings } from '@sdr/schema/pg';
import { DEFAULT_LEAD_SETTINGS, type LeadSettings, type LeadSettingsResponse } from '@sdr/schema';
import type { AuthContext, Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { dataTransaction, type DataWriteDeps } from '../replication/data-seq.ts';

type SettingsDeps = Pick<Deps, 'db' | 'clock'>;

async function unknownStages(d: SettingsDeps, workspaceId: string, settings: LeadSettings) {
  const keys = settings.pipeline.stages.map((s) => s.key);
  const rows = await d.db
    .select({ stage: lead.status, leads: sql<number>`count(*)::int` })
    .from(lead)
    .where(
      and(
        eq(lead.workspaceId, workspaceId),
        eq(lead.deleted, false),
        notInArray(lead.status, keys),
      ),
    )
    .groupBy(lead.status)
    .orderBy(lead.status);
  return rows.map((r) => ({ stage: r.stage, leads: Number(r.leads) }));
}

export async function getLeadSettings(
  d: SettingsDeps,
  auth: AuthContext,
  report: boolean,
): Promise<LeadSettingsResponse> {
  const [row] = await d.db
    .select()
    .from(workspaceLeadSettings)
    .where(eq(workspaceLeadSettings.workspaceId, auth.workspaceId));
  const settings = row?.settings ?? DEFAULT_LEAD_SETTINGS;
  return {
    settings,
    updatedAt: row ? row.updatedAt.getTime() : null,
    ...(report ? { unknownStages: await unknownStages(d, auth.workspaceId, settings) } : {}),
  };
}

export async function saveLeadSettings(
  d: SettingsDeps & Pick<DataWriteDeps, 'sync'>,
  auth: AuthContext,
  settings: LeadSettings,
): Promise<LeadSettingsResponse> {
  if (!canEditLeadSettings(auth.role)) {
    throw new ApiError('forbidden', 'Only managers and admins change the lead settings.');
  }
  const updatedAt = d.clock();
  // With the workspace data: engines pull the settings with it, at once (`dataTransaction`).
  await dataTransaction(d, auth.workspaceId, async (tx, write) => {
    await tx
      .insert(workspaceLeadSettings)
      .values({ workspaceId: auth.workspaceId, settings, updatedAt, updatedBy: auth.userId })
      .onConflictDoUpdate({
        target: workspaceLeadSettings.workspaceId,
        set: { settings, updatedAt, updatedBy: auth.userId },
      });
    write.changed();
  });
  return {
    settings,
    updatedAt: updatedAt.getTime(),
    unknownStages: await unknownStages(d, auth.workspaceId, settings),
  };
}
