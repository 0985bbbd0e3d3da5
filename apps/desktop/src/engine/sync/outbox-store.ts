/**
 * The outbox: local updates not yet acknowledged by the server, sent in `clientSeq` order. The
 * table has no workspace column; an entry belongs to the workspace of its lead row (a local edit
 * always has one), so every read joins `lead` and a workspace never sends another's edits.
 */
import type Database from 'better-sqlite3';
import { newId } from '../ids.ts';

export interface OutboxEntry {
  clientSeq: number;
  docName: string;
  update: Uint8Array;
}

const IN_WORKSPACE = `FROM outbox o JOIN lead l ON l.id = substr(o.doc_name, 6)
  WHERE o.doc_name LIKE 'lead:%' AND l.workspace_id = ?`;

export function createOutboxStore(sqlite: Database.Database, now: () => number) {
  const insert = sqlite.prepare(
    `INSERT INTO outbox (id, client_seq, doc_name, "update", created_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const removeSeq = sqlite.prepare(`DELETE FROM outbox WHERE client_seq = ?`);
  const removeDoc = sqlite.prepare(`DELETE FROM outbox WHERE doc_name = ?`);
  const hasDoc = sqlite.prepare(`SELECT 1 FROM outbox WHERE doc_name = ? LIMIT 1`).pluck();
  const docOfSeq = sqlite.prepare(`SELECT doc_name FROM outbox WHERE client_seq = ?`).pluck();
  const list = sqlite.prepare(
    `SELECT o.client_seq AS clientSeq, o.doc_name AS docName, o."update" AS "update"
     ${IN_WORKSPACE} ORDER BY o.client_seq`,
  );
  const listDoc = sqlite.prepare(
    `SELECT client_seq AS clientSeq, doc_name AS docName, "update" FROM outbox
     WHERE doc_name = ? ORDER BY client_seq`,
  );
  const count = sqlite.prepare(`SELECT count(*) ${IN_WORKSPACE}`).pluck();
  const maxSeq = sqlite.prepare(`SELECT max(client_seq) FROM outbox`).pluck();
  const anyEntry = sqlite.prepare(`SELECT 1 FROM outbox LIMIT 1`).pluck();
  const removeWorkspace = sqlite.prepare(
    `DELETE FROM outbox WHERE doc_name IN (SELECT 'lead:' || id FROM lead WHERE workspace_id = ?)`,
  );

  return {
    add(entry: OutboxEntry): void {
      insert.run(newId(), entry.clientSeq, entry.docName, entry.update, now());
    },
    /** Deletes an acknowledged entry; returns its doc name (null when it was already gone). */
    remove(clientSeq: number): string | null {
      const doc = docOfSeq.get(clientSeq) as string | undefined;
      if (doc === undefined) return null;
      removeSeq.run(clientSeq);
      return doc;
    },
    removeDoc(docName: string): void {
      removeDoc.run(docName);
    },
    removeWorkspace(workspaceId: string): void {
      removeWorkspace.run(workspaceId);
    },
    /** Whether anything at all waits to be sent (O(1), unlike `count`). */
    hasAny(): boolean {
      return anyEntry.get() !== undefined;
    },
    hasDoc(docName: string): boolean {
      return hasDoc.get(docName) !== undefined;
    },
    list(workspaceId: string): OutboxEntry[] {
      return list.all(workspaceId) as OutboxEntry[];
    },
    listDoc(docName: string): OutboxEntry[] {
      return listDoc.all(docName) as OutboxEntry[];
    },
    count(workspaceId: string): number {
      return count.get(workspaceId) as number;
    },
    maxClientSeq(): number {
      return (maxSeq.get() as number | null) ?? 0;
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
