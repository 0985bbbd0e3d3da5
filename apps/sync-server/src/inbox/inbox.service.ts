/**
 * The inbox's three writers that providers and the composer go through:
 *
 * - `ingestInbound`: an inbound SMS/WhatsApp/email (from the webhook processor or the IMAP
 *   reader). Matches the lead by normalised address (creating one through the sync authority
 *   when unknown), finds or creates the conversation (email: by References/In-Reply-To/thread
 *   root; SMS/WhatsApp: `<our>|<lead>`), stores the message (`providerId` is the dedupe key:
 *   a repeat is a no-op), reopens, routes new conversations (domain `chooseAssignee`), updates SLA
 *   timers, the queue item and notifies the assignee. Auto-replies and bounces are stored,
 *   labelled by `kind`, and change nothing else (a bounce marks the original message `bounced`).
 * - `createOutbound`: a message, note or call log written by a member. The client-chosen `id` is
 *   the idempotency key; a message to the lead is enqueued for sending in the same transaction.
 * - `applyDeliveryStatus`: provider status callbacks, monotonic (domain `nextStatus`).
 *
 * Every change is stamped as facts in its transaction and published after commit (`inboxTx`).
 *
 * Unknown senders and concurrency: the new lead's id is derived from (workspace, address), so
 * two messages from one unknown sender racing on any number of instances create it once: the
 * authority refuses the second `create` of the same doc (`conflict`) and the loser re-reads.
 * A lead that was deleted, or whose address changed since, moves on to the next derived id.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import {
  chooseAssignee,
  nextSlaDeadline,
  nextStatus,
  normaliseLeadChanges,
  normalisePhone,
  parseEmail,
  parseMentions,
  referencedIds,
  threadRootId,
  MESSAGE_STATUS_ORDER,
} from '@sdr/domain';
import type { PhoneResult } from '@sdr/domain';
import type { AttachmentValue, InboxSettings, MessageStatus } from '@sdr/schema';
import { conversation, lead, membership, message, queueItem, user } from '@sdr/schema/pg';
import { ApiError } from '../errors.ts';
import { leadDocName } from '../sync/lead-row.ts';
import type { FactRef } from '../sync/facts.ts';
import { attachmentOf, fileMetas } from '../files/files.service.ts';
import { inboxTx, type InboxDeps, type Tx } from './inbox.deps.ts';
import { loadInboxSettings, lockInboxRouting, saveRoutingCursor } from './inbox.settings.ts';
import {
  addNotification,
  addQueueItem,
  assignConversation,
  completeConversationItems,
  openLoad,
  recordStatusChanges,
  refreshSla,
  RESPONSE_ITEM_KINDS,
  type ConversationRow,
  type MessageRow,
} from './inbox.writes.ts';

export type { InboxDeps } from './inbox.deps.ts';

export type InboundChannel = 'email' | 'sms' | 'whatsapp';

export interface InboundInput {
  readonly workspaceId: string;
  readonly channel: InboundChannel;
  /** The lead's address: E.164 (any formatting), `whatsapp:+E164`, or an email address. */
  readonly from: string;
  /** Our address: the Twilio number / `whatsapp:+E164`, or the mailbox address. */
  readonly to: string;
  readonly fromName?: string | null;
  readonly body: string;
  readonly subject?: string | null;
  readonly attachments?: readonly AttachmentValue[];
  /** Twilio MessageSid / email Message-ID: unique per workspace, the dedupe key. */
  readonly providerId: string;
  readonly kind?: 'message' | 'auto_reply' | 'bounce';
  readonly emailMessageId?: string | null;
  readonly inReplyTo?: string | null;
  readonly references?: readonly string[] | string | null;
  /** Email: the thread root's Message-ID (computed from the headers when absent). */
  readonly threadKey?: string | null;
  readonly mailboxId?: string | null;
  /** ms since epoch. */
  readonly receivedAt: number;
}

export interface InboundResult {
  /** null only when an auto-reply/bounce matched no conversation and no lead (ignored). */
  readonly messageId: string | null;
  readonly conversationId: string | null;
  readonly leadId: string | null;
  /** The providerId was stored before: nothing was written. */
  readonly duplicate: boolean;
  readonly createdLead: boolean;
  /** Why nothing was stored (auto-reply or bounce from an unknown sender). */
  readonly ignored?: string;
}

