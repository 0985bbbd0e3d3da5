/** Handlers of `leads:duplicates` and `leads:merge`. */
import type { Handlers } from '../../handlers.ts';
import type { SyncManager } from '../../sync/sync-manager.ts';
import type { Actor, BulkJobs } from '../bulk/bulk-jobs.ts';
import { leadDocName, type LeadReplica } from '../lead-replica.ts';
import { toDto, type StoredLead } from '../lead-row.ts';
import { createDuplicateFinder } from './find-duplicates.ts';
import { mergeLeads } from './merge.ts';

export interface DuplicateHandlerDeps {
  replica: LeadReplica;
  sync: SyncManager;
  bulk: BulkJobs;
  actor: () => Promise<Actor>;
}

export function createDuplicateHandlers({
  replica,
  sync,
  bulk,
  actor,
}: DuplicateHandlerDeps): Pick<Handlers, 'leads:duplicates' | 'leads:merge'> {
  const dto = (lead: StoredLead) => toDto(lead, replica.outbox.hasDoc(leadDocName(lead.id)));
  const finder = createDuplicateFinder({
    sqlite: replica.sqlite,
    getLead: (id) => replica.leads.get(id),
    dto,
  });
  return {
    'leads:duplicates': async (input) => finder.find(sync.readableWorkspace(), input),
    'leads:merge': async (input) => {
      const workspaceId = sync.editableWorkspace();
      const who = await actor();
      const { winner, edits, jobId } = mergeLeads(replica, bulk, workspaceId, who, input);
      for (const { entry, lead } of edits) sync.edited(entry, lead.id);
      return { winner: dto(winner), jobId };
    },
  };
}
