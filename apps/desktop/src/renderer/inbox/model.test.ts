import { renderTemplate } from '@sdr/domain';
import { describe, expect, it } from 'vitest';
import type { MessageDto } from '../../shared/contract.ts';
import {
  attachmentNote,
  canDownload,
  createInboxKeys,
  fromLocalInput,
  historyText,
  messageStatusText,
  slaText,
  snoozeChoices,
  templateVars,
  toLocalInput,
} from './model.ts';

const key = (k: string, at: number, typing = false) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  at,
  typing,
});

describe('inbox keyboard', () => {
  it('maps j/k, Enter, r, e, s and / to commands', () => {
    const press = createInboxKeys();
    expect(['j', 'k', 'Enter', 'r', 'e', 's', '/'].map((k, i) => press(key(k, i * 2000)))).toEqual([
      { type: 'move', delta: 1 },
      { type: 'move', delta: -1 },
      { type: 'open' },
      { type: 'reply' },
      { type: 'close' },
      { type: 'snooze' },
      { type: 'search' },
    ]);
  });
  it('leaves the key after g to the area shortcuts, and typing alone', () => {
    const press = createInboxKeys();
    expect(press(key('g', 0))).toBeNull();
    expect(press(key('s', 100))).toBeNull(); // g s = Settings, not snooze
    expect(press(key('s', 5000))).toEqual({ type: 'snooze' });
    expect(press(key('e', 6000, true))).toBeNull();
    expect(press({ ...key('k', 7000), ctrlKey: true })).toBeNull();
  });
});

describe('SLA countdown text', () => {
  it('counts down, warns in the last 15 minutes and shows overdue time', () => {
    expect(slaText(null, 0)).toBeNull();
    expect(slaText(3_600_000, 0)).toEqual({ text: '1 h left', tone: 'ok' });
    expect(slaText(10 * 60_000, 0)).toEqual({ text: '10 min left', tone: 'warning' });
    expect(slaText(0, 5 * 60_000)).toEqual({ text: '5 min overdue', tone: 'breached' });
  });
});

describe('snooze choices and datetime-local values', () => {
  it('offers later times, tomorrow and next Monday at 09:00 local', () => {
    const now = new Date(2026, 10, 18, 15, 30).getTime(); // a Wednesday
    const c = snoozeChoices(now);
    expect(c[0]!.at).toBe(now + 3_600_000);
    expect(new Date(c[2]!.at)).toEqual(new Date(2026, 10, 19, 9, 0));
    expect(new Date(c[3]!.at)).toEqual(new Date(2026, 10, 23, 9, 0));
    expect(new Date(c[3]!.at).getDay()).toBe(1);
  });
  it('round-trips local input values', () => {
    const at = new Date(2026, 0, 2, 3, 4).getTime();
    expect(toLocalInput(at)).toBe('2026-01-02T03:04');
    expect(fromLocalInput('2026-01-02T03:04')).toBe(at);
    expect(fromLocalInput('')).toBeNull();
  });
});

describe('template variables', () => {
  it('fill lead, user and workspace placeholders, naming missing ones', () => {
    const vars = templateVars(
      {
        id: 'l1',
        firstName: 'Ada',
        lastName: 'Lovelace',
        company: 'Analytical',
        title: '',
        email: 'ada@example.com',
        phone: '',
        country: 'GB',
        ownerId: null,
      },
      { name: 'Sam Seller', email: 'sam@example.com' },
      'Acme',
    );
    const r = renderTemplate(
      'Hi {{lead.firstName}} at {{lead.company}}, {{lead.title}} — {{user.firstName}} ({{workspace.name}})',
      vars,
    );
    expect(r.text).toBe('Hi Ada at Analytical,  — Sam (Acme)');
    expect(r.missing).toEqual(['lead.title']);
  });
});

