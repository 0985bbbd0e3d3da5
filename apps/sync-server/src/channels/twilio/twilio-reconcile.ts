/**
 * Finding an in-doubt outbound message at Twilio (the outbox's `reconcile`, outbox/reconcile.ts):
 * Twilio's Messages list (ListMessage) filtered by `To` and `From`, newest first, then matched by
 * direction (outbound), body and creation time (not before our message was created, less a
 * clock-skew margin). A SID another message of ours already carries is not a match, and of
 * several matches the oldest is taken, so two in-doubt messages with the same text to the same
 * lead each find their own.
 *
 * No `DateSent` filter: a message Twilio accepted but has not sent yet (`queued`, or waiting in
 * a Messaging Service queue) has no `date_sent` and would be missed, which would send it twice.
 *
 * "Not found" is only trusted once Twilio's list can be taken as complete for the claim:
 * `consistencyMs` (default 60 s) after the message was marked in doubt (its `updatedAt`, which
 * is after the create request was made). Before that, and when Twilio cannot be reached, the
 * answer is `unknown` and the outbox asks again later.
 */
import { mapTwilioStatus, nextStatus } from '@sdr/domain';
import { message } from '@sdr/schema/pg';
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '../../db/schema.ts';
import type { MessageRow, ReconcileResult } from '../../outbox/sender.ts';
import { twilioErrorInfo, type TwilioClient } from './twilio-client.ts';

/** Default time after which Twilio's Messages list is taken as complete (ms). */
export const LIST_CONSISTENCY_MS = 60_000;
/** Our clock and Twilio's may differ by this much (ms). */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Messages of one From/To pair looked at (newest first). */
const LIST_LIMIT = 500;
/** Twilio prefixes bodies sent from trial accounts. */
const TRIAL_PREFIX = 'Sent from your Twilio trial account - ';

export interface FindSentMessageInput {
  db: Db;
  message: MessageRow;
  /** The From/To the sender gives Twilio for this message. */
  from: string;
  to: string;
  now: number;
  consistencyMs: number;
}

export async function findSentMessage(
  client: TwilioClient,
  o: FindSentMessageInput,
): Promise<ReconcileResult> {
  let listed;
  try {
    listed = await client.messages.list({
      to: o.to,
      from: o.from,
      limit: LIST_LIMIT,
      pageSize: 100,
    });
  } catch (err) {
    return { kind: 'unknown', reason: `Twilio lookup failed: ${twilioErrorInfo(err).message}` };
  }
  const since = o.message.createdAt - CLOCK_SKEW_MS;
  const body = o.message.body;
  const candidates = listed.filter(
    (x) =>
      x.direction.startsWith('outbound') &&
      (x.body === body || x.body === `${TRIAL_PREFIX}${body}`) &&
      x.dateCreated.getTime() >= since,
  );
  const taken = await sidsOfOtherMessages(
    o.db,
    o.message,
    candidates.map((x) => x.sid),
  );
  const match = candidates
    .filter((x) => !taken.has(x.sid))
    .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime())[0];
  if (match) {
    // Twilio has it: at least `sent`, as after a successful create.
    const status = nextStatus('sent', mapTwilioStatus(match.status));
    const failed = status === 'failed' || status === 'undelivered';
    return {
      kind: 'found',
      providerId: match.sid,
      status,
      reason: failed && match.errorCode ? `Twilio error ${match.errorCode}` : null,
    };
  }
  if (o.now - o.message.updatedAt < o.consistencyMs) {
    return { kind: 'unknown', reason: "not in Twilio's message list yet" };
  }
  return { kind: 'not_found' };
}

async function sidsOfOtherMessages(db: Db, m: MessageRow, sids: string[]): Promise<Set<string>> {
  if (sids.length === 0) return new Set();
  const rows = await db
    .select({ sid: message.providerId })
    .from(message)
    .where(
      and(
        eq(message.workspaceId, m.workspaceId),
        inArray(message.providerId, sids),
        ne(message.id, m.id),
      ),
    );
  return new Set(rows.map((r) => r.sid).filter((s): s is string => s !== null));
}
