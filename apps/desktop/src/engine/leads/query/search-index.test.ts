/**
 * Full-text search on a real engine database: prefix matching as you type, diacritics, email and
 * company words, phone digits with and without the country code, notes once indexed, and the
 * triggers keeping the index right through updates, deletes, rowid reuse and a rebuild.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyNotesEdit, loadRecordDoc } from '@sdr/schema/sync';
import { openDb, type OpenedDb } from '../../db.ts';
import { createLogger } from '../../logger.ts';
import { createLeadStore } from '../lead-store.ts';
import { openLeadQueryLayer, type LeadQueryLayer } from './lead-query-layer.ts';
import {
  createSearchQueue,
  ensureLeadQueryStructures,
  SEARCH_FLUSH_SQL,
  SEARCH_INDEX_VERSION,
} from './search-index.ts';
import { ftsMatch } from './search-text.ts';
import { testLead } from './testing.ts';

const W = 'ws-1';
let dir: string;
let db: OpenedDb;
let layer: LeadQueryLayer;
let store: ReturnType<typeof createLeadStore>;

const search = (text: string) =>
  layer.query
    .query(W, {
      search: text,
      includeDeleted: false,
      sort: [{ field: 'lastName', dir: 'asc' }],
      offset: 0,
      limit: 100,
    })
    .items.map((l) => l.id);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-search-'));
  db = openDb(dir);
  layer = openLeadQueryLayer(db.sqlite, {
    now: () => 1_700_000_000_000,
    log: createLogger('silent'),
    background: false,
  });
  store = createLeadStore(db.sqlite);
  const leads = [
    testLead('A', W, {
      firstName: 'Émile',
      lastName: 'Zola',
      email: 'emile.zola@editions.fr',
      phone: '+33142685300',
      company: 'Éditions Charpentier',
    }),
    testLead(
      'B',
      W,
      {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@analytical.io',
        phone: '+14155550123',
        company: 'Analytical Engines',
      },
      { notes: 'Asked about pricing for the difference engine' },
    ),
    testLead('C', W, {
      firstName: 'Zoë',
      lastName: 'Müller',
      email: 'zoe@muller.de',
      phone: '+442079460958',
      company: "O'Brien & Sons",
    }),
    testLead('D', W, { firstName: 'Grace', lastName: 'Hopper', phone: '+35312345678' }),
  ];
  db.sqlite.transaction(() => leads.forEach((l) => store.put(l)))();
});

afterEach(() => {
  layer.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('lead search (FTS5)', () => {
  it('matches word prefixes as you type, every word, in any order', () => {
    expect(search('l')).toEqual(['B']);
    expect(search('lov')).toEqual(['B']);
    expect(search('lovelace')).toEqual(['B']);
    expect(search('lovelaces')).toEqual([]);
    expect(search('ada lov')).toEqual(['B']);
    expect(search('lov ada')).toEqual(['B']);
    expect(search('ada hop')).toEqual([]);
    expect(search('analyt')).toEqual(['B']);
    expect(search('char')).toEqual(['A']);
  });

  it('ignores case and diacritics both ways', () => {
    expect(search('emile')).toEqual(['A']);
    expect(search('ÉMILE')).toEqual(['A']);
    expect(search('zoe')).toEqual(['C']);
    expect(search('muller')).toEqual(['C']);
    expect(search('Mül')).toEqual(['C']);
    expect(search('editions')).toEqual(['A']);
  });

  it('finds emails by their words and as typed', () => {
    expect(search('ada@analytical.io')).toEqual(['B']);
    expect(search('ada@ana')).toEqual(['B']);
    expect(search('zola@')).toEqual(['A']);
    expect(search('muller.de')).toEqual(['C']);
    expect(search("o'brien")).toEqual(['C']);
  });

  it('finds phones by digits, with or without the country code or a trunk 0', () => {
    expect(search('+14155550123')).toEqual(['B']);
    expect(search('14155550123')).toEqual(['B']);
    expect(search('4155550123')).toEqual(['B']);
    expect(search('(415) 555-0123')).toEqual(['B']);
    expect(search('+1 415 55')).toEqual(['B']);
    expect(search('415')).toEqual(['B']);
    expect(search('020 7946 0958')).toEqual(['C']);
    expect(search('+44 20 79')).toEqual(['C']);
    expect(search('01 42 68 53')).toEqual(['A']);
    // Ireland's code has three digits (353).
    expect(search('12345678')).toEqual(['D']);
    expect(search('012345')).toEqual(['D']);
    expect(search('0999')).toEqual([]);
  });

  it('searches notes once the indexer decoded the docs', () => {
    expect(search('pricing')).toEqual([]);
    expect(layer.indexer.pending()).toBe(4);
    expect(layer.indexer.drain()).toBeGreaterThanOrEqual(4);
    expect(layer.indexer.pending()).toBe(0);
    expect(search('pricing')).toEqual(['B']);
    expect(search('differ eng')).toEqual(['B']);
    expect(search('ada pricing')).toEqual(['B']);
  });

  it('keeps the index right through edits, notes changes, deletes and rowid reuse', () => {
    layer.indexer.drain();
    const b = store.get('B')!;
    store.put({ ...b, lastName: 'King', email: 'ada@king.io' });
    expect(search('lovelace')).toEqual([]);
    expect(search('king')).toEqual(['B']);
    // The notes are kept with the row when other columns change.
    expect(search('pricing')).toEqual(['B']);

    // New notes arrive with a new doc state: queued, then decoded.
    const doc = loadRecordDoc('lead:B', [b.yState!]);
    applyNotesEdit(doc, doc.getText('notes').toJSON(), 'Budget approved in March', 0x7e57);
    store.put({ ...store.get('B')!, yState: Y.encodeStateAsUpdate(doc) });
    expect(layer.indexer.pending()).toBe(1);
    layer.indexer.drain();
    expect(search('pricing')).toEqual([]);
    expect(search('budget')).toEqual(['B']);

    store.remove('B');
    expect(search('king')).toEqual([]);
    expect(search('budget')).toEqual([]);

    // The highest rowid was freed; a new lead may take it and must not inherit anything.
    store.remove('D');
    store.put(testLead('E', W, { firstName: 'Barbara', lastName: 'Liskov' }));
    expect(search('hopper')).toEqual([]);
    expect(search('barb')).toEqual(['E']);
    const fts = db.sqlite.prepare(`SELECT count(*) FROM lead_fts`).pluck().get();
    expect(fts).toBe(3);
  });

  it('re-indexes queued leads from the queue, not by walking the lead table', () => {
    // As on a big replica after an import: `lead` analysed while the queue was empty.
    const many = Array.from({ length: 2000 }, (_, i) =>
      testLead(`M${i}`, W, { firstName: 'Many', lastName: `Person${i}` }),
    );
    db.sqlite.transaction(() => many.forEach((l) => store.put(l)))();
    layer.indexer.drain();
    db.sqlite.exec('ANALYZE');
    store.put(testLead('M7', W, { firstName: 'Renamed', lastName: 'Quixote' }));
    const plan = (
      db.sqlite.prepare(`EXPLAIN QUERY PLAN ${SEARCH_FLUSH_SQL}`).all(Number.MAX_SAFE_INTEGER) as {
        detail: string;
      }[]
    ).map((r) => r.detail);
    // The queue is the outer loop; each queued lead is one rowid probe of `lead`.
    expect(plan[0]).toMatch(/^(SCAN|SEARCH) d\b/);
    expect(plan).toContain('SEARCH l USING INTEGER PRIMARY KEY (rowid=?)');
    expect(createSearchQueue(db.sqlite).flush(1000)).toBe(1);
    expect(search('quixo')).toEqual(['M7']);
    expect(search('person7')).not.toContain('M7');
  });

  it('treats search syntax as plain text', () => {
    for (const text of [
      '"',
      'ada"',
      '*',
      'NEAR(ada lov)',
      'ada OR lov',
      '-ada',
      'name:ada',
      '^ada',
      '(',
      '+',
      ' . ',
    ]) {
      expect(() => search(text)).not.toThrow();
    }
    expect(search('ada OR hop')).toEqual([]);
    expect(ftsMatch('  ')).toBeNull();
    expect(ftsMatch('+')).toBeNull();
    expect(ftsMatch('ada "lov')).toBe('"ada"* AND "lov"*');
    expect(ftsMatch("o'brien@acme.io x")).toBe('"brien"* AND "acme"* AND "io"* AND "x"*');
  });

  it('is created idempotently and rebuilt from the rows when its version changes', () => {
    layer.indexer.drain();
    expect(ensureLeadQueryStructures(db.sqlite)).toEqual({
      rebuilt: false,
      notesRequeued: false,
      created: [],
      dropped: [],
    });
    db.sqlite
      .prepare(`UPDATE lead_query_meta SET value = '0' WHERE key = 'search_index_version'`)
      .run();
    db.sqlite.exec(`CREATE INDEX lead_q_obsolete ON lead (title)`);
    const again = ensureLeadQueryStructures(db.sqlite);
    expect(again).toMatchObject({ rebuilt: true, dropped: ['lead_q_obsolete'] });
    expect(
      db.sqlite
        .prepare(`SELECT value FROM lead_query_meta WHERE key = 'search_index_version'`)
        .pluck()
        .get(),
    ).toBe(String(SEARCH_INDEX_VERSION));
    expect(search('pricing')).toEqual(['B']);
    expect(search('zoe')).toEqual(['C']);
    // The notes extraction changed: stored notes are dropped and every doc decoded again.
    db.sqlite.prepare(`UPDATE lead_query_meta SET value = '0' WHERE key = 'notes_version'`).run();
    expect(ensureLeadQueryStructures(db.sqlite)).toMatchObject({
      notesRequeued: true,
      rebuilt: true,
    });
    expect(search('pricing')).toEqual([]);
    layer.indexer.drain();
    expect(search('pricing')).toEqual(['B']);
  });
});
