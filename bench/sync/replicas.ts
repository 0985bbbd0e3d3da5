/** Reading and comparing replicas: the server's lead rows and doc states, an engine's snapshot. */
import { loadRecordDoc, projectLead } from './deps.ts';
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
    select id, first_name, last_name, email, phone, company, title, status, owner_id, tags, deleted, y_state
    from lead where workspace_id = ${workspaceId}`;
  for (const r of result) {
    const id = r['id'] as string;
    rows[id] = {
      firstName: r['first_name'] as string,
      lastName: r['last_name'] as string,
      email: r['email'] as string,
      phone: r['phone'] as string,
      company: r['company'] as string,
      title: r['title'] as string,
      status: r['status'] as string,
      ownerId: r['owner_id'] as string | null,
      tags: r['tags'] as string[],
      deleted: r['deleted'] as boolean,
    };
    const state = r['y_state'] as Buffer | null;
    const doc = loadRecordDoc(`lead:${id}`, state ? [new Uint8Array(state)] : []);
    docs[id] = projectLead(doc).values;
    doc.destroy();
  }
  return { rows, docs };
}

const canonical = (v: LeadValues | undefined): string =>
  v === undefined
    ? 'missing'
    : JSON.stringify([
        v.firstName,
        v.lastName,
        v.email,
        v.phone,
        v.company,
        v.title,
        v.status,
        v.ownerId,
        v.tags,
        v.deleted,
      ]);

/** Ids whose values differ between a and b (either side missing counts). */
export function differingIds(
  a: Record<string, LeadValues>,
  b: Record<string, LeadValues>,
): string[] {
  const ids = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...ids].filter((id) => canonical(a[id]) !== canonical(b[id]));
}
