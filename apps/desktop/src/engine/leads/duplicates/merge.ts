/**
 * Merging duplicate leads into one (managers and admins). ONE SQLite transaction:
 *
 * 1. the winner gets the chosen values (one edit): each field named in `values` takes the named
 *    lead's value; its tags become the union of all tags; custom fields the winner lacks are taken
 *    from the losers (first loser first);
 * 2. the losers' notes are appended to the winner's (a notes edit, so concurrent typing merges);
 * 3. each loser is tombstoned with `mergedInto` = the winner;
 * 4. the losers' tasks move to the winner, and so do their static list memberships (the winner
 *    joins each list a loser was in; the losers leave it), through the engine's workspace data
 *    so the moves replicate like any task or list edit;
 * 5. the whole merge is recorded as a finished bulk job, so `leads:undoBulk` can take it back
 *    (tasks still on the winner move back, list memberships are restored).
 *
 * Safe under sync: it is only Yjs edits and tombstones, so every replica converges. A loser edited
 * elsewhere meanwhile stays deleted (the edit merges into a tombstoned doc); the winner's fields
 * follow the usual per-field rules.
 */
import { checkFieldChanges, leadRecord } from '@sdr/schema';
import type { MergeField } from '../../../shared/contract.ts';
import { EngineFailure } from '../../errors.ts';
import { assertMayWrite, type Actor, type BulkJobs } from '../bulk/bulk-jobs.ts';
import {
  diffChange,
  JOINED_LISTS_KEY,
  LEFT_LISTS_KEY,
  MOVED_TASKS_KEY,
  NOTES_KEY,
} from '../bulk/bulk-plan.ts';
import type { BulkChangeRow } from '../bulk/bulk-store.ts';
import type { LeadReplica, LocalEdit } from '../lead-replica.ts';
import type { StoredLead } from '../lead-row.ts';

export interface MergeInput {
  winnerId: string;
  loserIds: readonly string[];
  values: Partial<Record<MergeField, string>>;
}

export interface MergeResult {
  winner: StoredLead;
  edits: LocalEdit[];
  jobId: string;
}

/** How a loser is introduced in the winner's notes. */
function notesHeading(lead: StoredLead): string {
  const name = `${lead.firstName} ${lead.lastName}`.trim();
  const who = [name, lead.email].filter((s) => s !== '').join(', ') || lead.id;
  return `--- Merged from ${who} ---`;
}

/** The winner's notes followed by each loser's (those that have any). */
export function mergedNotes(
  winner: string,
  losers: readonly { lead: StoredLead; notes: string }[],
) {
  let text = winner;
  for (const { lead, notes } of losers) {
    if (notes.trim() === '') continue;
    text += `${text === '' ? '' : '\n\n'}${notesHeading(lead)}\n${notes}`;
  }
  return text;
}