export interface OutboundInput {
  readonly workspaceId: string;
  readonly userId: string;
  readonly conversationId: string;
  /** Client-chosen message id: the idempotency key. */
  readonly id: string;
  readonly kind: 'message' | 'note' | 'call';
  readonly body: string;
  readonly subject?: string | null;
  readonly attachments?: readonly AttachmentValue[];
  /** Send later (ms); in the past or absent: now. Messages only. */
  readonly sendAt?: number | null;
  /** Member ids mentioned in a note (merged with the `@names` found in the body). */
  readonly mentions?: readonly string[];
  readonly callDurationS?: number | null;
  readonly callOutcome?: string | null;
  /** Messages: our address to send from, already checked; absent: the conversation's. */
  readonly fromAddress?: string | null;
}

export interface OutboundResult {
  readonly message: MessageRow;
  /** The id was stored before: the stored message, nothing written or enqueued again. */
  readonly duplicate: boolean;
}

export interface DeliveryStatusInput {
  readonly workspaceId: string;
  readonly providerId?: string | null;
  readonly messageId?: string | null;
  readonly status: MessageStatus | null;
  readonly reason?: string | null;
  /** When the provider reported it (ms). */
  readonly at: number;
  readonly engagement?: 'open' | 'click' | null;
}

export interface DeliveryStatusResult {
  readonly found: boolean;
  readonly changed: boolean;
  readonly messageId: string | null;
  readonly status: MessageStatus | null;
}

const SENT_STATUSES: ReadonlySet<MessageStatus> = new Set(['sending', 'sent', 'delivered', 'read']);

export function preview(body: string): string {
  return body.replace(/\s+/g, ' ').trim().slice(0, 140);
}

/**
 * `normalisePhone` of recent senders' numbers. Parsing with libphonenumber is the dearest step of
 * reading an inbound message (tens of µs), and the processor reads the same few numbers again and
 * again; the answer depends on the text alone. Bounded: emptied when full.
 */
const PHONE_CACHE_MAX = 10_000;
const phoneCache = new Map<string, PhoneResult>();

function normalisedPhone(text: string): PhoneResult {
  let r = phoneCache.get(text);
  if (r === undefined) {
    r = normalisePhone(text);
    if (phoneCache.size >= PHONE_CACHE_MAX) phoneCache.clear();
    phoneCache.set(text, r);
  }
  return r;
}

/** The lead's address as stored on leads: E.164 for phones, lowercased email. */
export function normaliseAddress(channel: InboundChannel, raw: string): string {
  if (channel === 'email') {
    const r = parseEmail(raw);
    if (r.ok && r.value !== '') return r.value;
    throw new ApiError('invalid_input', `Not an email address: ${raw}`, {
      issues: [{ path: 'from', message: 'not an email address' }],
    });
  }
  const r = normalisedPhone(raw.replace(/^whatsapp:/i, ''));
  if (r.ok && r.e164 !== '') return r.e164;
  throw new ApiError('invalid_input', `Not a phone number: ${raw}`, {
    issues: [{ path: 'from', message: r.ok ? 'empty' : r.message }],
  });
}

class Duplicate extends Error {}

// ---- leads -------------------------------------------------------------------------------------

export type LeadRowDb = typeof lead.$inferSelect;

async function findLeadByAddress(
  d: InboxDeps,
  workspaceId: string,
  channel: InboundChannel,
  address: string,
): Promise<LeadRowDb | null> {
  const [row] = await d.db
    .select()
    .from(lead)
    .where(
      and(
        eq(lead.workspaceId, workspaceId),
        channel === 'email' ? eq(lead.email, address) : eq(lead.phone, address),
        eq(lead.deleted, false),
      ),
    )
    .orderBy(asc(lead.seq), asc(lead.id))
    .limit(1);
  return row ?? null;
}

