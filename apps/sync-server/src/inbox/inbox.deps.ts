/**
 * What the inbox services need from the server, and the one transaction shape every inbox write
 * uses: rows change in a transaction, the changed server-owned facts (conversation, message,
 * queue item, notification) are stamped in the same transaction (`stampFacts`) and published to
 * connected clients after commit (`publishFacts`). Writers add refs to `facts` as they go; a row
 * touched twice is stamped once.
 */
import type { Db } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { publishFacts, stampFacts, type FactRef } from '../sync/facts.ts';
import type { SyncCore } from '../sync/sync-core.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** One outbound send for the durable outbox (apps/sync-server/src/outbox, helper OUTBOX). */
export interface SendJob {
  readonly workspaceId: string;
  readonly messageId: string;
  readonly channel: 'email' | 'sms' | 'whatsapp';
  /** Not before this time (ms); the creation time for immediate sends. */
  readonly sendAt: number;
}

/** Enqueues a send in the caller's transaction (commits or rolls back with the message row). */
export type EnqueueSend = (tx: Tx, job: SendJob) => Promise<void>;

export interface InboxDeps {
  readonly db: Db;
  /** The instance's sync core: authority (creating leads), bus and fan-out (facts). */
  readonly sync: SyncCore;
  readonly newId: () => string;
  /** ms since epoch; injectable for tests (SLA, snooze, due tasks). */
  readonly now: () => number;
  readonly enqueueSend: EnqueueSend;
  readonly logger?: Logger;
}

/** Runs `fn` in a transaction, stamps the facts it touched, publishes them after commit. */
export async function inboxTx<T>(
  d: InboxDeps,
  workspaceId: string,
  fn: (tx: Tx, facts: FactRef[]) => Promise<T>,
): Promise<T> {
  const { result, stamp } = await d.db.transaction(async (tx) => {
    const facts: FactRef[] = [];
    const result = await fn(tx, facts);
    const stamp = await stampFacts(
      tx,
      { bus: d.sync.bus, newId: d.newId, now: d.now() },
      workspaceId,
      facts,
    );
    return { result, stamp };
  });
  await publishFacts(d.sync, stamp);
  return result;
}
