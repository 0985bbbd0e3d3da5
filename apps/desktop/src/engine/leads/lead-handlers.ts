/** Handlers of the `leads:*` and `sync:status` channels: local reads and edits, online conflicts. */
import { z } from 'zod';
import { TimelinePage } from '../../shared/contract.ts';
import type { Handlers } from '../handlers.ts';
import { EngineFailure } from '../errors.ts';
import type { Session } from '../session.ts';
import type { SyncManager } from '../sync/sync-manager.ts';
import { leadDocName, type LeadReplica, type LocalEdit } from './lead-replica.ts';
import { toDto, type StoredLead } from './lead-row.ts';
import type { LeadsApi } from './leads-api.ts';
import type { LeadQueryLayer } from './query/lead-query-layer.ts';
import { createLeadQueryHandlers, type LeadQueryChannels } from './query/query-handlers.ts';

type LeadChannels =
  | 'leads:list'
  | 'leads:get'
  | 'leads:create'
  | 'leads:update'
  | 'leads:editNotes'
  | 'leads:delete'
  | 'leads:conflicts'
  | 'leads:timeline'
  | 'sync:status'
  | LeadQueryChannels;

export interface LeadHandlerDeps {
  replica: LeadReplica;
  sync: SyncManager;
  session: Session;
  api: LeadsApi;
  /** Filter, search, sort and count (query/README section in apps/desktop/README.md). */
  query: LeadQueryLayer;
}

export function createLeadHandlers({
  replica,
  sync,
  session,
  api,
  query,
}: LeadHandlerDeps): Pick<Handlers, LeadChannels> {
  const dto = (lead: StoredLead) => toDto(lead, replica.outbox.hasDoc(leadDocName(lead.id)));
  const find = (id: string): StoredLead => {
    const lead = replica.leads.get(id);
    if (!lead || lead.workspaceId !== sync.readableWorkspace()) {
      throw new EngineFailure('not_found', 'This lead does not exist in this workspace');
    }
    return lead;
  };
  const done = ({ lead, entry }: LocalEdit) => {
    sync.edited(entry, lead.id);
    return dto(lead);
  };

  return {
    ...createLeadQueryHandlers({ query, sync }),
    'leads:list': async (input) => {
      const workspaceId = sync.readableWorkspace();
      return {
        items: replica.leads.list(workspaceId, input).map(dto),
        total: replica.leads.count(workspaceId, input.includeDeleted),
      };
    },
    'leads:get': async ({ id }) => {
      const lead = find(id);
      return { ...dto(lead), notes: replica.notes(lead) };
    },
    'leads:editNotes': async ({ id, base, text }) => {
      const lead = done(replica.editNotes(sync.editableWorkspace(), id, base, text));
      return { ...lead, notes: replica.notes(find(id)) };
    },
    'leads:create': async ({ fields }) => done(replica.create(sync.editableWorkspace(), fields)),
    'leads:update': async ({ id, changes }) =>
      done(replica.update(sync.editableWorkspace(), id, changes)),
    'leads:delete': async ({ id }) =>
      done(replica.write(sync.editableWorkspace(), id, { deleted: true })),
    'leads:conflicts': async ({ id }) => {
      find(id);
      return session.authed((token) => api.conflicts(token, id));
    },
    'leads:timeline': async ({ id, before }) => {
      find(id);
      const key = `timeline:${id}`;
      try {
        const page = await session.authed((token) => api.timeline(token, id, before));
        if (!before) replica.cacheSet(key, { ...page, loadedAt: replica.now() });
        return { ...page, offline: false, loadedAt: replica.now() };
      } catch (err) {
        if (!(err instanceof EngineFailure) || err.code !== 'server_unreachable' || before)
          throw err;
        const cached = TimelinePage.extend({ loadedAt: z.number() }).safeParse(
          replica.cacheGet(key),
        );
        if (!cached.success) return { items: [], nextBefore: null, offline: true, loadedAt: null };
        return { ...cached.data, offline: true };
      }
    },
    'sync:status': async () => sync.status(),
  };
}
