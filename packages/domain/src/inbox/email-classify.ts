/**
 * Classifies an inbound email as a human `reply`, an `auto_reply` (out of office, vacation,
 * autoresponders, delivery delays) or a `bounce` (a delivery failure report), from a parsed-mail
 * view (lower-case header names, as mailparser gives them). Bounces are checked first, because
 * DSNs often also carry `Auto-Submitted: auto-replied`.
 *
 * Bounce signals: `multipart/report; report-type=delivery-status` (RFC 3464), a sender that is
 * MAILER-DAEMON / postmaster / an Exchange system mailbox with a failure subject, or
 * `X-Failed-Recipients` (Exim). The failed recipient, status code and the original Message-ID
 * come from the `message/delivery-status` part and the returned headers when the caller passes
 * them, else from headers and the body text. A DSN whose every action is `delayed` is a warning,
 * not a bounce: it classifies as `auto_reply`, as do read receipts (`report-type=
 * disposition-notification`) and success reports.
 *
 * Auto-reply signals (RFC 3834 and common practice): `Auto-Submitted` other than `no`,
 * `X-Autoreply`, `X-Autorespond`, `Precedence: auto_reply | bulk | junk`, and subject prefixes
 * such as "Out of office", "Automatic reply", "Auto:", "Abwesenheitsnotiz".
 * `X-Auto-Response-Suppress` alone does NOT make an auto reply: it asks the receiver not to
 * auto-reply and Exchange/Outlook also put it on mail people write (distribution lists, meeting
 * mail); ticketing tools that trusted it swallowed real replies (osTicket #5320, GLPI #2170,
 * sisimai #491). Exchange OOF replies carry `Auto-Submitted: auto-generated` or an "Automatic
 * reply:" subject, which are caught. Losing a lead's reply costs more than showing an OOF.
 */
import { normaliseMessageId } from './email-thread.ts';

export interface ParsedMailLike {
  /** Lower-case header names; repeated headers as arrays. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** e.g. `multipart/report` (parameters allowed: `multipart/report; report-type=...`). */
  readonly contentType?: string | null;
  /** The `report-type` parameter when the caller parsed it separately. */
  readonly reportType?: string | null;
  readonly subject?: string | null;
  /** The From address or full header value. */
  readonly from?: string | null;
  /** Text of the `message/delivery-status` part, when present. */
  readonly deliveryStatus?: string | null;
  /** Headers of the returned message (`text/rfc822-headers` or `message/rfc822` part). */
  readonly originalHeaders?: string | null;
  /** The plain-text body (fallback for non-standard bounces). */
  readonly text?: string | null;
}

export type EmailClassification =
  | { readonly kind: 'reply' }
  | { readonly kind: 'auto_reply'; readonly reason: string }
  | {
      readonly kind: 'bounce';
      readonly reason: string;
      /** Normalised Message-ID of the message that bounced, when found. */
      readonly originalMessageId: string | null;
      readonly failedRecipient: string | null;
      /** Enhanced status code (`5.1.1`) when found. */
      readonly status: string | null;
      /** false for 4.x.x statuses (the sender gave up on a temporary problem). */
      readonly permanent: boolean;
      readonly diagnostic: string | null;
    };

function header(mail: ParsedMailLike, name: string): string[] {
  const v = mail.headers[name];
  if (v === undefined) return [];
  return (typeof v === 'string' ? [v] : [...v]).map((s) => s.trim());
}

function first(mail: ParsedMailLike, name: string): string | null {
  return header(mail, name)[0] ?? null;
}

const BOUNCE_SENDER =
  /^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@|<(?:mailer-daemon|postmaster)@|^mailer-daemon$|microsoftexchange[0-9a-f]{32}@/i;
const BOUNCE_SUBJECT =
  /^(?:undeliver(?:able|ed)|delivery status notification \(failure\)|mail delivery (?:failed|failure|system)|returned mail|failure notice|delivery failure|nicht zustellbar|unzustellbar|non remis|no se puede entregar)/i;
const AUTO_SUBJECT =
  /^(?:out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?(?:reply|response)|auto:|autoreply|abwesenheitsnotiz|automatische antwort|réponse automatique|absence du bureau|respuesta automática|fuera de la oficina|risposta automatica|fuori sede|afwezig|automatisch antwoord|frånvaro|autosvar|vacation reply|on vacation|away from (?:the )?office)/i;

function reportTypeOf(mail: ParsedMailLike): {
  readonly multipartReport: boolean;
  readonly type: string;
} {
  const ct = (mail.contentType ?? first(mail, 'content-type') ?? '').toLowerCase();
  const param = /report-type\s*=\s*"?([a-z0-9-]+)"?/.exec(ct)?.[1] ?? '';
  return {
    multipartReport: ct.startsWith('multipart/report'),
    type: (mail.reportType ?? param).toLowerCase(),
  };
}

