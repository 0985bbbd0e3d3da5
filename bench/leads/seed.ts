/**
 * Writes generated leads straight into an engine database: the engine's own migrations
 * (`openDb`) and query structures (`ensureLeadQueryStructures`: FTS, triggers, indexes), then
 * rows through prepared statements in big transactions, as initial sync would leave them (every
 * lead with its Yjs state and seq). Worker threads build the docs; the main thread only inserts
 * (no journal to speak of, secondary indexes dropped), then builds the search index in one pass
 * and the indexes with sorts. Notes are stored with their rows, so nothing is left for the
 * background notes indexer. Optionally stores a signed-in account (offline), so an engine opened
 * on the data dir answers `leads:*` at once.
 *
 *   pnpm seed:leads -- --count 1000000 --data-dir /tmp/leads [--seed 1] [--workers 2]
 *                      [--server-url http://127.0.0.1:9] [--no-account]
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_LEAD_SETTINGS,
  ensureLeadQueryStructures,
  LEAD_SQL_COLUMNS,
  openDb,
  rebuildLeadSearch,
  signedInOffline,
} from './deps.ts';
import { CUSTOM_FIELDS, OWNER_IDS, WORKSPACE_ID } from './generate.ts';
import { progress } from './log.ts';
import type { SeedChunk, SeedChunkRequest } from './seed-worker.ts';

export interface SeedOptions {
  dataDir: string;
  count: number;
  seed?: number;
  /** The instant the data is generated around (created dates over the two years before it). */
  now?: number;
  workers?: number;
  /** Store a signed-in account for this server URL (null: none). */
  serverUrl?: string | null;
  chunk?: number;
}

export interface SeedResult {
  count: number;
  seconds: number;
  bytes: number;
  userId: string;
  workspaceId: string;
}

/** The user the seeded account signs in as (owner of about 1/26 of the leads). */
export const SEED_USER_ID = OWNER_IDS[0]!;
export const DEAD_SERVER_URL = 'http://127.0.0.1:9';
const CLIENT_ID = 0x5eed_1ead;

