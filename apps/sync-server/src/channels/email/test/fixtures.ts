/**
 * Raw RFC 822 messages for the email channel tests, shaped like what real servers send: a lead's
 * reply, Outlook (Exchange) and Gmail out-of-office replies, a Postfix DSN (the real file
 * `postfix-dsn.eml`, original Message-ID swapped in), and a large message with an attachment.
 */
import { readFileSync } from 'node:fs';

const CRLF = '\r\n';
const join = (lines: string[]) => lines.join(CRLF) + CRLF;

export interface MailFields {
  from?: string;
  to?: string;
  subject?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  date?: string;
  body?: string;
  extraHeaders?: string[];
}

export function plainMail(f: MailFields = {}): string {
  return join([
    `From: ${f.from ?? 'Lea Lead <lea@lead.example>'}`,
    `To: ${f.to ?? 'Rep <rep@sdr.test>'}`,
    `Subject: ${f.subject ?? 'Re: Hello'}`,
    ...(f.messageId === ''
      ? []
      : [
          `Message-ID: ${f.messageId ?? `<reply-${Math.random().toString(36).slice(2)}@lead.example>`}`,
        ]),
    ...(f.inReplyTo ? [`In-Reply-To: ${f.inReplyTo}`] : []),
    ...(f.references ? [`References: ${f.references}`] : []),
    `Date: ${f.date ?? 'Fri, 21 Nov 2025 10:00:00 +0000'}`,
    ...(f.extraHeaders ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    f.body ?? 'Sounds good, let us talk on Monday.',
  ]);
}

/** Outlook / Exchange automatic reply (OOF). */
export function outlookOutOfOffice(f: {
  inReplyTo: string;
  messageId?: string;
  from?: string;
}): string {
  return join([
    `From: ${f.from ?? 'Lea Lead <lea@lead.example>'}`,
    'To: Rep <rep@sdr.test>',
    'Subject: Automatic reply: Hello',
    `Message-ID: ${f.messageId ?? `<oof-${Math.random().toString(36).slice(2)}@lead.example>`}`,
    `In-Reply-To: ${f.inReplyTo}`,
    `References: ${f.inReplyTo}`,
    'Date: Fri, 21 Nov 2025 10:01:00 +0000',
    'Auto-Submitted: auto-generated',
    'X-Auto-Response-Suppress: All',
    'X-MS-Exchange-Inbox-Rules-Loop: lea@lead.example',
    'Thread-Topic: Hello',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="us-ascii"',
    '',
    'I am out of the office until Monday with limited access to email.',
  ]);
}

/** Gmail vacation responder. */
export function gmailVacation(f: { inReplyTo: string; from?: string }): string {
  return join([
    `From: ${f.from ?? 'Lea Lead <lea@lead.example>'}`,
    'To: rep@sdr.test',
    'Subject: Re: Hello',
    `Message-ID: <CAvac${Math.random().toString(36).slice(2)}@mail.gmail.com>`,
    `In-Reply-To: ${f.inReplyTo}`,
    `References: ${f.inReplyTo}`,
    'Date: Fri, 21 Nov 2025 10:01:00 +0000',
    'Auto-Submitted: auto-replied',
    'Precedence: bulk',
    'X-Autoreply: yes',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="UTF-8"',
    '',
    'Thanks for your email. I am on vacation until December 1st.',
  ]);
}

/** A Postfix "Undelivered Mail Returned to Sender" for `originalMessageId` (`<id@host>`). */
export function postfixDsn(originalMessageId: string, recipient = 'nobody@example.net'): string {
  return readFileSync(new URL('./postfix-dsn.eml', import.meta.url), 'utf8')
    .replaceAll('<01JABC@sdr.test>', originalMessageId)
    .replaceAll('nobody@example.net', recipient)
    .replace(/\r?\n/g, CRLF);
}

/** A multipart message with a base64 attachment of `attachmentBytes` bytes. */
export function largeMail(f: MailFields & { attachmentBytes: number; bodyChars?: number }): string {
  const boundary = 'b0und4ry';
  const payload = Buffer.alloc(f.attachmentBytes, 7)
    .toString('base64')
    .replace(/.{76}/g, `$&${CRLF}`);
  return join([
    `From: ${f.from ?? 'Lea Lead <lea@lead.example>'}`,
    `To: ${f.to ?? 'rep@sdr.test'}`,
    `Subject: ${f.subject ?? 'The deck'}`,
    `Message-ID: ${f.messageId ?? '<large@lead.example>'}`,
    'Date: Fri, 21 Nov 2025 10:00:00 +0000',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    f.body ?? 'x'.repeat(f.bodyChars ?? 100),
    `--${boundary}`,
    'Content-Type: application/pdf; name="deck.pdf"',
    'Content-Disposition: attachment; filename="deck.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    payload,
    `--${boundary}--`,
  ]);
}
