/** Handlers of `leads:query`, `leads:count` and `leads:fields` (the lead query layer). */
import type { Handlers } from '../../handlers.ts';
import type { SyncManager } from '../../sync/sync-manager.ts';
import type { LeadQueryLayer } from './lead-query-layer.ts';

export type LeadQueryChannels = 'leads:query' | 'leads:count' | 'leads:fields';

export function createLeadQueryHandlers({
  query,
  sync,
}: {
  query: LeadQueryLayer;
  sync: Pick<SyncManager, 'readableWorkspace'>;
}): Pick<Handlers, LeadQueryChannels> {
  return {
    'leads:query': async (input) => {
      // Someone is looking at the table: the background indexer keeps its batches small.
      query.indexer.noteActivity();
      return query.query.query(sync.readableWorkspace(), input);
    },
    'leads:count': async (input) => {
      query.indexer.noteActivity();
      return query.query.count(sync.readableWorkspace(), input);
    },
    'leads:fields': async () => query.query.fields(sync.readableWorkspace()),
  };
}
