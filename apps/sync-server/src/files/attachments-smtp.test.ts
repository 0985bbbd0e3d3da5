/**
 * SmtpSender with attachments against the real SMTP server process: the files are read from the
 * file store and arrive intact (same bytes, name and type after MIME encoding and parsing); an
 * attachment that is not in the store fails permanently and nothing is sent.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { conversation, mailbox, message } from '@sdr/schema/pg';
import { describe, expect, it } from 'vitest';
import { SmtpSender } from '../channels/email/smtp-sender.ts';
import { createSecretBox } from '../crypto/secret-box.ts';
import { createLogger } from '../logger.ts';
import { sealSecrets } from '../mailboxes/mailboxes.service.ts';
import { signUp, testDatabaseKinds, useServerSuite, useSmtpProcess } from '../test/harness.ts';
import { attachmentOf, storeFile } from './files.service.ts';

const box = createSecretBox(Buffer.alloc(32, 4));
const logger = createLogger('silent');
const smtp = useSmtpProcess();

describe.each(testDatabaseKinds())('SmtpSender attachments (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('attaches stored files; the SMTP server receives the same bytes', async () => {
    const u = await signUp(t.api);
    const now = Date.now();
    const lead = `att-${kind}-${now}@lead.example`;
    await t.db.insert(mailbox).values({
      id: 'mbA',
      workspaceId: u.workspaceId,
      userId: u.userId,
      address: 'rep@sdr.test',
      imapHost: '127.0.0.1',
      imapPort: 1,
      imapSecure: false,
      imapUser: 'rep',
      smtpHost: '127.0.0.1',
      smtpPort: Number(new URL(smtp.url).port),
      smtpSecure: false,
      smtpUser: 'test',
      secretEnc: sealSecrets(box, 'mbA', { imapPassword: 'x', smtpPassword: 'secret' }),
      createdAt: now,
      updatedAt: now,
    });
    await t.db.insert(conversation).values({
      id: 'cA',
      workspaceId: u.workspaceId,
      leadId: 'leadA',
      channel: 'email',
      labels: [],
      subject: 'Documents',
      ourAddress: 'rep@sdr.test',
      leadAddress: lead,
      mailboxId: 'mbA',
      sla: [],
      escalations: [],
      createdAt: now,
      updatedAt: now,
    });
    const pdf = Buffer.alloc(700_000);
    for (let i = 0; i < pdf.length; i++) pdf[i] = (i * 131 + 17) % 256;
    const f1 = await storeFile(t.db, {
      id: '01FILEPDF',
      workspaceId: u.workspaceId,
      name: 'Offer Zürich.pdf',
      contentType: 'application/pdf',
      bytes: pdf,
      createdBy: u.userId,
      now,
    });
    const f2 = await storeFile(t.db, {
      id: '01FILETXT',
      workspaceId: u.workspaceId,
      name: 'notes.txt',
      contentType: 'text/plain',
      bytes: Buffer.from('line 1\r\nline 2 ✓\n'),
      createdBy: u.userId,
      now,
    });
    const [row] = await t.db
      .insert(message)
      .values({
        id: '01MAILATT',
        workspaceId: u.workspaceId,
        conversationId: 'cA',
        leadId: 'leadA',
        channel: 'email',
        direction: 'out',
        body: 'Please find attached.',
        attachments: [attachmentOf(f1), attachmentOf(f2)],
        status: 'sending',
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const [conv] = await t.db.select().from(conversation).where(eq(conversation.id, 'cA'));
    const sender = new SmtpSender({ db: t.db, box });
    try {
      const ctx = { workspaceId: u.workspaceId, now, logger };
      await sender.send(row!, conv!, ctx);
      const got = await smtp.waitForMail(lead);
      expect(got.parsed.text?.trim()).toBe('Please find attached.');
      const atts = got.parsed.attachments.map((a) => ({
        name: a.filename,
        type: a.contentType,
        sha256: createHash('sha256').update(a.content).digest('hex'),
        size: a.size,
      }));
      expect(atts).toEqual([
        {
          name: 'Offer Zürich.pdf',
          type: 'application/pdf',
          sha256: createHash('sha256').update(pdf).digest('hex'),
          size: pdf.length,
        },
        {
          name: 'notes.txt',
          type: 'text/plain',
          sha256: f2.sha256,
          size: f2.size,
        },
      ]);
      expect(Buffer.compare(got.parsed.attachments[0]!.content, pdf)).toBe(0);

      // Not in the store (e.g. an inbound attachment that stayed on the IMAP server): permanent.
      const before = (await smtp.messages()).length;
      const err = await sender
        .send(
          {
            ...row!,
            id: '01MAILMISSING',
            attachments: [
              { fileId: 'imap:mb:1:2:3', name: 'big.zip', size: 1, contentType: 'application/zip' },
            ],
          },
          conv!,
          ctx,
        )
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        permanent: true,
        reason: 'The attachment big.zip is not in the file store.',
      });
      expect((await smtp.messages()).length).toBe(before);
    } finally {
      sender.close();
    }
  });
});
