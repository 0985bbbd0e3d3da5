import { describe, expect, it } from 'vitest';
import type { InboxChannelsDto, MessageDto } from '../../shared/contract.ts';
import { defaultFrom, fromChoices, lastUsedFrom } from './sending-from.ts';

const channels: InboxChannelsDto = {
  sms: ['+441111', '+442222'],
  whatsapp: ['whatsapp:+441111', 'whatsapp:+442222'],
  email: ['me@acme.test', 'sales@acme.test'],
  source: 'server',
};

const msg = (over: Partial<MessageDto>): MessageDto =>
  ({
    id: 'm',
    conversationId: 'c1',
    direction: 'out',
    kind: 'message',
    fromAddress: '+441111',
    createdAt: 1,
    ...over,
  }) as MessageDto;

describe('sending from', () => {
  it.each([
    ['sms', ['+441111', '+442222']],
    ['whatsapp', ['whatsapp:+441111', 'whatsapp:+442222']],
    ['email', ['me@acme.test', 'sales@acme.test']],
    ['note', []],
    ['call', []],
  ])('offers the %s choices', (channel, want) => {
    expect(fromChoices(channels, channel)).toEqual(want);
    expect(fromChoices(null, channel)).toEqual([]);
  });

  it('finds the address the conversation last sent from', () => {
    const messages = [
      msg({ id: 'a', fromAddress: '+441111', createdAt: 1 }),
      msg({ id: 'b', fromAddress: '+442222', createdAt: 5 }),
      msg({ id: 'c', fromAddress: '+449999', createdAt: 9, conversationId: 'other' }),
      msg({ id: 'd', fromAddress: '+448888', createdAt: 10, direction: 'in' }),
      msg({ id: 'e', fromAddress: null, createdAt: 11 }),
    ];
    expect(lastUsedFrom(messages, 'c1')).toBe('+442222');
    expect(lastUsedFrom([], 'c1')).toBeNull();
  });

  it.each([
    ['last used wins', '+442222', '+441111', '+442222'],
    ['own address without a last one', null, '+442222', '+442222'],
    ['first choice when neither is offered', '+449999', '+448888', '+441111'],
    ['first choice with nothing known', null, null, '+441111'],
  ])('%s', (_name, last, own, want) => {
    expect(defaultFrom(channels.sms, last, own)).toBe(want);
  });

  it('matches WhatsApp addresses with or without the prefix, email without case', () => {
    expect(defaultFrom(channels.whatsapp, '+442222', null)).toBe('whatsapp:+442222');
    expect(defaultFrom(channels.email, 'Sales@Acme.test', null)).toBe('sales@acme.test');
    expect(defaultFrom([], '+441111', null)).toBeNull();
  });
});