/** Derived lead ids for an unknown sender: `in<hash>`, then `in<hash>-1`, ... */
function derivedLeadId(workspaceId: string, address: string, generation: number): string {
  const h = createHash('sha256').update(`${workspaceId}\n${address}`).digest('hex').slice(0, 30);
  return generation === 0 ? `in${h}` : `in${h}-${generation}`;
}

function namesOf(fromName: string | null | undefined): { firstName?: string; lastName?: string } {
  const name = (fromName ?? '').replace(/["']/g, '').trim();
  if (name === '') return {};
  const [first, ...rest] = name.split(/\s+/);
  return { firstName: (first ?? '').slice(0, 200), lastName: rest.join(' ').slice(0, 200) };
}

/** The live lead with this address, or a new one (routed like any new lead) when none. */
export async function resolveLead(
  d: InboxDeps,
  input: InboundInput,
  address: string,
): Promise<{ lead: LeadRowDb; created: boolean } | null> {
  const existing = await findLeadByAddress(d, input.workspaceId, input.channel, address);
  if (existing) return { lead: existing, created: false };
  if ((input.kind ?? 'message') !== 'message') return null;
  const field = input.channel === 'email' ? 'email' : 'phone';
  const source =
    input.channel === 'email'
      ? 'inbound email'
      : input.channel === 'sms'
        ? 'inbound sms'
        : 'inbound whatsapp';
  const n = normaliseLeadChanges({ ...namesOf(input.fromName), [field]: address, source });
  if (!n.ok) {
    throw new ApiError('invalid_input', n.issues.map((i) => i.message).join('; '), {
      issues: n.issues.map((i) => ({ path: i.field, message: i.message })),
    });
  }
  for (let generation = 0; generation < 50; generation++) {
    const id = derivedLeadId(input.workspaceId, address, generation);
    for (let attempt = 0; attempt < 3; attempt++) {
      const [row] = await d.db.select().from(lead).where(eq(lead.id, id));
      if (row) {
        const same =
          row.workspaceId === input.workspaceId &&
          !row.deleted &&
          (field === 'email' ? row.email === address : row.phone === address);
        if (same) return { lead: row, created: false };
        break; // taken by a deleted or re-addressed lead: next generation
      }
      const r = await d.sync.authority.applyServerWrite({
        workspaceId: input.workspaceId,
        userId: null,
        docName: leadDocName(id),
        changes: { ...n.changes, createdAt: input.receivedAt },
        mode: 'create',
      });
      if (r.ok) {
        // The commit batch routed the unowned lead; read the stored row (owner included).
        const [stored] = await d.db.select().from(lead).where(eq(lead.id, id));
        if (stored) return { lead: stored, created: true };
        throw new ApiError('internal', 'The new lead was not stored.');
      }
      if (r.code === 'conflict') continue; // created concurrently: read it again
      if (r.code === 'invalid_input') {
        throw new ApiError('invalid_input', r.message, {
          issues: r.issues.map((i) => ({ path: i.field, message: i.message })),
        });
      }
      throw new ApiError('internal', r.message);
    }
  }
  throw new ApiError('internal', 'Could not create a lead for this sender.');
}

// ---- conversations -----------------------------------------------------------------------------

async function findConversation(
  tx: Tx,
  workspaceId: string,
  input: InboundInput,
  threadKey: string,
): Promise<ConversationRow | null> {
  if (input.channel === 'email') {
    const ids = referencedIds({ inReplyTo: input.inReplyTo, references: input.references });
    if (ids.length > 0) {
      const [hit] = await tx
        .select({ conversationId: message.conversationId })
        .from(message)
        .where(
          and(
            eq(message.workspaceId, workspaceId),
            inArray(message.emailMessageId, ids),
            eq(message.channel, 'email'),
          ),
        )
        .limit(1);
      if (hit) {
        const [c] = await tx
          .select()
          .from(conversation)
          .where(
            and(eq(conversation.id, hit.conversationId), eq(conversation.workspaceId, workspaceId)),
          );
        if (c) return c;
      }
    }
  }
  const [c] = await tx
    .select()
    .from(conversation)
    .where(
      and(
        eq(conversation.workspaceId, workspaceId),
        eq(conversation.channel, input.channel),
        eq(conversation.threadKey, threadKey),
      ),
    );
  return c ?? null;
}

export function threadKeyOf(input: InboundInput, address: string): string {
  if (input.channel !== 'email') return `${input.to}|${address}`;
  return (
    input.threadKey ??
    threadRootId({
      messageId: input.emailMessageId ?? null,
      inReplyTo: input.inReplyTo ?? null,
      references: input.references ?? null,
    }) ??
    `provider:${input.providerId}`
  );
}

/**
 * Routes an unassigned conversation with the workspace's rule (lead owner first, then the rule;
 * the cursor advances under the settings row's lock) and records the decision.
 */
export async function routeConversation(
  d: InboxDeps,
  tx: Tx,
  conv: ConversationRow,
  leadRow: { ownerId: string | null; country: string } | null,
  facts: FactRef[],
): Promise<ConversationRow> {
  const [routed] = await routeConversations(d, tx, [{ conv, lead: leadRow }], facts);
  return routed!;
}

/**
 * `routeConversation` for several unassigned conversations of one workspace, in order: one lock,
 * one load count and one member read; each choice sees the load and cursor the previous left.
 */
export async function routeConversations(
  d: InboxDeps,
  tx: Tx,
  list: readonly {
    conv: ConversationRow;
    lead: { ownerId: string | null; country: string } | null;
  }[],
  facts: FactRef[],
): Promise<ConversationRow[]> {
  if (list.length === 0) return [];
  const ws = list[0]!.conv.workspaceId;
  const { settings, cursor } = await lockInboxRouting(tx, ws, d.now());
  const load = await openLoad(tx, ws);
  const members = await tx
    .select({ userId: membership.userId })
    .from(membership)
    .where(eq(membership.workspaceId, ws));
  // Only current members can take work (a rule may still name someone who left).
  const available = members.map((m) => m.userId);
  let current = cursor;
  const out: ConversationRow[] = [];
  for (const { conv, lead: leadRow } of list) {
    const choice = chooseAssignee({
      settings,
      conversation: {
        channel: conv.channel,
        leadCountry: leadRow?.country ?? null,
        leadOwnerId: leadRow?.ownerId ?? null,
      },
      load,
      cursor: current,
      available,
    });
    current = choice.cursor;
    if (choice.assigneeId === null) {
      out.push(conv);
      continue;
    }
    if (conv.status !== 'closed') load[choice.assigneeId] = (load[choice.assigneeId] ?? 0) + 1;
    out.push(
      await assignConversation(
        d,
        tx,
        settings,
        conv,
        { toUserId: choice.assigneeId, byUserId: null, reason: choice.reason, addItem: false },
        facts,
      ),
    );
  }
  if (JSON.stringify(current) !== JSON.stringify(cursor)) {
    await saveRoutingCursor(tx, ws, current);
  }
  return out;
}

// ---- inbound -----------------------------------------------------------------------------------

async function existingByProvider(
  d: InboxDeps | { db: InboxDeps['db'] },
  workspaceId: string,
  providerId: string,
): Promise<MessageRow | null> {
  const [m] = await d.db
    .select()
    .from(message)
    .where(and(eq(message.workspaceId, workspaceId), eq(message.providerId, providerId)));
  return m ?? null;
}

function duplicateResult(m: MessageRow): InboundResult {
  return {
    messageId: m.id,
    conversationId: m.conversationId,
    leadId: m.leadId,
    duplicate: true,
    createdLead: false,
  };
}

export async function ingestInbound(d: InboxDeps, input: InboundInput): Promise<InboundResult> {
  const ws = input.workspaceId;
  const kind = input.kind ?? 'message';
  const before = await existingByProvider(d, ws, input.providerId);
  if (before) return duplicateResult(before);
  const address = normaliseAddress(input.channel, input.from);
  const threadKey = threadKeyOf(input, address);

  // The lead, before the transaction (creating a lead commits through the authority; PGlite has one
  // connection). Auto-replies and bounces never create a lead: they only look one up, and
  // without a conversation or a lead they are dropped.
  const resolved = await resolveLead(d, input, address);

  try {
    return await inboxTx(d, ws, async (tx, facts) => {
      const { settings } = await loadInboxSettings(tx, ws);
      let conv = await findConversation(tx, ws, input, threadKey);
      if (!conv && kind !== 'message') {
        if (!resolved) {
          return {
            messageId: null,
            conversationId: null,
            leadId: null,
            duplicate: false,
            createdLead: false,
            ignored: `${kind} from an unknown sender`,
          } satisfies InboundResult;
        }
      }
      if (!conv) {
        const now = d.now();
        const [ins] = await tx
          .insert(conversation)
          .values({
            id: d.newId(),
            workspaceId: ws,
            leadId: resolved!.lead.id,
            channel: input.channel,
            status: 'open',
            labels: [],
            subject: input.subject ?? null,
            ourAddress: input.to,
            leadAddress: address,
            mailboxId: input.mailboxId ?? null,
            threadKey,
            sla: [],
            escalations: [],
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing()
          .returning();
        conv = ins ?? (await findConversation(tx, ws, input, threadKey));
        if (!conv) throw new ApiError('internal', 'Conversation vanished.');
      }
      // One writer per conversation at a time (counters, SLA, queue item).
      const [locked] = await tx
        .select()
        .from(conversation)
        .where(eq(conversation.id, conv.id))
        .for('update');
      conv = locked!;
      facts.push({ entity: 'conversation', id: conv.id });

      const messageId = d.newId();
      const [m] = await tx
        .insert(message)
        .values({
          id: messageId,
          workspaceId: ws,
          conversationId: conv.id,
          leadId: conv.leadId,
          channel: input.channel,
          direction: 'in',
          kind,
          authorId: null,
          fromAddress: input.from,
          toAddress: input.to,
          subject: input.subject ?? null,
          body: input.body,
          attachments: [...(input.attachments ?? [])],
          status: 'received',
          providerId: input.providerId,
          emailMessageId: input.emailMessageId ?? null,
          inReplyTo: input.inReplyTo ?? null,
          references:
            input.references === undefined || input.references === null
              ? null
              : typeof input.references === 'string'
                ? [input.references]
                : [...input.references],
          assigneeId: conv.assigneeId,
          teamId: conv.teamId,
          createdAt: input.receivedAt,
          updatedAt: d.now(),
        })
        .onConflictDoNothing()
        .returning({ id: message.id });
      if (!m) throw new Duplicate();
      facts.push({ entity: 'message', id: messageId });

      if (kind === 'bounce') {
        await markBounced(d, tx, ws, input, facts);
      }
      if (kind === 'message') {
        const at = input.receivedAt;
        const reopen = conv.status === 'closed' || conv.status === 'snoozed';
        if (reopen) {
          await recordStatusChanges(
            d,
            tx,
            [{ conv, to: 'open', byUserId: null, reason: 'reply' }],
            d.now(),
          );
        }
        const [updated] = await tx
          .update(conversation)
          .set({
            unreadCount: conv.unreadCount + 1,
            lastMessageAt: Math.max(conv.lastMessageAt ?? 0, at),
            lastMessagePreview: preview(input.body),
            lastInboundAt: Math.max(conv.lastInboundAt ?? 0, at),
            firstInboundAt: conv.firstInboundAt ?? at,
            ...(reopen ? { status: 'open' as const, closedAt: null, snoozedUntil: null } : {}),
            updatedAt: d.now(),
          })
          .where(eq(conversation.id, conv.id))
          .returning();
        conv = updated!;
        if (conv.assigneeId === null) {
          const [l] = await tx.select().from(lead).where(eq(lead.id, conv.leadId));
          conv = await routeConversation(d, tx, conv, l ?? null, facts);
        }
        const sla = await refreshSla(d, tx, settings, conv, facts);
        conv = sla.conv;
        await inboundItemAndNotify(d, tx, settings, conv, input, sla.timers, facts);
      }
      return {
        messageId,
        conversationId: conv.id,
        leadId: conv.leadId,
        duplicate: false,
        createdLead: resolved?.created ?? false,
      } satisfies InboundResult;
    });
  } catch (err) {
    if (err instanceof Duplicate) {
      const m = await existingByProvider(d, ws, input.providerId);
      if (m) return duplicateResult(m);
    }
    throw err;
  }
}

async function inboundItemAndNotify(
  d: InboxDeps,
  tx: Tx,
  settings: InboxSettings,
  conv: ConversationRow,
  input: InboundInput,
  timers: Awaited<ReturnType<typeof refreshSla>>['timers'],
  facts: FactRef[],
): Promise<void> {
  const [open] = await tx
    .select({ id: queueItem.id })
    .from(queueItem)
    .where(
      and(
        eq(queueItem.conversationId, conv.id),
        eq(queueItem.kind, 'inbound_message'),
        ne(queueItem.state, 'done'),
      ),
    )
    .limit(1);
  const who = input.fromName?.trim() || conv.leadAddress || 'lead';
  let itemId = open?.id ?? null;
  if (!open) {
    const item = await addQueueItem(
      d,
      tx,
      settings,
      {
        workspaceId: conv.workspaceId,
        kind: 'inbound_message',
        title: `New message from ${who}`,
        conversationId: conv.id,
        leadId: conv.leadId,
        assigneeId: conv.assigneeId,
        teamId: conv.teamId,
        dueAt: nextSlaDeadline(timers)?.dueAt ?? null,
        channel: conv.channel,
      },
      facts,
    );
    itemId = item.id;
  }
  if (conv.assigneeId !== null) {
    await addNotification(
      d,
      tx,
      {
        workspaceId: conv.workspaceId,
        userId: conv.assigneeId,
        category: 'reply',
        title: `${who} replied`,
        body: preview(input.body),
        conversationId: conv.id,
        leadId: conv.leadId,
        queueItemId: itemId,
      },
      facts,
    );
  }
}

async function markBounced(
  d: InboxDeps,
  tx: Tx,
  workspaceId: string,
  input: InboundInput,
  facts: FactRef[],
): Promise<void> {
  const ids = referencedIds({ inReplyTo: input.inReplyTo, references: input.references });
  if (ids.length === 0) return;
  const originals = await tx
    .select()
    .from(message)
    .where(
      and(
        eq(message.workspaceId, workspaceId),
        inArray(message.emailMessageId, ids),
        eq(message.direction, 'out'),
      ),
    )
    .for('update');
  for (const o of originals) {
    const status = nextStatus(o.status, 'bounced');
    if (status === o.status) continue;
    await tx
      .update(message)
      .set({ status, statusReason: preview(input.body), updatedAt: d.now() })
      .where(eq(message.id, o.id));
    facts.push({ entity: 'message', id: o.id });
  }
}

// ---- outbound ----------------------------------------------------------------------------------

/**
 * A member answered at `at` (a message sent now, a scheduled one going out, a call): the
 * response timers stop, unread clears, the conversation's response work items are done.
 */
async function recordResponse(
  d: InboxDeps,
  tx: Tx,
  settings: InboxSettings,
  conv: ConversationRow,
  at: number,
  facts: FactRef[],
): Promise<ConversationRow> {
  const [updated] = await tx
    .update(conversation)
    .set({
      lastOutboundAt: Math.max(conv.lastOutboundAt ?? 0, at),
      firstResponseAt:
        conv.firstResponseAt ??
        (conv.firstInboundAt !== null && at >= conv.firstInboundAt ? at : null),
      unreadCount: 0,
      updatedAt: d.now(),
    })
    .where(eq(conversation.id, conv.id))
    .returning();
  facts.push({ entity: 'conversation', id: conv.id });
  await completeConversationItems(d, tx, conv.id, RESPONSE_ITEM_KINDS, facts);
  return (await refreshSla(d, tx, settings, updated!, facts)).conv;
}

async function memberList(tx: Tx, workspaceId: string) {
  return tx
    .select({ id: user.id, name: user.name, email: user.email })
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(eq(membership.workspaceId, workspaceId));
}

async function storedOutbound(d: InboxDeps, input: OutboundInput): Promise<OutboundResult | null> {
  const [m] = await d.db.select().from(message).where(eq(message.id, input.id));
  if (!m) return null;
  if (m.workspaceId !== input.workspaceId || m.conversationId !== input.conversationId) {
    throw new ApiError('conflict', 'This message id is already used for another message.');
  }
  return { message: m, duplicate: true };
}

/**
 * The attachments of an outbound message as the file store has them (files/): every `fileId` must
 * be a file of the workspace (else 400 `invalid_input`); name, size and type come from the store.
 */
async function storedAttachments(
  d: InboxDeps,
  ws: string,
  given: readonly AttachmentValue[],
): Promise<AttachmentValue[]> {
  if (given.length === 0) return [];
  const found = new Map(
    (
      await fileMetas(
        d.db,
        ws,
        given.map((a) => a.fileId),
      )
    ).map((f) => [f.id, f]),
  );
  const issues = given.flatMap((a, i) =>
    found.has(a.fileId)
      ? []
      : [
          {
            path: `attachments.${i}.fileId`,
            message: 'no such file in this workspace (upload it first)',
          },
        ],
  );
  if (issues.length > 0) {
    throw new ApiError('invalid_input', 'An attachment is not a stored file.', { issues });
  }
  return given.map((a) => attachmentOf(found.get(a.fileId)!));
}

export async function createOutbound(d: InboxDeps, input: OutboundInput): Promise<OutboundResult> {
  const stored = await storedOutbound(d, input);
  if (stored) return stored;
  const ws = input.workspaceId;
  const attachments = await storedAttachments(d, ws, input.attachments ?? []);
  try {
    return await inboxTx(d, ws, async (tx, facts) => {
      const now = d.now();
      const [found] = await tx
        .select()
        .from(conversation)
        .where(and(eq(conversation.id, input.conversationId), eq(conversation.workspaceId, ws)))
        .for('update');
      if (!found) throw new ApiError('not_found', 'No such conversation.');
      let conv = found;
      const { settings } = await loadInboxSettings(tx, ws);
      // Answering an unassigned conversation takes it (a note does not).
      if (conv.assigneeId === null && input.kind !== 'note') {
        conv = await assignConversation(
          d,
          tx,
          settings,
          conv,
          { toUserId: input.userId, byUserId: input.userId, reason: 'Replied', addItem: false },
          facts,
        );
      }
      const channel =
        input.kind === 'note' ? 'note' : input.kind === 'call' ? 'call' : conv.channel;
      if (input.kind === 'message' && (channel === 'note' || channel === 'call')) {
        throw new ApiError('invalid_input', `A ${channel} conversation cannot send messages.`, {
          issues: [{ path: 'kind', message: 'log a call or write a note instead' }],
        });
      }
      const sendAt =
        input.kind === 'message' && input.sendAt !== null && input.sendAt !== undefined
          ? input.sendAt
          : null;
      const later = sendAt !== null && sendAt > now;
      let mentions: string[] | null = null;
      if (input.kind === 'note') {
        const members = await memberList(tx, ws);
        const ids = new Set(members.map((m) => m.id));
        const parsed = parseMentions(input.body, members).userIds;
        mentions = [...new Set([...parsed, ...(input.mentions ?? []).filter((u) => ids.has(u))])];
      }
      const [m] = await tx
        .insert(message)
        .values({
          id: input.id,
          workspaceId: ws,
          conversationId: conv.id,
          leadId: conv.leadId,
          channel,
          direction: input.kind === 'note' ? 'internal' : 'out',
          kind: input.kind,
          authorId: input.userId,
          fromAddress: input.kind === 'message' ? (input.fromAddress ?? conv.ourAddress) : null,
          toAddress: input.kind === 'message' ? conv.leadAddress : null,
          subject: input.subject ?? (input.kind === 'message' ? conv.subject : null),
          body: input.body,
          attachments,
          status: input.kind === 'message' ? (later ? 'scheduled' : 'queued') : 'sent',
          sendAt: later ? sendAt : null,
          sentAt: input.kind === 'message' ? null : now,
          mentions,
          callDurationS: input.kind === 'call' ? (input.callDurationS ?? null) : null,
          callOutcome: input.kind === 'call' ? (input.callOutcome ?? null) : null,
          assigneeId: conv.assigneeId,
          teamId: conv.teamId,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (!m) throw new Duplicate();
      facts.push({ entity: 'message', id: m.id });
      if (input.kind === 'message') {
        await d.enqueueSend(tx, {
          workspaceId: ws,
          messageId: m.id,
          channel: channel as InboundChannel,
          sendAt: later ? sendAt : now,
        });
      }
      if (input.kind !== 'note') {
        const [u] = await tx
          .update(conversation)
          .set({
            lastMessageAt: Math.max(conv.lastMessageAt ?? 0, now),
            lastMessagePreview: preview(input.kind === 'call' ? `Call: ${input.body}` : input.body),
            updatedAt: now,
          })
          .where(eq(conversation.id, conv.id))
          .returning();
        conv = u!;
        facts.push({ entity: 'conversation', id: conv.id });
        if (!later) conv = await recordResponse(d, tx, settings, conv, now, facts);
      }
      for (const userId of mentions ?? []) {
        if (userId === input.userId) continue;
        await addNotification(
          d,
          tx,
          {
            workspaceId: ws,
            userId,
            category: 'mention',
            title: 'You were mentioned in a note',
            body: preview(input.body),
            conversationId: conv.id,
            leadId: conv.leadId,
          },
          facts,
        );
      }
      return { message: m, duplicate: false };
    });
  } catch (err) {
    if (err instanceof Duplicate) {
      const again = await storedOutbound(d, input);
      if (again) return again;
    }
    throw err;
  }
}

// ---- delivery status ---------------------------------------------------------------------------

const RANK = new Map<MessageStatus, number>(MESSAGE_STATUS_ORDER.map((s, i) => [s, i]));

export async function applyDeliveryStatus(
  d: InboxDeps,
  input: DeliveryStatusInput,
): Promise<DeliveryStatusResult> {
  if (!input.providerId && !input.messageId) {
    throw new ApiError('invalid_input', 'Give providerId or messageId.');
  }
  const ws = input.workspaceId;
  return inboxTx(d, ws, async (tx, facts) => {
    const [m] = await tx
      .select()
      .from(message)
      .where(
        and(
          eq(message.workspaceId, ws),
          input.messageId
            ? eq(message.id, input.messageId)
            : eq(message.providerId, input.providerId!),
        ),
      )
      .for('update');
    if (!m) return { found: false, changed: false, messageId: null, status: null };
    if (m.direction !== 'out') {
      return { found: true, changed: false, messageId: m.id, status: m.status };
    }
    const status = nextStatus(m.status, input.status);
    const at = input.at;
    const patch: Partial<MessageRow> = {};
    if (status !== m.status) patch.status = status;
    if (
      status !== m.status &&
      input.reason &&
      ['failed', 'undelivered', 'bounced'].includes(status)
    )
      patch.statusReason = input.reason.slice(0, 1000);
    if (SENT_STATUSES.has(status) && status !== 'sending' && m.sentAt === null) patch.sentAt = at;
    if ((status === 'delivered' || status === 'read') && m.deliveredAt === null)
      patch.deliveredAt = at;
    if (input.engagement === 'open' && m.openedAt === null) patch.openedAt = at;
    if (input.engagement === 'click' && m.clickedAt === null) patch.clickedAt = at;
    if (input.providerId && input.messageId && m.providerId === null)
      patch.providerId = input.providerId;
    if (Object.keys(patch).length === 0) {
      return { found: true, changed: false, messageId: m.id, status: m.status };
    }
    await tx
      .update(message)
      .set({ ...patch, updatedAt: d.now() })
      .where(eq(message.id, m.id));
    facts.push({ entity: 'message', id: m.id });
    // A send-later message going out is the response (an immediate one counted when written).
    const wasScheduled = m.sendAt !== null && m.sendAt > m.createdAt;
    const wentOut =
      (RANK.get(m.status) ?? 0) < (RANK.get('sending') ?? 0) && SENT_STATUSES.has(status);
    if (m.kind === 'message' && wasScheduled && wentOut) {
      const [conv] = await tx
        .select()
        .from(conversation)
        .where(eq(conversation.id, m.conversationId))
        .for('update');
      if (conv) {
        const { settings } = await loadInboxSettings(tx, ws);
        await recordResponse(d, tx, settings, conv, at, facts);
      }
    }
    return { found: true, changed: true, messageId: m.id, status };
  });
}
