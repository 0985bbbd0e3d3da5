/**
 * Conversation routing: who gets a new (or unassigned) conversation under the workspace's inbox
 * routing settings. Pure: the open-conversation counts, who is available and the round-robin
 * cursor come in; the choice and the new cursor go out (the server stores the cursor in
 * `workspaceInboxSettings.routingState`, one cursor for the whole inbox).
 *
 * Order of decisions:
 * 1. **Lead owner first** (`preferLeadOwner`, default on): the lead's owner gets the conversation
 *    when available (in `available`, if given), under capacity and, when the channel has a
 *    `byChannel` list, on it. The owner need not be in `sdrIds` (an AE owning the lead keeps the
 *    relationship); territory lists do not apply to the owner. This holds for every rule, `manual`
 *    included: set `preferLeadOwner: false` for a purely manual inbox.
 * 2. `manual`: nobody else; the conversation waits unassigned in the team queue.
 * 3. Candidates: `sdrIds`, narrowed (intersected, keeping `sdrIds` order) by the channel's
 *    `byChannel` list, then by the first `byTerritory` entry listing the lead's country.
 *    Narrowing to nobody leaves the conversation unassigned (no silent fallback).
 * 4. `round_robin`: the next candidate after the cursor who is available and under capacity.
 *    `least_loaded`: the available candidate with the fewest open conversations below capacity,
 *    ties in rotation order after the cursor. Nobody → unassigned, with the reason.
 *
 * Capacity is `capacity[userId] ?? defaultCapacity` (max open conversations; 0: takes none).
 */
import type { Channel, InboxRouting, RoundRobinCursor } from '@sdr/schema';
import { leastLoaded } from '../routing/least-loaded.ts';
import { own } from '../routing/own.ts';
import { cursorAfter, roundRobinPick } from '../routing/round-robin.ts';

export interface ConversationToRoute {
  readonly channel: Channel;
  /** ISO alpha-2 of the lead's country. */
  readonly leadCountry?: string | null;
  readonly leadOwnerId?: string | null;
}

export interface ChooseAssigneeInput {
  readonly settings: { readonly routing: InboxRouting };
  readonly conversation: ConversationToRoute;
  /** Open conversations per user id (absent: 0). */
  readonly load: Readonly<Record<string, number>>;
  readonly cursor: RoundRobinCursor | null;
  /** Who may take work now (online, not out of office); absent: everybody. */
  readonly available?: readonly string[];
}

export type AssigneeCode =
  'lead_owner' | 'round_robin' | 'least_loaded' | 'manual' | 'no_candidates' | 'nobody_available';

export interface AssigneeChoice {
  readonly assigneeId: string | null;
  /** The cursor to store (unchanged unless a rotation picked someone). */
  readonly cursor: RoundRobinCursor | null;
  readonly code: AssigneeCode;
  /** One sentence for the assignment history ("Round-robin across 3 SDRs → ana"). */
  readonly reason: string;
}

/** Max open conversations for `userId`. */
export function inboxCapacity(routing: InboxRouting, userId: string): number {
  return own(routing.capacity, userId) ?? routing.defaultCapacity;
}

/** The candidate list after channel and territory narrowing, and how it was narrowed. */
export function routingCandidates(
  routing: InboxRouting,
  conversation: ConversationToRoute,
): { readonly candidates: string[]; readonly narrowed: string[] } {
  let candidates = [...routing.sdrIds];
  const narrowed: string[] = [];
  const byChannel = routing.byChannel?.[conversation.channel];
  if (byChannel !== undefined) {
    const allowed = new Set(byChannel);
    candidates = candidates.filter((id) => allowed.has(id));
    narrowed.push(`channel ${conversation.channel}`);
  }
  const country = (conversation.leadCountry ?? '').trim().toUpperCase();
  if (country !== '' && routing.byTerritory) {
    const territory = routing.byTerritory.find((t) => t.countries.includes(country));
    if (territory) {
      const allowed = new Set(territory.userIds);
      candidates = candidates.filter((id) => allowed.has(id));
      narrowed.push(`territory ${country}`);
    }
  }
  return { candidates, narrowed };
}