export function mergeLeads(
  replica: LeadReplica,
  bulk: BulkJobs,
  workspaceId: string,
  actor: Actor,
  input: MergeInput,
): MergeResult {
  assertMayWrite(actor.role, 'merge', ['deleted', 'mergedInto']);
  const loserIds = [...new Set(input.loserIds)];
  if (loserIds.includes(input.winnerId)) {
    throw new EngineFailure('invalid_input', 'The lead kept cannot also be merged away', {
      issues: [{ path: 'loserIds', message: 'Contains the winner' }],
    });
  }
  const load = (id: string, path: string): StoredLead => {
    const lead = replica.leads.get(id);
    if (!lead || lead.workspaceId !== workspaceId) {
      throw new EngineFailure(
        'not_found',
        'A lead of this merge does not exist in this workspace',
        {
          issues: [{ path, message: `No lead ${id}` }],
        },
      );
    }
    if (lead.deleted) {
      throw new EngineFailure(
        'conflict',
        lead.mergedInto
          ? 'A lead of this merge was already merged into another one'
          : 'A lead of this merge was deleted',
        { issues: [{ path, message: `Lead ${id} is deleted` }] },
      );
    }
    return lead;
  };
  const winner = load(input.winnerId, 'winnerId');
  const losers = loserIds.map((id, i) => load(id, `loserIds.${i}`));
  const byId = new Map(losers.map((l) => [l.id, l]));

  const wanted: Record<string, unknown> = {};
  for (const [field, source] of Object.entries(input.values)) {
    if (source === undefined || source === 'winner' || source === winner.id) continue;
    const from = byId.get(source);
    if (!from) {
      throw new EngineFailure('invalid_input', `values.${field} names a lead that is not merged`, {
        issues: [{ path: `values.${field}`, message: 'Not one of the merged leads' }],
      });
    }
    wanted[field] = (from as unknown as Record<string, unknown>)[field];
  }
  const tags = [...winner.tags];
  for (const l of losers) for (const t of l.tags) if (!tags.includes(t)) tags.push(t);
  wanted.tags = tags;
  if (!('custom' in wanted)) {
    const custom = { ...winner.custom };
    for (const l of losers) {
      for (const [k, v] of Object.entries(l.custom)) {
        if ((custom[k] === undefined || custom[k] === null) && v !== null) custom[k] = v;
      }
    }
    wanted.custom = custom;
  }
  const plan = diffChange(winner, wanted);
  const issues = plan ? checkFieldChanges(leadRecord, plan.after) : [];
  if (issues.length > 0) {
    throw new EngineFailure(
      'invalid_input',
      `The merged lead would not be valid: ${issues.map((i) => i.message).join('; ')}`,
      { issues: issues.map((i) => ({ path: `values.${i.field}`, message: i.message })) },
    );
  }

  const winnerNotes = replica.notes(winner);
  const notes = mergedNotes(
    winnerNotes,
    losers.map((lead) => ({ lead, notes: replica.notes(lead) })),
  );
  if (notes.length > leadRecord.maxNotesLength) {
    throw new EngineFailure(
      'invalid_input',
      `Together the notes would be longer than ${leadRecord.maxNotesLength.toLocaleString('en')} characters; shorten them first`,
    );
  }

  return replica.transaction(() => {
    const edits: LocalEdit[] = [];
    const changes: BulkChangeRow[] = [];
    const winnerBefore: Record<string, unknown> = { ...plan?.before };
    const winnerAfter: Record<string, unknown> = { ...plan?.after };
    if (plan) edits.push(replica.write(workspaceId, winner.id, plan.after));
    if (notes !== winnerNotes) {
      edits.push(replica.editNotes(workspaceId, winner.id, winnerNotes, notes));
      winnerBefore[NOTES_KEY] = winnerNotes;
      winnerAfter[NOTES_KEY] = notes;
    }
    const refs = bulk.references;
    const winnerLists = new Set(refs ? bulk.members.listsOf(workspaceId, winner.id) : []);
    const joined: string[] = [];
    for (const loser of losers) {
      const tombstone = { deleted: true, mergedInto: winner.id };
      edits.push(replica.write(workspaceId, loser.id, tombstone));
      const after: Record<string, unknown> = { ...tombstone };
      if (refs) {
        const tasks = refs.listTasks({ leadId: loser.id });
        for (const t of tasks) {
          refs.saveTask({
            id: t.id,
            leadId: winner.id,
            title: t.title,
            dueAt: t.dueAt,
            done: t.done,
            assigneeId: t.assigneeId,
          });
        }
        const lists = bulk.members.listsOf(workspaceId, loser.id);
        for (const listId of lists) {
          if (!winnerLists.has(listId)) {
            refs.changeMembers(listId, [winner.id], false);
            winnerLists.add(listId);
            joined.push(listId);
          }
          refs.changeMembers(listId, [loser.id], true);
        }
        if (tasks.length > 0) after[MOVED_TASKS_KEY] = tasks.map((t) => t.id);
        if (lists.length > 0) after[LEFT_LISTS_KEY] = lists;
      }
      changes.push({
        leadId: loser.id,
        before: { deleted: loser.deleted, mergedInto: loser.mergedInto },
        after,
      });
    }
    if (joined.length > 0) winnerAfter[JOINED_LISTS_KEY] = joined;
    if (Object.keys(winnerAfter).length > 0) {
      changes.unshift({ leadId: winner.id, before: winnerBefore, after: winnerAfter });
    }
    const job = bulk.recordFinished(
      workspaceId,
      actor.userId,
      'merge',
      { winnerId: winner.id, loserIds, values: input.values },
      changes,
      1 + losers.length,
    );
    return { winner: replica.leads.get(winner.id)!, edits, jobId: job.id };
  });
}
