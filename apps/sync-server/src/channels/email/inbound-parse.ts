/**
 * Parses one inbound email (raw RFC 822) into what the inbox stores: sender, subject, a plain-text
 * body capped at `maxBodyChars`, threading ids (normalised Message-ID, In-Reply-To, References,
 * thread root), attachment metadata, and the domain's classification (reply / RFC 3834 auto-reply
 * / DSN bounce with the original Message-ID from the `message/delivery-status` and returned
 * headers parts).
 *
 * Normal sizes are parsed from a Buffer with mailparser's `simpleParser`; large messages (the
 * caller decides by RFC822.SIZE) from a stream with the streaming `MailParser`, which hands each
 * attachment over as a stream: it is counted and dropped (only the small DSN parts are kept), so a
 * 30 MB attachment never sits in memory. Mailparser still collects the text parts whole; the body
 * we store is capped either way.
 *
 * Attachments: with `keepAttachmentBytes` the content of every attachment up to that size is kept
 * (`InboundMail.attachmentBytes`, parallel to `attachments`; in the streaming path too, buffered
 * one attachment at a time) so the caller can put it into the file store (files/) and replace the
 * `fileId`. Larger attachments (null there) keep metadata only: their `fileId` names where the
 * content lives on the mail server (`imap:<mailbox>:<uidvalidity>:<uid>:<part>`).
 */
import type { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import {
  MailParser,
  simpleParser,
  type AddressObject,
  type AttachmentStream,
  type HeaderLines,
  type MessageText,
  type ParsedMail,
} from 'mailparser';
import {
  classifyEmail,
  normaliseMessageId,
  parseMessageIds,
  threadRootId,
  type EmailClassification,
} from '@sdr/domain';
import type { AttachmentValue } from '@sdr/schema';

export interface InboundMail {
  /** Normalised Message-ID (`abc@host`), null when the message has none. */
  readonly messageId: string | null;
  /** Message-ID, or a content hash for the rare message without one (the dedupe key). */
  readonly providerId: string;
  readonly from: { readonly address: string; readonly name: string | null } | null;
  readonly to: readonly string[];
  readonly subject: string | null;
  /** The Date header (ms), null when missing or unreadable. */
  readonly date: number | null;
  readonly text: string;
  /** The body was longer than `maxBodyChars` and was cut. */
  readonly truncated: boolean;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  /** The thread root: first References id, else In-Reply-To, else the message's own id. */
  readonly threadKey: string | null;
  readonly attachments: readonly AttachmentValue[];
  /** The bytes of `attachments[i]` when kept (`keepAttachmentBytes`), else null. */
  readonly attachmentBytes: readonly (Buffer | null)[];
  readonly classification: EmailClassification;
}

export interface ParseOptions {
  /** Longest body stored (characters, default 100,000). */
  readonly maxBodyChars?: number;
  /** `fileId` of attachment `part` (see the file comment). */
  readonly attachmentRef?: (part: string) => string;
  /** Keep the content of attachments up to this size (bytes; default 0: none). */
  readonly keepAttachmentBytes?: number;
}

/** What both parsers give us, before it is turned into an `InboundMail`. */
interface RawView {
  headerLines: HeaderLines;
  from: AddressObject | undefined;
  to: AddressObject | AddressObject[] | undefined;
  subject: string | undefined;
  date: Date | undefined;
  text: string | undefined;
  attachments: {
    contentType: string;
    filename: string | undefined;
    size: number;
    partId: string | undefined;
    related: boolean;
    /** Kept for the DSN parts only. */
    content: string | null;
    /** The whole content, when within `keepAttachmentBytes`. */
    bytes: Buffer | null;
  }[];
  /** Hash input for messages without a Message-ID. */
  fingerprint: string;
}

const DSN_PARTS = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'text/rfc822-headers',
  'message/rfc822',
  'message/global-headers',
]);
const DSN_KEEP_BYTES = 64 * 1024;
// mailparser reads this option though its types do not list it: keep the DSN part as an attachment.
const PARSER_OPTIONS = {
  keepDeliveryStatus: true,
  skipTextToHtml: true,
  skipImageLinks: true,
} as const;

export async function parseInboundBuffer(raw: Buffer, o: ParseOptions = {}): Promise<InboundMail> {
  const p: ParsedMail = await simpleParser(raw, PARSER_OPTIONS);
  return toInbound(
    {
      headerLines: p.headerLines,
      from: p.from,
      to: p.to,
      subject: p.subject,
      date: p.date,
      text: p.text,
      attachments: p.attachments.map((a) => ({
        contentType: a.contentType,
        filename: a.filename,
        size: a.size,
        partId: a.partId,
        related: a.related === true,
        content: DSN_PARTS.has(a.contentType)
          ? a.content.subarray(0, DSN_KEEP_BYTES).toString('utf8')
          : null,
        bytes: a.size <= (o.keepAttachmentBytes ?? 0) ? a.content : null,
      })),
      fingerprint: createHash('sha256').update(raw).digest('hex'),
    },
    o,
  );
}

