/**
 * The email channel end to end through `startServer` (REST, outbox worker, SmtpSender, mailbox
 * watcher, inbox core) with a real Dovecot and the real SMTP server process: a mailbox is
 * connected over REST; the lead's first mail becomes a conversation; the SDR answers over REST and
 * the SMTP server receives exactly one message threaded to the lead's; the lead's reply to it lands
 * in the same conversation; a DSN for our message marks it bounced.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server.ts';
import { startDovecot, type Dovecot } from '../../test/dovecot.ts';
import {
  apiClient,
  createPostgresDatabase,
  signUp,
  testDatabaseKinds,
  useSmtpProcess,
} from '../../test/harness.ts';
import { plainMail, postfixDsn } from './test/fixtures.ts';

let dovecot: Dovecot;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await dovecot?.stop();
});
const smtp = useSmtpProcess();

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(testDatabaseKinds())('email channel end to end (%s)', (kind) => {
  let server: RunningServer;
  let dataDir: string;
  let dropDb: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdr-email-e2e-'));
    let databaseUrl: string | undefined;
    if (kind === 'postgres') {
      const created = await createPostgresDatabase();
      databaseUrl = created.url;
      dropDb = () => created.drop();
    }
    server = await startServer({
      port: 0,
      dataDir,
      seedDemo: false,
      logLevel: 'silent',
      ...(databaseUrl ? { databaseUrl } : {}),
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await dropDb?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('inbound mail, an answer over SMTP, the reply threaded, a bounce', async () => {
    const api = apiClient(server.url);
    const admin = await signUp(api);
    const token = admin.accessToken;
    const rep = `rep-${kind}@sdr.test`;
    const leadAddress = `lea-${kind}-${Date.now()}@lead.example`;
    await dovecot.addUser(rep, 'imap-pass');
    const smtpPort = Number(new URL(smtp.url).port);
    const put = await api.put(
      '/api/v1/mailboxes/mb-e2e',
      {
        address: rep,
        displayName: 'Rep',
        imap: {
          host: '127.0.0.1',
          port: dovecot.port,
          secure: false,
          user: rep,
          password: 'imap-pass',
        },
        smtp: {
          host: '127.0.0.1',
          port: smtpPort,
          secure: false,
          user: 'test',
          password: 'secret',
        },
      },
      { token },
    );
    expect(put.status, put.text).toBe(200);
    const watcher = server.mailboxWatcher!;
    await watcher.refresh();
    await watcher.idle('mb-e2e');

    // The lead writes first.
    await dovecot.deliver(
      rep,
      plainMail({
        from: `Lea Lead <${leadAddress}>`,
        to: rep,
        subject: 'Pricing',
        messageId: '<first@lead.example>',
        body: 'What does it cost?',
      }),
    );
    const conv = await until('the conversation', async () => {
      const r = await api.get('/api/v1/conversations', { token });
      return (r.body?.items as { id: string; leadAddress: string }[] | undefined)?.find(
        (c) => c.leadAddress === leadAddress,
      );
    });

    // The SDR answers over REST; the outbox worker sends it through the mailbox's SMTP server.
    const id = ulid();
    const post = await api.post(
      `/api/v1/conversations/${conv.id}/messages`,
      { id, body: 'It costs 10 EUR.' },
      { token },
    );
    expect(post.status, post.text).toBeLessThan(300);
    const mail = await smtp.waitForMail(leadAddress);
    expect(mail.parsed.messageId).toBe(`<${id.toLowerCase()}@sdr.test>`);
    expect(mail.parsed.inReplyTo).toBe('<first@lead.example>');
    expect(mail.parsed.subject).toBe('Re: Pricing');
    expect(mail.from).toBe(rep);
    const sent = await until('sent', async () => {
      const r = await api.get(`/api/v1/conversations/${conv.id}/messages`, { token });
      return (r.body?.items as { id: string; status: string }[] | undefined)?.find(
        (m) => m.id === id && m.status === 'sent',
      );
    });
    expect(sent).toBeTruthy();

    // The lead replies to our message: same conversation.
    await dovecot.deliver(
      rep,
      plainMail({
        from: `Lea Lead <${leadAddress}>`,
        to: rep,
        subject: 'Re: Pricing',
        messageId: '<second@lead.example>',
        inReplyTo: `<${id.toLowerCase()}@sdr.test>`,
        references: `<first@lead.example> <${id.toLowerCase()}@sdr.test>`,
        body: 'Deal.',
      }),
    );
    // And our message to another address of theirs bounces.
    await dovecot.deliver(rep, postfixDsn(`<${id.toLowerCase()}@sdr.test>`, leadAddress));
    const items = await until('the reply and the bounce', async () => {
      const r = await api.get(`/api/v1/conversations/${conv.id}/messages`, { token });
      const list = r.body?.items as
        { id: string; body: string; kind: string; status: string; direction: string }[] | undefined;
      return list && list.length === 4 && list.find((m) => m.id === id)?.status === 'bounced'
        ? list
        : null;
    });
    expect(items.map((m) => [m.direction, m.kind]).sort()).toEqual([
      ['in', 'bounce'],
      ['in', 'message'],
      ['in', 'message'],
      ['out', 'message'],
    ]);
    expect((await smtp.messages()).filter((m) => m.to.includes(leadAddress))).toHaveLength(1);
    const conversations = await api.get('/api/v1/conversations', { token });
    expect(
      (conversations.body.items as { leadAddress: string }[]).filter(
        (c) => c.leadAddress === leadAddress,
      ),
    ).toHaveLength(1);
  });
});
