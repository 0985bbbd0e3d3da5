/** Reading and comparing replicas: the server's lead rows and doc states, an engine's snapshot. */
import {
  LEAD_FIELD_NAMES,
  leadColumnList,
  leadFieldsFromSqlRow,
  loadRecordDoc,
  projectLead,
} from './deps.ts';
import type { LeadValues } from './engine-process.ts';
import type { BenchDatabase } from './seed.ts';

export interface Snapshot {
  /** Projected columns as stored, by lead id. */
  readonly rows: Record<string, LeadValues>;
  /** The stored Yjs state, decoded and projected, by lead id. */
  readonly docs: Record<string, LeadValues>;
}

export async function serverHead(db: BenchDatabase, workspaceId: string): Promise<number> {
  const [r] = await db.sql`select last_seq from workspace_seq where workspace_id = ${workspaceId}`;
  return Number(r?.['last_seq'] ?? 0);
}

export async function serverSnapshot(db: BenchDatabase, workspaceId: string): Promise<Snapshot> {
  const rows: Record<string, LeadValues> = {};
  const docs: Record<string, LeadValues> = {};
  const result = await db.sql`
    select id, ${db.sql.unsafe(leadColumnList())}, y_state from lead where workspace_id = ${workspaceId}`;
  for (const r of result) {
    const id = r['id'] as string;
    rows[id] = leadFieldsFromSqlRow(r);
    const state = r['y_state'] as Buffer | null;
    const doc = loadRecordDoc(`lead:${id}`, state ? [new Uint8Array(state)] : []);
    docs[id] = projectLead(doc).values;
    doc.destroy();
  }
  return { rows, docs };
}

const canonical = (v: LeadValues | undefined): string =>
  v === undefined ? 'missing' : JSON.stringify(LEAD_FIELD_NAMES.map((f) => v[f]));

/** Ids whose values differ between a and b (either side missing counts). */
export function differingIds(
  a: Record<string, LeadValues>,
  b: Record<string, LeadValues>,
): string[] {
  const ids = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...ids].filter((id) => canonical(a[id]) !== canonical(b[id]));
}
