/**
 * Catch-up pages (design §3) from the current lead rows, not the log: one query is both the
 * initial sync (after 0) and incremental catch-up. Each row newer than the cursor is a `record`
 * change (row + the doc's full state) when the viewer may see it, else an `evict`. Postgres builds
 * each row's JSON text (`leadRowJsonSql`), so the server neither parses ~30 columns per row nor
 * encodes them again: the text goes as is to clients of protocol ≥ 2 (`Change.rowJson`). The head seq
 * is read in the same statement (same snapshot), so `nextSeq` on the last page covers every seq
 * committed before it, including seqs whose rows were overwritten since.
 *
 * Server-owned facts (conversations, messages, queue items, notifications) newer than the cursor
 * and not newer than that head join the page as `fact` changes (`data: null` when the viewer may
 * not see the row), merged with the leads in seq order.
 */
import { sql } from 'drizzle-orm';
import { canSeeFact, canSeeLead, type LeadVisibilityPolicy, type Viewer } from '@sdr/domain';
import { leadRowJsonSql } from '@sdr/schema';
import type { Change, FrameOf } from '@sdr/schema/sync';
import type { Db } from '../db/schema.ts';
import { leadDocName } from './lead-row.ts';
import { FACT_ENTITIES, FACT_TABLE_NAMES, readFacts, type FactEntity } from './facts.ts';
import { bytes, num, queryRows } from './sql.ts';

/** The row as the database builds it, JSON text (`leadRowJsonSql`): shipped as is to v2 clients. */
const LEAD_ROW_JSON = leadRowJsonSql('l');

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
  const rows = await queryRows<{
    head: unknown;
    seq: unknown;
    y_state: unknown;
    id: string | null;
    owner_id: string | null;
    row_json: string;
  }>(
    db,
    sql`with h as (select coalesce((select last_seq from workspace_seq where workspace_id = ${args.workspaceId}), 0) as head)
        select h.head, p.* from h left join lateral (
          select l.seq, l.y_state, l.id, l.owner_id, ${sql.raw(LEAD_ROW_JSON)} as row_json from lead l
          where l.workspace_id = ${args.workspaceId} and l.seq > ${args.afterSeq}
          order by l.seq limit ${args.limit}) p on true`,
  );
  const head = num(rows[0]?.head);
  const changes: Change[] = [];
  const leadsFull = rows.filter((r) => r.id).length >= args.limit;
  for (const r of rows) {
    if (!r.id) continue;
    const seq = num(r.seq);
    const docName = leadDocName(r.id);
    changes.push(
      canSeeLead(args.viewer, { ownerId: r.owner_id }, args.policy)
        ? { kind: 'record', seq, docName, update: bytes(r.y_state), row: null, rowJson: r.row_json }
        : { kind: 'evict', seq, docName },
    );
  }
  const facts = await factPage(db, { ...args, head });
  let merged = changes;
  if (facts.changes.length > 0) {
    merged = [...changes, ...facts.changes].sort((a, b) => a.seq - b.seq).slice(0, args.limit);
  }
  const done = !leadsFull && !facts.full && merged.length < args.limit;
  const lastSeq = merged.at(-1)?.seq ?? args.afterSeq;
  return {
    type: 'catchupPage',
    changes: merged,
    nextSeq: done ? Math.max(head, lastSeq) : lastSeq,
    done,
  };
}

/** Fact rows with afterSeq < seq ≤ head, in seq order, at most `limit`. */
async function factPage(
  db: Db,
  args: {
    workspaceId: string;
    afterSeq: number;
    head: number;
    limit: number;
    viewer: Viewer;
    policy: LeadVisibilityPolicy;
  },
): Promise<{ changes: Change[]; full: boolean }> {
  if (args.head <= args.afterSeq) return { changes: [], full: false };
  const part = (entity: FactEntity) =>
    sql`(select ${entity}::text as entity, id, seq from ${sql.raw(FACT_TABLE_NAMES[entity])}
         where workspace_id = ${args.workspaceId} and seq > ${args.afterSeq} and seq <= ${args.head}
         order by seq limit ${args.limit})`;
  const refs = await queryRows<{ entity: FactEntity; id: string; seq: unknown }>(
    db,
    sql`select * from (${sql.join(
      FACT_ENTITIES.map((e) => part(e)),
      sql` union all `,
    )}) x order by seq limit ${args.limit}`,
  );
  if (refs.length === 0) return { changes: [], full: false };
  const rows = await readFacts(db, refs);
  const changes: Change[] = [];
  for (const r of refs) {
    const data = rows.get(`${r.entity}:${r.id}`) ?? null;
    const visible = data !== null && canSeeFact(args.viewer, r.entity, data, args.policy);
    changes.push({
      kind: 'fact',
      seq: num(r.seq),
      entity: r.entity,
      id: r.id,
      data: visible ? data : null,
    });
  }
  return { changes, full: refs.length >= args.limit };
}