export function chooseAssignee(input: ChooseAssigneeInput): AssigneeChoice {
  const choice = choose(input);
  return { ...choice, reason: choice.reason.charAt(0).toUpperCase() + choice.reason.slice(1) };
}

function choose(input: ChooseAssigneeInput): AssigneeChoice {
  const { routing } = input.settings;
  const { conversation, load, cursor } = input;
  const availableSet = input.available ? new Set(input.available) : null;
  const loadOf = (id: string) => own(load, id) ?? 0;
  const isAvailable = (id: string) => availableSet === null || availableSet.has(id);
  const underCapacity = (id: string) => loadOf(id) < inboxCapacity(routing, id);

  const owner = conversation.leadOwnerId ?? null;
  let ownerNote = '';
  if (routing.preferLeadOwner && owner !== null) {
    const channelList = routing.byChannel?.[conversation.channel];
    const why = !isAvailable(owner)
      ? 'not available'
      : !underCapacity(owner)
        ? `at capacity (${loadOf(owner)}/${inboxCapacity(routing, owner)})`
        : channelList !== undefined && !channelList.includes(owner)
          ? `not on the ${conversation.channel} list`
          : null;
    if (why === null) {
      return { assigneeId: owner, cursor, code: 'lead_owner', reason: `Lead owner ${owner}` };
    }
    ownerNote = `Lead owner ${owner} is ${why}; `;
  }

  if (routing.rule === 'manual') {
    return {
      assigneeId: null,
      cursor,
      code: 'manual',
      reason: `${ownerNote}manual routing: waits unassigned in the team queue`,
    };
  }

  const { candidates, narrowed } = routingCandidates(routing, conversation);
  const scope = narrowed.length > 0 ? ` (${narrowed.join(', ')})` : '';
  if (candidates.length === 0) {
    return {
      assigneeId: null,
      cursor,
      code: 'no_candidates',
      reason: `${ownerNote}no SDRs to route to${scope}`,
    };
  }

  const eligible = (id: string) => isAvailable(id) && underCapacity(id);
  const what = `${candidates.length} SDR${candidates.length === 1 ? '' : 's'}${scope}`;
  const skipped = () => {
    const notes = candidates
      .filter((id) => !eligible(id))
      .map((id) =>
        isAvailable(id)
          ? `${id} at capacity ${loadOf(id)}/${inboxCapacity(routing, id)}`
          : `${id} not available`,
      );
    return notes.length > 0 ? ` (skipped ${notes.join(', ')})` : '';
  };

  if (routing.rule === 'round_robin') {
    const pick = roundRobinPick(candidates, cursor, eligible);
    if (pick.pickedId === null) {
      return {
        assigneeId: null,
        cursor,
        code: 'nobody_available',
        reason: `${ownerNote}nobody available across ${what}${skipped()}`,
      };
    }
    return {
      assigneeId: pick.pickedId,
      cursor: pick.cursor,
      code: 'round_robin',
      reason: `${ownerNote}round-robin across ${what} → ${pick.pickedId}${skipped()}`,
    };
  }

  const capacities: Record<string, number> = {};
  for (const id of candidates) capacities[id] = inboxCapacity(routing, id);
  const picked = leastLoaded(candidates, load, capacities, {
    isEligible: isAvailable,
    after: cursor,
  });
  if (picked === null) {
    return {
      assigneeId: null,
      cursor,
      code: 'nobody_available',
      reason: `${ownerNote}nobody under capacity across ${what}${skipped()}`,
    };
  }
  return {
    assigneeId: picked,
    cursor: cursorAfter(candidates, picked),
    code: 'least_loaded',
    reason: `${ownerNote}least loaded across ${what} → ${picked} (${loadOf(picked)} open)`,
  };
}
