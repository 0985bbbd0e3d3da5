/**
 * `SmtpSender` against the real SMTP server process: the message arrives with a Message-ID derived
 * from our message id (the same on a retry), In-Reply-To / References from the thread, `Re:`
 * subject, X-SMTPAPI unique args, from the conversation's mailbox (or the one the message names
 * as its `from`); two sends share one pooled
 * connection; a 5xx is a permanent error, a 4xx a transient one; wrong credentials permanent.
 */
import { eq } from 'drizzle-orm';
import { conversation, mailbox, message } from '@sdr/schema/pg';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../crypto/secret-box.ts';
import type { Db } from '../../db/schema.ts';
import { createLogger } from '../../logger.ts';
import { storeFile } from '../../files/files.service.ts';
import { sealSecrets } from '../../mailboxes/mailboxes.service.ts';
import { SendError } from '../../outbox/sender.ts';
import { signUp, testDatabaseKinds, useServerSuite, useSmtpProcess } from '../../test/harness.ts';
import { outboundMessageId, SmtpSender } from './smtp-sender.ts';

const box = createSecretBox(Buffer.alloc(32, 9));
const logger = createLogger('silent');
const smtp = useSmtpProcess();

async function seed(
  db: Db,
  workspaceId: string,
  userId: string,
  o: { smtpPassword?: string; leadAddress?: string } = {},
) {
  const now = Date.now();
  const port = Number(new URL(smtp.url).port);
  await db.insert(mailbox).values({
    id: 'mb1',
    workspaceId,
    userId,
    address: 'rep@sdr.test',
    displayName: 'Rep One',
    imapHost: '127.0.0.1',
    imapPort: 1,
    imapSecure: false,
    imapUser: 'rep',
    smtpHost: '127.0.0.1',
    smtpPort: port,
    smtpSecure: false,
    smtpUser: 'test',
    secretEnc: sealSecrets(box, 'mb1', {
      imapPassword: 'x',
      smtpPassword: o.smtpPassword ?? 'secret',
    }),
    createdAt: now,
    updatedAt: now,
  });
  await db.insert(conversation).values({
    id: 'c1',
    workspaceId,
    leadId: 'lead1',
    channel: 'email',
    labels: [],
    subject: 'Pricing question',
    ourAddress: 'rep@sdr.test',
    leadAddress: o.leadAddress ?? 'lea@lead.example',
    mailboxId: 'mb1',
    threadKey: 'root1@lead.example',
    sla: [],
    escalations: [],
    createdAt: now,
    updatedAt: now,
  });
  // The lead wrote first (the thread root), then replied once.
  const base = {
    workspaceId,
    conversationId: 'c1',
    leadId: 'lead1',
    channel: 'email' as const,
    attachments: [],
    updatedAt: now,
  };
  await db.insert(message).values([
    {
      ...base,
      id: 'in1',
      direction: 'in',
      body: 'Hi',
      subject: 'Pricing question',
      status: 'received',
      emailMessageId: 'root1@lead.example',
      references: [],
      createdAt: now - 2000,
    },
    {
      ...base,
      id: 'in2',
      direction: 'in',
      body: 'Any news?',
      subject: 'Re: Pricing question',
      status: 'received',
      emailMessageId: 'second@lead.example',
      inReplyTo: 'root1@lead.example',
      references: ['root1@lead.example'],
      createdAt: now - 1000,
    },
  ]);
}

