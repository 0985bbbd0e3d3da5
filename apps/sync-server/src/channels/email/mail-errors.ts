/**
 * Turns IMAP (imapflow) and SMTP (nodemailer) failures into a few kinds a person can act on:
 * the login was refused, the host cannot be reached, TLS did not work, it timed out, or the server
 * refused something else. Used for the mailbox check on save (a clear 400), the watcher's
 * `lastError`, and the SMTP sender's permanent/transient decision (`smtpFailure`).
 */

export type MailFailureKind = 'auth' | 'unreachable' | 'tls' | 'timeout' | 'rejected' | 'other';

export interface MailFailure {
  readonly kind: MailFailureKind;
  /** For people: what went wrong and what to check. Never contains a password. */
  readonly message: string;
}

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  library?: unknown;
  reason?: unknown;
  responseCode?: unknown;
  response?: unknown;
  authenticationFailed?: unknown;
  tlsFailed?: unknown;
  serverResponseCode?: unknown;
  responseText?: unknown;
  cause?: unknown;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
]);
const TIMEOUT = new Set([
  'ETIMEDOUT',
  'ETIMEOUT',
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'UPGRADE_TIMEOUT',
]);
const TLS_TEXT =
  /ssl|tls|certificate|wrong version number|self[- ]signed|handshake|cert_|unable to verify|EPROTO/i;

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Node's own error code under nodemailer's/imapflow's (`connect ECONNREFUSED 1.2.3.4:993`). */
function nodeCode(e: ErrorLike): string {
  const m =
    /\b(E[A-Z_]{3,}|CERT_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_[A-Z_]+|ERR_[A-Z_]+)\b/.exec(
      text(e.message),
    );
  return text(e.errno) || m?.[1] || text(e.code);
}

function where(protocol: 'IMAP' | 'SMTP', host: string, port: number): string {
  return `${protocol} server ${host}:${port}`;
}

function classify(
  err: unknown,
  protocol: 'IMAP' | 'SMTP',
  host: string,
  port: number,
): MailFailure {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ErrorLike;
  const code = text(e.code);
  const raw = nodeCode(e);
  const msg = text(e.message);
  const server = where(protocol, host, port);
  if (
    e.authenticationFailed === true ||
    code === 'EAUTH' ||
    e.serverResponseCode === 'AUTHENTICATIONFAILED'
  ) {
    const said = text(e.responseText) || text(e.response);
    return {
      kind: 'auth',
      message:
        `The ${server} refused the login${said ? ` (${said.slice(0, 160)})` : ''}. Check the user name and ` +
        'password; Gmail, Outlook and iCloud need an app password when two-step verification is on.',
    };
  }
  if (
    e.tlsFailed === true ||
    code === 'ETLS' ||
    TLS_TEXT.test(`${raw} ${msg} ${text(e.library)} ${text(e.reason)}`)
  ) {
    return {
      kind: 'tls',
      message:
        `TLS with the ${server} failed (${msg.slice(0, 160)}). Check the port and the "secure" setting: ` +
        'secure (implicit TLS) is usually 993 for IMAP and 465 for SMTP; 143 and 587 use STARTTLS (secure off).',
    };
  }
  if (TIMEOUT.has(code) || TIMEOUT.has(raw)) {
    return {
      kind: 'timeout',
      message: `The ${server} did not answer in time. Check the host and the port.`,
    };
  }
  if (
    UNREACHABLE.has(raw) ||
    UNREACHABLE.has(code) ||
    code === 'EDNS' ||
    code === 'ECONNECTION' ||
    code === 'ESOCKET' ||
    code === 'NoConnection' ||
    code === 'EConnectionClosed'
  ) {
    return {
      kind: 'unreachable',
      message: `Cannot reach the ${server} (${raw || code}). Check the host name and the port.`,
    };
  }
  if (typeof e.responseCode === 'number' || e.responseText !== undefined) {
    return {
      kind: 'rejected',
      message: `The ${server} refused: ${(text(e.response) || text(e.responseText) || msg).slice(0, 200)}`,
    };
  }
  return {
    kind: 'other',
    message: `The ${server} failed: ${msg.slice(0, 200) || 'unknown error'}`,
  };
}

export function imapFailure(err: unknown, host: string, port: number): MailFailure {
  return classify(err, 'IMAP', host, port);
}

export interface SmtpFailure extends MailFailure {
  /** 5xx replies (and refused logins) never succeed on retry; 4xx and network trouble may. */
  readonly permanent: boolean;
  readonly responseCode: number | null;
}

export function smtpFailure(err: unknown, host: string, port: number): SmtpFailure {
  const failure = classify(err, 'SMTP', host, port);
  const rc = (err as ErrorLike | null)?.responseCode;
  const responseCode = typeof rc === 'number' ? rc : null;
  const permanent =
    responseCode !== null ? responseCode >= 500 : failure.kind === 'auth' || failure.kind === 'tls';
  return { ...failure, permanent, responseCode };
}
