/**
 * Test helpers for bulk actions and duplicates: a real engine on a real SQLite file, signed in
 * (offline: the server is unreachable) as a user of the given role, and calls through its router.
 */
import type Database from 'better-sqlite3';
import type { MeResponse, RoleName } from '@sdr/schema';
import type { BulkProgress, LeadDto, LeadFieldChanges } from '../../../../shared/contract.ts';
import { openDb } from '../../../db.ts';
import type { Engine } from '../../../engine.ts';
import { DEAD_SERVER, openEngine, tempDir } from '../../../test/harness.ts';
import { createInstallation } from '../../../sync/installation.ts';
import { LeadReplica } from '../../lead-replica.ts';

export const WORKSPACE = 'ws-bulk';

/**
 * Makes a data dir look like an engine that signed in before and is now offline: a stored account
 * with its `/me` profile, and the workspace claimed by that user (the sync manager keeps its leads).
 */
function signedInOffline(sqlite: Database.Database, userId: string, role: RoleName): void {
  const me: MeResponse = {
    user: { id: userId, email: `${userId}@example.com`, name: `User ${userId}` },
    workspace: { id: WORKSPACE, name: 'Workspace' },
    role,
    sessionId: `session-${userId}`,
    workspaces: [{ id: WORKSPACE, name: 'Workspace', role }],
  };
  sqlite
    .prepare(
      `INSERT INTO account (id, server_url, user_id, workspace_id, refresh_token,
         refresh_token_encrypted, profile, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)`,
    )
    .run(
      `account-${userId}`,
      DEAD_SERVER,
      userId,
      WORKSPACE,
      Buffer.from('offline-refresh-token', 'utf8'),
      JSON.stringify(me),
      Date.now(),
    );
  sqlite
    .prepare(`INSERT INTO local_setting (key, value) VALUES (?, ?)`)
    .run(`sync.workspaceUser.${WORKSPACE}`, JSON.stringify(userId));
}

/**
 * Opens a real engine signed in (offline) as `role`. `seed` leads are created first by the
 * engine's own replica code in one transaction (much faster than one `leads:create` each).
 */
export async function offlineEngine(
  role: RoleName,
  opts: { dataDir?: string; seed?: readonly LeadFieldChanges[] } = {},
) {
  const dataDir = opts.dataDir ?? tempDir('sdr-bulk-');
  const { sqlite, close } = openDb(dataDir);
  // A reopened data dir keeps its account.
  if (!opts.dataDir) signedInOffline(sqlite, `user-${role}`, role);
  const seeded: string[] = [];
  if (opts.seed?.length) {
    const replica = new LeadReplica(sqlite, createInstallation(sqlite), Date.now);
    sqlite.transaction(() => {
      for (const fields of opts.seed!) seeded.push(replica.create(WORKSPACE, fields).lead.id);
    })();
    replica.cache.clear();
  }
  close();
  const engine = await openEngine({ dataDir });
  const progress: BulkProgress[] = [];
  engine.subscribe((event, payload) => {
    if (event === 'leads:bulkProgress') progress.push(payload as BulkProgress);
  });
  return { engine, dataDir, progress, seeded };
}

export async function call<T>(engine: Engine, channel: string, input: unknown = {}): Promise<T> {
  const r = await engine.dispatch(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

/** The error code and message of a call expected to fail. */
export async function failure(engine: Engine, channel: string, input: unknown = {}) {
  const r = await engine.dispatch(channel, input);
  if (r.ok) throw new Error(`${channel} succeeded, expected an error`);
  return r.error;
}

export const createLead = (engine: Engine, fields: Record<string, unknown>) =>
  call<LeadDto>(engine, 'leads:create', { fields });

export const getLead = (engine: Engine, id: string) =>
  call<LeadDto & { notes: string }>(engine, 'leads:get', { id });

/** Resolves with the job's last progress event once it reached one of `states`. */
export async function finished(
  progress: BulkProgress[],
  jobId: string,
  states: BulkProgress['state'][] = ['done', 'cancelled', 'failed', 'undone'],
  timeoutMs = 30_000,
): Promise<BulkProgress> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const last = progress.filter((p) => p.jobId === jobId).at(-1);
    if (last && states.includes(last.state)) return last;
    if (Date.now() > end) throw new Error(`job ${jobId} did not reach ${states.join('/')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
