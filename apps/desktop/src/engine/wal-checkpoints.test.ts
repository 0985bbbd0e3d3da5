/**
 * Deferred WAL checkpoints on a real SQLite file: while held, commits pile up in the WAL well past
 * SQLite's default 1000-page threshold; once the last holder released it, the default is back and
 * the WAL is checkpointed as before.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BULK_AUTOCHECKPOINT_PAGES, deferCheckpoints } from './wal-checkpoints.ts';

let dir: string;
let sqlite: Database.Database;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wal-checkpoints-'));
  sqlite = new Database(path.join(dir, 'db.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)`);
});

afterEach(() => {
  sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const threshold = () => sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;

/** Commits `n` transactions of ~100 new pages each; returns the WAL's size in pages. */
function commit(n: number): number {
  const insert = sqlite.prepare(`INSERT INTO t (v) VALUES (?)`);
  const blob = Buffer.alloc(4000, 7);
  for (let i = 0; i < n; i++) {
    sqlite.transaction(() => {
      for (let r = 0; r < 100; r++) insert.run(blob);
    })();
  }
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  return fs.statSync(path.join(dir, 'db.sqlite-wal')).size / pageSize;
}

describe('deferCheckpoints', () => {
  it('raises the threshold until the last holder releases it', () => {
    expect(threshold()).toBe(1000);
    const a = deferCheckpoints(sqlite);
    const b = deferCheckpoints(sqlite);
    expect(threshold()).toBe(BULK_AUTOCHECKPOINT_PAGES);
    a();
    a(); // a second release of the same hold changes nothing
    expect(threshold()).toBe(BULK_AUTOCHECKPOINT_PAGES);
    b();
    expect(threshold()).toBe(1000);
  });

  it('lets the WAL grow past the default while held, and checkpoints as usual after', () => {
    const release = deferCheckpoints(sqlite);
    expect(commit(40)).toBeGreaterThan(3000);
    release();
    // The first commit after the release checkpoints the WAL; the next one starts it over.
    commit(1);
    commit(1);
    const log = sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(log[0]!.log).toBeLessThan(1000);
  });

  it('keeps the WAL near the default threshold when nothing holds it', () => {
    expect(commit(40)).toBeLessThan(1500);
  });
});