/** Streaming parse for large messages: attachments are counted and dropped, never buffered. */
export function parseInboundStream(source: Readable, o: ParseOptions = {}): Promise<InboundMail> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser(PARSER_OPTIONS);
    const hash = createHash('sha256');
    const view: RawView = {
      headerLines: [],
      from: undefined,
      to: undefined,
      subject: undefined,
      date: undefined,
      text: undefined,
      attachments: [],
      fingerprint: '',
    };
    const fail = (err: unknown) => {
      source.destroy();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    source.on('data', (chunk: Buffer) => hash.update(chunk));
    source.on('error', fail);
    parser.on('error', fail);
    parser.on('headerLines', (lines: HeaderLines) => (view.headerLines = lines));
    parser.on('headers', (headers: Map<string, unknown>) => {
      view.from = headers.get('from') as AddressObject | undefined;
      view.to = headers.get('to') as AddressObject | AddressObject[] | undefined;
      view.subject = headers.get('subject') as string | undefined;
      view.date = headers.get('date') as Date | undefined;
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        view.text = data.text;
        return;
      }
      const keep = DSN_PARTS.has(data.contentType);
      const limit = o.keepAttachmentBytes ?? 0;
      const chunks: Buffer[] = [];
      let whole: Buffer[] | null = limit > 0 ? [] : null;
      let size = 0;
      data.content.on('data', (chunk: Buffer) => {
        if (keep && size < DSN_KEEP_BYTES) chunks.push(chunk);
        size += chunk.length;
        if (whole && size <= limit) whole.push(chunk);
        else whole = null; // over the limit: metadata only
      });
      data.content.on('end', () => {
        view.attachments.push({
          contentType: data.contentType,
          filename: data.filename,
          size,
          partId: data.partId,
          related: data.related === true,
          content: keep ? Buffer.concat(chunks).subarray(0, DSN_KEEP_BYTES).toString('utf8') : null,
          bytes: whole ? Buffer.concat(whole, size) : null,
        });
        data.release();
      });
    });
    parser.on('end', () => {
      view.fingerprint = hash.digest('hex');
      try {
        resolve(toInbound(view, o));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    source.pipe(parser);
  });
}

/** `Key: value` header lines → lower-case names, unfolded values (repeated names as arrays). */
function headerRecord(lines: HeaderLines): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const { key, line } of lines) {
    const colon = line.indexOf(':');
    const value = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
    const prev = out[key];
    out[key] = prev === undefined ? value : [...(typeof prev === 'string' ? [prev] : prev), value];
  }
  return out;
}

function firstHeader(h: Record<string, string | string[]>, name: string): string | null {
  const v = h[name];
  return v === undefined ? null : typeof v === 'string' ? v : (v[0] ?? null);
}

function addresses(a: AddressObject | AddressObject[] | undefined): string[] {
  const list = a === undefined ? [] : Array.isArray(a) ? a : [a];
  return list.flatMap((o) =>
    o.value.map((v) => (v.address ?? '').toLowerCase()).filter((x) => x !== ''),
  );
}

/** The header block of a returned message (`text/rfc822-headers` or the head of `message/rfc822`). */
function headerBlock(content: string): string {
  const end = content.search(/\r?\n\r?\n/);
  return end >= 0 ? content.slice(0, end) : content;
}

function toInbound(v: RawView, o: ParseOptions): InboundMail {
  const headers = headerRecord(v.headerLines);
  const messageId = normaliseMessageId(firstHeader(headers, 'message-id'));
  const inReplyTo = parseMessageIds(headers['in-reply-to'] ?? null)[0] ?? null;
  const references = parseMessageIds(headers['references'] ?? null);
  const sender = v.from?.value[0];
  const dsn = v.attachments.find((a) => /delivery-status$/.test(a.contentType));
  const returned = v.attachments.find((a) =>
    /rfc822-headers$|rfc822$|global-headers$/.test(a.contentType),
  );
  const classification = classifyEmail({
    headers,
    contentType: firstHeader(headers, 'content-type'),
    subject: v.subject ?? null,
    from: v.from?.text ?? firstHeader(headers, 'from'),
    deliveryStatus: dsn?.content ?? null,
    originalHeaders: returned?.content != null ? headerBlock(returned.content) : null,
    text: v.text ?? null,
  });
  const max = o.maxBodyChars ?? 100_000;
  const text = (v.text ?? '').replace(/\r\n/g, '\n');
  const ref = o.attachmentRef ?? ((part: string) => `part:${part}`);
  const listed = v.attachments.filter((a) => !a.related);
  return {
    messageId,
    providerId: messageId ?? `sha256:${v.fingerprint}`,
    from: sender?.address
      ? { address: sender.address.toLowerCase(), name: sender.name || null }
      : null,
    to: addresses(v.to),
    subject: v.subject ?? null,
    date: v.date && !Number.isNaN(v.date.getTime()) ? v.date.getTime() : null,
    text: text.length > max ? text.slice(0, max) : text,
    truncated: text.length > max,
    inReplyTo,
    references,
    threadKey: threadRootId({
      messageId,
      inReplyTo: inReplyTo ? [inReplyTo] : null,
      references,
    }),
    attachmentBytes: listed.map((a) => a.bytes),
    attachments: listed.map((a, i) => ({
      fileId: ref(a.partId ?? String(i + 1)),
      name:
        a.filename ??
        (DSN_PARTS.has(a.contentType) ? a.contentType.replace('/', '-') : `attachment-${i + 1}`),
      size: a.size,
      contentType: a.contentType,
    })),
    classification,
  };
}