/** `Field: value` lines of a DSN / header block, unfolded, lower-case names, all values. */
function fields(text: string | null | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!text) return out;
  const unfolded = text.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const m = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line);
    if (!m) continue;
    const name = (m[1] ?? '').toLowerCase();
    out.set(name, [...(out.get(name) ?? []), (m[2] ?? '').trim()]);
  }
  return out;
}

/** `rfc822; a@b.c` → `a@b.c`. */
function addressOf(value: string | undefined): string | null {
  if (!value) return null;
  const v = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  const a = v.trim().replace(/^<|>$/g, '').trim();
  return a === '' ? null : a;
}

function bounceDetails(mail: ParsedMailLike, reason: string): EmailClassification {
  const dsn = fields(mail.deliveryStatus);
  const original = fields(mail.originalHeaders);
  const recipient =
    addressOf(dsn.get('final-recipient')?.[0]) ??
    addressOf(dsn.get('original-recipient')?.[0]) ??
    addressOf(first(mail, 'x-failed-recipients')?.split(',')[0]) ??
    null;
  const statusField = dsn.get('status')?.[0] ?? null;
  const diagnostic = dsn.get('diagnostic-code')?.[0] ?? null;
  const fromText = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(
    [statusField ?? '', diagnostic ?? '', mail.text ?? ''].join(' '),
  );
  const status = statusField?.match(/^[245]\.\d{1,3}\.\d{1,3}/)?.[0] ?? fromText?.[1] ?? null;
  const bodyId = /^message-id:\s*(<[^>]+>)/im.exec(mail.text ?? '')?.[1];
  const originalMessageId =
    normaliseMessageId(original.get('message-id')?.[0]) ??
    normaliseMessageId(bodyId) ??
    normaliseMessageId(first(mail, 'in-reply-to'));
  return {
    kind: 'bounce',
    reason,
    originalMessageId,
    failedRecipient: recipient,
    status,
    permanent: status === null || !status.startsWith('4'),
    diagnostic,
  };
}

export function classifyEmail(mail: ParsedMailLike): EmailClassification {
  const subject = (mail.subject ?? first(mail, 'subject') ?? '').trim();
  const from = (mail.from ?? first(mail, 'from') ?? '').trim();
  const report = reportTypeOf(mail);

  // ---- bounces
  if (report.multipartReport && report.type === 'delivery-status') {
    const actions = (fields(mail.deliveryStatus).get('action') ?? []).map((a) => a.toLowerCase());
    if (actions.length > 0 && actions.every((a) => a === 'delayed')) {
      return { kind: 'auto_reply', reason: 'delivery delayed (DSN action: delayed)' };
    }
    if (
      actions.length > 0 &&
      actions.every((a) => a === 'delivered' || a === 'relayed' || a === 'expanded')
    ) {
      return { kind: 'auto_reply', reason: `delivery report (DSN action: ${actions[0]})` };
    }
    return bounceDetails(mail, 'delivery status report (multipart/report)');
  }
  if (report.multipartReport && report.type === 'disposition-notification') {
    return { kind: 'auto_reply', reason: 'read receipt (disposition notification)' };
  }
  if (first(mail, 'x-failed-recipients') !== null) {
    return bounceDetails(mail, 'X-Failed-Recipients header');
  }
  if (BOUNCE_SENDER.test(from) && (BOUNCE_SUBJECT.test(subject) || mail.deliveryStatus)) {
    return bounceDetails(mail, `bounce from ${from}`);
  }

  // ---- auto-replies
  const autoSubmitted = first(mail, 'auto-submitted');
  if (autoSubmitted !== null && autoSubmitted.toLowerCase().split(/[;\s]/)[0] !== 'no') {
    return { kind: 'auto_reply', reason: `Auto-Submitted: ${autoSubmitted}` };
  }
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) {
    const v = first(mail, name);
    if (v !== null && !/^(?:no|false|0)$/i.test(v))
      return { kind: 'auto_reply', reason: `${name}: ${v}` };
  }
  const precedence = first(mail, 'precedence');
  if (precedence !== null && /^(?:auto_reply|bulk|junk)$/i.test(precedence)) {
    return { kind: 'auto_reply', reason: `Precedence: ${precedence}` };
  }
  if (AUTO_SUBJECT.test(subject)) {
    const suppress = first(mail, 'x-auto-response-suppress');
    const also = suppress ? `, X-Auto-Response-Suppress: ${suppress}` : '';
    return { kind: 'auto_reply', reason: `subject "${subject.slice(0, 60)}"${also}` };
  }
  return { kind: 'reply' };
}
