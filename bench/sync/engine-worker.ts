/**
 * A real desktop engine (`createEngine`: SQLite replica + SyncClient) in its own process, driven by
 * the benchmark over Node IPC (see engine-process.ts). Everything goes through the engine's own
 * contract (`auth:login`, `leads:update`, `leads:list`, `sync:status`); a second read-only view of
 * its SQLite file serves the cursor and the full-table comparisons.
 */
import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { openDb } from '../../apps/desktop/src/engine/db.ts';
import { createEngine, type Engine } from '../../apps/desktop/src/engine/engine.ts';
import { createLogger } from '../../apps/desktop/src/engine/logger.ts';
import { plainSecretBox } from '../../apps/desktop/src/engine/secret-box.ts';
import type { SyncStatus } from '../../apps/desktop/src/shared/contract.ts';
import { leadColumnList, leadFieldsFromSqlRow, loadRecordDoc, projectLead } from './deps.ts';
import type { EngineCommands, LeadValues } from './engine-process.ts';

let engine: Engine | null = null;
let sqlite: Database.Database | null = null;
let closeView: (() => void) | null = null;
let workspaceId: string | null = null;
/** The connection as of the engine's last `sync:status` event (polling the contract would run
 * the engine's own outbox count each time and slow the engine we are timing). */
let connection = 'offline';
/** When the last `signIn` started (performance.now()). */
let signInAt = 0;

async function call<T>(channel: string, input: unknown = {}): Promise<T> {
  const r = await engine!.dispatch(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

const status = () => call<SyncStatus>('sync:status');

function memKb(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
    readFileSync('/proc/self/status', 'utf8'),
  );
  return Number(m?.[1] ?? 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const handlers: {
  [K in keyof EngineCommands]: (a: EngineCommands[K][0]) => Promise<EngineCommands[K][1]>;
} = {
  async open({ dataDir, serverUrl, backoff }) {
    engine = await createEngine({
      dataDir,
      serverUrl,
      shell: 'web',
      version: '0.1.0',
      box: plainSecretBox,
      log: createLogger('warn', 'bench-engine'),
      sync: { backoff },
    });
    const view = openDb(dataDir);
    sqlite = (view.db as unknown as { $client: Database.Database }).$client;
    closeView = view.close;
    const s = await status();
    workspaceId = s.workspaceId;
    connection = s.connection;
    engine.subscribe((event, payload) => {
      if (event === 'sync:status') connection = (payload as SyncStatus).connection;
    });
    return { rssKb: memKb('VmRSS') };
  },

  async signIn({ email, password, expectedRows, timeoutMs }) {
    const t0 = performance.now();
    signInAt = t0;
    let firstRowsAt: number | null = null;
    const state = await call<{ status: string }>('auth:login', { email, password });
    if (state.status !== 'signed-in') throw new Error(`login: ${state.status}`);
    const loginMs = performance.now() - t0;
    workspaceId = (await status()).workspaceId;
    const deadline = t0 + timeoutMs;
    for (;;) {
      const s = await status();
      if (firstRowsAt === null && (s.initialSync.rows > 0 || s.initialSync.done))
        firstRowsAt = performance.now();
      if (s.initialSync.done) {
        // "Usable": every row is in SQLite and the list query answers.
        const list = await call<{ items: unknown[]; total: number }>('leads:list', { limit: 50 });
        if (list.total >= expectedRows && list.items.length > 0) {
          const totalMs = performance.now() - t0;
          return {
            totalMs,
            loginMs,
            firstRowsMs: (firstRowsAt ?? performance.now()) - t0,
            rows: list.total,
            hwmKb: memKb('VmHWM'),
          };
        }
      }
      if (performance.now() > deadline)
        throw new Error(
          `initial sync not done in ${timeoutMs} ms: ${JSON.stringify(s.initialSync)}`,
        );
      await sleep(5);
    }
  },

  async settled({ timeoutMs }) {
    const one = (q: string) => sqlite!.prepare(q).get() !== undefined;
    // Tables of engine-local DDL: absent means nothing of that kind was ever queued.
    const exists = (t: string) =>
      one(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${t}'`);
    const empty = (t: string) => !exists(t) || !one(`SELECT 1 FROM ${t} LIMIT 1`);
    const out = {
      indexesMs: null as number | null,
      queuesMs: null as number | null,
      notesMs: null as number | null,
    };
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const at = performance.now() - signInAt;
      out.indexesMs ??= !one(`SELECT 1 FROM lead_query_meta WHERE key = 'catch_up_mode'`)
        ? at
        : null;
      out.queuesMs ??= empty('lead_search_dirty') && empty('lead_score_dirty') ? at : null;
      out.notesMs ??= empty('lead_search_pending') ? at : null;
      if (out.indexesMs !== null && out.queuesMs !== null && out.notesMs !== null) break;
      await sleep(50);
    }
    return out;
  },

  async status() {
    // Read from our own view of the engine's SQLite, not through the contract (see `connection`).
    const state = sqlite!
      .prepare('SELECT cursor, initial_sync_done AS done FROM sync_state WHERE workspace_id = ?')
      .get(workspaceId) as { cursor: number; done: number } | undefined;
    const pending = sqlite!.prepare('SELECT count(*) FROM outbox').pluck().get() as number;
    return { connection, pending, done: state?.done === 1, cursor: state?.cursor ?? 0 };
  },

  async edit({ edits }) {
    const t0 = performance.now();
    for (const e of edits) await call('leads:update', { id: e.id, changes: e.changes });
    return { ms: performance.now() - t0 };
  },

  async list() {
    const t0 = performance.now();
    const r = await call<{ total: number }>('leads:list', { limit: 50 });
    return { total: r.total, ms: performance.now() - t0 };
  },

  async snapshot() {
    const rows = sqlite!
      .prepare(`SELECT id, ${leadColumnList()}, y_state FROM lead WHERE workspace_id = ?`)
      .all(workspaceId) as ({ id: string; y_state: Buffer | null } & Record<string, unknown>)[];
    const out: Record<string, LeadValues> = {};
    const docs: Record<string, LeadValues> = {};
    for (const r of rows) {
      out[r.id] = leadFieldsFromSqlRow(r);
      const doc = loadRecordDoc(`lead:${r.id}`, r.y_state ? [new Uint8Array(r.y_state)] : []);
      docs[r.id] = projectLead(doc).values;
      doc.destroy();
    }
    return { rows: out, docs };
  },

  async memory() {
    return { rssKb: memKb('VmRSS'), hwmKb: memKb('VmHWM') };
  },

  async close() {
    engine?.close();
    closeView?.();
    engine = null;
    // Exit on our own once the reply is out (so `--cpu-prof` profiles get written).
    setTimeout(() => process.exit(0), 50);
    return {};
  },
};

process.on('message', (msg: { id: number; cmd: keyof EngineCommands; args: never }) => {
  handlers[msg.cmd](msg.args).then(
    (result) => process.send!({ id: msg.id, ok: true, result }),
    (err: unknown) =>
      process.send!({
        id: msg.id,
        ok: false,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});
process.send!({ ready: true });
