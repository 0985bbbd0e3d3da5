import { describe, expect, it } from 'vitest';
import { classifyEmail, type ParsedMailLike } from './email-classify.ts';
import {
  normaliseMessageId,
  normaliseSubject,
  parseMessageIds,
  referencedIds,
  subjectKey,
  threadRootId,
} from './email-thread.ts';

// Header sets as real clients and MTAs send them (trimmed to what matters, lower-case names as
// mailparser gives them).

const gmailVacation: ParsedMailLike = {
  headers: {
    'mime-version': '1.0',
    from: 'Jane Doe <jane.doe@gmail.com>',
    to: 'sdr@ourco.com',
    subject: 'Re: Quick question about your pipeline',
    'in-reply-to': '<0f1e2d3c@mail.ourco.com>',
    references: '<0f1e2d3c@mail.ourco.com>',
    'auto-submitted': 'auto-replied',
    'content-type': 'multipart/alternative; boundary="000000000000a1b2c3"',
  },
  subject: 'Re: Quick question about your pipeline',
  from: 'jane.doe@gmail.com',
};

const outlookOof: ParsedMailLike = {
  headers: {
    from: 'Max Mustermann <max@contoso.com>',
    subject: 'Automatic reply: Quick question about your pipeline',
    'thread-topic': 'Quick question about your pipeline',
    'x-ms-has-attach': '',
    'x-ms-exchange-inbox-rules-loop': 'max@contoso.com',
    'x-ms-tnef-correlator': '',
    'x-auto-response-suppress': 'All',
    'auto-submitted': 'auto-generated',
    'content-type': 'text/plain; charset="us-ascii"',
  },
  subject: 'Automatic reply: Quick question about your pipeline',
  from: 'max@contoso.com',
};

const exchangeNdr: ParsedMailLike = {
  headers: {
    from: 'Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.onmicrosoft.com>',
    to: 'sdr@ourco.com',
    subject: 'Undeliverable: Quick question about your pipeline',
    'content-type':
      'multipart/report; report-type=delivery-status; boundary="e7b9fc8a-a2c1-4e3b-9d5b-0e4f55f1b1d4"',
    'x-ms-exchange-message-is-ndr': '',
    'auto-submitted': 'auto-replied',
  },
  subject: 'Undeliverable: Quick question about your pipeline',
  from: 'MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.onmicrosoft.com',
  contentType: 'multipart/report; report-type=delivery-status; boundary="e7b9fc8a"',
  deliveryStatus: [
    'Reporting-MTA: dns;DM6PR11MB4321.namprd11.prod.outlook.com',
    'Received-From-MTA: dns;mail.ourco.com',
    'Arrival-Date: Mon, 4 Mar 2024 10:00:00 +0000',
    '',
    'Final-Recipient: rfc822;nobody@contoso.com',
    'Action: failed',
    'Status: 5.1.10',
    'Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient',
    ' nobody@contoso.com not found by SMTP address lookup',
  ].join('\r\n'),
  originalHeaders: [
    'Received: from mail.ourco.com (10.0.0.1) by DM6PR11MB4321.namprd11.prod.outlook.com',
    ' with Microsoft SMTP Server; Mon, 4 Mar 2024 10:00:00 +0000',
    'From: Sam SDR <sdr@ourco.com>',
    'To: <nobody@contoso.com>',
    'Subject: Quick question about your pipeline',
    'Message-ID: <7a6b5c4d.1234@mail.ourco.com>',
  ].join('\r\n'),
};

const postfixDsn: ParsedMailLike = {
  headers: {
    from: 'MAILER-DAEMON@mail.example.com (Mail Delivery System)',
    subject: 'Undelivered Mail Returned to Sender',
    'auto-submitted': 'auto-replied',
    'content-type':
      'multipart/report; report-type=delivery-status; boundary="3F2A1C0123.1709546400/mail.example.com"',
  },
  contentType: 'multipart/report',
  reportType: 'delivery-status',
  subject: 'Undelivered Mail Returned to Sender',
  from: 'MAILER-DAEMON@mail.example.com',
  deliveryStatus: [
    'Reporting-MTA: dns; mail.example.com',
    'X-Postfix-Queue-ID: 3F2A1C0123',
    'X-Postfix-Sender: rfc822; sdr@ourco.com',
    'Arrival-Date: Mon,  4 Mar 2024 10:00:00 +0100 (CET)',
    '',
    'Final-Recipient: rfc822; ghost@example.org',
    'Original-Recipient: rfc822;ghost@example.org',
    'Action: failed',
    'Status: 5.1.1',
    'Remote-MTA: dns; mx.example.org',
    'Diagnostic-Code: smtp; 550 5.1.1 <ghost@example.org>: Recipient address rejected:',
    '    User unknown in virtual mailbox table',
  ].join('\n'),
  originalHeaders:
    'From: sdr@ourco.com\nTo: ghost@example.org\nMessage-Id: <20240304100000.3F2A1C0123@mail.ourco.com>\n',
};

