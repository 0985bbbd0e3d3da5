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
  LEAD_FIELD_NAMES,
  LEAD_SQL_COLUMNS,
  leadColumnList,
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
  return { ...DEFAULTS, ...leadFieldsCore(i) };
}

const DEFAULTS = Object.fromEntries(
  LEAD_FIELD_NAMES.map((f) => [f, leadRecord.fields[f].default]),
) as LeadFields;

function leadFieldsCore(i: number): Partial<LeadFields> {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  return {
    firstName: first,
    lastName: last,
    email: `${first}.${last}.${i}@example.test`.toLowerCase(),
    phone: `+1555${String(i % 10_000_000).padStart(7, '0')}`,
    company: `Company ${i % 5000}`,
    title: TITLES[i % TITLES.length]!,
    status: STATUSES[i % STATUSES.length]!,
    ownerId: null,
    tags: ['bench', `t${i % 10}`],
    deleted: false,
  };
}

const COLUMNS = `id, workspace_id, ${leadColumnList()}, schema_version, seq, y_state`;

/** One lead's field columns in COPY text format. */
function copyFields(f: LeadFields): string[] {
  return LEAD_SQL_COLUMNS.map(({ field, kind }) => {
    const v = f[field] as unknown;
    if (v === null || (kind === 'timestamp' && !v)) return '\\N';
    if (kind === 'boolean') return v ? 't' : 'f';
    if (kind === 'json') return esc(JSON.stringify(v));
    if (kind === 'timestamp') return new Date(v as number).toISOString();
    return typeof v === 'number' ? String(v) : esc(v as string);
  });
}

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
        ...copyFields(f),
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
