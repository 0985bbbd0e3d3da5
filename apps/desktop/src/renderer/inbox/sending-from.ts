/**
 * "From" in the composer and when starting a conversation: which of our addresses a message goes
 * out from. The choices are the workspace's Twilio numbers for SMS/WhatsApp and my mailboxes for
 * email (`inbox:channels`); the default is the address the conversation last sent from, else its
 * own address, else the first choice. WhatsApp addresses compare without their `whatsapp:`.
 * Unit-tested in `sending-from.test.ts`.
 */
import type { InboxChannelsDto, MessageDto } from '../../shared/contract.ts';

const plain = (a: string) => a.replace(/^whatsapp:/, '').toLowerCase();

/** Our addresses a message on `channel` may go from (empty for calls and notes). */
export function fromChoices(channels: InboxChannelsDto | null, channel: string): string[] {
  if (!channels) return [];
  if (channel === 'sms' || channel === 'whatsapp' || channel === 'email') return channels[channel];
  return [];
}

/** The address the conversation's latest sent message went from (null: none yet). */
export function lastUsedFrom(
  messages: readonly MessageDto[],
  conversationId: string,
): string | null {
  let last: MessageDto | null = null;
  for (const m of messages) {
    if (m.conversationId !== conversationId || m.direction !== 'out' || m.kind !== 'message')
      continue;
    if (!m.fromAddress) continue;
    if (!last || m.createdAt >= last.createdAt) last = m;
  }
  return last?.fromAddress ?? null;
}

/** The choice to preselect: last used, else the conversation's own address, else the first. */
export function defaultFrom(
  choices: readonly string[],
  lastUsed: string | null,
  own: string | null,
): string | null {
  for (const want of [lastUsed, own]) {
    if (!want) continue;
    const hit = choices.find((c) => plain(c) === plain(want));
    if (hit) return hit;
  }
  return choices[0] ?? null;
}
