/** Handlers of the `views:*`, `lists:*`, `tasks:*` and `leadSettings:*` channels. */
import type { Handlers } from '../handlers.ts';
import type { WorkspaceData } from './workspace-data.ts';

export type WorkspaceDataChannels =
  | 'views:list'
  | 'views:save'
  | 'views:delete'
  | 'lists:list'
  | 'lists:save'
  | 'lists:delete'
  | 'lists:addLeads'
  | 'lists:removeLeads'
  | 'tasks:list'
  | 'tasks:save'
  | 'tasks:delete'
  | 'leadSettings:get'
  | 'leadSettings:save';

export function createWorkspaceDataHandlers(
  data: WorkspaceData,
): Pick<Handlers, WorkspaceDataChannels> {
  const ok = { ok: true as const };
  return {
    'views:list': async () => data.listViews(),
    'views:save': async (input) => data.saveView(input),
    'views:delete': async ({ id }) => (data.deleteView(id), ok),
    'lists:list': async () => data.listLists(),
    'lists:save': async (input) => data.saveList(input),
    'lists:delete': async ({ id }) => (data.deleteList(id), ok),
    'lists:addLeads': async ({ listId, leadIds }) => ({
      added: data.changeMembers(listId, leadIds, false),
    }),
    'lists:removeLeads': async ({ listId, leadIds }) => ({
      removed: data.changeMembers(listId, leadIds, true),
    }),
    'tasks:list': async (input) => data.listTasks(input),
    'tasks:save': async (input) => data.saveTask(input),
    'tasks:delete': async ({ id }) => (data.deleteTask(id), ok),
    'leadSettings:get': async () => data.leadSettings(),
    'leadSettings:save': (settings) => data.saveLeadSettings(settings),
  };
}
