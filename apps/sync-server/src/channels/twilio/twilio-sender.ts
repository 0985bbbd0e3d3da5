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
 */
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { Db } from '../../db/schema.ts';
import { twilioAccountOfWorkspace } from '../../integrations/integrations.service.ts';
import {
  SendError,
  type ChannelSender,
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

export interface TwilioSenderOptions {
  db: Db;
  box: SecretBox;
  /** PUBLIC_BASE_URL (or a getter: it is final only once the server listens). */
  publicBaseUrl: string | (() => string);
  /** TWILIO_API_BASE_URL (tests: the fake); undefined = api.twilio.com. */
  apiBaseUrl?: string | undefined;
  timeoutMs?: number;
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

  async send(m: MessageRow, c: ConversationRow, ctx: SendContext): Promise<SendResult> {
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
    try {
      const sent = await sendTwilioMessage(this.client(account.accountSid, account.authToken), {
        from,
        to,
        body: m.body,
        statusCallback: `${typeof this.o.publicBaseUrl === 'function' ? this.o.publicBaseUrl() : this.o.publicBaseUrl}/webhooks/twilio/status`,
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
}
