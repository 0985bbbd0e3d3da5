/**
 * Test kit for the inbox: InboxDeps over a sync test server (real authority, bus and fan-out),
 * a recording `enqueueSend`, an adjustable clock, and a workspace with an admin, a manager and
 * two SDRs (invited and signed in the real way).
 */
import { ulid } from 'ulid';
import { addMember, signUp, type SignedUp } from '../../test/harness.ts';
import type { SyncTestServer } from '../../sync/test/sync-harness.ts';
import type { InboxDeps, SendJob } from '../inbox.deps.ts';
import { ingestInbound, type InboundInput } from '../inbox.service.ts';

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

export type TestInboxDeps = InboxDeps & { sent: SendJob[]; clock: TestClock };

export function inboxDepsFor(s: SyncTestServer, clock: TestClock = testClock()): TestInboxDeps {
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

export interface Team {
  admin: SignedUp;
  manager: SignedUp;
  sdr1: SignedUp;
  sdr2: SignedUp;
  ws: string;
}

export async function team(s: SyncTestServer): Promise<Team> {
  const admin = await signUp(s.api);
  const manager = await addMember(s, admin.accessToken, 'manager');
  const sdr1 = await addMember(s, admin.accessToken, 'sdr');
  const sdr2 = await addMember(s, admin.accessToken, 'sdr');
  return { admin, manager, sdr1, sdr2, ws: admin.workspaceId };
}

export const OUR_NUMBER = '+442079460000';
let phoneSeq = 100;

/** A fresh valid UK number (E.164) for an unknown sender. */
export function newPhone(): string {
  phoneSeq += 1;
  return `+4420794${String(60000 + phoneSeq).padStart(5, '0')}`;
}

let providerSeq = 0;

export function sms(
  d: InboxDeps,
  workspaceId: string,
  from: string,
  body = 'Hello',
  extra: Partial<InboundInput> = {},
) {
  providerSeq += 1;
  return ingestInbound(d, {
    workspaceId,
    channel: 'sms',
    from,
    to: OUR_NUMBER,
    body,
    providerId: `SM${Date.now().toString(36)}${providerSeq}`,
    receivedAt: d.now(),
    ...extra,
  });
}
