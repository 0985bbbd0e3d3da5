/**
 * Our side of a conversation or message: which of the workspace's Twilio numbers (SMS, WhatsApp)
 * or which of the caller's own mailboxes (email) it goes from. `defaultOurAddress` picks one when
 * the client names none; `checkedOurAddress` accepts the one an SDR chose only when it is the
 * workspace's number / the caller's enabled mailbox (400 `invalid_input` at `field` otherwise).
 * WhatsApp numbers are given with or without `whatsapp:` and stored with it.
 */
import { and, eq } from 'drizzle-orm';
import { mailbox, twilioIntegration } from '@sdr/schema/pg';
import type { AuthContext } from '../context.ts';
import type { Db } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import type { Tx } from './inbox.deps.ts';

export type SendingChannel = 'email' | 'sms' | 'whatsapp';

export interface OurAddress {
  readonly address: string | null;
  /** Email: the mailbox it goes out of. */
  readonly mailboxId: string | null;
}

const plain = (n: string) => n.replace(/^whatsapp:/, '');

async function myMailboxes(db: Db | Tx, auth: AuthContext) {
  return db
    .select()
    .from(mailbox)
    .where(and(eq(mailbox.workspaceId, auth.workspaceId), eq(mailbox.userId, auth.userId)))
    .orderBy(mailbox.createdAt);
}

async function workspaceNumbers(db: Db | Tx, workspaceId: string): Promise<string[]> {
  const [t] = await db
    .select({ phoneNumbers: twilioIntegration.phoneNumbers })
    .from(twilioIntegration)
    .where(eq(twilioIntegration.workspaceId, workspaceId));
  return t?.phoneNumbers ?? [];
}

/** The workspace's first number for the channel / the caller's first mailbox. */
export async function defaultOurAddress(
  db: Db | Tx,
  auth: AuthContext,
  channel: SendingChannel,
): Promise<OurAddress> {
  if (channel === 'email') {
    const [m] = await myMailboxes(db, auth);
    return { address: m?.address ?? null, mailboxId: m?.id ?? null };
  }
  const numbers = await workspaceNumbers(db, auth.workspaceId);
  const pick =
    channel === 'whatsapp'
      ? (numbers.find((n) => n.startsWith('whatsapp:')) ??
        (numbers[0] ? `whatsapp:${plain(numbers[0])}` : null))
      : (numbers.find((n) => !n.startsWith('whatsapp:')) ?? null);
  return { address: pick, mailboxId: null };
}

/** `wanted` when it is ours to send from on `channel`; else 400 with the issue at `field`. */
export async function checkedOurAddress(
  db: Db | Tx,
  auth: AuthContext,
  channel: string,
  wanted: string,
  field: string,
): Promise<OurAddress> {
  const refuse = (message: string): never => {
    throw new ApiError('invalid_input', `Cannot send from ${wanted}: ${message}.`, {
      issues: [{ path: field, message }],
    });
  };
  if (channel === 'email') {
    const want = wanted.trim().toLowerCase();
    const mb = (await myMailboxes(db, auth)).find((m) => m.address.toLowerCase() === want);
    if (!mb) return refuse('not one of your mailboxes');
    if (mb.status === 'disabled') return refuse('this mailbox is disabled');
    return { address: mb.address, mailboxId: mb.id };
  }
  if (channel === 'sms' || channel === 'whatsapp') {
    const numbers = await workspaceNumbers(db, auth.workspaceId);
    const want = plain(wanted.trim());
    const ok =
      channel === 'sms' ? numbers.some((n) => n === want) : numbers.some((n) => plain(n) === want);
    if (!ok)
      return refuse(`not one of the workspace's ${channel === 'sms' ? 'SMS' : 'WhatsApp'} numbers`);
    return { address: channel === 'whatsapp' ? `whatsapp:${want}` : want, mailboxId: null };
  }
  return refuse(`a ${channel} conversation has no sending address`);
}
