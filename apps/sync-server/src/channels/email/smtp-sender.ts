/**
 * `SmtpSender`: the outbox's `ChannelSender` for email. Sends through the conversation's mailbox
 * (else the author's, else the workspace's first) with a nodemailer transport **pooled per
 * mailbox** (`pool: true`; cached by mailbox id, rebuilt when the mailbox's settings change,
 * closed after `idleMs` unused).
 *
 * Headers: `Message-ID: <messageId@mailbox-domain>` (derived from our message id, so a retry
 * sends the same id and the receiver can tell it is the same message), `In-Reply-To` / `References`
 * from the thread (the latest email of the conversation that has a Message-ID, its References
 * plus itself; else the conversation's thread root), subject `Re: <thread subject>` on replies,
 * and `X-SMTPAPI: {"unique_args":{"sdr_workspace_id","sdr_message_id"}}` so SendGrid's event
 * webhook maps its events back to the message. Plain-text body. Before sending, the message row
 * gets its `emailMessageId` / `inReplyTo` / `references` (the same values on every attempt), so
 * the lead's reply threads into this conversation; the outbox stamps the row when it records the
 * result.
 *
 * Failures → `SendError`: SMTP 5xx (and a refused login or TLS problem) permanent; 4xx and
 * connection trouble before the message was handed over transient; a connection lost or timed
 * out mid-session ambiguous (the server may have the message: in doubt, not resent).
 * Attachments: read from the server's file store (files/) and attached with their stored name
 * and type; an attachment that is not in the store (deleted, or an `imap:`/`twilio:` reference)
 * fails the message permanently with a clear reason instead of sending it without the file.
 *
 * Batches: the outbox worker calls `prepare` once per batch, before its claim. It resolves the
 * mailboxes (one query for the batch's workspaces) and the thread of every conversation (one
 * query: its latest email with a Message-ID outside the batch; the batch's own messages then
 * follow one another in creation order, as if sent one by one) and returns the headers of all of
 * them, which the claim stores with the `sending` status (one UPDATE), so `send` only builds and
 * hands over the message. Without `prepare` (or when it failed) `send`
 * does the same lookups for its one message. Transports: `maxMessages: Infinity` (no reconnect and
 * re-login every 100 messages).
 */
