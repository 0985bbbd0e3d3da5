/**
 * Test kit for the inbox: InboxDeps over a sync test server (real authority, bus and fan-out),
 * a recording `enqueueSend`, an adjustable clock, and helpers to seed members and inbound messages.
 */
import { ulid } from 'ulid';
import type { SyncTestServer } from '../../sync/test/sync-harness.ts';
import type { InboxDeps, SendJob } from '../inbox.deps.ts';

export interface TestClock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function testClock(start = Date.now()): TestClock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export function inboxDepsFor(
  s: SyncTestServer,
  clock: TestClock = testClock(),
): InboxDeps & { sent: SendJob[]; clock: TestClock } {
  const sent: SendJob[] = [];
  return {
    db: s.db,
    sync: s.sync,
    newId: () => ulid(),
    now: clock.now,
    clock,
    sent,
    enqueueSend: async (_tx, job) => {
      sent.push(job);
    },
  };
}
