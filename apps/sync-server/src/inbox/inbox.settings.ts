/**
 * A workspace's inbox settings (routing, business hours, SLA, escalation, queue weights,
 * templates) from `workspace_inbox_settings`, parsed with `InboxSettings` from @sdr/schema. A
 * workspace without a row (or with a row an older version wrote that no longer parses) works with
 * the defaults. The routing cursor lives in the same row (`routingState.cursor`) and is advanced
 * under the row's lock, so two conversations routed at once never take the same turn.
 */
import { eq } from 'drizzle-orm';
import { DEFAULT_INBOX_SETTINGS, InboxSettings, type RoundRobinCursor } from '@sdr/schema';
import { workspaceInboxSettings } from '@sdr/schema/pg';
import type { Db } from '../db/schema.ts';
import type { Tx } from './inbox.deps.ts';

export interface StoredInboxSettings {
  readonly settings: InboxSettings;
  readonly updatedAt: number | null;
  readonly updatedBy: string | null;
}

function parse(raw: unknown): InboxSettings {
  const r = InboxSettings.safeParse(raw ?? {});
  return r.success ? r.data : DEFAULT_INBOX_SETTINGS;
}

export async function loadInboxSettings(
  db: Db | Tx,
  workspaceId: string,
): Promise<StoredInboxSettings> {
  const [row] = await db
    .select()
    .from(workspaceInboxSettings)
    .where(eq(workspaceInboxSettings.workspaceId, workspaceId));
  return {
    settings: parse(row?.settings),
    updatedAt: row?.updatedAt ?? null,
    updatedBy: row?.updatedBy ?? null,
  };
}

/**
 * The settings with the routing cursor, the row locked until commit (created with the defaults
 * when missing, so the cursor has a home).
 */
export async function lockInboxRouting(
  tx: Tx,
  workspaceId: string,
  now: number,
): Promise<{ settings: InboxSettings; cursor: RoundRobinCursor | null }> {
  await tx
    .insert(workspaceInboxSettings)
    .values({ workspaceId, settings: {}, routingState: {}, updatedAt: now })
    .onConflictDoNothing();
  const [row] = await tx
    .select()
    .from(workspaceInboxSettings)
    .where(eq(workspaceInboxSettings.workspaceId, workspaceId))
    .for('update');
  const state = (row?.routingState ?? {}) as { cursor?: RoundRobinCursor | null };
  return { settings: parse(row?.settings), cursor: state.cursor ?? null };
}

export async function saveRoutingCursor(
  tx: Tx,
  workspaceId: string,
  cursor: RoundRobinCursor | null,
): Promise<void> {
  await tx
    .update(workspaceInboxSettings)
    .set({ routingState: { cursor } })
    .where(eq(workspaceInboxSettings.workspaceId, workspaceId));
}

export async function saveInboxSettings(
  db: Db | Tx,
  workspaceId: string,
  settings: InboxSettings,
  userId: string,
  now: number,
): Promise<void> {
  await db
    .insert(workspaceInboxSettings)
    .values({ workspaceId, settings, routingState: {}, updatedAt: now, updatedBy: userId })
    .onConflictDoUpdate({
      target: workspaceInboxSettings.workspaceId,
      set: { settings, updatedAt: now, updatedBy: userId },
    });
}
