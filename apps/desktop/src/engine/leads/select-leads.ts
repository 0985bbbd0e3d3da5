/**
 * Every lead of a selection (exports, bulk actions on a whole view), streamed in pages so a
 * million-lead workspace never sits in memory at once.
 */
import type { LeadSelection } from '../../shared/contract.ts';
import { EngineFailure } from '../errors.ts';
import type { LeadReplica } from './lead-replica.ts';
import type { StoredLead } from './lead-row.ts';

const PAGE = 1000;

export function* selectLeads(
  replica: LeadReplica,
  workspaceId: string,
  selection: LeadSelection,
): Generator<StoredLead> {
  if (selection.filter || selection.search || selection.listId) {
    // TODO(query layer): resolve filters, search and lists with leads/query once it lands.
    throw new EngineFailure('invalid_input', 'Exporting a filtered view is not available yet');
  }
  for (let offset = 0; ; offset += PAGE) {
    const page = replica.leads.list(workspaceId, {
      sort: 'name',
      offset,
      limit: PAGE,
      includeDeleted: selection.includeDeleted,
    });
    yield* page;
    if (page.length < PAGE) return;
  }
}
