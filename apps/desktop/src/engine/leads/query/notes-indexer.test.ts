/**
 * The background notes indexer on a real engine database: it decodes queued docs in small
 * batches until search covers every lead's notes, indexes a changed lead at once, survives a doc
 * it cannot decode, and stops with the engine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type OpenedDb } from '../../db.ts';
import { createLogger, type Logger } from '../../logger.ts';
import { createLeadStore } from '../lead-store.ts';
import { openLeadQueryLayer, type LeadQueryLayer } from './lead-query-layer.ts';
import { NEXT_PENDING_SQL } from './notes-indexer.ts';
import { testLead } from './testing.ts';

const W = 'ws-1';
let dir: string;
let db: OpenedDb;
let layers: LeadQueryLayer[] = [];
const warnings: string[] = [];

function recordingLog(): Logger {
  const log: Logger = {
    ...createLogger('silent'),
    warn: (message: string) => void warnings.push(message),
    child: () => log,
  };
  return log;
}

function open(background: boolean, batch = { idle: 7, busy: 2 }): LeadQueryLayer {
  const layer = openLeadQueryLayer(db.sqlite, {
    now: Date.now,
    log: recordingLog(),
    background,
    indexer: { batch, gapMs: 1, pollMs: 20 },
  });
  layers.push(layer);
  return layer;
}

const search = (layer: LeadQueryLayer, text: string) =>
  layer.query.count(W, { search: text, includeDeleted: false }).count;

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notes-indexer-'));
  db = openDb(dir);
  warnings.length = 0;
});

afterEach(() => {
  for (const l of layers) l.close();
  layers = [];
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('notes indexer', () => {
  it('indexes the notes of a synced workspace in small background batches', async () => {
    const store = createLeadStore(db.sqlite);
    // As initial sync stores them: rows with their doc state, nothing decoded.
    db.sqlite.transaction(() => {
      for (let i = 0; i < 60; i++) {
        store.put(
          testLead(
            `L${i}`,
            W,
            { lastName: `Person${i}` },
            { notes: i % 3 === 0 ? `callback ${i}` : '' },
          ),
        );
      }
    })();
    const layer = open(true);
    expect(layer.indexer.pending()).toBe(60);
    const batches: number[] = [];
    const runBatch = layer.indexer.runBatch.bind(layer.indexer);
    layer.indexer.runBatch = (limit: number) => {
      const before = layer.indexer.pending();
      const n = runBatch(limit);
      if (before > 0) batches.push(before - layer.indexer.pending());
      return n;
    };
    await until(() => layer.indexer.pending() === 0);
    // Several batches, none bigger than the idle batch size.
    expect(batches.length).toBeGreaterThan(1);
    expect(Math.max(...batches)).toBeLessThanOrEqual(7);
    expect(search(layer, 'callback')).toBe(20);
    expect(db.sqlite.prepare('SELECT count(*) FROM lead_notes').pluck().get()).toBe(20);
  });

  it('indexes a lead that changed at once, before the background loop gets to it', () => {
    const layer = open(true, { idle: 1, busy: 1 });
    layer.indexer.stop();
    const store = createLeadStore(db.sqlite);
    store.put(testLead('A', W, { lastName: 'Alpha' }, { notes: 'prefers mornings' }));
    store.put(testLead('B', W, { lastName: 'Beta' }, { notes: 'prefers evenings' }));
    layer.indexer.start();
    layer.indexer.changed(['B']);
    expect(search(layer, 'evenings')).toBe(1);
    expect(layer.indexer.pending()).toBe(1);
  });

  it('indexes an undecodable doc without notes and says so', () => {
    const layer = open(false);
    const store = createLeadStore(db.sqlite);
    store.put({ ...testLead('X', W, { lastName: 'Broken' }), yState: new Uint8Array([9, 9, 9]) });
    store.put(testLead('Y', W, { lastName: 'Fine' }, { notes: 'all good' }));
    expect(layer.indexer.drain()).toBeGreaterThanOrEqual(2);
    expect(layer.indexer.pending()).toBe(0);
    expect(search(layer, 'broken')).toBe(1);
    expect(search(layer, 'good')).toBe(1);
    expect(warnings).toEqual(['a lead doc could not be decoded for search; indexed without notes']);
  });

  it('reads its next batch from the queue, never by scanning the leads', () => {
    const layer = open(false);
    const store = createLeadStore(db.sqlite);
    db.sqlite.transaction(() => {
      for (let i = 0; i < 2000; i++) store.put(testLead(`L${i}`, W, { lastName: `P${i}` }));
    })();
    layer.indexer.drain();
    db.sqlite.exec('ANALYZE');
    const plan = (
      db.sqlite.prepare(`EXPLAIN QUERY PLAN ${NEXT_PENDING_SQL}`).all(500) as { detail: string }[]
    ).map((r) => r.detail);
    expect(plan[0]).toMatch(/^SCAN p\b/);
    expect(plan.join('; ')).not.toMatch(/SCAN l\b|TEMP B-TREE/);
  });

  it('stops with the engine: nothing runs after close', async () => {
    const layer = open(true);
    layer.close();
    createLeadStore(db.sqlite).put(testLead('A', W, {}, { notes: 'late' }));
    layer.indexer.changed(['A']);
    await new Promise((r) => setTimeout(r, 60));
    expect(layer.indexer.pending()).toBe(1);
  });
});
