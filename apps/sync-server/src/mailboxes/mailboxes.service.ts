/**
 * Mailboxes: a member's IMAP (inbound) + SMTP (outbound) settings. A save is checked against the
 * real servers first (IMAP login and SMTP `verify()`); on failure nothing is stored and the caller
 * gets a 400 saying what failed. Passwords are sealed with the secret box, bound to the mailbox id
 * (`mailbox:<id>`), and never answered. Each member manages their own mailboxes; admins also see
 * and remove the workspace's others. The watcher (channels/email/mailbox-watcher.ts) notices
 * saved and removed mailboxes on its next refresh.
 */
import { and, asc, eq } from 'drizzle-orm';
import { mailbox } from '@sdr/schema/pg';
import type { ServerSettings } from '../channels/email/mailbox-check.ts';
import type { MailboxCheck } from '../channels/email/mailbox-check.ts';
import type { AuthContext } from '../context.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { Db } from '../db/schema.ts';
import { ApiError, type Issue } from '../errors.ts';
import type { MailboxDto, MailboxPut } from './mailboxes.schemas.ts';

export type MailboxRow = typeof mailbox.$inferSelect;

export interface MailboxDeps {
  readonly db: Db;
  readonly box: SecretBox;
  readonly now: () => number;
  readonly check: (imap: ServerSettings, smtp: ServerSettings) => Promise<MailboxCheck>;
}

export interface MailboxSecrets {
  imapPassword: string;
  smtpPassword: string;
}

const associated = (id: string) => `mailbox:${id}`;

export function sealSecrets(box: SecretBox, id: string, s: MailboxSecrets): string {
  return box.seal(JSON.stringify(s), associated(id));
}

export function openSecrets(
  box: SecretBox,
  row: Pick<MailboxRow, 'id' | 'secretEnc'>,
): MailboxSecrets {
  return JSON.parse(box.open(row.secretEnc, associated(row.id))) as MailboxSecrets;
}

export function mailboxDto(r: MailboxRow): MailboxDto {
  return {
    id: r.id,
    userId: r.userId,
    address: r.address,
    displayName: r.displayName,
    imap: {
      host: r.imapHost,
      port: r.imapPort,
      secure: r.imapSecure,
      user: r.imapUser,
      hasPassword: true,
    },
    smtp: {
      host: r.smtpHost,
      port: r.smtpPort,
      secure: r.smtpSecure,
      user: r.smtpUser,
      hasPassword: true,
    },
    status: r.status,
    lastError: r.lastError,
    imapLastUid: Number(r.imapLastUid),
    createdAt: Number(r.createdAt),
    updatedAt: Number(r.updatedAt),
  };
}

const notFound = () => new ApiError('not_found', 'No such mailbox.');

async function load(d: MailboxDeps, auth: AuthContext, id: string): Promise<MailboxRow> {
  const [r] = await d.db
    .select()
    .from(mailbox)
    .where(and(eq(mailbox.id, id), eq(mailbox.workspaceId, auth.workspaceId)));
  if (!r || (r.userId !== auth.userId && auth.role !== 'admin')) throw notFound();
  return r;
}

/** The caller's mailboxes (an admin's list has every mailbox of the workspace), by address. */
export async function listMailboxes(d: MailboxDeps, auth: AuthContext): Promise<MailboxDto[]> {
  const rows = await d.db
    .select()
    .from(mailbox)
    .where(
      and(
        eq(mailbox.workspaceId, auth.workspaceId),
        auth.role === 'admin' ? undefined : eq(mailbox.userId, auth.userId),
      ),
    )
    .orderBy(asc(mailbox.address), asc(mailbox.id));
  return rows.map(mailboxDto);
}

export async function getMailbox(
  d: MailboxDeps,
  auth: AuthContext,
  id: string,
): Promise<MailboxDto> {
  return mailboxDto(await load(d, auth, id));
}

