/**
 * One handler per contract channel. Inputs arrive already validated by the router; outputs are
 * validated by the router on the way out.
 */
import type { z } from 'zod';
import type { Channel, Contract, OutputOf } from '../shared/contract.ts';
import { createInboxHandlers } from './inbox/inbox-handlers.ts';
import type { Inbox } from './inbox/inbox.ts';
import { createImportHandlers, type ImportHandlerDeps } from './import/import-handlers.ts';
import { createBulkHandlers, sessionActor } from './leads/bulk/bulk-handlers.ts';
import type { BulkJobs } from './leads/bulk/bulk-jobs.ts';
import { createDuplicateHandlers } from './leads/duplicates/duplicates-handlers.ts';
import { createLeadHandlers, type LeadHandlerDeps } from './leads/lead-handlers.ts';
import type { ServerApi } from './server-api.ts';
import type { Session } from './session.ts';
import type { Settings } from './settings.ts';
import { createWorkspaceDataHandlers } from './workspace-data/handlers.ts';
import type { WorkspaceData } from './workspace-data/workspace-data.ts';

export type Handlers = {
  [C in Channel]: (input: z.output<Contract[C]['input']>) => Promise<OutputOf<C>>;
};

export interface HandlerDeps {
  session: Session;
  api: ServerApi;
  settings: Settings;
  info: OutputOf<'app:info'>;
  leads: Omit<LeadHandlerDeps, 'session'>;
  /** Bulk actions on leads (jobs with progress and undo); also records merges. */
  bulk: BulkJobs;
  imports: ImportHandlerDeps;
  /** Saved views, lead lists, tasks and lead settings (replicated rows). */
  workspaceData: WorkspaceData;
  /** Inbox, live queue and notifications (facts read locally, commands through an outbox). */
  inbox: Inbox;
}

export function createHandlers({
  session,
  api,
  settings,
  info,
  leads,
  imports,
  bulk,
  workspaceData,
  inbox,
}: HandlerDeps): Handlers {
  return {
    ...createInboxHandlers(inbox),
    ...createImportHandlers(imports),
    ...createLeadHandlers({ ...leads, session }),
    ...createWorkspaceDataHandlers(workspaceData),
    ...createBulkHandlers({ bulk }),
    ...createDuplicateHandlers({
      replica: leads.replica,
      sync: leads.sync,
      bulk,
      actor: () => sessionActor(session),
    }),
    'app:info': async () => info,
    'auth:state': () => session.state(),
    'auth:signup': (input) => session.signup(input),
    'auth:login': (input) => session.login(input),
    'auth:logout': async () => {
      const state = await session.logout();
      // The account's local leads (and unsent edits) go with it; see README "Sync".
      await leads.sync.signOut();
      workspaceData.signOut();
      inbox.signOut();
      return state;
    },
    'auth:switchWorkspace': ({ workspaceId }) => session.switchWorkspace(workspaceId),
    'auth:sessions': () => session.authed((token) => api.sessions(token)),
    'auth:revokeSession': async ({ sessionId }) => {
      await session.authed((token) => api.revokeSession(token, sessionId));
      return { ok: true as const };
    },
    'members:list': () => session.authed((token) => api.members(token)),
    'members:invite': (input) => session.authed((token) => api.invite(token, input)),
    'members:changeRole': ({ userId, role }) =>
      session.authed((token) => api.changeRole(token, userId, role)),
    'settings:getTheme': async () => settings.getTheme(),
    'settings:setTheme': async ({ theme }) => settings.setTheme(theme),
  };
}
