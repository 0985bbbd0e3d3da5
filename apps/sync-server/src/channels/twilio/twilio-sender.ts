/**
 * `TwilioSender`: the outbox's `ChannelSender` for SMS and WhatsApp. It looks up the workspace's
 * Twilio integration (cached), sends with the official SDK client (`createTwilioClient`: no
 * automatic retries) and asks for status callbacks at `${PUBLIC_BASE_URL}/webhooks/twilio/status`.
 *
 * From/To: the conversation's `ourAddress` / `leadAddress` (the message's own addresses win when
 * set). WhatsApp addresses get the `whatsapp:` prefix when it is missing. Errors map onto
 * `SendError`: Twilio's permanent codes (bad number, opted out, auth) fail at once; timeouts,
 * resets and 5xx are ambiguous (Twilio may have the message: in doubt, not resent); refused
 * connections and 429 are retried.
 *
 * Attachments (MMS / WhatsApp media): each must be a file of the server's file store; Twilio gets
 * it as a `MediaUrl`, a signed URL on PUBLIC_BASE_URL that expires after `MEDIA_URL_TTL_MS`
 * (files/media-url.ts) so Twilio can fetch it without our credentials. A missing file, or no
 * signing secret, fails the message permanently rather than sending it without its media.
 */
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { Db } from '../../db/schema.ts';
import { fileMetas } from '../../files/files.service.ts';
import { MEDIA_URL_TTL_MS, signedMediaUrl } from '../../files/media-url.ts';
import { twilioAccountOfWorkspace } from '../../integrations/integrations.service.ts';
import {
  SendError,
  type ChannelSender,
  type ReconcileResult,
  type ConversationRow,
  type MessageRow,
  type SendContext,
  type SendResult,
} from '../../outbox/sender.ts';
import {
  createTwilioClient,
  sendTwilioMessage,
  TwilioSendError,
  type TwilioClient,
} from './twilio-client.ts';
import { findSentMessage, LIST_CONSISTENCY_MS } from './twilio-reconcile.ts';

export interface TwilioSenderOptions {
  db: Db;
  box: SecretBox;
  /** PUBLIC_BASE_URL (or a getter: it is final only once the server listens). */
  publicBaseUrl: string | (() => string);
  /** TWILIO_API_BASE_URL (tests: the fake); undefined = api.twilio.com. */
  apiBaseUrl?: string | undefined;
  timeoutMs?: number;
  /** Signs the media URLs of attachments (the server secret, JWT_SECRET). */
  mediaSecret?: string;
  /** How long after a claim Twilio's message list is taken as complete (ms; tests: short). */
  listConsistencyMs?: number;
}

function whatsapp(address: string): string {
  return address.startsWith('whatsapp:') ? address : `whatsapp:${address}`;
}

export class TwilioSender implements ChannelSender {
  private readonly clients = new Map<string, { token: string; client: TwilioClient }>();

  constructor(private readonly o: TwilioSenderOptions) {}

  private client(accountSid: string, authToken: string): TwilioClient {
    const hit = this.clients.get(accountSid);
    if (hit && hit.token === authToken) return hit.client;
    const client = createTwilioClient({
      accountSid,
      authToken,
      ...(this.o.apiBaseUrl ? { baseUrl: this.o.apiBaseUrl } : {}),
      timeoutMs: this.o.timeoutMs ?? 15_000,
    });
    this.clients.set(accountSid, { token: authToken, client });
    return client;
  }

  /** Signed media URLs of the message's attachments (see the file comment). */
  private async mediaUrls(m: MessageRow, ctx: SendContext, base: string): Promise<string[]> {
    if (m.attachments.length === 0) return [];
    const secret = this.o.mediaSecret;
    if (!secret)
      throw new SendError('Media cannot be sent (no signing secret).', { permanent: true });
    const found = new Set(
      (
        await fileMetas(
          this.o.db,
          ctx.workspaceId,
          m.attachments.map((a) => a.fileId),
        )
      ).map((f) => f.id),
    );
    return m.attachments.map((a) => {
      if (!found.has(a.fileId)) {
        throw new SendError(`The attachment ${a.name} is not in the file store.`, {
          permanent: true,
        });
      }
      return signedMediaUrl(base, secret, a.fileId, ctx.now + MEDIA_URL_TTL_MS);
    });
  }

  /** The account and the From/To Twilio gets for this message (see the file comment). */
  private async route(m: MessageRow, c: ConversationRow, ctx: SendContext) {
    if (m.channel !== 'sms' && m.channel !== 'whatsapp') {
      throw new SendError(`Twilio cannot send ${m.channel}`, { permanent: true });
    }
    const account = await twilioAccountOfWorkspace(this.o.db, this.o.box, ctx.workspaceId);
    if (!account) throw new SendError('Twilio is not connected', { permanent: true });
    let from =
      m.fromAddress ??
      c.ourAddress ??
      account.phoneNumbers.find((n) =>
        m.channel === 'whatsapp' ? n.startsWith('whatsapp:') : !n.startsWith('whatsapp:'),
      );
    let to = m.toAddress ?? c.leadAddress;
    if (!from) throw new SendError('no Twilio number for this channel', { permanent: true });
    if (!to) throw new SendError('the lead has no phone number', { permanent: true });
    if (m.channel === 'whatsapp') {
      from = whatsapp(from);
      to = whatsapp(to);
    }
    return { account, from, to };
  }

  async send(m: MessageRow, c: ConversationRow, ctx: SendContext): Promise<SendResult> {
    const { account, from, to } = await this.route(m, c, ctx);
    const base =
      typeof this.o.publicBaseUrl === 'function' ? this.o.publicBaseUrl() : this.o.publicBaseUrl;
    const mediaUrl = await this.mediaUrls(m, ctx, base);
    try {
      const sent = await sendTwilioMessage(this.client(account.accountSid, account.authToken), {
        from,
        to,
        body: m.body,
        statusCallback: `${base}/webhooks/twilio/status`,
        ...(mediaUrl.length > 0 ? { mediaUrl } : {}),
      });
      return { providerId: sent.sid, status: 'sent' };
    } catch (err) {
      if (err instanceof TwilioSendError) {
        const { info } = err;
        throw new SendError(info.message, {
          permanent: info.permanent,
          ambiguous: !info.permanent && info.ambiguous,
          cause: err,
        });
      }
      throw err;
    }
  }

  /** Looks an in-doubt message up at Twilio (twilio-reconcile.ts). */
  async reconcile(m: MessageRow, c: ConversationRow, ctx: SendContext): Promise<ReconcileResult> {
    let route;
    try {
      route = await this.route(m, c, ctx);
    } catch (err) {
      // Nothing that could have been sent (no account, no numbers): nothing to find.
      if (err instanceof SendError && err.permanent) return { kind: 'not_found' };
      throw err;
    }
    const { account, from, to } = route;
    return findSentMessage(this.client(account.accountSid, account.authToken), {
      db: this.o.db,
      message: m,
      from,
      to,
      now: ctx.now,
      consistencyMs: this.o.listConsistencyMs ?? LIST_CONSISTENCY_MS,
    });
  }
}
