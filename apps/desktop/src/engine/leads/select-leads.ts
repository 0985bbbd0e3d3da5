/**
 * Every lead of a selection (exports), resolved by the query layer and read in pages, so a
 * million-lead workspace never sits in memory as rows at once (only its ids).
 */
import type { LeadSelection } from '../../shared/contract.ts';
import type { LeadReplica } from './lead-replica.ts';
import type { StoredLead } from './lead-row.ts';
import type { LeadQueryService } from './query/lead-query.ts';

export function* selectLeads(
  replica: LeadReplica,
  query: LeadQueryService,
  workspaceId: string,
  selection: LeadSelection,
): Generator<StoredLead> {
  const ids = query.ids(workspaceId, selection, [
    { field: 'lastName', dir: 'asc' },
    { field: 'firstName', dir: 'asc' },
  ]);
  for (const id of ids) {
    const lead = replica.leads.get(id);
    if (lead) yield lead;
  }
}
