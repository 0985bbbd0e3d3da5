/**
 * For tests and the leads benchmark. `signedInOffline` makes a data dir look like an engine that signed in before
 * and is now offline (a stored account with its `/me` profile, and the workspace claimed by that
 * user so the sync manager keeps its leads). An engine opened on it with an unreachable server
 * answers `leads:*` from SQLite at once, as after a restart without network.
 */
import type Database from 'better-sqlite3';
import * as Y from 'yjs';
import { leadRecord, type LeadFields, type LeadSettings, type MeResponse } from '@sdr/schema';
import { applyNotesEdit, createRecordDoc } from '@sdr/schema/sync';
import type { StoredLead } from '../lead-row.ts';

export interface OfflineAccount {
  serverUrl: string;
  userId: string;
  workspaceId: string;
  role?: MeResponse['role'];
  /** The workspace's lead settings as last seen from the server (custom fields, pipeline). */
  leadSettings?: LeadSettings;
}

export function signedInOffline(sqlite: Database.Database, a: OfflineAccount): MeResponse {
  const me: MeResponse = {
    user: { id: a.userId, email: `${a.userId}@example.com`, name: `User ${a.userId}` },
    workspace: { id: a.workspaceId, name: 'Workspace' },
    role: a.role ?? 'sdr',
    sessionId: `session-${a.userId}`,
    workspaces: [{ id: a.workspaceId, name: 'Workspace', role: a.role ?? 'sdr' }],
  };
  sqlite.transaction(() => {
    sqlite.prepare(`DELETE FROM account WHERE server_url = ?`).run(a.serverUrl);
    sqlite
      .prepare(
        `INSERT INTO account (id, server_url, user_id, workspace_id, refresh_token,
           refresh_token_encrypted, profile, updated_at)
         VALUES (?, ?, ?, ?, ?, 0, ?, ?)`,
      )
      .run(
        `account-${a.userId}`,
        a.serverUrl,
        a.userId,
        a.workspaceId,
        Buffer.from('offline-refresh-token', 'utf8'),
        JSON.stringify(me),
        Date.now(),
      );
    const setting = sqlite.prepare(
      `INSERT INTO local_setting (key, value) VALUES (?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    );
    // The engine wipes a workspace's rows synced by another user (the sync manager's leads, the
    // workspace data's views, lists and settings): this user synced them.
    setting.run(`sync.workspaceUser.${a.workspaceId}`, JSON.stringify(a.userId));
    setting.run(`workspaceData.user.${a.workspaceId}`, JSON.stringify(a.userId));
    if (a.leadSettings) {
      setting.run(`leadSettings.${a.workspaceId}`, JSON.stringify(a.leadSettings));
    }
  })();
  return me;
}

/**
 * A stored lead for tests: every field at its default unless given, and a real Yjs state (with
 * these notes) as sync would store it.
 */
export function testLead(
  id: string,
  workspaceId: string,
  fields: Partial<LeadFields> = {},
  opts: { notes?: string; updatedAt?: number; seq?: number } = {},
): StoredLead {
  const values = { ...leadDefaults(), ...fields } as LeadFields;
  const { doc } = createRecordDoc(leadRecord, id, values, 0x7e57);
  if (opts.notes) applyNotesEdit(doc, '', opts.notes, 0x7e57);
  const yState = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return {
    id,
    workspaceId,
    ...values,
    schemaVersion: leadRecord.version,
    seq: opts.seq ?? 1,
    yState,
    updatedAt: opts.updatedAt ?? 1_700_000_000_000,
  };
}

function leadDefaults(): LeadFields {
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(leadRecord.fields))
    out[key] = structuredClone(def.default);
  return out as LeadFields;
}
