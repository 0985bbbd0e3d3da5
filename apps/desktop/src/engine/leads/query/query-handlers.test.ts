/**
 * `leads:query`, `leads:count` and `leads:fields` through a real engine (`createEngine` on a data
 * dir holding a signed-in account and synced leads, its server unreachable: as after a restart
 * offline). The engine builds its search structures on open, indexes notes in the background,
 * and local edits show up in search at once.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { where } from '@sdr/domain';
import { DEFAULT_LEAD_SETTINGS } from '@sdr/schema';
import type { LeadDto } from '../../../shared/contract.ts';
import { openDb } from '../../db.ts';
import type { Engine } from '../../engine.ts';
import { DEAD_SERVER, openEngine, tempDir } from '../../test/harness.ts';
import { createLeadStore } from '../lead-store.ts';
import { signedInOffline, testLead } from './testing.ts';

const W = 'ws-engine';
let dataDir: string;
let engine: Engine;

async function call<T>(channel: string, input: unknown): Promise<T> {
  const r = await engine.dispatch(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}
const page = (input: unknown) =>
  call<{ items: LeadDto[]; tookMs: number }>('leads:query', input).then((r) =>
    r.items.map((l) => l.id),
  );
const count = (input: unknown) =>
  call<{ count: number; tookMs: number }>('leads:count', input).then((r) => r.count);

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const end = Date.now() + 5000;
  for (;;) {
    const v = await what();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  dataDir = tempDir();
  const { sqlite, close } = openDb(dataDir);
  signedInOffline(sqlite, {
    serverUrl: DEAD_SERVER,
    userId: 'user-1',
    workspaceId: W,
    leadSettings: {
      ...DEFAULT_LEAD_SETTINGS,
      customFields: [{ key: 'budget', label: 'Budget', type: 'number' }],
    },
  });
  const store = createLeadStore(sqlite);
  sqlite.transaction(() => {
    store.put(
      testLead(
        'L1',
        W,
        { firstName: 'Ada', lastName: 'Lovelace', status: 'new', custom: { budget: 10 } },
        { notes: 'Wants pricing before Friday', updatedAt: 3 },
      ),
    );
    store.put(
      testLead(
        'L2',
        W,
        { firstName: 'Grace', lastName: 'Hopper', status: 'working' },
        { updatedAt: 2 },
      ),
    );
    store.put(
      testLead('L3', W, { firstName: 'Alan', lastName: 'Turing', status: 'new' }, { updatedAt: 1 }),
    );
  })();
  close();
  engine = await openEngine({ dataDir });
});

afterAll(() => {
  engine?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('lead query channels through the engine', () => {
  it('answers leads:query and leads:count from local SQLite', async () => {
    expect(await page({})).toEqual(['L1', 'L2', 'L3']);
    expect(
      await page({
        filter: where('status', 'is', 'new'),
        sort: [{ field: 'lastName', dir: 'desc' }],
      }),
    ).toEqual(['L3', 'L1']);
    expect(await page({ search: 'hop' })).toEqual(['L2']);
    expect(await page({ filter: where('custom.budget', 'gte', 5) })).toEqual(['L1']);
    expect(await page({ offset: 1, limit: 1 })).toEqual(['L2']);
    expect(await count({ filter: where('status', 'is', 'new') })).toBe(2);
    const r = await call<{ items: LeadDto[]; tookMs: number }>('leads:query', { limit: 1 });
    expect(r.tookMs).toBeGreaterThanOrEqual(0);
    expect(r.items[0]).toMatchObject({ id: 'L1', firstName: 'Ada', pending: false });
  });

  it('lists the fields with the workspace custom fields', async () => {
    const fields = await call<{ key: string; custom: boolean }[]>('leads:fields', {});
    expect(fields.find((f) => f.key === 'custom.budget')).toMatchObject({ custom: true });
    expect(fields.filter((f) => !f.custom).map((f) => f.key)).toContain('lastContactedAt');
  });

  it('refuses bad input with invalid_input', async () => {
    for (const input of [
      { sort: [{ field: 'nope', dir: 'asc' }] },
      { filter: where('nope', 'is_empty') },
      { filter: { kind: 'condition', field: 'status' } },
      { limit: 501 },
      { sort: [1, 2, 3, 4].map(() => ({ field: 'status', dir: 'asc' })) },
    ]) {
      const r = await engine.dispatch('leads:query', input);
      expect(r, JSON.stringify(input)).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
    }
  });

  it('searches notes once the background indexer got to them', async () => {
    expect(
      await until(
        () => count({ search: 'pricing' }),
        (n) => n === 1,
      ),
    ).toBe(1);
    expect(await page({ search: 'ada pric' })).toEqual(['L1']);
  });

  it('finds a local edit at once, and new notes soon after', async () => {
    await call('leads:update', { id: 'L3', changes: { lastName: 'Babbage' } });
    expect(await page({ search: 'babbage' })).toEqual(['L3']);
    expect(await page({ search: 'turing' })).toEqual([]);
    await call('leads:editNotes', { id: 'L2', base: '', text: 'Met at the compiler conference' });
    expect(
      await until(
        () => page({ search: 'compiler' }),
        (ids) => ids.length === 1,
      ),
    ).toEqual(['L2']);
    const [first] = (await call<{ items: LeadDto[] }>('leads:query', { limit: 1 })).items;
    expect(first).toMatchObject({ id: 'L2', pending: true });
  });
});
