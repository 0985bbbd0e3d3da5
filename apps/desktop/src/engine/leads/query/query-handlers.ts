/** Handlers of `leads:query`, `leads:count`, `leads:fields` and `leads:score` (the lead query layer). */
import { EngineFailure } from '../../errors.ts';
import type { Handlers } from '../../handlers.ts';
import type { SyncManager } from '../../sync/sync-manager.ts';
import type { LeadQueryLayer } from './lead-query-layer.ts';

export type LeadQueryChannels = 'leads:query' | 'leads:count' | 'leads:fields' | 'leads:score';

export function createLeadQueryHandlers({
  query,
  sync,
}: {
  query: LeadQueryLayer;
  sync: Pick<SyncManager, 'readableWorkspace'>;
}): Pick<Handlers, LeadQueryChannels> {
  return {
    'leads:query': async (input) => {
      // Someone is looking at the table: the background work keeps its batches small.
      query.indexer.noteActivity();
      query.scores.noteActivity();
      return query.query.query(sync.readableWorkspace(), input);
    },
    'leads:count': async (input) => {
      query.indexer.noteActivity();
      query.scores.noteActivity();
      return query.query.count(sync.readableWorkspace(), input);
    },
    'leads:fields': async () => query.query.fields(sync.readableWorkspace()),
    'leads:score': async ({ id }) => {
      const score = query.scores.explain(sync.readableWorkspace(), id);
      if (!score)
        throw new EngineFailure('not_found', 'This lead does not exist in this workspace');
      return score;
    },
  };
}
