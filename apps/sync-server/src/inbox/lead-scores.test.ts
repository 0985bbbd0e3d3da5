/**
 * Queue items ranked with the lead's score on the server (PGlite and Postgres): the workspace's
 * fit rules over the lead's fields (country) plus engagement rules over its messages (a reply
 * counts), the
 * same through one-by-one ingest and the batch; a new reply re-scores the open item; a workspace
 * without scoring rules keeps `leadScore: null`.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LEAD_SETTINGS, type LeadSettings } from '@sdr/schema';
import { queueItem } from '@sdr/schema/pg';
import { testDatabaseKinds } from '../test/harness.ts';
import { useSyncSuite, type SyncTestServer } from '../sync/test/sync-harness.ts';
import { ingestInboundBatch } from './inbound-batch.service.ts';
import {
  inboxDepsFor,
  newPhone,
  OUR_NUMBER,
  sms,
  team,
  testClock,
  type Team,
} from './test/inbox-kit.ts';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

const SETTINGS: LeadSettings = {
  ...DEFAULT_LEAD_SETTINGS,
  scoring: {
    fit: [{ id: 'uk', label: 'In the UK', kind: 'country', anyOf: ['GB'], points: 30 }],
    engagement: [
      {
        id: 'replied',
        label: 'Replied this week',
        event: 'reply',
        windowDays: 7,
        pointsPerEvent: 5,
        maxPoints: 50,
      },
    ],
  },
};

async function withScoring(s: SyncTestServer, t: Team) {
  const put = await s.api.put('/api/v1/workspace/lead-settings', SETTINGS, {
    token: t.manager.accessToken,
  });
  expect(put.status).toBe(200);
}

/** A lead in the UK with this phone (created through the REST API, like an import would). */
async function ukLead(s: SyncTestServer, t: Team, phone: string) {
  const res = await s.api.post(
    '/api/v1/leads',
    { phone, country: 'GB' },
    { token: t.admin.accessToken },
  );
  expect(res.status).toBe(201);
  return phone;
}

async function itemsOf(s: SyncTestServer, ws: string) {
  const rows = await s.db.select().from(queueItem).where(eq(queueItem.workspaceId, ws));
  return rows.map((q) => ({ kind: q.kind, leadScore: q.leadScore, rankKey: q.rankKey }));
}

describe.each(testDatabaseKinds())('queue items carry the lead score (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  it('fit + replies, one by one; a new reply re-scores and re-ranks the open item', async () => {
    const s = suite.server;
    const d = inboxDepsFor(s, testClock(T0));
    const t = await team(s);
    await withScoring(s, t);
    const from = await ukLead(s, t, newPhone());
    await sms(d, t.ws, from, 'Hi');
    const [first] = await itemsOf(s, t.ws);
    expect(first).toMatchObject({ kind: 'inbound_message', leadScore: 35 });

    d.clock.advance(60_000);
    await sms(d, t.ws, from, 'Anyone there?');
    const [second] = await itemsOf(s, t.ws);
    expect(second).toMatchObject({ kind: 'inbound_message', leadScore: 40 });
    // A higher score brings the effective deadline forward.
    expect(second!.rankKey).toBeLessThan(first!.rankKey);
  });

  it('the batch scores the same as one by one; no rules, no score', async () => {
    const s = suite.server;
    const d = inboxDepsFor(s, testClock(T0));
    const scored = await team(s);
    const plain = await team(s);
    await withScoring(s, scored);
    for (const t of [scored, plain]) {
      const out = await ingestInboundBatch(
        d,
        t.ws,
        [await ukLead(s, t, newPhone()), await ukLead(s, t, newPhone())].flatMap((from, i) =>
          [1, 2].map((n) => ({
            workspaceId: t.ws,
            channel: 'sms' as const,
            from,
            to: OUR_NUMBER,
            body: `message ${n}`,
            providerId: `SMscore${t.ws}${i}${n}`,
            receivedAt: d.now(),
          })),
        ),
      );
      expect(out.every((o) => o.ok)).toBe(true);
    }
    expect((await itemsOf(s, scored.ws)).map((q) => q.leadScore)).toEqual([40, 40]);
    expect((await itemsOf(s, plain.ws)).map((q) => q.leadScore)).toEqual([null, null]);
  });
});