describe('message status line', () => {
  const base: MessageDto = {
    id: 'm',
    conversationId: 'c',
    leadId: 'l',
    channel: 'sms',
    direction: 'out',
    kind: 'message',
    authorId: 'u',
    fromAddress: null,
    toAddress: null,
    subject: null,
    body: 'hi',
    attachments: [],
    status: 'queued',
    statusReason: null,
    sendAt: null,
    sentAt: null,
    deliveredAt: null,
    mentions: [],
    callDurationS: null,
    callOutcome: null,
    createdAt: 0,
    local: null,
    localError: null,
  };
  const t = (ms: number) => `@${ms}`;
  it('says what the local outbox and the server say', () => {
    expect(messageStatusText({ ...base, local: 'waiting' }, t)).toBe('Waiting to send');
    expect(messageStatusText({ ...base, local: 'waiting', sendAt: 5 }, t)).toBe(
      'Waiting to send (scheduled @5)',
    );
    expect(messageStatusText({ ...base, local: 'failed', localError: 'no number' }, t)).toBe(
      'Not sent: no number',
    );
    expect(messageStatusText({ ...base, status: 'delivered' }, t)).toBe('Delivered');
    expect(messageStatusText({ ...base, status: 'undelivered', statusReason: '30003' }, t)).toBe(
      'Undelivered: 30003',
    );
    expect(messageStatusText({ ...base, direction: 'in', status: 'received' }, t)).toBe('Received');
    expect(messageStatusText({ ...base, direction: 'internal', kind: 'note' }, t)).toBe(
      'Internal note',
    );
  });
});

describe('attachment notes', () => {
  const file = (fileId: string, unavailable?: string) => ({
    fileId,
    name: 'x.jpg',
    size: 0,
    contentType: 'image/jpeg',
    ...(unavailable ? { unavailable } : {}),
  });

  it('offers stored and local files as downloads', () => {
    expect(canDownload('01JABCDEF')).toBe(true);
    expect(canDownload('local:01JABCDEF')).toBe(true);
    expect(attachmentNote(file('01JABCDEF'))).toBeNull();
    expect(attachmentNote(file('local:01JABCDEF'))).toBeNull();
  });

  it('says provider media is being fetched until it is stored or given up on', () => {
    const url = 'twilio:https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1';
    expect(canDownload(url)).toBe(false);
    expect(attachmentNote(file(url))).toEqual({
      text: 'Fetching from the provider…',
      error: false,
    });
    expect(
      attachmentNote(file(url, 'Could not be fetched from Twilio: media answered HTTP 404.')),
    ).toEqual({
      text: 'Not available. Could not be fetched from Twilio: media answered HTTP 404.',
      error: true,
    });
    expect(attachmentNote(file('imap:INBOX/7/2'))).toEqual({
      text: 'Too large to keep',
      error: false,
    });
  });
});

describe('conversation history lines', () => {
  const who = (id: string) => (id === 'u1' ? 'Me' : id === 'u2' ? 'Dana' : id);
  const at = (ms: number) => `t${ms}`;
  const status = (
    toStatus: 'open' | 'pending' | 'closed' | 'snoozed',
    reason: 'manual' | 'snooze_ended' | 'reply',
    byUserId: string | null,
    fromStatus: 'open' | 'pending' | 'closed' | 'snoozed' = 'open',
    snoozedUntil: number | null = null,
  ) => ({
    kind: 'status' as const,
    id: 's',
    at: 1,
    fromStatus,
    toStatus,
    snoozedUntil,
    byUserId,
    reason,
  });

  it('says who assigned it to whom, with the note', () => {
    const base = { kind: 'assignment' as const, id: 'a', at: 1, fromUserId: null, reason: null };
    expect(historyText({ ...base, toUserId: 'u2', byUserId: null, note: null }, who, at)).toBe(
      'Routing assigned it to Dana',
    );
    expect(
      historyText({ ...base, toUserId: 'u1', byUserId: 'u2', note: 'Spanish speaker' }, who, at),
    ).toBe('Dana assigned it to Me: “Spanish speaker”');
    expect(historyText({ ...base, toUserId: null, byUserId: 'u1', note: null }, who, at)).toBe(
      'Me assigned it to nobody (unassigned)',
    );
  });

  it('says who changed the status, or what did', () => {
    expect(historyText(status('snoozed', 'manual', 'u2', 'open', 5000), who, at)).toBe(
      'Dana snoozed it until t5000',
    );
    expect(historyText(status('closed', 'manual', 'u1'), who, at)).toBe('Me closed it');
    expect(historyText(status('open', 'manual', 'u1', 'closed'), who, at)).toBe('Me reopened it');
    expect(historyText(status('pending', 'manual', 'u2'), who, at)).toBe('Dana set it to pending');
    expect(historyText(status('open', 'reply', null, 'closed'), who, at)).toBe(
      "Reopened by the lead's reply (it was closed)",
    );
    expect(historyText(status('open', 'snooze_ended', null, 'snoozed'), who, at)).toBe(
      'Back from snooze (the snooze time came)',
    );
  });
});
