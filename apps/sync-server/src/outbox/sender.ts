/**
 * The interface between the outbox worker and a channel (Twilio SMS/WhatsApp in
 * `channels/twilio/`, SMTP in `channels/email/`): `send` hands ONE message to the provider and
 * says what happened. The worker has already claimed the message (`sending`, committed), so a
 * sender never has to guard against a second worker.
 */
import type { MessageStatus } from '@sdr/schema';
import type { conversation, message } from '@sdr/schema/pg';
import type { Logger } from '../logger.ts';

export type MessageRow = typeof message.$inferSelect;
export type ConversationRow = typeof conversation.$inferSelect;

export interface SendContext {
  workspaceId: string;
  /** ms since epoch, the worker's clock for this batch. */
  now: number;
  logger: Logger;
}

export interface SendResult {
  /** The provider's id (Twilio MessageSid, SMTP Message-ID), matched by status callbacks. */
  providerId: string | null;
  /** Usually `sent` (the provider has it); merged with the stored status monotonically. */
  status: 'sent' | 'delivered';
}

/**
 * A failed send. `permanent`: sending again cannot succeed (bad number, opted out, auth):
 * the message fails at once. Otherwise the worker retries with backoff, unless `ambiguous`: the
 * provider may have accepted the message (timeout, connection reset, 5xx), so sending again may
 * send twice; the message is then failed as `in_doubt` and never resent automatically.
 */
export class SendError extends Error {
  override readonly name = 'SendError';
  readonly permanent: boolean;
  readonly ambiguous: boolean;
  /** Short, user-visible reason stored in `message.statusReason`. */
  readonly reason: string;

  constructor(
    reason: string,
    o: { permanent: boolean; ambiguous?: boolean; cause?: unknown } = { permanent: false },
  ) {
    super(reason, o.cause === undefined ? undefined : { cause: o.cause });
    this.reason = reason;
    this.permanent = o.permanent;
    this.ambiguous = o.ambiguous ?? false;
  }
}

/** Headers a sender's `prepare` has the claim store on a message row (email threading). */
export interface StoredHeaders {
  emailMessageId: string;
  inReplyTo: string | null;
  references: string[];
  fromAddress: string;
  toAddress: string;
  subject: string;
}

export interface ChannelSender {
  send(message: MessageRow, conversation: ConversationRow, ctx: SendContext): Promise<SendResult>;
  /**
   * Optional: called once per batch just before its claim, with every claimable message of the
   * batch for this sender, so per-message lookups can be done in a few queries for the whole
   * batch. The headers it returns (by message id) are stored on the rows by the claim itself (the
   * same UPDATE, committed before any send). `send` must still work (fall back to its own
   * lookups, storing what it needs) for a message that was not prepared or when this throws.
   */
  prepare?(
    items: { message: MessageRow; conversation: ConversationRow }[],
    ctx: { now: number; logger: Logger },
  ): Promise<Map<string, StoredHeaders> | void>;
  /**
   * Optional: looks an in-doubt message up at the provider (reconcile.ts) instead of leaving it
   * to the user. Must not send anything.
   */
  reconcile?(
    message: MessageRow,
    conversation: ConversationRow,
    ctx: SendContext,
  ): Promise<ReconcileResult>;
}

/**
 * What the provider knows of an in-doubt message:
 * - `found`: it has it (its id and status; callbacks apply from then on);
 * - `not_found`: its records are complete for the time of the claim and hold no such message,
 *   so sending now cannot send twice;
 * - `unknown`: unreachable, or too early for its records to be complete: ask again later.
 */
export type ReconcileResult =
  | { kind: 'found'; providerId: string; status: MessageStatus; reason: string | null }
  | { kind: 'not_found' }
  | { kind: 'unknown'; reason: string };

/** `message.statusReason` of a message that may or may not have reached the provider. */
export const IN_DOUBT = 'in_doubt';
