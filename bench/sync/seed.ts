/**
 * Generated data in real Postgres: a fresh database per run (migrated by the server's own runner,
 * `startServer`), and workspaces of N leads written straight into the `lead` table with COPY.
 * Each lead is a real record doc (`createRecordDoc(leadRecord, id, fields, SERVER_CLIENT_ID)`):
 * projected columns + `y_state` + `seq` 1..N, and `workspace_seq` moved to N, as if the leads had
 * been created through the authority path and their change log compacted away.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  createRecordDoc,
  leadRecord,
  openSql,
  SERVER_CLIENT_ID,
  startServer,
  type Sql,
} from './deps.ts';
import type { LeadFields } from './deps.ts';
import { progress } from './log.ts';
import type { Account } from './rest.ts';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  readonly url: string;
  readonly sql: Sql;
  drop(): Promise<void>;
}

/** A fresh, migrated database; `drop()` removes it. */
export async function createDatabase(jwtSecret: string): Promise<BenchDatabase> {
  const name = `sdr_bench_${Date.now().toString(36)}_${process.pid}`;
  const admin = openSql(ADMIN_URL);
  await admin.client.unsafe(`CREATE DATABASE "${name}"`);
  const url = `postgres://postgres@127.0.0.1:5432/${name}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdr-bench-migrate-'));
  const migrator = await startServer({
    databaseUrl: url,
    port: 0,
    host: '127.0.0.1',
    dataDir,
    jwtSecret,
    seedDemo: false,
    logLevel: 'silent',
  });
  await migrator.close();
  rmSync(dataDir, { recursive: true, force: true });
  const db = openSql(url);
  progress(`database ${name} created and migrated`);
  return {
    url,
    sql: db.client,
    async drop() {
      await db.close();
      await admin.client.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.close();
    },
  };
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Ken',
  'Radia',
  'Linus',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Hamilton',
  'Thompson',
  'Perlman',
  'Torvalds',
];
const TITLES = ['CTO', 'VP Engineering', 'Head of Sales', 'Founder', 'Engineer', 'Product Manager'];
const STATUSES = ['new', 'contacted', 'qualified'];

/** The lead id of index i in a workspace (ids are unique across workspaces, like ULIDs). */
export function leadId(prefix: string, i: number): string {
  return `${prefix}${i.toString(36).padStart(6, '0')}`;
}

/** The fields of generated lead i (deterministic). */
export function leadFields(i: number): LeadFields {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  return {
    firstName: first,
    lastName: last,
    email: `${first}.${last}.${i}@example.test`.toLowerCase(),
    phone: `+1 555 ${String(i % 10_000_000).padStart(7, '0')}`,
    company: `Company ${i % 5000}`,
    title: TITLES[i % TITLES.length]!,
    status: STATUSES[i % STATUSES.length]!,
    ownerId: null,
    tags: ['bench', `t${i % 10}`],
    deleted: false,
  };
}

const COLUMNS =
  'id, workspace_id, first_name, last_name, email, phone, company, title, status, owner_id, tags, deleted, schema_version, seq, y_state';

/** COPY text format: escape the characters it gives meaning to. */
function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function* copyChunks(workspaceId: string, prefix: string, n: number): Generator<string> {
  const chunk = 1000;
  for (let start = 0; start < n; start += chunk) {
    let out = '';
    for (let i = start; i < Math.min(n, start + chunk); i++) {
      const id = leadId(prefix, i);
      const f = leadFields(i);
      const { update } = createRecordDoc(leadRecord, id, f, SERVER_CLIENT_ID);
      out += [
        id,
        workspaceId,
        esc(f.firstName),
        esc(f.lastName),
        esc(f.email),
        esc(f.phone),
        esc(f.company),
        esc(f.title),
        esc(f.status),
        '\\N',
        esc(JSON.stringify(f.tags)),
        'f',
        String(leadRecord.version),
        String(i + 1),
        `\\\\x${Buffer.from(update).toString('hex')}`,
      ].join('\t');
      out += '\n';
    }
    yield out;
  }
}

/** Writes n generated leads (seq 1..n) into the account's workspace and sets its head to n. */
export async function seedLeads(
  db: BenchDatabase,
  account: Account,
  prefix: string,
  n: number,
): Promise<void> {
  const t0 = performance.now();
  const writable = await db.sql.unsafe(`COPY lead (${COLUMNS}) FROM STDIN`).writable();
  await pipeline(Readable.from(copyChunks(account.workspaceId, prefix, n)), writable);
  await db.sql`
    insert into workspace_seq (workspace_id, last_seq) values (${account.workspaceId}, ${n})
    on conflict (workspace_id) do update set last_seq = excluded.last_seq`;
  await db.sql`analyze lead`;
  progress(`seeded ${n} leads (${prefix}*) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
