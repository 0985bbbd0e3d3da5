/**
 * Inbound Twilio media (MMS / WhatsApp) into the file store, asynchronously. The webhook
 * processor stores the message at once with `twilio:<MediaUrl>` attachments (metadata,
 * twilio-media.ts); `withTwilioMediaDownload` then schedules one pg-boss job per message
 * (`twilio-media`, job id derived from the message id: scheduling twice is a no-op), and the
 * worker here downloads each media and swaps the attachment for the stored file (facts stamped,
 * so clients see it and can open it through `/api/v1/files/{id}` or a signed `/media` URL).
 *
 * Download: GET the MediaUrl with HTTP Basic auth (account SID + auth token), only when it is a
 * Twilio URL (`*.twilio.com`, or the configured API base URL in tests). Redirects are followed by
 * hand (at most 5); the credentials go only to the MediaUrl's own origin, never to the CDN it
 * redirects to. The body is limited to `limitBytes` (the file store's 20 MB by default;
 * Content-Length and the bytes read), and its content type must be the one the webhook announced
 * (or a generic octet-stream). Transient failures (network, 408/429/5xx) fail the job, which
 * pg-boss retries with backoff; permanent ones (404, over the limit, wrong type, Twilio no longer
 * connected), and transient ones on the last attempt, keep the metadata attachment marked
 * `unavailable` with the reason, so the thread says the file could not be fetched instead of
 * showing it as pending for ever. The message never waits for its media.
 */
import { sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import type { AttachmentValue } from '@sdr/schema';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { Db } from '../../db/schema.ts';
import {
  attachmentOf,
  derivedFileId,
  FILE_LIMIT_BYTES,
  storeFile,
} from '../../files/files.service.ts';
import { twilioAccountOfWorkspace } from '../../integrations/integrations.service.ts';
import { loggableError, type Logger } from '../../logger.ts';
import type { ChangeBus } from '../../sync/change-bus.ts';
import { publishFacts, stampFacts } from '../../sync/facts.ts';
import type { Fanout } from '../../sync/fanout.ts';
import { queryRows } from '../../sync/sql.ts';
import { derivedJobId } from '../../outbox/outbox.ts';
import { downloadMedia, MediaDownloadError } from './media-fetch.ts';

export const TWILIO_MEDIA_QUEUE = 'twilio-media';
const PREFIX = 'twilio:';

export interface TwilioMediaJobData {
  workspaceId: string;
  messageId: string;
}

export interface TwilioMediaWorkerOptions {
  db: Db;
  boss: PgBoss;
  box: SecretBox;
  sync: { db: Db; bus: ChangeBus; fanout: Fanout };
  logger: Logger;
  /** TWILIO_API_BASE_URL (tests: the fake): its origin counts as Twilio's. */
  apiBaseUrl?: string | undefined;
  limitBytes?: number;
  timeoutMs?: number;
  /** Downloads of one message before its media stay metadata (default 8). */
  attempts?: number;
  /** First retry delay (s, doubled each time; default 10). */
  retryDelaySeconds?: number;
  pollMs?: number;
  newId: () => string;
  clock?: () => number;
}

export interface TwilioMediaWorker {
  /** Schedules the download of a stored inbound message's `twilio:` media (idempotent). */
  schedule(workspaceId: string, messageId: string): Promise<void>;
  /** Media stored, failed for good, jobs retried, media given up on after the last attempt. */
  readonly stats: { stored: number; permanent: number; retried: number; gaveUp: number };
  stop(): Promise<void>;
}

/**
 * The webhook handlers with a hook after `inbound`: messages with Twilio media get a download
 * scheduled (also for a duplicate delivery, in case the first one died before scheduling).
 */
type InboundLike = { workspaceId: string; attachments?: readonly AttachmentValue[] | undefined };

/** Handlers with the batch entry point (when the processor offers one). */
type Handlers<I extends InboundLike> = {
  inbound(input: I): Promise<unknown>;
  inboundBatch?(workspaceId: string, inputs: readonly I[]): Promise<readonly unknown[]>;
};

export function withTwilioMediaDownload<I extends InboundLike, H extends Handlers<I>>(
  handlers: H,
  media: Pick<TwilioMediaWorker, 'schedule'>,
): H {
  const after = async (input: I, result: unknown) => {
    const messageId = (result as { messageId?: unknown } | null)?.messageId;
    const hasMedia = (input.attachments ?? []).some((a) => a.fileId.startsWith(PREFIX));
    if (hasMedia && typeof messageId === 'string') {
      await media.schedule(input.workspaceId, messageId);
    }
  };
  const batch = handlers.inboundBatch?.bind(handlers);
  return {
    ...handlers,
    async inbound(input: I) {
      const result = await handlers.inbound(input);
      await after(input, result);
      return result;
    },
    ...(batch
      ? {
          async inboundBatch(workspaceId: string, inputs: readonly I[]) {
            const outcomes = await batch(workspaceId, inputs);
            for (const [i, o] of outcomes.entries()) {
              const ok = o as { ok?: boolean; result?: unknown };
              if (ok.ok) await after(inputs[i]!, ok.result);
            }
            return outcomes;
          },
        }
      : {}),
  };
}

const isTwilioOrigin = (url: URL, apiBaseUrl: string | undefined) =>
  url.hostname === 'twilio.com' ||
  url.hostname.endsWith('.twilio.com') ||
  (apiBaseUrl !== undefined && new URL(apiBaseUrl).origin === url.origin);

export async function startTwilioMediaWorker(
  o: TwilioMediaWorkerOptions,
): Promise<TwilioMediaWorker> {
  const log = o.logger.child({ component: 'twilio-media' });
  const clock = o.clock ?? Date.now;
  const stats = { stored: 0, permanent: 0, retried: 0, gaveUp: 0 };
  const attempts = Math.max(1, o.attempts ?? 8);
  const queue = {
    name: TWILIO_MEDIA_QUEUE,
    policy: 'standard' as const,
    retryLimit: attempts - 1,
    retryDelay: o.retryDelaySeconds ?? 10,
    retryBackoff: true,
    expireInSeconds: 300,
  };
  await o.boss.createQueue(TWILIO_MEDIA_QUEUE, queue);
  await o.boss.updateQueue(TWILIO_MEDIA_QUEUE, queue);

  /** Swaps `twilio:` attachments for the stored files, or for themselves marked `unavailable`. */
  async function attach(job: TwilioMediaJobData, stored: Map<string, AttachmentValue>) {
    const now = clock();
    const stamp = await o.db.transaction(async (tx) => {
      const [row] = await queryRows<{ attachments: AttachmentValue[] }>(
        tx,
        sql`select attachments from message where id = ${job.messageId} for update`,
      );
      if (!row) return null;
      const next = row.attachments.map((a) => stored.get(a.fileId) ?? a);
      await tx.execute(
        sql`update message set attachments = ${JSON.stringify(next)}::jsonb, updated_at = ${now}
            where id = ${job.messageId}`,
      );
      return stampFacts(tx, { bus: o.sync.bus, newId: o.newId, now }, job.workspaceId, [
        { entity: 'message', id: job.messageId },
      ]);
    });
    if (stamp) await publishFacts(o.sync, stamp);
  }

  /**
   * One message: true when done (stored, or given up on), false to retry. `last`: no retry
   * follows, so media that still failed are marked unavailable.
   */
  async function handle(job: TwilioMediaJobData, last: boolean): Promise<boolean> {
    const [row] = await queryRows<{ attachments: AttachmentValue[] }>(
      o.db,
      sql`select attachments from message where id = ${job.messageId} and workspace_id = ${job.workspaceId}`,
    );
    const pending = (row?.attachments ?? []).filter(
      (a) => a.fileId.startsWith(PREFIX) && a.unavailable === undefined,
    );
    if (pending.length === 0) return true;
    const done = new Map<string, AttachmentValue>();
    const giveUp = (a: AttachmentValue, why: string) =>
      done.set(a.fileId, { ...a, unavailable: why });
    const account = await twilioAccountOfWorkspace(o.db, o.box, job.workspaceId);
    if (!account) {
      for (const a of pending) giveUp(a, 'Twilio is no longer connected to this workspace.');
      await attach(job, done);
      return true;
    }
    let retry = false;
    for (const a of pending) {
      const url = a.fileId.slice(PREFIX.length);
      try {
        if (!isTwilioOrigin(new URL(url), o.apiBaseUrl)) {
          throw new MediaDownloadError('not a Twilio media URL', { permanent: true });
        }
        const got = await downloadMedia(url, {
          auth: { user: account.accountSid, password: account.authToken },
          limitBytes: o.limitBytes ?? FILE_LIMIT_BYTES,
          expectedType: a.contentType,
          timeoutMs: o.timeoutMs ?? 30_000,
        });
        const file = await storeFile(o.db, {
          id: derivedFileId(job.workspaceId, 'twilio-media', url),
          workspaceId: job.workspaceId,
          name: a.name,
          contentType: got.contentType,
          bytes: got.bytes,
          createdBy: null,
          now: clock(),
        });
        done.set(a.fileId, { ...attachmentOf(file), name: a.name });
        stats.stored++;
      } catch (err) {
        const permanent = err instanceof MediaDownloadError && err.permanent;
        const reason = err instanceof Error ? err.message : String(err);
        if (permanent) {
          stats.permanent++;
          giveUp(a, `Could not be fetched from Twilio: ${reason}.`);
        } else if (last) {
          stats.gaveUp++;
          giveUp(a, `Could not be fetched from Twilio after ${attempts} attempts: ${reason}.`);
        } else {
          retry = true;
        }
        log.warn(
          { messageId: job.messageId, permanent, last, err: loggableError(err) },
          'Twilio media download failed',
        );
      }
    }
    if (done.size > 0) await attach(job, done);
    if (retry) stats.retried++;
    return !retry;
  }

  let stopped = false;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  async function loop() {
    while (!stopped) {
      let jobs: PgBoss.JobWithMetadata<TwilioMediaJobData>[] = [];
      try {
        jobs = await o.boss.fetch<TwilioMediaJobData>(TWILIO_MEDIA_QUEUE, {
          batchSize: 5,
          includeMetadata: true,
        });
        for (const job of jobs) {
          const last = job.retryCount >= job.retryLimit;
          const ok = await handle(job.data, last).catch((err: unknown) => {
            log.error({ err: loggableError(err) }, 'Twilio media job failed');
            return false;
          });
          if (ok) await o.boss.complete(TWILIO_MEDIA_QUEUE, job.id);
          else await o.boss.fail(TWILIO_MEDIA_QUEUE, job.id);
        }
      } catch (err) {
        log.error({ err: loggableError(err) }, 'Twilio media fetch failed');
      }
      if (jobs.length === 0) await sleep(o.pollMs ?? 1000);
    }
  }
  const running = loop();

  return {
    stats,
    async schedule(workspaceId, messageId) {
      const data: TwilioMediaJobData = { workspaceId, messageId };
      await o.boss.send(TWILIO_MEDIA_QUEUE, data, {
        id: derivedJobId(`twilio-media:${messageId}`),
      });
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
