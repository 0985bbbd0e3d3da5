/**
 * Leads over REST. Reads come from the projected `lead` rows (visibility-filtered); every write
 * goes through the authority path as a server writer (`applyServerWrite`, `SERVER_CLIENT_ID`),
 * so it reaches every socket like any other edit.
 */
import { and, asc, desc, eq, gt, inArray, isNull, lt, or, type SQL } from 'drizzle-orm';
import {
  fieldWriteCheck,
  normaliseLeadChanges,
  roleAtLeast,
  type LeadPlace,
  type LeadVisibilityPolicy,
  type Viewer,
} from '@sdr/domain';
import { fieldConflict, lead, leadActivity, membership, user } from '@sdr/schema/pg';
import type { AuthContext, Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { notesFromState } from '../sync/commit-batch.ts';
import { leadDocName, rowFromTable, type LeadRow } from '../sync/lead-row.ts';
import type { ServerWriteResult } from '../sync/authority.types.ts';
import type { SyncCore } from '../sync/sync-core.ts';
import type { LeadDtoT } from './leads.schemas.ts';
import { routeNewLeads } from '../sync/routing.ts';

type LeadsDeps = Pick<Deps, 'db' | 'newId'> & { sync: SyncCore };

async function access(d: LeadsDeps, auth: AuthContext) {
  const viewer = await d.sync.visibility.viewer(auth.workspaceId, auth.userId, auth.role);
  const policy = await d.sync.visibility.policy(auth.workspaceId);
  return { viewer, policy };
}

/** SQL for "owner visible to the viewer" (mirrors `canSeeLead`). */
function visibleOwner(viewer: Viewer, policy: LeadVisibilityPolicy): SQL | undefined {
  if (viewer.role !== 'sdr' || policy === 'all') return undefined;
  const owners = policy === 'team' ? [...viewer.teamUserIds, viewer.userId] : [viewer.userId];
  return or(isNull(lead.ownerId), inArray(lead.ownerId, owners));
}

function dto(row: LeadRow, seq: number, notes?: string): LeadDtoT {
  return { ...row, seq, ...(notes === undefined ? {} : { notes }) };
}

export async function listLeads(
  d: LeadsDeps,
  auth: AuthContext,
  q: { limit: number; after?: string | undefined; includeDeleted: boolean },
) {
  const { viewer, policy } = await access(d, auth);
  const rows = await d.db
    .select()
    .from(lead)
    .where(
      and(
        eq(lead.workspaceId, auth.workspaceId),
        q.after ? gt(lead.id, q.after) : undefined,
        q.includeDeleted ? undefined : eq(lead.deleted, false),
        visibleOwner(viewer, policy),
      ),
    )
    .orderBy(asc(lead.id))
    .limit(q.limit);
  const items = rows.map((r) => dto(rowFromTable(r), r.seq));
  return { items, nextCursor: rows.length === q.limit ? (rows.at(-1)?.id ?? null) : null };
}

export async function getLead(d: LeadsDeps, auth: AuthContext, id: string): Promise<LeadDtoT> {
  const { viewer, policy } = await access(d, auth);
  const [r] = await d.db
    .select()
    .from(lead)
    .where(
      and(eq(lead.id, id), eq(lead.workspaceId, auth.workspaceId), visibleOwner(viewer, policy)),
    );
  if (!r) throw new ApiError('not_found', 'No such lead.');
  return dto(rowFromTable(r), r.seq, notesFromState(leadDocName(id), r.yState));
}

async function checkOwner(d: LeadsDeps, auth: AuthContext, ownerId: unknown): Promise<void> {
  if (typeof ownerId !== 'string') return;
  if (ownerId !== auth.userId && !roleAtLeast(auth.role, 'manager')) {
    throw new ApiError('forbidden', 'Only managers and admins may assign leads to others.');
  }
  const [m] = await d.db
    .select({ id: membership.id })
    .from(membership)
    .where(and(eq(membership.workspaceId, auth.workspaceId), eq(membership.userId, ownerId)));
  if (!m) {
    throw new ApiError('invalid_input', 'The owner is not a member of this workspace.', {
      issues: [{ path: 'ownerId', message: 'not a member of this workspace' }],
    });
  }
}

function unwrap(r: ServerWriteResult): LeadDtoT {
  if (r.ok) return dto(r.row, r.seq, r.notes);
  switch (r.code) {
    case 'not_found':
      throw new ApiError('not_found', 'No such lead.');
    case 'conflict':
      throw new ApiError('conflict', 'This lead already exists.');
    case 'invalid_input':
      throw new ApiError('invalid_input', r.message, {
        issues: r.issues.map((i) => ({ path: i.field, message: i.message })),
      });
    case 'internal':
      throw new ApiError('internal', r.message);
  }
}

/**
 * Field write rule of a REST caller: the role's, plus (on create) self-assignment for SDRs and the
 * owner the workspace's routing rule picked.
 */
function writeRule(
  auth: AuthContext,
  changes: Record<string, unknown>,
  creating: boolean,
  routed = false,
) {
  const base = fieldWriteCheck(auth.role, 'lead');
  const selfAssign = creating && changes['ownerId'] === auth.userId;
  return (field: string) => base(field) || (field === 'ownerId' && (selfAssign || routed));
}

/** Normalised values (E.164 phone, country code, derived zone...) or a 400 with field issues. */
function normalised(input: Record<string, unknown>, current?: LeadPlace): Record<string, unknown> {
  const n = normaliseLeadChanges(input, current);
  if (n.ok) return n.changes;
  throw new ApiError('invalid_input', n.issues.map((i) => i.message).join('; '), {
    issues: n.issues.map((i) => ({ path: i.field, message: i.message })),
  });
}

export async function createLead(
  d: LeadsDeps,
  auth: AuthContext,
  body: Record<string, unknown>,
): Promise<LeadDtoT> {
  const input: Record<string, unknown> = { ...normalised(body), createdAt: Date.now() };
  await checkOwner(d, auth, input['ownerId']);
  // No owner given: the workspace's routing rule decides (the rule, not the caller, assigns).
  let routed = false;
  if (input['ownerId'] === undefined) {
    const [owner] = await d.db.transaction((tx) =>
      routeNewLeads(tx, auth.workspaceId, [input], Date.now()),
    );
    if (owner) {
      input['ownerId'] = owner;
      routed = true;
    }
  }
  const id = d.newId();
  return unwrap(
    await d.sync.authority.applyServerWrite({
      workspaceId: auth.workspaceId,
      userId: auth.userId,
      docName: leadDocName(id),
      changes: input,
      mode: 'create',
      canWrite: writeRule(auth, input, true, routed),
    }),
  );
}

export async function updateLead(
  d: LeadsDeps,
  auth: AuthContext,
  id: string,
  body: Record<string, unknown>,
): Promise<LeadDtoT> {
  const located = ['phone', 'country', 'timezone'].some((f) => f in body);
  const changes = normalised(body, located ? await getLead(d, auth, id) : undefined);
  await checkOwner(d, auth, changes['ownerId']);
  for (const field of Object.keys(changes)) {
    if (!fieldWriteCheck(auth.role, 'lead')(field)) {
      throw new ApiError('forbidden', `Your role (${auth.role}) may not change ${field}.`);
    }
  }
  return unwrap(
    await d.sync.authority.applyServerWrite({
      workspaceId: auth.workspaceId,
      userId: auth.userId,
      docName: leadDocName(id),
      changes,
      mode: 'update',
      visibleTo: await access(d, auth),
    }),
  );
}

export async function listConflicts(d: LeadsDeps, auth: AuthContext, id: string) {
  await getLead(d, auth, id);
  const rows = await d.db
    .select()
    .from(fieldConflict)
    .where(
      and(
        eq(fieldConflict.workspaceId, auth.workspaceId),
        eq(fieldConflict.docName, leadDocName(id)),
      ),
    )
    .orderBy(desc(fieldConflict.seq));
  return rows.map((c) => ({
    id: c.id,
    field: c.field,
    seq: c.seq,
    previousValue: c.previousValue,
    previousClientId: c.previousClientId,
    previousUserId: c.previousUserId,
    incomingValue: c.incomingValue,
    incomingClientId: c.incomingClientId,
    incomingUserId: c.incomingUserId,
    winner: c.winner,
    sameValue: c.sameValue,
    createdAt: c.createdAt.toISOString(),
  }));
}

/**
 * A lead's timeline, newest first: its own changes and those of duplicates merged into it (their
 * history moves with the merge), with the author's name.
 */
export async function listActivity(
  d: LeadsDeps,
  auth: AuthContext,
  id: string,
  q: { limit: number; before?: number | undefined },
) {
  await getLead(d, auth, id);
  const merged = d.db
    .select({ id: lead.id })
    .from(lead)
    .where(and(eq(lead.workspaceId, auth.workspaceId), eq(lead.mergedInto, id)));
  const rows = await d.db
    .select({ a: leadActivity, userName: user.name })
    .from(leadActivity)
    .leftJoin(user, eq(user.id, leadActivity.userId))
    .where(
      and(
        eq(leadActivity.workspaceId, auth.workspaceId),
        or(eq(leadActivity.leadId, id), inArray(leadActivity.leadId, merged)),
        q.before ? lt(leadActivity.seq, q.before) : undefined,
      ),
    )
    .orderBy(desc(leadActivity.seq))
    .limit(q.limit);
  const items = rows.map(({ a, userName }) => ({
    id: a.id,
    leadId: a.leadId,
    seq: a.seq,
    kind: a.kind,
    changes: a.changes,
    notesChanged: a.notesChanged,
    userId: a.userId,
    userName: userName ?? null,
    createdAt: a.createdAt.toISOString(),
  }));
  return { items, nextBefore: rows.length === q.limit ? (items.at(-1)?.seq ?? null) : null };
}
