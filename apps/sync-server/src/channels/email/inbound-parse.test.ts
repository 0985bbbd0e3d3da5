/** Parsing inbound mail: replies, out-of-office (Outlook, Gmail), a Postfix DSN, large messages. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseInboundBuffer, parseInboundStream } from './inbound-parse.ts';
import {
  gmailVacation,
  largeMail,
  outlookOutOfOffice,
  plainMail,
  postfixDsn,
} from './test/fixtures.ts';

const buf = (s: string) => Buffer.from(s, 'utf8');

describe('parseInbound', () => {
  it('reads a reply: sender, threading ids, thread root, body', async () => {
    const m = await parseInboundBuffer(
      buf(
        plainMail({
          messageId: '<r1@lead.example>',
          inReplyTo: '<out2@sdr.test>',
          references: '<out1@sdr.test> <out2@sdr.test>',
          body: 'Yes please.',
        }),
      ),
    );
    expect(m).toMatchObject({
      messageId: 'r1@lead.example',
      providerId: 'r1@lead.example',
      from: { address: 'lea@lead.example', name: 'Lea Lead' },
      to: ['rep@sdr.test'],
      subject: 'Re: Hello',
      text: 'Yes please.\n',
      truncated: false,
      inReplyTo: 'out2@sdr.test',
      references: ['out1@sdr.test', 'out2@sdr.test'],
      threadKey: 'out1@sdr.test',
      classification: { kind: 'reply' },
      date: Date.UTC(2025, 10, 21, 10, 0, 0),
    });
  });

  it('labels Outlook and Gmail out-of-office replies as auto replies', async () => {
    const outlook = await parseInboundBuffer(
      buf(outlookOutOfOffice({ inReplyTo: '<o@sdr.test>' })),
    );
    expect(outlook.classification).toMatchObject({ kind: 'auto_reply' });
    expect(outlook.threadKey).toBe('o@sdr.test');
    const gmail = await parseInboundBuffer(buf(gmailVacation({ inReplyTo: '<o@sdr.test>' })));
    expect(gmail.classification).toMatchObject({ kind: 'auto_reply' });
  });

  it('labels a Postfix DSN a bounce with the original Message-ID and the failed recipient', async () => {
    const m = await parseInboundBuffer(buf(postfixDsn('<01JOUT@sdr.test>', 'gone@lead.example')));
    expect(m.classification).toEqual({
      kind: 'bounce',
      reason: 'delivery status report (multipart/report)',
      originalMessageId: '01JOUT@sdr.test',
      failedRecipient: 'gone@lead.example',
      status: '5.1.1',
      permanent: true,
      diagnostic: expect.stringContaining('550 5.1.1'),
    });
    // The returned-headers variant (text/rfc822-headers) too.
    const headersOnly = postfixDsn('<01JOUT2@sdr.test>').replace(
      'Content-Type: message/rfc822',
      'Content-Type: text/rfc822-headers',
    );
    const h = await parseInboundBuffer(buf(headersOnly));
    expect(h.classification).toMatchObject({
      kind: 'bounce',
      originalMessageId: '01JOUT2@sdr.test',
    });
    const streamed = await parseInboundStream(Readable.from([buf(headersOnly)]));
    expect(streamed.classification).toEqual(h.classification);
  });

  it('streams a large message: the attachment is counted, not kept; the body is capped', async () => {
    const raw = buf(largeMail({ attachmentBytes: 3 * 1024 * 1024, bodyChars: 5000 }));
    const chunks: Buffer[] = [];
    for (let i = 0; i < raw.length; i += 64 * 1024) chunks.push(raw.subarray(i, i + 64 * 1024));
    const m = await parseInboundStream(Readable.from(chunks), {
      maxBodyChars: 1000,
      attachmentRef: (part) => `imap:mb:1:7:${part}`,
    });
    expect(m.truncated).toBe(true);
    expect(m.text).toHaveLength(1000);
    expect(m.attachments).toEqual([
      {
        fileId: 'imap:mb:1:7:2',
        name: 'deck.pdf',
        size: 3 * 1024 * 1024,
        contentType: 'application/pdf',
      },
    ]);
    const small = await parseInboundBuffer(raw, {
      maxBodyChars: 1000,
      attachmentRef: (part) => `imap:mb:1:7:${part}`,
    });
    expect(small.attachments).toEqual(m.attachments);
    expect(small.text).toBe(m.text);
  });

  it('a message without Message-ID gets a content hash as its dedupe key', async () => {
    const raw = buf(plainMail({ messageId: '' }));
    const a = await parseInboundBuffer(raw);
    const b = await parseInboundStream(Readable.from([raw]));
    expect(a.messageId).toBeNull();
    expect(a.providerId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.providerId).toBe(a.providerId);
    expect(a.threadKey).toBeNull();
  });
});
