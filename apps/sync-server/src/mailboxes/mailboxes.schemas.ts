/**
 * HTTP shapes of `/api/v1/mailboxes`. Passwords go in (`imap.password`, `smtp.password`) and never
 * come out: a mailbox as answered has `hasPassword` flags instead.
 */
import { z } from '@hono/zod-openapi';

const host = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[^\s/]+$/, 'a host name or IP address');

export const MailServerInput = z
  .object({
    host,
    port: z.number().int().min(1).max(65535),
    /** true: implicit TLS (IMAP 993, SMTP 465); false: plain + STARTTLS when offered (143, 587). */
    secure: z.boolean(),
    user: z.string().min(1).max(320),
    /** Required when the mailbox is created; omit on later saves to keep the stored one. */
    password: z.string().min(1).max(1024).optional(),
  })
  .openapi('MailServerInput');

export const MailboxPut = z
  .object({
    address: z.email().max(320),
    displayName: z.string().trim().max(200).nullable().optional(),
    imap: MailServerInput,
    smtp: MailServerInput,
    /** false pauses the watcher and sending (status `disabled`); default true. */
    enabled: z.boolean().optional(),
  })
  .openapi('MailboxPut');
export type MailboxPut = z.infer<typeof MailboxPut>;

const MailServer = z
  .object({
    host: z.string(),
    port: z.number().int(),
    secure: z.boolean(),
    user: z.string(),
    hasPassword: z.boolean(),
  })
  .openapi('MailServer');

export const MailboxDto = z
  .object({
    id: z.string(),
    userId: z.string(),
    address: z.string(),
    displayName: z.string().nullable(),
    imap: MailServer,
    smtp: MailServer,
    /** `error`: the watcher could not log in or connect lately (`lastError` says why). */
    status: z.enum(['active', 'error', 'disabled']),
    lastError: z.string().nullable(),
    /** The last IMAP UID processed (inbound mail above it is still to come). */
    imapLastUid: z.number().int(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi('Mailbox');
export type MailboxDto = z.infer<typeof MailboxDto>;

export const MailboxList = z.object({ items: z.array(MailboxDto) }).openapi('MailboxList');
