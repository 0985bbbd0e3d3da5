/**
 * `plainTextMime` against nodemailer's `MailComposer`: for the same plain-text email both parse
 * (mailparser) to the same addresses, subject, ids, date, extra header and text; it declines
 * (null) what needs RFC 2047 or IDN encoding.
 */
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { plainTextMime, type PlainMail } from './plain-mime.ts';

const base: PlainMail = {
  from: { name: 'Rep One', address: 'rep@sdr.test' },
  to: 'lea@lead.example',
  subject: 'Re: Pricing question',
  text: 'Here are our prices.\nBest,\nRep',
  messageId: '01jouta@sdr.test',
  date: new Date(Date.UTC(2026, 10, 21, 20, 15, 7)),
  inReplyTo: 'second@lead.example',
  references: ['root1@lead.example', 'second@lead.example'],
  headers: [['X-SMTPAPI', '{"unique_args":{"sdr_workspace_id":"w1","sdr_message_id":"01JOUTA"}}']],
};

async function composed(m: PlainMail) {
  const raw = await new MailComposer({
    from: m.from.name ? { name: m.from.name, address: m.from.address } : m.from.address,
    to: m.to,
    subject: m.subject,
    text: m.text,
    messageId: `<${m.messageId}>`,
    date: m.date,
    ...(m.inReplyTo ? { inReplyTo: `<${m.inReplyTo}>` } : {}),
    ...(m.references.length > 0 ? { references: m.references.map((r) => `<${r}>`) } : {}),
    headers: Object.fromEntries(m.headers.map(([k, v]) => [k, { prepared: true, value: v }])),
  })
    .compile()
    .build();
  return raw.toString('utf8');
}

async function fields(raw: string) {
  const p = await simpleParser(raw);
  return {
    from: p.from?.value,
    to: p.to && !Array.isArray(p.to) ? p.to.value : p.to,
    subject: p.subject,
    messageId: p.messageId,
    inReplyTo: p.inReplyTo,
    references: p.references,
    date: p.date?.getTime(),
    smtpapi: p.headers.get('x-smtpapi'),
    text: p.text,
  };
}

const cases: [string, Partial<PlainMail>][] = [
  ['a threaded reply', {}],
  [
    'no display name, no thread',
    { from: { name: null, address: 'rep@sdr.test' }, inReplyTo: null, references: [] },
  ],
  ['a name that needs quotes', { from: { name: 'O\'Brien, "Rep"', address: 'rep@sdr.test' } }],
  [
    'a long subject and many references',
    {
      subject: `Re: ${'quarterly pricing update '.repeat(6)}`,
      references: Array.from({ length: 12 }, (_, i) => `ref-${i}-${'x'.repeat(20)}@lead.example`),
    },
  ],
  ['a long line', { text: `${'word '.repeat(40)}\nshort` }],
  ['a non-ASCII body', { text: 'Grüße aus Köln — 10 €\r\nbis bald' }],
  ['dots and blank lines', { text: '.\n..leading\n\nend.' }],
];

describe('plainTextMime', () => {
  it.each(cases)('parses like MailComposer: %s', async (_name, patch) => {
    const m = { ...base, ...patch };
    const out = plainTextMime(m);
    expect(out).not.toBeNull();
    expect(out!.envelope).toEqual({ from: m.from.address, to: [m.to] });
    expect(out!.raw).toMatch(/^X-SMTPAPI: \{"unique_args"/m);
    for (const line of out!.raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    expect(await fields(out!.raw)).toEqual(await fields(await composed(m)));
  });

  it('writes an id that came in angle brackets once bracketed', async () => {
    const out = plainTextMime({
      ...base,
      inReplyTo: '<root-1@lead.example>',
      references: ['<root-1@lead.example>', 'second@lead.example'],
    });
    const p = await simpleParser(out!.raw);
    expect(p.inReplyTo).toBe('<root-1@lead.example>');
    expect(p.references).toEqual(['<root-1@lead.example>', '<second@lead.example>']);
  });

  it.each<[string, Partial<PlainMail>]>([
    ['a non-ASCII subject', { subject: 'Re: Preise für Köln' }],
    ['a non-ASCII display name', { from: { name: 'Zoë', address: 'rep@sdr.test' } }],
    ['an IDN recipient', { to: 'lea@bücher.example' }],
    ['a recipient with a name', { to: 'Lea <lea@lead.example>' }],
    ['an id with a space', { inReplyTo: 'a b@lead.example' }],
  ])('declines %s', (_name, patch) => {
    expect(plainTextMime({ ...base, ...patch })).toBeNull();
  });
});