describe('classifyEmail', () => {
  it('Gmail vacation responder → auto_reply', () => {
    expect(classifyEmail(gmailVacation)).toEqual({
      kind: 'auto_reply',
      reason: 'Auto-Submitted: auto-replied',
    });
  });

  it('Outlook / Exchange out of office → auto_reply', () => {
    expect(classifyEmail(outlookOof).kind).toBe('auto_reply');
    // Older Exchange: no Auto-Submitted, the subject and the suppress header.
    const older = Object.fromEntries(
      Object.entries(outlookOof.headers).filter(([name]) => name !== 'auto-submitted'),
    );
    expect(classifyEmail({ ...outlookOof, headers: older })).toEqual({
      kind: 'auto_reply',
      reason:
        'subject "Automatic reply: Quick question about your pipeline", X-Auto-Response-Suppress: All',
    });
  });

  it.each([
    ['Out of Office: Quick question'],
    ['Automatische Antwort: Ihre Anfrage'],
    ['Abwesenheitsnotiz: Ihre Anfrage'],
    ['Auto: Quick question'],
    ['Réponse automatique : Votre demande'],
  ])('subject only: %s → auto_reply', (subject) => {
    expect(classifyEmail({ headers: {}, subject, from: 'x@y.z' }).kind).toBe('auto_reply');
  });

  it.each([
    ['x-autoreply', 'yes'],
    ['x-autorespond', 'Vacation'],
    ['precedence', 'auto_reply'],
    ['precedence', 'bulk'],
    ['precedence', 'junk'],
  ])('%s: %s → auto_reply', (name, value) => {
    expect(classifyEmail({ headers: { [name]: value }, subject: 'Re: hi' })).toMatchObject({
      kind: 'auto_reply',
    });
  });

  it('Exchange NDR → bounce with recipient, status and original Message-ID', () => {
    expect(classifyEmail(exchangeNdr)).toEqual({
      kind: 'bounce',
      reason: 'delivery status report (multipart/report)',
      originalMessageId: '7a6b5c4d.1234@mail.ourco.com',
      failedRecipient: 'nobody@contoso.com',
      status: '5.1.10',
      permanent: true,
      diagnostic:
        'smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient nobody@contoso.com not found by SMTP address lookup',
    });
  });

  it('Postfix DSN → bounce (checked before its Auto-Submitted header)', () => {
    expect(classifyEmail(postfixDsn)).toMatchObject({
      kind: 'bounce',
      originalMessageId: '20240304100000.3F2A1C0123@mail.ourco.com',
      failedRecipient: 'ghost@example.org',
      status: '5.1.1',
      permanent: true,
    });
  });

  it('Exim bounce with X-Failed-Recipients and the returned message in the body', () => {
    const exim: ParsedMailLike = {
      headers: {
        from: 'Mail Delivery System <Mailer-Daemon@mx1.example.net>',
        subject: 'Mail delivery failed: returning message to sender',
        'x-failed-recipients': 'bob@example.net',
        'auto-submitted': 'auto-replied',
      },
      text: [
        'This message was created automatically by mail delivery software.',
        '',
        'A message that you sent could not be delivered to one or more of its recipients.',
        '  bob@example.net',
        '    host mx.example.net [192.0.2.1]',
        '    SMTP error from remote mail server after RCPT TO:<bob@example.net>:',
        '    550 5.1.1 User unknown',
        '',
        '------ This is a copy of the message, including all the headers. ------',
        'Message-ID: <CAF=abc123@mail.gmail.com>',
        'Subject: Quick question',
      ].join('\n'),
    };
    expect(classifyEmail(exim)).toMatchObject({
      kind: 'bounce',
      reason: 'X-Failed-Recipients header',
      failedRecipient: 'bob@example.net',
      originalMessageId: 'CAF=abc123@mail.gmail.com',
      status: '5.1.1',
    });
  });

  it('Gmail bounce from mailer-daemon without a parsed report part', () => {
    const gmailBounce: ParsedMailLike = {
      headers: { 'in-reply-to': '<abc@mail.ourco.com>' },
      from: 'Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
      subject: 'Delivery Status Notification (Failure)',
    };
    expect(classifyEmail(gmailBounce)).toMatchObject({
      kind: 'bounce',
      originalMessageId: 'abc@mail.ourco.com',
      failedRecipient: null,
      permanent: true,
    });
  });

  it('a temporary failure report is a non-permanent bounce; a delay notice is not a bounce', () => {
    const dsn = (action: string, status: string): ParsedMailLike => ({
      ...postfixDsn,
      deliveryStatus: `Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; a@b.c\nAction: ${action}\nStatus: ${status}\n`,
    });
    expect(classifyEmail(dsn('failed', '4.4.7'))).toMatchObject({
      kind: 'bounce',
      permanent: false,
      status: '4.4.7',
    });
    expect(classifyEmail(dsn('delayed', '4.4.7'))).toEqual({
      kind: 'auto_reply',
      reason: 'delivery delayed (DSN action: delayed)',
    });
  });

  it('read receipts are not replies', () => {
    expect(
      classifyEmail({
        headers: {},
        contentType: 'multipart/report; report-type="disposition-notification"',
      }).kind,
    ).toBe('auto_reply');
  });

  it.each([
    [
      'a human reply',
      { headers: { 'in-reply-to': '<x@y>' }, subject: 'Re: Quick question', from: 'jane@acme.com' },
    ],
    ['Auto-Submitted: no', { headers: { 'auto-submitted': 'no' }, subject: 'Re: hi' }],
    [
      'a reply mentioning the office',
      { headers: {}, subject: 'Re: Back in the office next week?' },
    ],
    [
      'an Outlook reply carrying X-Auto-Response-Suppress (distribution lists, meeting mail)',
      {
        headers: { 'x-auto-response-suppress': 'All', 'thread-topic': 'Pricing' },
        subject: 'RE: Pricing',
        from: 'max@contoso.com',
      },
    ],
    [
      'a postmaster writing a normal mail',
      { headers: {}, from: 'postmaster@acme.com', subject: 'Re: pricing' },
    ],
  ])('%s → reply', (_name, mail) => {
    expect(classifyEmail(mail as ParsedMailLike)).toEqual({ kind: 'reply' });
  });
});