/** Creates or replaces the caller's mailbox `id` after checking it against the real servers. */
export async function putMailbox(
  d: MailboxDeps,
  auth: AuthContext,
  id: string,
  input: MailboxPut,
): Promise<MailboxDto> {
  const [stored] = await d.db.select().from(mailbox).where(eq(mailbox.id, id));
  if (stored && stored.workspaceId !== auth.workspaceId) {
    throw new ApiError('conflict', 'This id is taken; use another one.');
  }
  if (stored && stored.userId !== auth.userId) {
    throw new ApiError('forbidden', "Only the mailbox's owner changes its settings.");
  }
  const old = stored ? openSecrets(d.box, stored) : null;
  const imapPassword = input.imap.password ?? old?.imapPassword;
  const smtpPassword = input.smtp.password ?? old?.smtpPassword;
  const missing: Issue[] = [];
  if (imapPassword === undefined)
    missing.push({ path: 'imap.password', message: 'Required for a new mailbox' });
  if (smtpPassword === undefined)
    missing.push({ path: 'smtp.password', message: 'Required for a new mailbox' });
  if (imapPassword === undefined || smtpPassword === undefined) {
    throw new ApiError('invalid_input', 'The request is not valid.', { issues: missing });
  }
  const address = input.address.toLowerCase();
  const [taken] = await d.db
    .select({ id: mailbox.id })
    .from(mailbox)
    .where(and(eq(mailbox.workspaceId, auth.workspaceId), eq(mailbox.address, address)));
  if (taken && taken.id !== id) {
    throw new ApiError(
      'conflict',
      `The mailbox ${address} is already connected in this workspace.`,
    );
  }

  const enabled = input.enabled ?? true;
  if (enabled) {
    const result = await d.check(
      { ...input.imap, password: imapPassword },
      { ...input.smtp, password: smtpPassword },
    );
    const issues: Issue[] = [];
    if (result.imap) issues.push({ path: 'imap', message: result.imap.message });
    if (result.smtp) issues.push({ path: 'smtp', message: result.smtp.message });
    if (issues.length > 0) {
      throw new ApiError(
        'invalid_input',
        `The mailbox settings do not work: ${issues.map((i) => i.message).join(' ')}`,
        {
          issues,
        },
      );
    }
  }

  const now = d.now();
  // Another IMAP account is another UID space: start over.
  const sameImap =
    stored && stored.imapHost === input.imap.host && stored.imapUser === input.imap.user;
  const fields = {
    userId: auth.userId,
    address,
    displayName: input.displayName ?? null,
    imapHost: input.imap.host,
    imapPort: input.imap.port,
    imapSecure: input.imap.secure,
    imapUser: input.imap.user,
    smtpHost: input.smtp.host,
    smtpPort: input.smtp.port,
    smtpSecure: input.smtp.secure,
    smtpUser: input.smtp.user,
    secretEnc: sealSecrets(d.box, id, { imapPassword, smtpPassword }),
    status: enabled ? ('active' as const) : ('disabled' as const),
    lastError: null,
    updatedAt: now,
    ...(sameImap ? {} : { imapUidValidity: null, imapLastUid: 0 }),
  };
  try {
    const [row] = await d.db
      .insert(mailbox)
      .values({ id, workspaceId: auth.workspaceId, createdAt: now, ...fields })
      .onConflictDoUpdate({ target: mailbox.id, set: fields })
      .returning();
    return mailboxDto(row!);
  } catch (err) {
    // A concurrent save of the same address (mailbox_ws_address_uq).
    if (/mailbox_ws_address_uq|unique/i.test(String((err as Error).message ?? err))) {
      throw new ApiError(
        'conflict',
        `The mailbox ${address} is already connected in this workspace.`,
        { cause: err },
      );
    }
    throw err;
  }
}

export async function deleteMailbox(d: MailboxDeps, auth: AuthContext, id: string): Promise<void> {
  const r = await load(d, auth, id);
  await d.db
    .delete(mailbox)
    .where(and(eq(mailbox.id, r.id), eq(mailbox.workspaceId, auth.workspaceId)));
}
