/**
 * The query layer's background loops on a real engine database: the score keeper waits while its
 * owner says so (the engine: while an import writes) and works its queue off afterwards.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type OpenedDb } from '../../db.ts';
import { testLog, tempDir } from '../../test/harness.ts';
import { waitFor } from '../../sync/test/wait.ts';
import { createLeadStore } from '../lead-store.ts';
import { openLeadQueryLayer, type LeadQueryLayer } from './lead-query-layer.ts';
import { testLead } from './testing.ts';

const W = 'ws-1';
let db: OpenedDb | null = null;
let layer: LeadQueryLayer | null = null;

afterEach(() => {
  layer?.close();
  db?.close();
  if (db) fs.rmSync(db.file, { force: true });
  layer = null;
  db = null;
});

describe('lead query layer', () => {
  it('keeps the score keeper waiting while its owner pauses it, then scores the queue', async () => {
    db = openDb(tempDir());
    let importing = true;
    layer = openLeadQueryLayer(db.sqlite, {
      now: () => 1_700_000_000_000,
      log: testLog,
      workspace: () => W,
      scores: { paused: () => importing, pollMs: 10, gapMs: 0 },
    });
    const store = createLeadStore(db.sqlite);
    db.sqlite.transaction(() => {
      for (let i = 0; i < 50; i++) store.put(testLead(`L${i}`, W, { title: 'VP Sales' }));
    })();
    const queued = () =>
      db!.sqlite.prepare(`SELECT count(*) FROM lead_score_dirty`).pluck().get() as number;
    const scored = () =>
      db!.sqlite.prepare(`SELECT count(*) FROM lead_score`).pluck().get() as number;
    layer.scores.changed(null);
    await new Promise((r) => setTimeout(r, 150));
    expect(queued()).toBe(50);
    expect(scored()).toBe(0);
    importing = false;
    await waitFor(() => queued() === 0, { what: 'the score queue worked off' });
    expect(scored()).toBe(50);
  });
});
