/**
 * Outgoing mail through nodemailer: SMTP when `SMTP_URL` is set, otherwise each message is written
 * as an `.eml` file under `${DATA_DIR}/mail/` and its path is logged, so invitation and reset links
 * can be followed without a mail server.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../logger.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  smtpUrl: string | undefined;
  from: string;
  dataDir: string;
  logger: Logger;
  clock?: () => Date;
}

export function createMailer(options: MailerOptions): Mailer {
  return options.smtpUrl ? smtpMailer(options.smtpUrl, options) : fileMailer(options);
}

function smtpMailer(url: string, { from, logger }: MailerOptions): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(message) {
      const info = await transport.sendMail({ from, ...message });
      logger.info({ messageId: info.messageId, subject: message.subject }, 'mail sent over SMTP');
    },
    close: () => transport.close(),
  };
}

function fileMailer({ from, dataDir, logger, clock = () => new Date() }: MailerOptions): Mailer {
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  const folder = path.join(dataDir, 'mail');
  let counter = 0;
  return {
    async send(message) {
      const info = await transport.sendMail({ from, ...message });
      await mkdir(folder, { recursive: true });
      const stamp = clock().toISOString().replace(/[:.]/g, '-');
      counter += 1;
      const file = path.join(folder, `${stamp}-${process.pid}-${counter}.eml`);
      await writeFile(file, info.message as Buffer);
      logger.info({ file, subject: message.subject }, `mail written to ${file}`);
    },
    close: () => transport.close(),
  };
}
