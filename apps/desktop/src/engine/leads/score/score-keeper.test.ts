/**
 * The score keeper on a real engine database (migrations, the lead store, the triggers): what
 * the triggers queue, incremental rescoring with `rescore` (a field no rule reads writes nothing),
 * full rescores after a configuration change in batches that resume after a restart, and leads of
 * a workspace whose configuration is not known.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { scoreLead } from '@sdr/domain';
import type { ScoringConfig } from '@sdr/schema';
import { openDb, type OpenedDb } from '../../db.ts';
import { FactStore } from '../../inbox/fact-store.ts';
import { messageFact } from '../../inbox/test/facts.ts';
import { testLog, tempDir } from '../../test/harness.ts';
import { createLeadStore } from '../lead-store.ts';
import { testLead } from '../query/testing.ts';
import { ALL_FIT_BITS } from './score-queue.ts';
import { ScoreKeeper } from './score-keeper.ts';

const W = 'ws-1';
const TITLE_ONLY: ScoringConfig = {
  fit: [{ id: 'vp', label: 'VP title', kind: 'title', match: 'word', anyOf: ['VP'], points: 30 }],
  engagement: [],
};
const TITLE_AND_COUNTRY: ScoringConfig = {
  fit: [
    ...TITLE_ONLY.fit,
    { id: 'dach', label: 'DACH', kind: 'country', anyOf: ['DE', 'AT', 'CH'], points: 20 },
  ],
  engagement: [],
};

const opened: OpenedDb[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) {
    db.close();
    fs.rmSync(db.file, { force: true });
  }
});

function setup(
  config: { current: ScoringConfig | undefined },
  dir = tempDir(),
  clock = { now: 1_700_000_000_000 },
) {
  const db = openDb(dir);
  opened.push(db);
  const keeper = new ScoreKeeper(db.sqlite, {
    log: testLog,
    now: () => clock.now,
    config: (ws) => (ws === W ? config.current : undefined),
    workspace: () => W,
  });
  const store = createLeadStore(db.sqlite);
  const queue = () =>
    db.sqlite
      .prepare(
        `SELECT l.id AS id, d.fields AS fields FROM lead_score_dirty d
         JOIN lead l ON l.rowid = d.lead_rowid ORDER BY l.id`,
      )
      .all();
  const row = (id: string) =>
    db.sqlite
      .prepare(`SELECT score, breakdown, config_key FROM lead_score WHERE lead_id = ?`)
      .get(id) as { score: number; breakdown: string; config_key: string } | undefined;
  return { db, dir, keeper, store, queue, row };
}

describe('score keeper', () => {
  it('queues inserts and fit field changes only, and forgets deleted leads', () => {
    const { db, keeper, store, queue, row } = setup({ current: TITLE_ONLY });
    store.put(testLead('A', W, { title: 'VP Sales', country: 'DE' }));
    expect(queue()).toEqual([{ id: 'A', fields: ALL_FIT_BITS }]);
    expect(keeper.flush()).toBe(1);
    expect(row('A')?.score).toBe(30);
    expect(queue()).toEqual([]);

    const a = store.get('A')!;
    store.put({ ...a, email: 'a@example.com', tags: ['x'], updatedAt: a.updatedAt + 1 });
    expect(queue()).toEqual([]);
    store.put({ ...a, country: 'FR', companySize: 40 });
    expect(queue()).toEqual([{ id: 'A', fields: 8 | 4 }]);
    store.put({ ...a, country: 'FR', companySize: 40, industry: 'Retail' });
    expect(queue()).toEqual([{ id: 'A', fields: 8 | 4 | 2 }]);

    store.remove('A');
    expect(queue()).toEqual([]);
    expect(row('A')).toBeUndefined(); // the foreign key's cascade
    expect(db.sqlite.prepare(`SELECT count(*) FROM lead_score`).pluck().get()).toBe(0);
  });

  it('rescores incrementally: a changed field no rule reads recomputes nothing', () => {
    const { db, keeper, store, row } = setup({ current: TITLE_ONLY });
    store.put(testLead('A', W, { title: 'VP Sales', country: 'DE' }));
    keeper.flush();
    // A sentinel: only a recomputation can overwrite it.
    db.sqlite.prepare(`UPDATE lead_score SET score = 999 WHERE lead_id = 'A'`).run();
    const a = store.get('A')!;
    store.put({ ...a, country: 'AT' });
    expect(keeper.flush()).toBe(1);
    expect(row('A')?.score).toBe(999);

    store.put({ ...store.get('A')!, title: 'Head of Sales' });
    keeper.flush();
    expect(row('A')).toMatchObject({ score: 0, breakdown: '[]' });
    store.put({ ...store.get('A')!, title: 'VP Marketing' });
    keeper.flush();
    const breakdown = JSON.parse(row('A')!.breakdown) as unknown;
    expect(breakdown).toEqual(
      scoreLead({ title: 'VP Marketing' }, [], TITLE_ONLY, { now: 0 }).breakdown,
    );
  });

  it('rescores every lead after a configuration change, in batches that survive a restart', () => {
    const config = { current: TITLE_ONLY as ScoringConfig | undefined };
    const first = setup(config);
    const { db, store } = first;
    db.sqlite.transaction(() => {
      for (let i = 0; i < 250; i++) {
        store.put(
          testLead(`L${String(i).padStart(3, '0')}`, W, {
            title: i % 2 ? 'VP Sales' : 'Engineer',
            country: i % 5 ? 'DE' : 'US',
          }),
        );
      }
    })();
    expect(first.keeper.checkConfig()).toBe(true); // never scored in this workspace
    expect(first.keeper.checkConfig()).toBe(false);
    expect(first.keeper.drain(100)).toBeGreaterThanOrEqual(250);
    expect(first.row('L001')?.score).toBe(30);
    expect(first.keeper.sweeping()).toEqual([]);

    config.current = TITLE_AND_COUNTRY;
    expect(first.keeper.checkConfig()).toBe(true);
    expect(first.keeper.sweepBatch(100)).toBe(100);
    const key = first.row('L000')!.config_key;
    expect(first.row('L249')!.config_key).not.toBe(key); // not reached yet
    expect(first.keeper.sweeping()).toHaveLength(1);

    // "Restart": a new keeper on the same database resumes after the last committed batch.
    first.keeper.stop();
    const second = new ScoreKeeper(db.sqlite, {
      log: testLog,
      now: () => 1_700_000_000_000,
      config: () => config.current,
      workspace: () => W,
    });
    expect(second.checkConfig()).toBe(false); // same configuration: keep going
    expect(second.sweeping()[0]?.cursor).toBeGreaterThan(0);
    expect(second.drain(100)).toBe(150);
    expect(second.sweeping()).toEqual([]);
    const scores = db.sqlite
      .prepare(
        `SELECT l.title AS title, l.country AS country, s.score AS score, s.config_key AS k
         FROM lead l JOIN lead_score s ON s.lead_id = l.id`,
      )
      .all() as { title: string; country: string; score: number; k: string }[];
    expect(scores).toHaveLength(250);
    for (const s of scores) {
      expect(s.k).toBe(key);
      expect(s.score).toBe(scoreLead(s, [], TITLE_AND_COUNTRY, { now: 0 }).score);
    }
  });

  it('leaves leads of a workspace with an unknown configuration to a full rescore', () => {
    const config = { current: undefined as ScoringConfig | undefined };
    const { keeper, store, row } = setup(config);
    store.put(testLead('A', W, { title: 'VP Sales' }));
    expect(keeper.flush()).toBe(1);
    expect(row('A')).toBeUndefined();
    expect(keeper.checkConfig()).toBe(false);
    config.current = TITLE_ONLY;
    expect(keeper.checkConfig()).toBe(true);
    keeper.drain();
    expect(row('A')?.score).toBe(30);
  });

  it('explains a lead with the current configuration, and reads page scores', () => {
    const config = { current: TITLE_ONLY as ScoringConfig | undefined };
    const { keeper, store } = setup(config);
    store.put(testLead('A', W, { title: 'VP Sales', country: 'CH' }));
    store.put(testLead('B', 'ws-other', { title: 'VP Sales' }));
    expect(keeper.explain(W, 'A')).toEqual({
      score: 30,
      breakdown: [
        {
          ruleId: 'vp',
          label: 'VP title',
          points: 30,
          reason: 'Title "VP Sales" has the word "VP"',
        },
      ],
    });
    config.current = TITLE_AND_COUNTRY; // before the sweep got to it
    expect(keeper.explain(W, 'A')?.score).toBe(50);
    expect(keeper.explain(W, 'B')).toBeNull();
    expect(keeper.explain(W, 'nope')).toBeNull();
    expect(keeper.scoresOf(['A', 'B', 'nope'])).toEqual(new Map([['A', 50]]));
  });

  it('counts replies, calls and opens from the messages it holds, as they come, change and age', () => {
    const DAY = 86_400_000;
    const clock = { now: 1_700_000_000_000 };
    const config = {
      current: {
        fit: TITLE_ONLY.fit,
        engagement: [
          {
            id: 'replied',
            label: 'Replied',
            event: 'reply',
            windowDays: 7,
            pointsPerEvent: 10,
            maxPoints: 40,
          },
          {
            id: 'opened',
            label: 'Opened',
            event: 'open',
            windowDays: 30,
            pointsPerEvent: 2,
            maxPoints: 10,
          },
          {
            id: 'called',
            label: 'Called',
            event: 'call',
            windowDays: 30,
            pointsPerEvent: 5,
            maxPoints: 10,
          },
        ],
      } as ScoringConfig | undefined,
    };
    const { db, keeper, store, queue, row } = setup(config, tempDir(), clock);
    const facts = new FactStore(db.sqlite);
    let seq = 0;
    const message = (id: string, leadId: string, m: Record<string, unknown>) => {
      const r = facts.apply(
        W,
        'message',
        id,
        messageFact({
          id,
          leadId,
          workspaceId: W,
          channel: 'email',
          body: 'Hi',
          createdAt: clock.now - DAY,
          updatedAt: clock.now - DAY,
          seq: ++seq,
          ...m,
        }),
      );
      if (r && 'error' in r) throw new Error(r.error);
    };
    store.put(testLead('A', W, { title: 'VP Sales' }));
    store.put(testLead('B', W, { title: 'Intern' }));
    keeper.drain();
    expect(row('A')?.score).toBe(30);
    expect(row('B')?.score).toBe(0);

    // Two replies from A a day ago, one call with B, and one of our emails to B (not opened yet).
    message('m1', 'A', {});
    message('m2', 'A', { createdAt: clock.now - 2 * DAY });
    message('m3', 'B', { kind: 'call', direction: 'out' });
    message('m4', 'B', { direction: 'out', status: 'sent' });
    // An internal note and an auto-reply count for nothing, and queue nothing.
    message('m5', 'B', { kind: 'note', direction: 'internal' });
    expect(queue()).toEqual([
      { id: 'A', fields: 16 },
      { id: 'B', fields: 16 },
    ]);
    keeper.drain();
    expect(row('A')?.score).toBe(50);
    expect(row('B')?.score).toBe(5);
    expect(keeper.explain(W, 'A')?.breakdown.map((l) => [l.ruleId, l.points])).toEqual([
      ['vp', 30],
      ['replied', 20],
    ]);

    // The lead opens our email: that message now counts.
    message('m4', 'B', {
      direction: 'out',
      status: 'sent',
      openedAt: clock.now - 1000,
      seq: ++seq,
    });
    expect(queue()).toEqual([{ id: 'B', fields: 16 }]);
    keeper.drain();
    expect(row('B')?.score).toBe(7);
    // A message the lead's replica no longer holds no longer counts.
    expect(facts.apply(W, 'message', 'm1', null)).not.toBeNull();
    keeper.drain();
    expect(row('A')?.score).toBe(40);

    // Time alone: a week later the remaining reply has left its 7-day window.
    clock.now += 6 * DAY;
    expect(keeper.requeueExpired(W)).toBe(2);
    keeper.drain();
    expect(row('A')?.score).toBe(30);
    expect(row('B')?.score).toBe(7);
    // Nothing more is due until the next window edge.
    expect(keeper.requeueExpired(W)).toBe(0);

    // Without fit rules the score is the engagement alone (a call and an open).
    config.current = { fit: [], engagement: config.current!.engagement };
    keeper.checkConfig();
    keeper.drain();
    expect(row('B')?.score).toBe(7);
  });
});
