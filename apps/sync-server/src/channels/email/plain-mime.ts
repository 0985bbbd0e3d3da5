/**
 * The MIME text of a plain-text email (no attachments), written directly with nodemailer's own
 * encoders (`mime-funcs` folding, `qp`) and handed to the pooled transport as `raw` with its
 * envelope, instead of going through `MailComposer` for every message: the composer's header
 * normalisation, address parsing and content streams were the largest CPU cost per message of
 * the outbox worker (pnpm bench:inbox).
 *
 * The output is what `MailComposer` writes for such a message, up to header order: folded
 * `From` / `To` / `Subject` / `Message-ID` / `In-Reply-To` / `References` / extra headers as given /
 * `Date` / `MIME-Version` / `Content-Type: text/plain; charset=utf-8`, and the body as 7bit when
 * it is plain ASCII with lines of at most 76 characters, quoted-printable otherwise. Lines end in
 * CRLF; dot-stuffing is the SMTP connection's job, as for composed messages.
 *
 * Ids are written in one pair of angle brackets whether or not they came with them.
 *
 * Only for what needs no RFC 2047 or IDN work: `plainTextMime` returns null when an address is
 * not a plain ASCII addr-spec or a header value (name, subject, ids) is not printable ASCII, and
 * the caller composes the message the usual way.
 */
// CommonJS objects of functions: Node's ESM loader sees only their default export.
import mimeFuncs from 'nodemailer/lib/mime-funcs/index.js';
import qp from 'nodemailer/lib/qp/index.js';

export interface PlainMail {
  from: { name: string | null; address: string };
  to: string;
  subject: string;
  text: string;
  /** Ids (this one, In-Reply-To, References): bare or in one pair of angle brackets. */
  messageId: string;
  date: Date;
  inReplyTo: string | null;
  references: readonly string[];
  /** Extra headers, written as given (printable ASCII, no folding). */
  headers: readonly (readonly [string, string])[];
}

export interface RawMail {
  envelope: { from: string; to: string[] };
  raw: string;
}

const ADDR_SPEC = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$/;
const PRINTABLE = /^[\x20-\x7e]*$/;
const PLAIN_BODY = /^[\t\n\r\x20-\x7e]*$/;

/** A display name as nodemailer writes it (quoted unless word characters and spaces). */
function addressName(name: string): string {
  return /^[\w ]*$/.test(name) ? name : `"${name.replace(/([\\"])/g, '\\$1')}"`;
}

/** An id without the angle brackets it may already carry (`<a@b>` → `a@b`). */
const bare = (id: string) => id.replace(/^<([^<>]*)>$/, '$1');

const header = (key: string, value: string) => mimeFuncs.foldLines(`${key}: ${value}`, 76);

/** The message as MIME text with its envelope, or null outside the plain ASCII case. */
export function plainTextMime(m: PlainMail): RawMail | null {
  const messageId = bare(m.messageId);
  const inReplyTo = m.inReplyTo ? bare(m.inReplyTo) : null;
  const references = m.references.map(bare);
  const ids = [messageId, ...(inReplyTo ? [inReplyTo] : []), ...references];
  if (
    !ADDR_SPEC.test(m.from.address) ||
    !ADDR_SPEC.test(m.to) ||
    !PRINTABLE.test(m.from.name ?? '') ||
    !PRINTABLE.test(m.subject) ||
    !ids.every((id) => PRINTABLE.test(id) && !/[<>\s]/.test(id)) ||
    !m.headers.every(([k, v]) => /^[A-Za-z0-9-]+$/.test(k) && PRINTABLE.test(v))
  ) {
    return null;
  }
  const lines = [
    header(
      'From',
      m.from.name ? `${addressName(m.from.name)} <${m.from.address}>` : m.from.address,
    ),
    header('To', m.to),
    header('Subject', m.subject),
    header('Message-ID', `<${messageId}>`),
  ];
  if (inReplyTo) lines.push(header('In-Reply-To', `<${inReplyTo}>`));
  if (references.length > 0) {
    lines.push(header('References', references.map((r) => `<${r}>`).join(' ')));
  }
  for (const [k, v] of m.headers) lines.push(`${k}: ${v}`);
  const text = m.text.replace(/\r?\n|\r/g, '\r\n');
  const sevenBit = PLAIN_BODY.test(text) && !/^.{77,}/m.test(text);
  lines.push(
    header('Date', m.date.toUTCString().replace(/GMT/, '+0000')),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${sevenBit ? '7bit' : 'quoted-printable'}`,
  );
  const body = sevenBit ? text : qp.wrap(qp.encode(Buffer.from(text, 'utf8')), 76);
  return {
    envelope: { from: m.from.address, to: [m.to] },
    raw: `${lines.join('\r\n')}\r\n\r\n${body}\r\n`,
  };
}
