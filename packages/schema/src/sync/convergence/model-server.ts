/**
 * The server replica of the convergence model: record docs rebuilt from a persisted change log,
 * every client update through `validateAndCompensate`, conflicts appended to a conflict log.
 */
import * as Y from 'yjs';
import { leadRecord } from '../../records/lead.ts';
import { createRecordDoc, loadRecordDoc } from '../../records/record-doc.ts';
import { applyServerChanges, validateAndCompensate } from '../authority.ts';
import { SERVER_CLIENT_ID } from '../client-id.ts';
import type { FieldConflict } from '../conflicts.ts';
import type { FieldWriteCheck } from '../decide.ts';
import type { Change, Frame } from '../protocol-types.ts';
import { stateOf, type WriteLog } from './write-log.ts';

export interface LoggedConflict extends FieldConflict {
  readonly docName: string;
}

interface LogEntry {
  readonly seq: number;
  readonly docName: string;
  readonly update: Uint8Array;
}

export class ModelServer {
  /** Persisted: survives restarts. */
  private readonly log: LogEntry[] = [];
  readonly conflicts: LoggedConflict[] = [];
  /** In memory: rebuilt from `log` on restart. */
  docs = new Map<string, Y.Doc>();

  constructor(
    private readonly writes: WriteLog,
    private readonly pageSize: number,
  ) {}

  get headSeq(): number {
    return this.log.length;
  }

  restart(): void {
    const byDoc = new Map<string, Uint8Array[]>();
    for (const e of this.log) byDoc.set(e.docName, [...(byDoc.get(e.docName) ?? []), e.update]);
    this.docs = new Map([...byDoc].map(([name, updates]) => [name, loadRecordDoc(name, updates)]));
  }

  /** A record created by a server-side writer. Returns the change to broadcast. */
  create(id: string, fields: Record<string, unknown>): Change {
    const { doc, update } = createRecordDoc(leadRecord, id, fields, SERVER_CLIENT_ID);
    this.writes.logCurrent(doc, new Map(), new Map());
    this.docs.set(doc.guid, doc);
    return this.append(doc.guid, update);
  }

  /** A REST-style write. Refused (no change) when invalid. */
  serverEdit(docName: string, changes: Record<string, unknown>): Change | null {
    const doc = this.docs.get(docName);
    if (!doc) return null;
    const r = this.writes.record(doc, () =>
      applyServerChanges(doc, changes, { record: leadRecord }),
    );
    return r.ok && r.update ? this.append(docName, r.update) : null;
  }

  /** Handles one client frame; returns the frames to send back and the changes to broadcast. */
  handle(frame: Frame, canWrite: FieldWriteCheck): { replies: Frame[]; broadcast: Change[] } {
    switch (frame.type) {
      case 'hello':
        return {
          replies: [
            { type: 'welcome', headSeq: this.headSeq, minClientVersion: '0.0.0', readOnly: false },
            this.page(frame.cursor),
          ],
          broadcast: [],
        };
      case 'catchupRequest':
        return { replies: [this.page(frame.afterSeq, frame.limit)], broadcast: [] };
      case 'update':
        return this.update(frame.docName, frame.clientSeq, frame.payload, canWrite);
      case 'welcome':
      case 'ack':
      case 'catchupPage':
      case 'change':
      case 'evict':
      case 'docSync':
      case 'error':
        return {
          replies: [
            {
              type: 'error',
              code: 'malformed_frame',
              message: `unexpected ${frame.type}`,
              clientSeq: null,
            },
          ],
          broadcast: [],
        };
    }
  }

  private update(
    docName: string,
    clientSeq: number,
    payload: Uint8Array,
    canWrite: FieldWriteCheck,
  ): { replies: Frame[]; broadcast: Change[] } {
    const doc = this.docs.get(docName) ?? new Y.Doc({ guid: docName });
    const serverClockBefore = Y.getState(doc.store, SERVER_CLIENT_ID);
    const r = validateAndCompensate(doc, payload, { record: leadRecord, canWrite });
    if (!r.accepted) {
      return {
        replies: [{ type: 'error', code: r.code, message: r.message, clientSeq }],
        broadcast: [],
      };
    }
    this.docs.set(docName, doc);
    const broadcast: Change[] = [];
    if (r.changed) broadcast.push(this.append(docName, payload));
    if (r.compensation) {
      // The compensation knew everything in the doc but itself.
      const knew = stateOf(doc).set(SERVER_CLIENT_ID, serverClockBefore);
      this.writes.logCurrent(doc, knew, knew);
      broadcast.push(this.append(docName, r.compensation));
    }
    for (const c of r.conflicts) this.conflicts.push({ ...c, docName });
    const ack: Frame = {
      type: 'ack',
      clientSeq,
      serverSeq: this.headSeq,
      compensation: r.compensation,
      reasons: r.reasons,
    };
    return { replies: [ack], broadcast };
  }

  private append(docName: string, update: Uint8Array): Change {
    const seq = this.log.length + 1;
    this.log.push({ seq, docName, update });
    return { kind: 'record', seq, docName, update, row: null };
  }

  private page(afterSeq: number, limit = this.pageSize): Frame {
    const slice = this.log.slice(afterSeq, afterSeq + Math.min(limit, this.pageSize));
    const changes: Change[] = slice.map((e) => ({
      kind: 'record',
      seq: e.seq,
      docName: e.docName,
      update: e.update,
      row: null,
    }));
    const nextSeq = afterSeq + slice.length;
    return { type: 'catchupPage', changes, nextSeq, done: nextSeq >= this.log.length };
  }
}