async function outbound(db: Db, workspaceId: string, id: string, body = 'Here are our prices.') {
  const now = Date.now();
  const [row] = await db
    .insert(message)
    .values({
      id,
      workspaceId,
      conversationId: 'c1',
      leadId: 'lead1',
      channel: 'email',
      direction: 'out',
      authorId: null,
      body,
      attachments: [],
      status: 'sending',
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  const [conv] = await db.select().from(conversation).where(eq(conversation.id, 'c1'));
  return { row: row!, conv: conv! };
}

describe.each(testDatabaseKinds())('SmtpSender (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('sends a threaded reply with a stable Message-ID and X-SMTPAPI over one pooled connection', async () => {
    const u = await signUp(t.api);
    const lead = `lea-${kind}-${Date.now()}@lead.example`; // the SMTP process outlives each test
    await seed(t.db, u.workspaceId, u.userId, { leadAddress: lead });
    const sender = new SmtpSender({ db: t.db, box });
    try {
      const a = await outbound(t.db, u.workspaceId, '01JOUTA');
      const ctx = { workspaceId: u.workspaceId, now: Date.now(), logger };
      const result = await sender.send(a.row, a.conv, ctx);
      expect(result).toEqual({ providerId: '01jouta@sdr.test', status: 'sent' });
      expect(outboundMessageId('01JOUTA', 'Rep@SDR.test')).toBe('01jouta@sdr.test');

      const mail = await smtp.waitForMail(lead);
      expect(mail.from).toBe('rep@sdr.test');
      expect(mail.user).toBe('test');
      expect(mail.parsed.messageId).toBe('<01jouta@sdr.test>');
      expect(mail.parsed.inReplyTo).toBe('<second@lead.example>');
      expect(mail.parsed.references).toEqual(['<root1@lead.example>', '<second@lead.example>']);
      expect(mail.parsed.subject).toBe('Re: Pricing question');
      expect(mail.parsed.text?.trim()).toBe('Here are our prices.');
      expect(mail.parsed.from?.value[0]).toEqual({ address: 'rep@sdr.test', name: 'Rep One' });
      // Raw JSON on the wire, as SendGrid reads it.
      const smtpapi = /^X-SMTPAPI: (.*)$/m.exec(mail.raw)?.[1];
      expect(JSON.parse(String(smtpapi))).toEqual({
        unique_args: { sdr_workspace_id: u.workspaceId, sdr_message_id: '01JOUTA' },
      });
      // The row now carries its threading ids, so the lead's reply to it threads here.
      const [stored] = await t.db.select().from(message).where(eq(message.id, '01JOUTA'));
      expect(stored).toMatchObject({
        emailMessageId: '01jouta@sdr.test',
        inReplyTo: 'second@lead.example',
        references: ['root1@lead.example', 'second@lead.example'],
        fromAddress: 'rep@sdr.test',
        toAddress: lead,
      });

      // A retry of the same message sends the same Message-ID.
      await sender.send(a.row, a.conv, ctx);
      // The next message replies to our previous one; same pooled transport and connection.
      const b = await outbound(t.db, u.workspaceId, '01JOUTB', 'And a follow-up.');
      await sender.send(b.row, b.conv, ctx);
      const all = (await smtp.messages()).filter((m) => m.to.includes(lead));
      expect(all.map((m) => m.parsed.messageId)).toEqual([
        '<01jouta@sdr.test>',
        '<01jouta@sdr.test>',
        '<01joutb@sdr.test>',
      ]);
      expect(all[2]!.parsed.inReplyTo).toBe('<01jouta@sdr.test>');
      expect(all[2]!.parsed.references).toEqual([
        '<root1@lead.example>',
        '<second@lead.example>',
        '<01jouta@sdr.test>',
      ]);
      expect(sender.transportsCreated).toBe(1);
      expect(new Set(all.map((m) => m.session)).size).toBe(1);
    } finally {
      sender.close();
    }
  });

  it('prepares a batch in a few statements with the same headers as sending one by one', async () => {
    const u = await signUp(t.api);
    const lead = `batch-${kind}-${Date.now()}@lead.example`;
    await seed(t.db, u.workspaceId, u.userId, { leadAddress: lead });
    const sender = new SmtpSender({ db: t.db, box });
    try {
      const a = await outbound(t.db, u.workspaceId, '01JBATA', 'First.');
      await new Promise((r) => setTimeout(r, 5)); // created later: answers A
      const b = await outbound(t.db, u.workspaceId, '01JBATB', 'Second.');
      const ctx = { workspaceId: u.workspaceId, now: Date.now(), logger };
      const byId = await sender.prepare(
        [
          { message: b.row, conversation: b.conv },
          { message: a.row, conversation: a.conv },
        ],
        ctx,
      );
      // The headers to store with the claim (the outbox worker writes them before any send).
      expect(byId.get('01JBATA')).toMatchObject({
        emailMessageId: '01jbata@sdr.test',
        inReplyTo: 'second@lead.example',
        references: ['root1@lead.example', 'second@lead.example'],
        fromAddress: 'rep@sdr.test',
        toAddress: lead,
        subject: 'Re: Pricing question',
      });
      expect(byId.get('01JBATB')).toMatchObject({
        emailMessageId: '01jbatb@sdr.test',
        inReplyTo: '01jbata@sdr.test',
        references: ['root1@lead.example', 'second@lead.example', '01jbata@sdr.test'],
      });
      // Sent concurrently, in any order: the headers are the prepared ones.
      await Promise.all([sender.send(b.row, b.conv, ctx), sender.send(a.row, a.conv, ctx)]);
      const all = (await smtp.messages()).filter((m) => m.to.includes(lead));
      const mb = all.find((m) => m.parsed.messageId === '<01jbatb@sdr.test>')!;
      expect(mb.parsed.inReplyTo).toBe('<01jbata@sdr.test>');
      expect(mb.parsed.references).toEqual([
        '<root1@lead.example>',
        '<second@lead.example>',
        '<01jbata@sdr.test>',
      ]);
      expect(mb.parsed.subject).toBe('Re: Pricing question');
      const ma = all.find((m) => m.parsed.messageId === '<01jbata@sdr.test>')!;
      expect(ma.parsed.inReplyTo).toBe('<second@lead.example>');
      // A message prepared without an address fails with its reason at send time.
      const noAddr = { ...a.conv, leadAddress: null };
      const c = await outbound(t.db, u.workspaceId, '01JBATC', 'Third.');
      await sender.prepare([{ message: c.row, conversation: noAddr }], ctx);
      await expect(sender.send(c.row, noAddr, ctx)).rejects.toMatchObject({
        permanent: true,
        reason: 'The lead has no email address.',
      });
    } finally {
      sender.close();
    }
  });

  it('multipart boundaries carry a fresh ULID per message (no randomBytes per MimeNode)', async () => {
    const u = await signUp(t.api);
    const lead = `mime-${kind}-${Date.now()}@lead.example`;
    await seed(t.db, u.workspaceId, u.userId, { leadAddress: lead });
    const file = await storeFile(t.db, {
      id: `01FILE${kind.toUpperCase()}`,
      workspaceId: u.workspaceId,
      name: 'prices.pdf',
      contentType: 'application/pdf',
      bytes: new Uint8Array([37, 80, 68, 70]),
      createdBy: u.userId,
      now: Date.now(),
    });
    const sender = new SmtpSender({ db: t.db, box });
    try {
      const ctx = { workspaceId: u.workspaceId, now: Date.now(), logger };
      for (const id of ['01JMIMA', '01JMIMB']) {
        const m = await outbound(t.db, u.workspaceId, id);
        const { id: fileId, name, size, contentType } = file;
        const row = { ...m.row, attachments: [{ fileId, name, size, contentType }] };
        await sender.send(row, m.conv, ctx);
      }
      const all = (await smtp.messages()).filter((m) => m.to.includes(lead));
      expect(all).toHaveLength(2);
      const boundaries = all.map((m) => /boundary="--_NmP-([^"]+)-Part_1"/.exec(m.raw)?.[1]);
      for (const b of boundaries) expect(b).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(new Set(boundaries).size).toBe(2);
      for (const m of all) {
        expect(m.parsed.text?.trim()).toBe('Here are our prices.');
        expect(m.parsed.attachments.map((a) => [a.filename, a.content.length])).toEqual([
          ['prices.pdf', 4],
        ]);
      }
    } finally {
      sender.close();
    }
  });

  it("sends from the mailbox the message names as its from (the SDR's choice), prepared or not", async () => {
    const u = await signUp(t.api);
    const lead = `from-${kind}-${Date.now()}@lead.example`;
    await seed(t.db, u.workspaceId, u.userId, { leadAddress: lead });
    const [mb1] = await t.db.select().from(mailbox).where(eq(mailbox.id, 'mb1'));
    await t.db.insert(mailbox).values({
      ...mb1!,
      id: 'mb2',
      address: 'team@sdr.test',
      displayName: 'Team',
      secretEnc: sealSecrets(box, 'mb2', { imapPassword: 'x', smtpPassword: 'secret' }),
    });
    const sender = new SmtpSender({ db: t.db, box });
    try {
      const ctx = { workspaceId: u.workspaceId, now: Date.now(), logger };
      for (const [id, prepared] of [
        ['01JFROMA', false],
        ['01JFROMB', true],
      ] as const) {
        const m = await outbound(t.db, u.workspaceId, id, `Sent by ${id}`);
        await t.db.update(message).set({ fromAddress: 'team@sdr.test' }).where(eq(message.id, id));
        const row = { ...m.row, fromAddress: 'team@sdr.test' };
        if (prepared) await sender.prepare([{ message: row, conversation: m.conv }], ctx);
        await sender.send(row, m.conv, ctx);
      }
      const all = (await smtp.messages()).filter((m) => m.to.includes(lead));
      expect(all.map((m) => [m.parsed.messageId, m.from])).toEqual([
        ['<01jfroma@sdr.test>', 'team@sdr.test'],
        ['<01jfromb@sdr.test>', 'team@sdr.test'],
      ]);
    } finally {
      sender.close();
    }
  });

  it('closes a mailbox transport that was not used for idleMs', async () => {
    const u = await signUp(t.api);
    await seed(t.db, u.workspaceId, u.userId, {
      leadAddress: `idle-${kind}-${Date.now()}@lead.example`,
    });
    const sender = new SmtpSender({ db: t.db, box, idleMs: 200 });
    try {
      const a = await outbound(t.db, u.workspaceId, '01JIDLE');
      await sender.send(a.row, a.conv, { workspaceId: u.workspaceId, now: Date.now(), logger });
      expect(sender.openTransports).toBe(1);
      const deadline = Date.now() + 5000;
      while (sender.openTransports > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(sender.openTransports).toBe(0);
    } finally {
      sender.close();
    }
  });

  it('5xx is permanent, 4xx transient, a refused login permanent', async () => {
    const u = await signUp(t.api);
    await seed(t.db, u.workspaceId, u.userId, { leadAddress: 'reject-me@lead.example' });
    const sender = new SmtpSender({ db: t.db, box });
    const ctx = { workspaceId: u.workspaceId, now: Date.now(), logger };
    try {
      const a = await outbound(t.db, u.workspaceId, '01JREJ');
      const e1 = await sender.send(a.row, a.conv, ctx).catch((e: unknown) => e);
      expect(e1).toBeInstanceOf(SendError);
      expect(e1).toMatchObject({ permanent: true, ambiguous: false });
      expect((e1 as SendError).reason).toMatch(/550 5\.1\.1/);

      await t.db
        .update(conversation)
        .set({ leadAddress: 'tempfail-me@lead.example' })
        .where(eq(conversation.id, 'c1'));
      const b = await outbound(t.db, u.workspaceId, '01JTMP');
      const e2 = await sender
        .send(b.row, { ...b.conv, leadAddress: 'tempfail-me@lead.example' }, ctx)
        .catch((e: unknown) => e);
      expect(e2).toMatchObject({ permanent: false, ambiguous: false });
      expect((e2 as SendError).reason).toMatch(/451/);

      // Wrong SMTP password (a changed mailbox gets a new transport).
      await t.db
        .update(mailbox)
        .set({
          secretEnc: sealSecrets(box, 'mb1', { imapPassword: 'x', smtpPassword: 'wrong' }),
          updatedAt: Date.now(),
        })
        .where(eq(mailbox.id, 'mb1'));
      const c = await outbound(t.db, u.workspaceId, '01JAUTH');
      const e3 = await sender
        .send(c.row, { ...c.conv, leadAddress: 'lea2@lead.example' }, ctx)
        .catch((e: unknown) => e);
      expect(e3).toMatchObject({ permanent: true });
      expect((e3 as SendError).reason).toMatch(/refused the login/);
      expect(sender.transportsCreated).toBe(2);

      // Attachments without a file store: a clear permanent failure, nothing sent.
      const d = await outbound(t.db, u.workspaceId, '01JATT');
      const e4 = await sender
        .send(
          {
            ...d.row,
            attachments: [{ fileId: 'f1', name: 'a.pdf', size: 1, contentType: 'application/pdf' }],
          },
          d.conv,
          ctx,
        )
        .catch((e: unknown) => e);
      expect(e4).toMatchObject({ permanent: true, reason: expect.stringMatching(/file store/) });
    } finally {
      sender.close();
    }
  });
});