describe('thread keys', () => {
  it.each([
    ['<abc@host>', 'abc@host'],
    ['  <abc@host> ', 'abc@host'],
    ['abc@host', 'abc@host'],
    ['<CAF=Ab+c/D@mail.gmail.com>', 'CAF=Ab+c/D@mail.gmail.com'],
    ['', null],
    ['<>', null],
    [null, null],
  ])('normaliseMessageId(%j) → %j', (raw, id) => {
    expect(normaliseMessageId(raw)).toBe(id);
  });

  it('parses References with folding, duplicates and lists', () => {
    expect(parseMessageIds('<a@x>\r\n <b@x>  <a@x>')).toEqual(['a@x', 'b@x']);
    expect(parseMessageIds(['<a@x>', '<c@x>'])).toEqual(['a@x', 'c@x']);
    expect(parseMessageIds('a@x, b@x')).toEqual(['a@x', 'b@x']);
    expect(parseMessageIds(undefined)).toEqual([]);
  });

  it.each([
    [{ messageId: '<m3@x>', inReplyTo: '<m2@x>', references: '<m1@x> <m2@x>' }, 'm1@x'],
    [{ messageId: '<m3@x>', inReplyTo: '<m2@x>' }, 'm2@x'],
    [{ messageId: '<m1@x>' }, 'm1@x'],
    [{}, null],
  ])('threadRootId(%j) → %s', (headers, root) => {
    expect(threadRootId(headers)).toBe(root);
  });

  it('referencedIds lists References then In-Reply-To', () => {
    expect(referencedIds({ references: '<m1@x> <m2@x>', inReplyTo: '<m3@x>' })).toEqual([
      'm1@x',
      'm2@x',
      'm3@x',
    ]);
  });

  it.each([
    ['Re: Hello', 'Hello'],
    ['RE: AW: Fwd: Hello', 'Hello'],
    ['Re[2]: Hello', 'Hello'],
    ['Aw:Hello', 'Hello'],
    ['SV: VS: Hej', 'Hej'],
    ['WG: Antw: TR: RV: Hola', 'Hola'],
    ['[EXTERNAL] Re: Pricing', 'Pricing'],
    ['Re:   Lots   of   space ', 'Lots of space'],
    ['Regarding pricing', 'Regarding pricing'],
    ['Reply needed', 'Reply needed'],
    ['Re: ', ''],
    ['[tag]', '[tag]'],
  ])('normaliseSubject(%j) → %j', (subject, expected) => {
    expect(normaliseSubject(subject)).toBe(expected);
  });

  it('subjectKey is case-insensitive', () => {
    expect(subjectKey('RE: Quick Question')).toBe(subjectKey('quick question'));
  });
});
