/**
 * The mailbox watcher against a real Dovecot (IMAP IDLE), with the real inbox core
 * (`ingestInbound` through the sync authority) on PGlite and, with TEST_DATABASE_URL, Postgres:
 * a new sender becomes a lead + conversation; a reply to our outbound message threads into its
 * conversation; Outlook/Gmail out-of-office replies are labelled `auto_reply` and not treated as
 * replies; a Postfix DSN is a `bounce` that marks the original message `bounced`; our own
 * outbound copies are skipped; IDLE delivers within seconds (the safety poll is a minute); a
 * restart, also after a crash mid-fetch, stores nothing twice; a rebuilt folder (new UIDVALIDITY)
 * is read again without duplicates; a refused login marks the mailbox `error` until it works.
 */
import { rmSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { conversation, lead, mailbox, message, queueItem } from '@sdr/schema/pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../crypto/secret-box.ts';
import type { InboxDeps } from '../../inbox/inbox.deps.ts';
import { ingestInbound } from '../../inbox/inbox.service.ts';
import { inboxDepsFor } from '../../inbox/test/inbox-kit.ts';
import { createLogger } from '../../logger.ts';
import { sealSecrets } from '../../mailboxes/mailboxes.service.ts';
import { useSyncSuite } from '../../sync/test/sync-harness.ts';
import { startDovecot, type Dovecot } from '../../test/dovecot.ts';
import { signUp, testDatabaseKinds, type SignedUp } from '../../test/harness.ts';
import { startMailboxWatcher, type MailboxWatcher } from './mailbox-watcher.ts';
import {
  gmailVacation,
  largeMail,
  outlookOutOfOffice,
  plainMail,
  postfixDsn,
} from './test/fixtures.ts';

const box = createSecretBox(Buffer.alloc(32, 3));
const logger = createLogger(process.env['EMAIL_TEST_LOG'] === '1' ? 'debug' : 'silent');
const PASSWORD = 'imap-pass-1';

let dovecot: Dovecot;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await dovecot?.stop();
});

