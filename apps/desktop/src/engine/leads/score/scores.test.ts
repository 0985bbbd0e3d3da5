/**
 * Lead scores through the real engine (real SQLite, real sync server on loopback): a lead is
 * scored when created, imported and edited; every lead is rescored when a manager saves other
 * scoring rules (on that engine and on another member's); `leads:score` explains a score; `score`
 * sorts and filters in `leads:query` / `leads:count`; a restart offline keeps it all.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { where } from '@sdr/domain';
import { DEFAULT_LEAD_SETTINGS, type LeadSettings, type ScoringConfig } from '@sdr/schema';
import type {
  ImportJobDto,
  LeadDto,
  LeadFieldInfo,
  LeadScoreDto,
  StoredFileDto,
} from '../../../shared/contract.ts';
import type { Engine } from '../../engine.ts';
import { startTestServer, tempDir } from '../../test/harness.ts';
import {
  addMember,
  call,
  openSyncEngine,
  signUp,
  waitOnline,
  type TestServer,
} from '../../sync/test/sync-harness.ts';
import { waitFor } from '../../sync/test/wait.ts';

const RULES: ScoringConfig = {
  fit: [
    { id: 'vp', label: 'VP title', kind: 'title', match: 'word', anyOf: ['VP'], points: 30 },
    { id: 'dach', label: 'DACH', kind: 'country', anyOf: ['DE', 'AT', 'CH'], points: 20 },
    { id: 'saas', label: 'Software', kind: 'industry', anyOf: ['Software'], points: 10 },
    { id: 'mid', label: 'Mid-market', kind: 'companySize', min: 50, max: 500, points: 15 },
  ],
  engagement: [],
};
const settingsWith = (scoring: ScoringConfig): LeadSettings => ({
  ...DEFAULT_LEAD_SETTINGS,
  scoring,
});

type Page = { items: LeadDto[]; tookMs: number };
const query = (e: Engine, input: unknown) => call<Page>(e, 'leads:query', input);
const scoresBy = async (e: Engine, input: unknown = {}) =>
  Object.fromEntries((await query(e, input)).items.map((l) => [l.lastName, l.score]));

describe('lead scores in the engine', () => {
  let server: TestServer;
  const engines: Engine[] = [];
  beforeAll(async () => {
    server = await startTestServer({ dataDir: tempDir('sdr-server-') });
  });
  let serverClosed = false;
  afterAll(async () => {
    for (const e of engines) e.close();
    if (!serverClosed) await server.close();
  });
  const open = async (dir = tempDir()) => {
    const e = await openSyncEngine(server.url, dir);
    engines.push(e);
    return e;
  };

  it('scores leads on create, import and edit; explains; sorts and filters by score', async () => {
    const engine = await open();
    await signUp(engine, 'score-admin');
    await waitOnline(engine);
    await call(engine, 'leadSettings:save', settingsWith(RULES));

    const ada = await call<LeadDto>(engine, 'leads:create', {
      fields: { firstName: 'Ada', lastName: 'Lovelace', title: 'VP Engineering', country: 'DE' },
    });
    expect(await call<LeadScoreDto>(engine, 'leads:score', { id: ada.id })).toEqual({
      score: 50,
      breakdown: [
        {
          ruleId: 'vp',
          label: 'VP title',
          points: 30,
          reason: 'Title "VP Engineering" has the word "VP"',
        },
        { ruleId: 'dach', label: 'DACH', points: 20, reason: 'Country is DE' },
      ],
    });

    const dir = tempDir('sdr-csv-');
    const csv = path.join(dir, 'leads.csv');
    writeFileSync(
      csv,
      [
        'First Name,Last Name,Email,Job Title,Country,Industry,Company Size',
        'Grace,Hopper,grace@example.com,VP Research,Austria,Software,200',
        'Alan,Turing,alan@example.com,Researcher,United Kingdom,Software,10',
        'Edsger,Dijkstra,edsger@example.com,Professor,Netherlands,Education,',
      ].join('\n'),
    );
    const file = await call<StoredFileDto>(engine, 'files:stagePath', { path: csv });
    const job = await call<ImportJobDto>(engine, 'import:start', {
      fileId: file.id,
      mapping: {
        'First Name': 'firstName',
        'Last Name': 'lastName',
        Email: 'email',
        'Job Title': 'title',
        Country: 'country',
        Industry: 'industry',
        'Company Size': 'companySize',
      },
      options: {},
    });
    await waitFor(
      async () =>
        (await call<ImportJobDto[]>(engine, 'import:jobs')).find((j) => j.id === job.id)?.state ===
        'done',
      { what: 'import done', timeoutMs: 30_000 },
    );
    expect(await scoresBy(engine)).toEqual({ Lovelace: 50, Hopper: 75, Turing: 10, Dijkstra: 0 });

    // Sorted by score (ties by id, in the same direction), filtered, counted.
    const sorted = await query(engine, { sort: [{ field: 'score', dir: 'desc' }] });
    expect(sorted.items.map((l) => [l.lastName, l.score])).toEqual([
      ['Hopper', 75],
      ['Lovelace', 50],
      ['Turing', 10],
      ['Dijkstra', 0],
    ]);
    const hot = await query(engine, {
      filter: where('score', 'gte', 50),
      sort: [{ field: 'lastName', dir: 'asc' }],
    });
    expect(hot.items.map((l) => l.lastName)).toEqual(['Hopper', 'Lovelace']);
    expect(
      (await call<{ count: number }>(engine, 'leads:count', { filter: where('score', 'lt', 50) }))
        .count,
    ).toBe(2);
    const fields = await call<LeadFieldInfo[]>(engine, 'leads:fields');
    expect(fields.find((f) => f.key === 'score')).toMatchObject({
      type: 'number',
      sortable: true,
      editable: false,
    });

    // An edit of a field a rule reads changes the score at once; the sort follows.
    await call(engine, 'leads:update', { id: ada.id, changes: { title: 'Intern', country: 'CH' } });
    expect((await call<LeadScoreDto>(engine, 'leads:score', { id: ada.id })).score).toBe(20);
    expect(
      (await query(engine, { sort: [{ field: 'score', dir: 'asc' }] })).items.map((l) => l.score),
    ).toEqual([0, 10, 20, 75]);
    expect((await engine.dispatch('leads:score', { id: 'no-such-lead' })).ok).toBe(false);
  });

  it('rescores every lead when a manager saves other rules, on every member engine', async () => {
    const dir = tempDir();
    let admin = await open(dir);
    await signUp(admin, 'score-config');
    await waitOnline(admin);
    for (let i = 0; i < 60; i++) {
      await call(admin, 'leads:create', {
        fields: {
          lastName: `Lead ${String(i).padStart(2, '0')}`,
          title: i % 3 === 0 ? 'VP Sales' : 'Account Executive',
          country: i % 2 === 0 ? 'DE' : 'US',
        },
      });
    }
    const member = await addMember(server, admin, 'sdr', 'score-member');
    engines.push(member.engine);
    await waitOnline(admin);
    await waitOnline(member.engine);
    const everyScore = (e: Engine) =>
      query(e, { limit: 500 }).then((p) => p.items.map((l) => l.score));
    expect(new Set(await everyScore(admin))).toEqual(new Set([0]));

    await call(admin, 'leadSettings:save', settingsWith(RULES));
    const expected = (l: LeadDto) =>
      (l.title === 'VP Sales' ? 30 : 0) + (l.country === 'DE' ? 20 : 0);
    for (const e of [admin, member.engine]) {
      await waitFor(
        async () => (await query(e, { limit: 500 })).items.every((l) => l.score === expected(l)),
        { what: 'every lead rescored', timeoutMs: 15_000 },
      );
    }
    const top = await query(member.engine, {
      sort: [{ field: 'score', dir: 'desc' }],
      limit: 10,
    });
    expect(top.items.map((l) => l.score)).toEqual(Array(10).fill(50));

    // Fewer rules: scores drop again; they stay right after a restart without the server.
    await call(admin, 'leadSettings:save', settingsWith({ ...RULES, fit: RULES.fit.slice(1) }));
    await waitFor(
      async () =>
        (await query(admin, { limit: 500 })).items.every(
          (l) => l.score === (l.country === 'DE' ? 20 : 0),
        ),
      { what: 'rescored without the VP rule', timeoutMs: 15_000 },
    );
    admin.close();
    member.engine.close();
    serverClosed = true;
    await server.close();
    admin = await open(dir);
    const counted = await call<{ count: number }>(admin, 'leads:count', {
      filter: where('score', 'eq', 20),
    });
    expect(counted.count).toBe(30);
    expect((await call<{ connection: string }>(admin, 'sync:status')).connection).not.toBe(
      'online',
    );
  });
});
