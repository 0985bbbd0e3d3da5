import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyFieldChanges, leadRecord, notesOf, projectLead, writeAs } from '@sdr/schema/sync';
import { apiClient, createPostgresDatabase, signUp, testDatabaseKinds } from '../test/harness.ts';
import { SyncTestClient, replica } from './test/sync-client.ts';

const serverDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The server as ONE child process (`node --import tsx src/main.ts`, not the `tsx` CLI, which would
 * put a wrapper process in between that SIGKILL would hit instead of the server), on real Postgres when `databaseUrl` is given, else on
 * PGlite in `dataDir`; resolves with its URL.
 */
async function spawnServer(
  dataDir: string,
  databaseUrl: string | undefined,
): Promise<{ child: ChildProcess; url: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  delete env['DATABASE_URL'];
  if (databaseUrl) env['DATABASE_URL'] = databaseUrl;
  Object.assign(env, {
    DATA_DIR: dataDir,
    PORT: '0',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'crash-test-secret-0123456789-0123456789',
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const t = setTimeout(() => reject(new Error(`server did not start: ${out}${err}`)), 90_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
  return { child, url };
}

// Real Postgres when the run has one (CI does), else PGlite on disk (slower to start).
const kind = testDatabaseKinds().at(-1)!;

// Starts the server process twice: generous limits for shared CI machines.
describe(`kill -9 in the middle of a stream of edits (${kind})`, { timeout: 240_000 }, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdr-crash-'));
  const children: ChildProcess[] = [];
  let database: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  beforeAll(async () => {
    if (kind === 'postgres') database = await createPostgresDatabase();
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no acknowledged update', async () => {
    const first = await spawnServer(dataDir, database?.url);
    children.push(first.child);
    const api = apiClient(first.url);
    const admin = await signUp(api);
    const id = (await api.post('/api/v1/leads', { firstName: 'Ada' }, { token: admin.accessToken }))
      .body.id as string;
    const name = `lead:${id}`;
    const client = 4_000_001;
    const c = await SyncTestClient.connect(first.url.replace(/^http/, 'ws'), admin.accessToken);
    await c.hello({ clientId: client });
    const rec = (await c.catchup(0)).changes[0]!;
    if (rec.kind !== 'record') throw new Error('expected a record');
    const doc = replica(name, rec.update);

    // Stream edits without waiting; kill -9 once a good number has been acknowledged.
    const updates: Uint8Array[] = [];
    const acked = new Set<number>();
    let seen = 0;
    c.ws.on('message', () => {
      for (; seen < c.frames.length; seen++) {
        const f = c.frames[seen]!;
        if (f.type === 'ack') acked.add(f.clientSeq);
      }
    });
    let killed = false;
    const send = (i: number) => {
      const u =
        i % 2 === 0
          ? writeAs(doc, client, () => notesOf(doc).insert(notesOf(doc).length, `${i};`))!
          : applyFieldChanges(leadRecord, doc, { title: `T${i}` }, client)!;
      updates.push(u);
      c.send({ type: 'update', docName: name, clientSeq: i, payload: u });
    };
    for (let i = 1; i <= 20_000 && !killed; i++) {
      send(i);
      if (i % 4 === 0) await new Promise((r) => setTimeout(r, 2));
      if (acked.size >= 40) {
        // A burst the server cannot have acknowledged (no ack can arrive before the kill: this
        // loop does not yield), then the kill, with some of the burst on its way or in a commit.
        for (let j = 1; j <= 30; j++) send(i + j);
        first.child.kill('SIGKILL');
        killed = true;
      }
    }
    expect(killed).toBe(true);
    // Killed mid-stream: some updates were still unacknowledged.
    expect(acked.size).toBeLessThan(updates.length);
    // The server process itself died: its socket closes.
    await c.waitClose(10_000);
    const ackedSeqs = [...acked];
    expect(ackedSeqs.length).toBeGreaterThanOrEqual(40);

    const second = await spawnServer(dataDir, database?.url);
    children.push(second.child);
    const again = await SyncTestClient.connect(
      second.url.replace(/^http/, 'ws'),
      admin.accessToken,
    );
    await again.hello({ clientId: client });
    const after = (await again.catchup(0)).changes[0]!;
    if (after.kind !== 'record') throw new Error('expected a record');
    const server = replica(name, after.update);
    const serverSv = Y.decodeStateVector(Y.encodeStateVector(server));
    // Every acknowledged update is contained in the server's doc.
    for (const seq of ackedSeqs) {
      const u = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(updates[seq - 1]!));
      for (const [cid, clock] of u) expect(serverSv.get(cid) ?? 0).toBeGreaterThanOrEqual(clock);
    }
    const maxAcked = Math.max(...ackedSeqs);
    const lastTitle = maxAcked % 2 === 1 ? maxAcked : maxAcked - 1;
    const title = projectLead(server).values.title;
    expect(Number(title.slice(1))).toBeGreaterThanOrEqual(lastTitle);
    for (let i = 2; i <= maxAcked; i += 2) expect(notesOf(server).toJSON()).toContain(`${i};`);
    again.close();
    second.child.kill('SIGKILL');
  }, 200_000);
});
