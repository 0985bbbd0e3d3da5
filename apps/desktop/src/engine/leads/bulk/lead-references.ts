/**
 * What bulk actions and merges need of the workspace's organising data (tasks, static lists):
 * the engine's `WorkspaceData` (engine/workspace-data/) provides it. Writes go through it so they
 * replicate like any task or list edit; reads of list memberships use SQL on its tables.
 */
import type Database from 'better-sqlite3';
import type { TaskDto } from '../../../shared/contract.ts';

export interface LeadReferences {
  listTasks(q: { leadId?: string; open?: boolean }): TaskDto[];
  saveTask(input: {
    id: string;
    leadId: string;
    title: string;
    dueAt: number | null;
    done: boolean;
    assigneeId: string | null;
  }): TaskDto;
  /** Adds (`remove: false`) or removes leads of a static list; answers how many changed. */
  changeMembers(listId: string, leadIds: readonly string[], remove: boolean): number;
}

export function createMembershipReader(sqlite: Database.Database) {
  const listsOf = sqlite
    .prepare(
      `SELECT m.list_id FROM lead_list_member m JOIN lead_list l ON l.id = m.list_id
       WHERE m.workspace_id = ? AND m.lead_id = ? AND m.deleted = 0
         AND l.deleted = 0 AND l.kind = 'static'
       ORDER BY m.list_id`,
    )
    .pluck();
  const isMember = sqlite
    .prepare(
      `SELECT 1 FROM lead_list_member
       WHERE workspace_id = ? AND list_id = ? AND lead_id = ? AND deleted = 0`,
    )
    .pluck();
  const list = sqlite.prepare(
    `SELECT kind FROM lead_list WHERE workspace_id = ? AND id = ? AND deleted = 0`,
  );
  return {
    /** Static lists the lead is a member of. */
    listsOf(workspaceId: string, leadId: string): string[] {
      return listsOf.all(workspaceId, leadId) as string[];
    },
    isMember(workspaceId: string, listId: string, leadId: string): boolean {
      return isMember.get(workspaceId, listId, leadId) !== undefined;
    },
    /** The list's kind, or null when it does not exist (or was deleted). */
    listKind(workspaceId: string, listId: string): 'static' | 'dynamic' | null {
      const r = list.get(workspaceId, listId) as { kind: 'static' | 'dynamic' } | undefined;
      return r?.kind ?? null;
    },
  };
}

export type MembershipReader = ReturnType<typeof createMembershipReader>;
