/**
 * Checks a mailbox's settings before they are saved: logs in to IMAP (imapflow, `verifyOnly`) and
 * to SMTP (nodemailer `verify()`: connect, TLS/STARTTLS, AUTH), both in parallel with short
 * timeouts. Answers what failed in words a person can act on (see `mail-errors.ts`).
 */
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { imapFailure, smtpFailure, type MailFailure } from './mail-errors.ts';

export interface ServerSettings {
  readonly host: string;
  readonly port: number;
  /** true: implicit TLS (993 / 465); false: plain, upgraded with STARTTLS when the server offers it. */
  readonly secure: boolean;
  readonly user: string;
  readonly password: string;
}

export interface CheckOptions {
  /** Per protocol, connect + greeting + login (default 15 s). */
  readonly timeoutMs?: number;
}

export async function checkImap(
  s: ServerSettings,
  o: CheckOptions = {},
): Promise<MailFailure | null> {
  const timeout = o.timeoutMs ?? 15_000;
  const client = new ImapFlow({
    host: s.host,
    port: s.port,
    secure: s.secure,
    auth: { user: s.user, pass: s.password },
    logger: false,
    verifyOnly: true,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  client.on('error', () => {}); // reported through connect()'s rejection
  try {
    await client.connect();
    return null;
  } catch (err) {
    return imapFailure(err, s.host, s.port);
  } finally {
    client.close();
  }
}

export async function checkSmtp(
  s: ServerSettings,
  o: CheckOptions = {},
): Promise<MailFailure | null> {
  const timeout = o.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.secure,
    auth: { user: s.user, pass: s.password },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  try {
    await transport.verify();
    return null;
  } catch (err) {
    return smtpFailure(err, s.host, s.port);
  } finally {
    transport.close();
  }
}

export interface MailboxCheck {
  readonly imap: MailFailure | null;
  readonly smtp: MailFailure | null;
}

export async function checkMailbox(
  imap: ServerSettings,
  smtp: ServerSettings,
  o: CheckOptions = {},
): Promise<MailboxCheck> {
  const [i, s] = await Promise.all([checkImap(imap, o), checkSmtp(smtp, o)]);
  return { imap: i, smtp: s };
}
