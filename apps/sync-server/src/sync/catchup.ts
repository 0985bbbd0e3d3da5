/**
 * Catch-up pages (design §3) from the current lead rows, not the log: one query is both the
 * initial sync (after 0) and incremental catch-up. Each row newer than the cursor is a `record`
 * change (row + the doc's full state) when the viewer may see it, else an `evict`. The head seq
 * is read in the same statement (same snapshot), so `nextSeq` on the last page covers every seq
 * committed before it, including seqs whose rows were overwritten since.
 */
import { sql } from 'drizzle-orm';
import { canSeeLead, type LeadVisibilityPolicy, type Viewer } from '@sdr/domain';
import type { Change, FrameOf } from '@sdr/schema/sync';
import type { Db } from '../db/schema.ts';
import { LEAD_ROW_COLUMNS, leadDocName, rowFromDb, type LeadDbRow } from './lead-row.ts';
import { bytes, num, queryRows } from './sql.ts';

export async function catchupPage(
  db: Db,
  args: {
    workspaceId: string;
    afterSeq: number;
    limit: number;
    viewer: Viewer;
    policy: LeadVisibilityPolicy;
  },
): Promise<FrameOf<'catchupPage'>> {
  const rows = await queryRows<
    Partial<LeadDbRow> & { head: unknown; seq: unknown; y_state: unknown }
  >(
    db,
    sql`with h as (select coalesce((select last_seq from workspace_seq where workspace_id = ${args.workspaceId}), 0) as head)
        select h.head, p.* from h left join lateral (
          select l.seq, l.y_state, ${sql.raw(LEAD_ROW_COLUMNS)} from lead l
          where l.workspace_id = ${args.workspaceId} and l.seq > ${args.afterSeq}
          order by l.seq limit ${args.limit}) p on true`,
  );
  const head = num(rows[0]?.head);
  const changes: Change[] = [];
  for (const r of rows) {
    if (!r.id) continue;
    const row = rowFromDb(r as LeadDbRow);
    const seq = num(r.seq);
    const docName = leadDocName(row.id);
    changes.push(
      canSeeLead(args.viewer, row, args.policy)
        ? { kind: 'record', seq, docName, update: bytes(r.y_state), row }
        : { kind: 'evict', seq, docName },
    );
  }
  const done = changes.length < args.limit;
  const lastSeq = changes.at(-1)?.seq ?? args.afterSeq;
  return {
    type: 'catchupPage',
    changes,
    nextSeq: done ? Math.max(head, lastSeq) : lastSeq,
    done,
  };
}