/** A worker thread running seed-worker.ts through tsx (workers do not inherit its hooks). */
function startWorker(): Worker {
  const script = new URL('./seed-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(script)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
}

export async function seedLeads(o: SeedOptions): Promise<SeedResult> {
  const t0 = performance.now();
  const count = o.count;
  const seed = o.seed ?? 1;
  const now = o.now ?? Date.now();
  const chunkSize = o.chunk ?? 4000;
  const workerCount = Math.max(1, o.workers ?? Math.min(2, os.cpus().length));
  const { sqlite, close, file } = openDb(o.dataDir);
  try {
    ensureLeadQueryStructures(sqlite);
    const existing = sqlite.prepare(`SELECT count(*) FROM lead`).pluck().get() as number;
    if (existing > 0)
      throw new Error(`${file} already holds ${existing} leads; seed a new data dir`);
    if (o.serverUrl !== null) {
      signedInOffline(sqlite, {
        serverUrl: o.serverUrl ?? DEAD_SERVER_URL,
        userId: SEED_USER_ID,
        workspaceId: WORKSPACE_ID,
        role: 'manager',
        leadSettings: {
          ...DEFAULT_LEAD_SETTINGS,
          customFields: CUSTOM_FIELDS,
        },
      });
    }
    // A fresh database nobody else reads: no durability while loading (a failed seed is redone),
    // and no WAL (it would hold the whole database until a final checkpoint copies it again).
    sqlite.pragma('journal_mode = MEMORY');
    sqlite.pragma('synchronous = OFF');
    sqlite.pragma('temp_store = MEMORY');
    // Secondary indexes are built once at the end (a sort) instead of row by row.
    const indexes = sqlite
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lead' AND sql IS NOT NULL`,
      )
      .all() as { name: string; sql: string }[];
    for (const ix of indexes) sqlite.exec(`DROP INDEX "${ix.name}"`);
    // So are the triggers on lead (they queue every new row for the search index, scores and
    // counts, all of which are built at the end or by the engine's first sweep); put back as they were.
    const triggers = sqlite
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'lead'`)
      .all() as { name: string; sql: string }[];
    for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`);
    sqlite.pragma('cache_size = -262144');
    const columns = [
      'rowid',
      'id',
      'workspace_id',
      ...LEAD_SQL_COLUMNS.map((c) => c.column),
      'schema_version',
      'seq',
      'y_state',
      'updated_at',
    ];
    const insertLead = sqlite.prepare(
      `INSERT INTO lead (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    const insertNotes = sqlite.prepare(`INSERT INTO lead_notes (lead_rowid, notes) VALUES (?, ?)`);
    const write = sqlite.transaction((chunks: SeedChunk[]) => {
      for (const c of chunks) {
        for (let i = 0; i < c.rows.length; i++) {
          const row = c.rows[i]!;
          const notes = c.notes[i]!;
          if (notes) insertNotes.run(row[0], notes);
          const state = row[row.length - 2] as Uint8Array;
          row[row.length - 2] = Buffer.from(state.buffer, state.byteOffset, state.byteLength);
          insertLead.run(...row);
        }
      }
    });

    const workers = Array.from({ length: workerCount }, () => startWorker());
    let next = 0;
    let written = 0;
    let writeMs = 0;
    let lastReport = performance.now();
    const pending: SeedChunk[] = [];
    await new Promise<void>((resolve, reject) => {
      let active = 0;
      const feed = (w: Worker) => {
        if (next >= count) return false;
        const req: SeedChunkRequest = {
          seed,
          now,
          from: next,
          to: Math.min(count, next + chunkSize),
          total: count,
          clientId: CLIENT_ID,
        };
        next = req.to;
        active += 1;
        w.postMessage(req);
        return true;
      };
      const flush = () => {
        if (pending.length === 0) return;
        const batch = pending.splice(0);
        const w0 = performance.now();
        write(batch);
        writeMs += performance.now() - w0;
        written += batch.reduce((s, c) => s + c.rows.length, 0);
        if (performance.now() - lastReport > 5000 || written === count) {
          lastReport = performance.now();
          const s = (performance.now() - t0) / 1000;
          progress(
            `seeded ${written}/${count} leads (${(written / s).toFixed(0)}/s; writing ${(writeMs / 1000).toFixed(1)} s)`,
          );
        }
      };
      for (const w of workers) {
        w.on('error', reject);
        w.on('message', (chunk: SeedChunk) => {
          active -= 1;
          pending.push(chunk);
          // Keep the worker busy while the main thread writes.
          feed(w);
          if (pending.reduce((s, c) => s + c.rows.length, 0) >= 20_000 || active === 0) {
            try {
              flush();
            } catch (err) {
              reject(err instanceof Error ? err : new Error(String(err)));
              return;
            }
          }
          if (active === 0 && next >= count) resolve();
        });
        // Two chunks in flight per worker.
        feed(w);
        feed(w);
      }
      if (count === 0) resolve();
    });
    await Promise.all(workers.map((w) => w.terminate()));

    for (const t of triggers) sqlite.exec(t.sql);
    // The search index in one pass over the rows (their notes are stored), not per batch.
    const tf = performance.now();
    rebuildLeadSearch(sqlite);
    progress(`seed: search index built in ${((performance.now() - tf) / 1000).toFixed(1)} s`);
    const ti = performance.now();
    // Index builds sort: with a big cache and helper threads.
    sqlite.pragma('cache_size = -1048576');
    sqlite.pragma('threads = 4');
    for (const ix of indexes) sqlite.exec(ix.sql);
    progress(
      `seed: ${indexes.length} indexes built in ${((performance.now() - ti) / 1000).toFixed(1)} s`,
    );
    // Nothing counted yet: the change log only needs its last row (seqs never go back).
    sqlite.exec(`DELETE FROM lead_change_log WHERE seq < (SELECT max(seq) FROM lead_change_log)`);
    progress('seed: ANALYZE and checkpoint');
    sqlite.pragma('analysis_limit = 0');
    sqlite.exec('ANALYZE');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    const bytes = (sqlite.pragma('page_count', { simple: true }) as number) * 4096;
    const seconds = (performance.now() - t0) / 1000;
    progress(
      `seeded ${count} leads in ${seconds.toFixed(1)} s (${(bytes / 1024 / 1024).toFixed(0)} MB)`,
    );
    return { count, seconds, bytes, userId: SEED_USER_ID, workspaceId: WORKSPACE_ID };
  } finally {
    close();
  }
}

function parseArgs(argv: string[]): SeedOptions {
  const o: SeedOptions = { dataDir: '', count: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--') continue;
    else if (arg === '--count') o.count = Number(value());
    else if (arg === '--data-dir') o.dataDir = value();
    else if (arg === '--seed') o.seed = Number(value());
    else if (arg === '--workers') o.workers = Number(value());
    else if (arg === '--server-url') o.serverUrl = value();
    else if (arg === '--no-account') o.serverUrl = null;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!Number.isInteger(o.count) || o.count <= 0) throw new Error('--count N (a positive integer)');
  if (!o.dataDir) throw new Error('--data-dir <dir>');
  return o;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  seedLeads(parseArgs(process.argv.slice(2))).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