import { and, asc, desc, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { normaliseSubject } from '@sdr/domain';
import { mailbox, message as messageTable } from '@sdr/schema/pg';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { Db } from '../../db/schema.ts';
import { fastUlid } from '../../fast-ulid.ts';
import {
  isStoredFileId,
  readStoredFile,
  type StoredFileWithBytes,
} from '../../files/files.service.ts';
import { openSecrets, type MailboxRow } from '../../mailboxes/mailboxes.service.ts';
import type { Logger } from '../../logger.ts';
import { queryPrepared } from '../../sync/sql.ts';
import {
  SendError,
  type ChannelSender,
  type ConversationRow,
  type MessageRow,
  type SendContext,
  type SendResult,
  type StoredHeaders,
} from '../../outbox/sender.ts';
import { smtpFailure } from './mail-errors.ts';
import { coalescingSocket } from './smtp-socket.ts';

export interface SmtpSenderOptions {
  db: Db;
  box: SecretBox;
  /** Close a mailbox's transport after this long unused (ms, default 5 minutes). */
  idleMs?: number;
  /** Connections per mailbox (default 3). */
  maxConnections?: number;
  /** Connect / greeting / socket timeouts (ms, default 30 s). */
  timeoutMs?: number;
}

interface Pooled {
  transport: Transporter<SMTPPool.SentMessageInfo>;
  /** The mailbox settings the transport was built from. */
  version: string;
  lastUsed: number;
  inFlight: number;
}

/** `<id@domain>` of our message `id` sent from `address`. */
export function outboundMessageId(id: string, address: string): string {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase() || 'localhost';
  return `${id.toLowerCase()}@${domain}`;
}

const MAX_REFERENCES = 20;

/** What `send` needs besides the message: resolved by `prepare` or by `send` itself. */
interface Envelope {
  mb: MailboxRow;
  to: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  subject: string;
}

/** The columns of the message row an envelope's headers are stored in. */
function storedHeaders(e: Envelope): StoredHeaders {
  return {
    emailMessageId: e.messageId,
    inReplyTo: e.inReplyTo,
    references: e.references,
    fromAddress: e.mb.address,
    toAddress: e.to,
    subject: e.subject,
  };
}

/** A prepared message: its envelope (headers already stored) or the error to fail it with. */
interface Prepared {
  envelope: Envelope | null;
  error: SendError | null;
  at: number;
}

/** The thread a message answers: the previous email's Message-ID, References and subject. */
interface ThreadPrev {
  emailMessageId: string | null;
  references: string[] | null;
  subject: string | null;
}

/** In-Reply-To, References and subject of `m` answering `prev` (or the conversation's root). */
function threadHeaders(
  m: MessageRow,
  c: ConversationRow,
  prev: ThreadPrev | undefined,
  messageId: string,
): { inReplyTo: string | null; references: string[]; subject: string } {
  const inReplyTo =
    prev?.emailMessageId ?? (c.threadKey && c.threadKey.includes('@') ? c.threadKey : null);
  const references: string[] = [];
  for (const id of [...(prev?.references ?? []), ...(inReplyTo ? [inReplyTo] : [])]) {
    if (id !== messageId && !references.includes(id)) references.push(id);
  }
  if (references.length > MAX_REFERENCES) references.splice(1, references.length - MAX_REFERENCES); // keep the root
  const base = m.subject ?? prev?.subject ?? c.subject ?? '';
  const subject = inReplyTo ? `Re: ${normaliseSubject(base)}`.trimEnd() : base || '(no subject)';
  return { inReplyTo, references, subject };
}

/**
 * The sending mailbox among `all` (sorted by creation): the one the message names as its `from`
 * (chosen by the SDR, checked by the server), the conversation's, the author's, the first.
 */
function pickMailbox(
  all: MailboxRow[],
  m: MessageRow,
  c: ConversationRow,
  workspaceId: string,
): MailboxRow {
  const inWs = all.filter((x) => x.workspaceId === workspaceId);
  const mb =
    (m.fromAddress ? inWs.find((x) => x.address === m.fromAddress) : undefined) ??
    (c.mailboxId ? inWs.find((x) => x.id === c.mailboxId) : undefined) ??
    (m.authorId ? inWs.find((x) => x.userId === m.authorId) : undefined) ??
    inWs.find((x) => x.status !== 'disabled');
  return checkMailbox(mb);
}

function checkMailbox(mb: MailboxRow | undefined): MailboxRow {
  if (!mb)
    throw new SendError('No mailbox is connected to send this email from.', { permanent: true });
  if (mb.status === 'disabled') {
    throw new SendError(`The mailbox ${mb.address} is disabled.`, { permanent: true });
  }
  return mb;
}

const PREPARED_TTL_MS = 10 * 60_000;

export class SmtpSender implements ChannelSender {
  private readonly pool = new Map<string, Pooled>();
  /** Messages of the current batches, by id (taken by `send`). */
  private readonly prepared = new Map<string, Prepared>();
  private readonly sweeper: NodeJS.Timeout;
  /** Transports built so far (tests: a second send on one mailbox reuses the first). */
  transportsCreated = 0;

  constructor(private readonly o: SmtpSenderOptions) {
    const idle = o.idleMs ?? 5 * 60_000;
    this.sweeper = setInterval(() => this.sweep(idle), Math.max(1000, Math.min(idle, 60_000)));
    this.sweeper.unref();
  }

  /** Open transports (one per mailbox used lately). */
  get openTransports(): number {
    return this.pool.size;
  }

  private sweep(idleMs: number): void {
    const stale = Date.now() - PREPARED_TTL_MS;
    for (const [id, p] of this.prepared) if (p.at < stale) this.prepared.delete(id);
    const cutoff = Date.now() - idleMs;
    for (const [id, p] of this.pool) {
      if (p.inFlight === 0 && p.lastUsed < cutoff) {
        p.transport.close();
        this.pool.delete(id);
      }
    }
  }

  private transport(mb: MailboxRow): Pooled {
    const version = [mb.smtpHost, mb.smtpPort, mb.smtpSecure, mb.smtpUser, mb.secretEnc].join('\n');
    const hit = this.pool.get(mb.id);
    if (hit && hit.version === version) return hit;
    if (hit) {
      // Settings changed: let sends in flight finish on the old transport.
      const old = hit.transport;
      setTimeout(() => old.close(), 30_000).unref();
      this.pool.delete(mb.id);
    }
    const { smtpPassword } = openSecrets(this.o.box, mb);
    const timeout = this.o.timeoutMs ?? 30_000;
    const transport = nodemailer.createTransport({
      pool: true,
      maxConnections: this.o.maxConnections ?? 3,
      maxMessages: Infinity,
      host: mb.smtpHost,
      port: mb.smtpPort,
      secure: mb.smtpSecure,
      auth: { user: mb.smtpUser, pass: smtpPassword },
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      getSocket: coalescingSocket(timeout),
    });
    // Pool errors surface through sendMail; idle-connection errors must not crash the process.
    transport.on('error', () => {});
    const p: Pooled = { transport, version, lastUsed: Date.now(), inFlight: 0 };
    this.transportsCreated += 1;
    this.pool.set(mb.id, p);
    return p;
  }

  private async mailboxFor(
    m: MessageRow,
    c: ConversationRow,
    workspaceId: string,
  ): Promise<MailboxRow> {
    const inWs = eq(mailbox.workspaceId, workspaceId);
    const pick = async (cond: ReturnType<typeof eq>) =>
      (
        await this.o.db
          .select()
          .from(mailbox)
          .where(and(inWs, cond))
          .orderBy(asc(mailbox.createdAt))
          .limit(1)
      )[0];
    return checkMailbox(
      (m.fromAddress ? await pick(eq(mailbox.address, m.fromAddress)) : undefined) ??
        (c.mailboxId ? await pick(eq(mailbox.id, c.mailboxId)) : undefined) ??
        (m.authorId ? await pick(eq(mailbox.userId, m.authorId)) : undefined) ??
        (await pick(ne(mailbox.status, 'disabled'))),
    );
  }

  /**
   * The batch's lookups in two statements (see the file comment); returns the headers to store
   * with the claim. Messages that cannot be sent (no address, no mailbox) are prepared with their
   * error; anything unexpected throws and the worker falls back to `send`'s own lookups.
   */
  async prepare(
    items: { message: MessageRow; conversation: ConversationRow }[],
    _ctx: { now: number; logger: Logger },
  ): Promise<Map<string, StoredHeaders>> {
    const headers = new Map<string, StoredHeaders>();
    const emails = items.filter((x) => x.message.channel === 'email');
    if (emails.length === 0) return headers;
    const at = Date.now();
    const workspaces = [...new Set(emails.map((x) => x.message.workspaceId))];
    const mailboxes = await this.o.db
      .select()
      .from(mailbox)
      .where(inArray(mailbox.workspaceId, workspaces))
      .orderBy(asc(mailbox.createdAt), asc(mailbox.id));
    const batchIds = emails.map((x) => x.message.id);
    const convIds = [...new Set(emails.map((x) => x.conversation.id))];
    // Each conversation's latest email with a Message-ID outside this batch.
    const prevRows = await queryPrepared<{
      conversation_id: string;
      email_message_id: string;
      references: string[] | null;
      subject: string | null;
    }>(
      this.o.db,
      sql`select distinct on (conversation_id) conversation_id, email_message_id, "references", subject
          from message
          where conversation_id = any(array(select json_array_elements_text(${JSON.stringify(convIds)}::text::json)))
            and email_message_id is not null
            and id not in (select json_array_elements_text(${JSON.stringify(batchIds)}::text::json))
          order by conversation_id, created_at desc, id desc`,
    );
    const prevByConv = new Map<string, ThreadPrev>(
      prevRows.map((r) => [
        r.conversation_id,
        { emailMessageId: r.email_message_id, references: r.references, subject: r.subject },
      ]),
    );
    // One conversation's batch messages answer one another in creation order.
    const ordered = [...emails].sort(
      (a, b) =>
        a.message.createdAt - b.message.createdAt ||
        (a.message.id < b.message.id ? -1 : a.message.id > b.message.id ? 1 : 0),
    );
    const ready = new Map<string, Prepared>();
    for (const { message: m, conversation: c } of ordered) {
      const ws = m.workspaceId;
      try {
        if (m.attachments.length > 0) continue; // file reads stay in send()
        const to = m.toAddress ?? c.leadAddress;
        if (!to || !to.includes('@'))
          throw new SendError('The lead has no email address.', { permanent: true });
        const mb = pickMailbox(mailboxes, m, c, ws);
        const messageId = outboundMessageId(m.id, mb.address);
        const { inReplyTo, references, subject } = threadHeaders(
          m,
          c,
          prevByConv.get(c.id),
          messageId,
        );
        prevByConv.set(c.id, { emailMessageId: messageId, references, subject });
        ready.set(m.id, {
          envelope: { mb, to, messageId, inReplyTo, references, subject },
          error: null,
          at,
        });
        headers.set(m.id, storedHeaders({ mb, to, messageId, inReplyTo, references, subject }));
      } catch (err) {
        if (!(err instanceof SendError)) throw err;
        ready.set(m.id, { envelope: null, error: err, at });
      }
    }
    for (const [id, p] of ready) this.prepared.set(id, p);
    return headers;
  }

  /** The message's attachments with their bytes, from the file store (missing → permanent). */
  private async attachmentFiles(
    m: MessageRow,
    workspaceId: string,
  ): Promise<StoredFileWithBytes[]> {
    const out: StoredFileWithBytes[] = [];
    for (const a of m.attachments) {
      const f = isStoredFileId(a.fileId)
        ? await readStoredFile(this.o.db, workspaceId, a.fileId)
        : null;
      if (!f) {
        throw new SendError(`The attachment ${a.name} is not in the file store.`, {
          permanent: true,
        });
      }
      out.push(f);
    }
    return out;
  }

  /** `send`'s own lookups for one message (not prepared): mailbox, thread, stored headers. */
  private async envelope(m: MessageRow, c: ConversationRow, ctx: SendContext): Promise<Envelope> {
    const to = m.toAddress ?? c.leadAddress;
    if (!to || !to.includes('@'))
      throw new SendError('The lead has no email address.', { permanent: true });
    const mb = await this.mailboxFor(m, c, ctx.workspaceId);
    const messageId = outboundMessageId(m.id, mb.address);

    // The thread: the latest other email of the conversation with a Message-ID.
    const [prev] = await this.o.db
      .select({
        emailMessageId: messageTable.emailMessageId,
        references: messageTable.references,
        subject: messageTable.subject,
      })
      .from(messageTable)
      .where(
        and(
          eq(messageTable.conversationId, c.id),
          eq(messageTable.workspaceId, ctx.workspaceId),
          isNotNull(messageTable.emailMessageId),
          ne(messageTable.id, m.id),
        ),
      )
      .orderBy(desc(messageTable.createdAt), desc(messageTable.id))
      .limit(1);
    const { inReplyTo, references, subject } = threadHeaders(m, c, prev, messageId);

    await this.o.db
      .update(messageTable)
      .set(storedHeaders({ mb, to, messageId, inReplyTo, references, subject }))
      .where(and(eq(messageTable.id, m.id), eq(messageTable.workspaceId, ctx.workspaceId)));

    return { mb, to, messageId, inReplyTo, references, subject };
  }

  async send(m: MessageRow, c: ConversationRow, ctx: SendContext): Promise<SendResult> {
    if (m.channel !== 'email')
      throw new SendError(`SMTP cannot send ${m.channel}`, { permanent: true });
    const prepared = this.prepared.get(m.id);
    this.prepared.delete(m.id);
    if (prepared?.error) throw prepared.error;
    const { mb, to, messageId, inReplyTo, references, subject } =
      prepared?.envelope ?? (await this.envelope(m, c, ctx));
    const files = await this.attachmentFiles(m, ctx.workspaceId);
    const pooled = this.transport(mb);

    pooled.inFlight += 1;
    pooled.lastUsed = Date.now();
    try {
      const mail: Mail.Options & { baseBoundary: string } = {
        // MailComposer's option (not in the typings): the random part of multipart boundaries.
        // Without it every MimeNode draws `crypto.randomBytes(8)` synchronously (~3 % of the
        // outbox worker's CPU per message); ids from the pooled CSPRNG are as unpredictable.
        baseBoundary: fastUlid(),
        from: mb.displayName ? { name: mb.displayName, address: mb.address } : mb.address,
        to,
        subject,
        text: m.body,
        ...(files.length > 0
          ? {
              attachments: files.map((f) => ({
                filename: f.name,
                contentType: f.contentType,
                content: Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength),
              })),
            }
          : {}),
        messageId: `<${messageId}>`,
        date: new Date(ctx.now),
        ...(inReplyTo ? { inReplyTo: `<${inReplyTo}>` } : {}),
        ...(references.length > 0 ? { references: references.map((r) => `<${r}>`) } : {}),
        headers: {
          // `prepared`: SendGrid reads the JSON as is (nodemailer would MIME-encode it).
          'X-SMTPAPI': {
            prepared: true,
            value: JSON.stringify({
              unique_args: { sdr_workspace_id: ctx.workspaceId, sdr_message_id: m.id },
            }),
          },
        },
      };
      await pooled.transport.sendMail(mail);
      return { providerId: messageId, status: 'sent' };
    } catch (err) {
      throw sendErrorOf(err, mb);
    } finally {
      pooled.inFlight -= 1;
      pooled.lastUsed = Date.now();
    }
  }

  /** Closes every pooled transport. */
  close(): void {
    clearInterval(this.sweeper);
    for (const p of this.pool.values()) p.transport.close();
    this.pool.clear();
  }
}

/** Errors that mean the connection never got as far as handing the message over. */
const BEFORE_HANDOVER =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|Greeting never received|Connection timeout/i;

function sendErrorOf(err: unknown, mb: MailboxRow): SendError {
  const f = smtpFailure(err, mb.smtpHost, mb.smtpPort);
  if (f.responseCode !== null || f.permanent) {
    return new SendError(f.message, { permanent: f.permanent, cause: err });
  }
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const ambiguous =
    (code === 'ETIMEDOUT' || code === 'ESOCKET' || code === 'ECONNECTION') &&
    !BEFORE_HANDOVER.test(typeof e.message === 'string' ? e.message : '');
  return new SendError(f.message, { permanent: false, ambiguous, cause: err });
}
