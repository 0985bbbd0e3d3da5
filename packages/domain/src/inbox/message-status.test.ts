import { MessageStatus } from '@sdr/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mapSendGridEvent,
  mapTwilioStatus,
  MESSAGE_STATUS_ORDER,
  nextStatus,
  statusAdvances,
} from './message-status.ts';

type Status = MessageStatus;
const fold = (start: Status, events: readonly (Status | null)[]) =>
  events.reduce(nextStatus, start);

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) =>
    permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]),
  );
}

describe('nextStatus', () => {
  it('orders every status of the schema', () => {
    expect([...MESSAGE_STATUS_ORDER].sort()).toEqual([...MessageStatus.options].sort());
  });

  it.each([
    ['sent', 'delivered', 'delivered'],
    ['delivered', 'sent', 'delivered'],
    ['delivered', 'queued', 'delivered'],
    ['sent', 'failed', 'failed'],
    ['sending', 'undelivered', 'undelivered'],
    ['failed', 'delivered', 'delivered'],
    ['delivered', 'undelivered', 'delivered'],
    ['delivered', 'bounced', 'bounced'],
    ['bounced', 'delivered', 'bounced'],
    ['bounced', 'read', 'read'],
    ['read', 'failed', 'read'],
    ['scheduled', 'canceled', 'canceled'],
    ['queued', 'canceled', 'canceled'],
    ['canceled', 'queued', 'canceled'],
    ['canceled', 'sent', 'sent'],
    ['sent', 'canceled', 'sent'],
    ['received', 'read', 'read'],
    ['sent', null, 'sent'],
  ] as [Status, Status | null, Status][])('%s + %s → %s', (current, incoming, expected) => {
    expect(nextStatus(current, incoming)).toBe(expected);
    expect(statusAdvances(current, incoming)).toBe(expected !== current);
  });

  it.each([
    [['queued', 'sending', 'sent', 'delivered'], 'delivered'],
    [['queued', 'sending', 'sent', 'delivered', 'read'], 'read'],
    [['queued', 'sending', 'sent', 'undelivered'], 'undelivered'],
    [['queued', 'sending', 'failed'], 'failed'],
    [['queued', 'sent', 'delivered', 'bounced'], 'bounced'],
  ] as [Status[], Status][])('every order of %j ends at %s', (sequence, end) => {
    for (const order of permutations(sequence)) {
      expect(fold('queued', order)).toBe(end);
    }
  });

  it('callbacks replayed, duplicated and shuffled end where the in-order run ends (property)', () => {
    const status = fc.constantFrom(...MESSAGE_STATUS_ORDER);
    fc.assert(
      fc.property(fc.array(status, { maxLength: 12 }), fc.integer(), (events, seed) => {
        const inOrder = fold('queued', events);
        const shuffled = [...events, ...events.slice(0, 3)];
        let s = seed;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) | 0;
          const j = Math.abs(s) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        expect(fold('queued', shuffled)).toBe(inOrder);
        // Never moves backwards.
        let current: Status = 'queued';
        for (const e of shuffled) {
          const next = nextStatus(current, e);
          expect(MESSAGE_STATUS_ORDER.indexOf(next)).toBeGreaterThanOrEqual(
            MESSAGE_STATUS_ORDER.indexOf(current),
          );
          current = next;
        }
      }),
    );
  });
});

describe('provider mappings', () => {
  it.each([
    ['accepted', 'queued'],
    ['scheduled', 'scheduled'],
    ['queued', 'queued'],
    ['sending', 'sending'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['undelivered', 'undelivered'],
    ['failed', 'failed'],
    ['read', 'read'],
    ['canceled', 'canceled'],
    ['receiving', 'received'],
    ['received', 'received'],
    ['Delivered', 'delivered'],
    ['constructor', null],
    ['something-new', null],
  ])('Twilio %s → %s', (value, expected) => {
    expect(mapTwilioStatus(value)).toBe(expected);
  });

  it.each([
    ['processed', 'sent', null, false],
    ['deferred', 'sent', null, true],
    ['delivered', 'delivered', null, false],
    ['bounce', 'bounced', null, false],
    ['dropped', 'failed', null, false],
    ['spamreport', 'delivered', 'spam_report', false],
    ['open', 'delivered', 'opened', false],
    ['click', 'delivered', 'clicked', false],
    ['unsubscribe', null, 'unsubscribed', false],
  ])('SendGrid %s → %s / %s', (event, status, engagement, temporary) => {
    expect(mapSendGridEvent(event)).toEqual({ status, engagement, temporary });
  });

  it('unknown SendGrid events are ignored', () => {
    expect(mapSendGridEvent('group_resubscribe')).toBeNull();
    expect(mapSendGridEvent('__proto__')).toBeNull();
  });

  it('an open after a bounce does not undo the bounce', () => {
    expect(nextStatus('bounced', mapSendGridEvent('open')!.status)).toBe('bounced');
  });
});