let userSeq = 0;

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(testDatabaseKinds())('mailbox watcher (%s)', (kind) => {
  const suite = useSyncSuite(kind);
  const watchers: MailboxWatcher[] = [];
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((w) => w.stop()));
  });

  interface Setup {
    u: SignedUp;
    user: string;
    address: string;
    d: InboxDeps;
    start(extra?: {
      useIdle?: boolean;
      pollMs?: number;
      largeMessageBytes?: number;
      maxBodyChars?: number;
      attachmentLimitBytes?: number;
    }): MailboxWatcher;
    messages(): Promise<(typeof message.$inferSelect)[]>;
  }

  async function setup(o: { password?: string } = {}): Promise<Setup> {
    const s = suite.server;
    const u = await signUp(s.api);
    userSeq += 1;
    const user = `rep${userSeq}-${process.pid}@sdr.test`;
    await dovecot.addUser(user, PASSWORD);
    const now = Date.now();
    await s.db.insert(mailbox).values({
      id: `mb${userSeq}`,
      workspaceId: u.workspaceId,
      userId: u.userId,
      address: user,
      imapHost: dovecot.host,
      imapPort: dovecot.port,
      imapSecure: false,
      imapUser: user,
      smtpHost: '127.0.0.1',
      smtpPort: 1,
      smtpSecure: false,
      smtpUser: 'x',
      secretEnc: sealSecrets(box, `mb${userSeq}`, {
        imapPassword: o.password ?? PASSWORD,
        smtpPassword: 'x',
      }),
      createdAt: now - 1000,
      updatedAt: now - 1000,
    });
    const d: InboxDeps = { ...inboxDepsFor(s), now: () => Date.now() };
    return {
      u,
      user,
      address: user,
      d,
      start(extra = {}) {
        const w = startMailboxWatcher({
          db: s.db,
          box,
          inbox: d,
          logger,
          pollMs: 60_000, // only IDLE can be this quick
          refreshMs: 100,
          backoff: { initialMs: 100, maxMs: 500 },
          ...extra,
        });
        watchers.push(w);
        return w;
      },
      messages: () =>
        s.db
          .select()
          .from(message)
          .where(eq(message.workspaceId, u.workspaceId))
          .orderBy(asc(message.createdAt), asc(message.id)),
    };
  }

  const mbId = () => `mb${userSeq}`;

  it('a new sender becomes a lead and a conversation; a reply to our message threads into it; own copies are skipped', async () => {
    const t = await setup();
    // Mail from before the mailbox was connected is history, not new mail.
    await dovecot.deliver(
      t.user,
      plainMail({ from: 'Old <old@lead.example>', messageId: '<old@lead.example>' }),
      {
        internalDate: new Date(Date.now() - 3 * 86_400_000),
      },
    );
    const w = t.start();
    await w.idle(mbId());

    const sentAt = Date.now();
    await dovecot.deliver(
      t.user,
      plainMail({
        from: 'Nina New <nina@newco.example>',
        to: t.address,
        subject: 'Question',
        messageId: '<q1@newco.example>',
        body: 'Do you ship to Norway?',
      }),
    );
    const first = await until('the first message', async () =>
      (await t.messages()).find((m) => m.providerId === 'q1@newco.example'),
    );
    expect(Date.now() - sentAt).toBeLessThan(5000); // IDLE, not the one-minute poll
    expect(first).toMatchObject({
      direction: 'in',
      kind: 'message',
      channel: 'email',
      status: 'received',
      body: 'Do you ship to Norway?\n',
      subject: 'Question',
      emailMessageId: 'q1@newco.example',
      fromAddress: 'nina@newco.example',
      toAddress: t.address,
    });
    const [l] = await suite.db.select().from(lead).where(eq(lead.id, first.leadId));
    expect(l).toMatchObject({
      email: 'nina@newco.example',
      firstName: 'Nina',
      lastName: 'New',
      source: 'inbound email',
    });
    const [c] = await suite.db
      .select()
      .from(conversation)
      .where(eq(conversation.id, first.conversationId));
    expect(c).toMatchObject({
      channel: 'email',
      mailboxId: mbId(),
      threadKey: 'q1@newco.example',
      leadAddress: 'nina@newco.example',
      unreadCount: 1,
    });
    expect((await t.messages()).some((m) => m.providerId === 'old@lead.example')).toBe(false);

    // We answered (as the SMTP sender leaves the row: emailMessageId set); the lead replies to it.
    const now = Date.now();
    await suite.db.insert(message).values({
      id: '01OUT1',
      workspaceId: t.u.workspaceId,
      conversationId: c!.id,
      leadId: c!.leadId,
      channel: 'email',
      direction: 'out',
      body: 'Yes we do.',
      attachments: [],
      status: 'sent',
      emailMessageId: '01out1@sdr.test',
      inReplyTo: 'q1@newco.example',
      references: ['q1@newco.example'],
      providerId: '01out1@sdr.test',
      createdAt: now,
      updatedAt: now,
    });
    // A copy of our own message in the INBOX (Bcc to self) is not an inbound message.
    await dovecot.deliver(
      t.user,
      plainMail({
        from: t.address,
        to: 'nina@newco.example',
        subject: 'Re: Question',
        messageId: '<01out1@sdr.test>',
        body: 'Yes we do.',
      }),
    );
    await dovecot.deliver(
      t.user,
      plainMail({
        from: 'Nina New <nina@newco.example>',
        subject: 'Re: Question',
        messageId: '<q2@newco.example>',
        inReplyTo: '<01out1@sdr.test>',
        references: '<q1@newco.example> <01out1@sdr.test>',
        body: 'Great, send an offer.',
      }),
    );
    const reply = await until('the reply', async () =>
      (await t.messages()).find((m) => m.providerId === 'q2@newco.example'),
    );
    expect(reply).toMatchObject({
      conversationId: c!.id,
      leadId: c!.leadId,
      kind: 'message',
      inReplyTo: '01out1@sdr.test',
    });
    await w.idle(mbId());
    const all = await t.messages();
    expect(all.map((m) => [m.direction, m.providerId])).toEqual([
      ['in', 'q1@newco.example'],
      ['out', '01out1@sdr.test'],
      ['in', 'q2@newco.example'],
    ]);
    const [row] = await suite.db.select().from(mailbox).where(eq(mailbox.id, mbId()));
    expect(row!.imapLastUid).toBe(4);
    expect(row!.imapUidValidity).toBeGreaterThan(0);
    expect(row!.status).toBe('active');
  });

  it('out-of-office replies are auto replies, not replies; a Postfix DSN is a bounce that marks our message bounced', async () => {
    const t = await setup();
    const w = t.start();
    await w.idle(mbId());
    await dovecot.deliver(
      t.user,
      plainMail({
        from: 'Lea <lea@lead.example>',
        messageId: '<l1@lead.example>',
        subject: 'Hello',
      }),
    );
    const first = await until('the first message', async () =>
      (await t.messages()).find((m) => m.providerId === 'l1@lead.example'),
    );
    const conv = first.conversationId;
    const now = Date.now();
    await suite.db.insert(message).values({
      id: '01OUT2',
      workspaceId: t.u.workspaceId,
      conversationId: conv,
      leadId: first.leadId,
      channel: 'email',
      direction: 'out',
      body: 'Our offer',
      attachments: [],
      status: 'sent',
      emailMessageId: '01out2@sdr.test',
      references: ['l1@lead.example'],
      inReplyTo: 'l1@lead.example',
      providerId: '01out2@sdr.test',
      createdAt: now,
      updatedAt: now,
    });
    const [before] = await suite.db.select().from(conversation).where(eq(conversation.id, conv));
    const items = async () =>
      (await suite.db.select().from(queueItem).where(eq(queueItem.conversationId, conv))).length;
    const itemsBefore = await items();

    await dovecot.deliver(
      t.user,
      outlookOutOfOffice({ inReplyTo: '<01out2@sdr.test>', messageId: '<oof1@lead.example>' }),
    );
    await dovecot.deliver(t.user, gmailVacation({ inReplyTo: '<01out2@sdr.test>' }));
    await dovecot.deliver(t.user, postfixDsn('<01out2@sdr.test>', 'lea@lead.example'));
    await until('three more messages', async () => (await t.messages()).length === 5);
    await w.idle(mbId());

    const all = await t.messages();
    const byKind = (k: string) => all.filter((m) => m.kind === k);
    expect(byKind('auto_reply')).toHaveLength(2);
    expect(byKind('auto_reply').every((m) => m.conversationId === conv)).toBe(true);
    const [bounce] = byKind('bounce');
    expect(bounce).toMatchObject({
      conversationId: conv,
      direction: 'in',
      inReplyTo: '01out2@sdr.test',
      fromAddress: 'lea@lead.example',
    });
    const [original] = await suite.db.select().from(message).where(eq(message.id, '01OUT2'));
    expect(original!.status).toBe('bounced');
    // Not replies: unread and the queue are untouched.
    const [after] = await suite.db.select().from(conversation).where(eq(conversation.id, conv));
    expect(after!.unreadCount).toBe(before!.unreadCount);
    expect(after!.lastInboundAt).toBe(before!.lastInboundAt);
    expect(await items()).toBe(itemsBefore);
    // An auto reply from someone we do not know creates nothing.
    await dovecot.deliver(
      t.user,
      outlookOutOfOffice({
        inReplyTo: '<unknown@elsewhere>',
        from: 'Stranger <x@stranger.example>',
      }),
    );
    await w.idle(mbId());
    expect(await t.messages()).toHaveLength(5);
    expect(
      (await suite.db.select().from(lead).where(eq(lead.email, 'x@stranger.example'))).length,
    ).toBe(0);
  });

  it('a restart, also after a crash mid-fetch, stores nothing twice', async () => {
    const t = await setup();
    let w = t.start();
    await w.idle(mbId());
    for (let i = 1; i <= 3; i++) {
      await dovecot.deliver(
        t.user,
        plainMail({ from: `Lead ${i} <l${i}@lead.example>`, messageId: `<r${i}@lead.example>` }),
      );
    }
    await until('three messages', async () => (await t.messages()).length === 3);
    await w.idle(mbId());
    await w.stop();
    const [row] = await suite.db.select().from(mailbox).where(eq(mailbox.id, mbId()));
    expect(row!.imapLastUid).toBe(3);

    // A crash after ingesting the last message but before storing its UID.
    await suite.db.update(mailbox).set({ imapLastUid: 2 }).where(eq(mailbox.id, mbId()));
    w = t.start();
    await w.idle(mbId());
    expect(await t.messages()).toHaveLength(3);
    const [again] = await suite.db.select().from(mailbox).where(eq(mailbox.id, mbId()));
    expect(again!.imapLastUid).toBe(3);

    // And a plain restart reads nothing again; new mail still arrives.
    await w.stop();
    w = t.start();
    await w.idle(mbId());
    await dovecot.deliver(
      t.user,
      plainMail({ from: 'Lead 4 <l4@lead.example>', messageId: '<r4@lead.example>' }),
    );
    await until('the fourth message', async () => (await t.messages()).length === 4);
    await w.idle(mbId());
    expect((await t.messages()).map((m) => m.providerId)).toEqual([
      'r1@lead.example',
      'r2@lead.example',
      'r3@lead.example',
      'r4@lead.example',
    ]);
  });

  it('a new UIDVALIDITY (the folder was rebuilt) reads recent mail again without duplicates', async () => {
    const t = await setup();
    let w = t.start();
    await w.idle(mbId());
    await dovecot.deliver(
      t.user,
      plainMail({ from: 'A <a@lead.example>', messageId: '<u1@lead.example>' }),
    );
    await dovecot.deliver(
      t.user,
      plainMail({ from: 'B <b@lead.example>', messageId: '<u2@lead.example>' }),
    );
    await until('two messages', async () => (await t.messages()).length === 2);
    await w.idle(mbId());
    await w.stop();
    const [before] = await suite.db.select().from(mailbox).where(eq(mailbox.id, mbId()));

    // Rebuild the folder the way a server migration does: Dovecot forgets its UID list and
    // indexes, renumbers the messages and announces a new UIDVALIDITY.
    const maildir = path.join(dovecot.dir, 'home', t.user, 'Maildir');
    for (const f of readdirSync(maildir))
      if (f.startsWith('dovecot')) rmSync(path.join(maildir, f), { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 1100)); // UIDVALIDITY is a timestamp in seconds
    await dovecot.deliver(
      t.user,
      plainMail({ from: 'C <c@lead.example>', messageId: '<u3@lead.example>' }),
    );
    const probe = await dovecot.connect(t.user);
    const status = await probe.status('INBOX', { uidValidity: true, messages: true });
    await probe.logout();
    expect(status && Number(status.uidValidity)).not.toBe(Number(before!.imapUidValidity));

    w = t.start();
    await w.idle(mbId());
    await until('the new message', async () => (await t.messages()).length === 3);
    await w.idle(mbId());
    expect((await t.messages()).map((m) => m.providerId).sort()).toEqual([
      'u1@lead.example',
      'u2@lead.example',
      'u3@lead.example',
    ]);
    const [after] = await suite.db.select().from(mailbox).where(eq(mailbox.id, mbId()));
    expect(after!.imapUidValidity).toBe(Number(status && status.uidValidity));
    expect(after!.imapLastUid).toBe(3);
  });

  it('streams a large message: an attachment over the limit is metadata pointing at the IMAP part, body capped', async () => {
    const t = await setup();
    const w = t.start({
      largeMessageBytes: 1024 * 1024,
      maxBodyChars: 500,
      attachmentLimitBytes: 1024 * 1024,
    });
    await w.idle(mbId());
    await dovecot.deliver(
      t.user,
      largeMail({
        from: 'Big <big@lead.example>',
        messageId: '<big1@lead.example>',
        attachmentBytes: 2 * 1024 * 1024,
        bodyChars: 2000,
      }),
    );
    const m = await until('the large message', async () =>
      (await t.messages()).find((x) => x.providerId === 'big1@lead.example'),
    );
    const [row] = await suite.db.select().from(mailbox).where(eq(mailbox.id, mbId()));
    expect(m.body).toHaveLength(500);
    expect(m.attachments).toEqual([
      {
        fileId: `imap:${mbId()}:${row!.imapUidValidity}:1:2`,
        name: 'deck.pdf',
        size: 2 * 1024 * 1024,
        contentType: 'application/pdf',
      },
    ]);
  });

  it('stores attachments in the file store (also when streamed); the file downloads intact', async () => {
    const t = await setup();
    const w = t.start({ largeMessageBytes: 1024 * 1024 });
    await w.idle(mbId());
    await dovecot.deliver(
      t.user,
      largeMail({
        from: 'Small <small@lead.example>',
        messageId: '<att1@lead.example>',
        attachmentBytes: 40_000,
      }),
    );
    await dovecot.deliver(
      t.user,
      largeMail({
        from: 'Big <big2@lead.example>',
        messageId: '<att2@lead.example>',
        attachmentBytes: 1536 * 1024, // streamed (over largeMessageBytes), under 20 MB: stored
      }),
    );
    const got = await until('both messages', async () => {
      const list = await t.messages();
      return list.length === 2 ? list : null;
    });
    for (const [m, size] of [
      [got.find((x) => x.providerId === 'att1@lead.example')!, 40_000],
      [got.find((x) => x.providerId === 'att2@lead.example')!, 1536 * 1024],
    ] as const) {
      expect(m.attachments).toHaveLength(1);
      const a = m.attachments[0]!;
      expect(a).toMatchObject({ name: 'deck.pdf', size, contentType: 'application/pdf' });
      expect(a.fileId).not.toContain(':');
      const res = await fetch(`${suite.server.url}/api/v1/files/${a.fileId}`, {
        headers: { authorization: `Bearer ${t.u.accessToken}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(/filename="deck.pdf"/);
      expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.alloc(size, 7))).toBe(true);
    }
  });

  it('a message the inbox keeps failing on is retried, then skipped; the next one still arrives', async () => {
    const t = await setup();
    let attempts = 0;
    const w = startMailboxWatcher({
      db: suite.db,
      box,
      inbox: t.d,
      logger,
      refreshMs: 100,
      backoff: { initialMs: 50, maxMs: 100 },
      ingest: async (d, input) => {
        if (input.providerId === 'poison@lead.example') {
          attempts += 1;
          throw new Error('boom');
        }
        return ingestInbound(d, input);
      },
    });
    watchers.push(w);
    await w.idle(mbId());
    await dovecot.deliver(
      t.user,
      plainMail({ from: 'X <x@lead.example>', messageId: '<poison@lead.example>' }),
    );
    await dovecot.deliver(
      t.user,
      plainMail({ from: 'Y <y@lead.example>', messageId: '<fine@lead.example>' }),
    );
    await until(
      'the next message',
      async () => (await t.messages()).find((m) => m.providerId === 'fine@lead.example'),
      15_000,
    );
    expect(attempts).toBe(5);
    expect((await t.messages()).map((m) => m.providerId)).toEqual(['fine@lead.example']);
  });

  it('without IDLE the poll finds new mail', async () => {
    const t = await setup();
    const w = t.start({ useIdle: false, pollMs: 1000 });
    await w.idle(mbId());
    await dovecot.deliver(
      t.user,
      plainMail({ from: 'P <p@lead.example>', messageId: '<p1@lead.example>' }),
    );
    await until('the polled message', async () => (await t.messages()).length === 1, 5000);
  });

  it('a refused login marks the mailbox error (with the reason) until the password is fixed', async () => {
    const t = await setup({ password: 'wrong' });
    const w = t.start();
    const errored = await until('the error', async () => {
      const [r] = await suite.db
        .select()
        .from(mailbox)
        .where(and(eq(mailbox.id, mbId()), eq(mailbox.status, 'error')));
      return r;
    });
    expect(errored.lastError).toMatch(/refused the login/);
    await suite.db
      .update(mailbox)
      .set({
        secretEnc: sealSecrets(box, mbId(), { imapPassword: PASSWORD, smtpPassword: 'x' }),
        updatedAt: Date.now(),
      })
      .where(eq(mailbox.id, mbId()));
    await until('recovery', async () => {
      const [r] = await suite.db.select().from(mailbox).where(eq(mailbox.id, mbId()));
      return r?.status === 'active' && r.lastError === null && r.imapUidValidity !== null;
    });
    await dovecot.deliver(
      t.user,
      plainMail({ from: 'D <d@lead.example>', messageId: '<d1@lead.example>' }),
    );
    await until('the message', async () => (await t.messages()).length === 1);
    expect(w.watching()).toEqual([mbId()]);
    // Disabled or removed mailboxes are let go.
    await suite.db.update(mailbox).set({ status: 'disabled' }).where(eq(mailbox.id, mbId()));
    await until('the session to stop', async () => w.watching().length === 0);
    await suite.db.update(mailbox).set({ status: 'active' }).where(eq(mailbox.id, mbId()));
    await until('the session to start again', async () => w.watching().length === 1);
    await suite.db.delete(mailbox).where(eq(mailbox.id, mbId()));
    await until('the session to stop', async () => w.watching().length === 0);
  });
});
