/**
 * Engagement events from conversation messages (the inbox): what engagement rules count.
 *
 * - an inbound message from the lead (`in`, kind `message`) is a **reply**; auto-replies and
 *   bounces are not (RFC 3834 / DSN, labelled by the inbox);
 * - a call-log entry (kind `call`) is a **call**;
 * - an email of ours the lead opened / clicked (SendGrid `open` / `click`, stored as `openedAt` /
 *   `clickedAt`) is an **open** / a **click**, at the time it happened.
 *
 * Notes and our own messages count nothing. Event ids derive from the message id, so the same
 * message read twice (or from two places) counts once (`normalizeEvents`).
 */
import type { ActivityEvent } from './types.ts';

export interface EngagementMessage {
  readonly id: string;
  readonly direction: 'in' | 'out' | 'internal';
  readonly kind: 'message' | 'note' | 'call' | 'auto_reply' | 'bounce';
  readonly createdAt: number;
  readonly openedAt: number | null;
  readonly clickedAt: number | null;
}

export function engagementEventsOf(messages: readonly EngagementMessage[]): ActivityEvent[] {
  const out: ActivityEvent[] = [];
  for (const m of messages) {
    if (m.kind === 'call') out.push({ id: `${m.id}:call`, kind: 'call', at: m.createdAt });
    else if (m.direction === 'in' && m.kind === 'message') {
      out.push({ id: `${m.id}:reply`, kind: 'reply', at: m.createdAt });
    }
    if (m.direction === 'out' && m.kind === 'message') {
      if (m.openedAt !== null) out.push({ id: `${m.id}:open`, kind: 'open', at: m.openedAt });
      if (m.clickedAt !== null) out.push({ id: `${m.id}:click`, kind: 'click', at: m.clickedAt });
    }
  }
  return out;
}
