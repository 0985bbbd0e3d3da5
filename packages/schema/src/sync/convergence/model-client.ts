/**
 * A client replica of the convergence model, shaped like the desktop engine: record docs plus
 * persisted state (the docs' updates, an outbox of unacknowledged local updates, the change-log
 * cursor). A restart drops the memory and rebuilds the docs from the persisted updates.
 */
import * as Y from 'yjs';
import { leadRecord } from '../../records/lead.ts';
import { applyFieldChanges, createRecordDoc, loadRecordDoc } from '../../records/record-doc.ts';
import { RecordError } from '../../records/record-error.ts';
import type { FieldWriteCheck } from '../decide.ts';
import type { Change, Frame } from '../protocol-types.ts';
import type { WriteLog } from './write-log.ts';

interface OutboxEntry {
  readonly clientSeq: number;
  readonly docName: string;
  readonly update: Uint8Array;
}

export class ModelClient {
  // Persisted.
  private readonly stored = new Map<string, Uint8Array[]>();
  outbox: OutboxEntry[] = [];
  private readonly received = new Set<number>();
  cursor = 0;
  private nextClientSeq = 1;
  private created = 0;
  // In memory.
  docs = new Map<string, Y.Doc>();
  connected = false;

  constructor(
    readonly index: number,
    readonly clientId: number,
    readonly canWrite: FieldWriteCheck,
    private readonly writes: WriteLog,
    private readonly pageSize: number,
  ) {}

  restart(): void {
    this.connected = false;
    this.docs = new Map(
      [...this.stored].map(([name, updates]) => [name, loadRecordDoc(name, updates)]),
    );
  }

  connect(): Frame[] {
    this.connected = true;
    const hello: Frame = {
      type: 'hello',
      protocolVersion: 1,
      clientVersion: '1.0.0',
      installationClientId: this.clientId,
      cursor: this.cursor,
    };
    return [hello, ...this.outbox.map((e) => this.updateFrame(e))];
  }

  /** A local edit: one atomic step (apply, persist, outbox). Returns the frame to send, if online. */
  edit(docName: string, changes: Record<string, unknown>): Frame[] {
    const doc = this.docs.get(docName);
    if (!doc) return [];
    let update: Uint8Array | null;
    try {
      update = this.writes.record(doc, () =>
        applyFieldChanges(leadRecord, doc, changes, this.clientId),
      );
    } catch (e) {
      if (e instanceof RecordError && (e.code === 'outdated_doc' || e.code === 'newer_doc'))
        return [];
      throw e;
    }
    return update ? this.enqueue(docName, update) : [];
  }

  create(fields: Record<string, unknown>): Frame[] {
    const { doc, update } = createRecordDoc(
      leadRecord,
      `c${this.index}x${this.created++}`,
      fields,
      this.clientId,
    );
    this.writes.logCurrent(doc, new Map(), new Map());
    this.docs.set(doc.guid, doc);
    return this.enqueue(doc.guid, update);
  }

  /** Handles one server frame; returns the frames to send back. */
  receive(frame: Frame): Frame[] {
    switch (frame.type) {
      case 'change':
        this.applyChange(frame.change);
        return [];
      case 'catchupPage':
        for (const c of frame.changes) this.applyChange(c);
        return frame.done
          ? []
          : [{ type: 'catchupRequest', afterSeq: frame.nextSeq, limit: this.pageSize }];
      case 'ack': {
        const entry = this.outbox.find((e) => e.clientSeq === frame.clientSeq);
        this.outbox = this.outbox.filter((e) => e.clientSeq !== frame.clientSeq);
        if (entry && frame.compensation) this.applyUpdate(entry.docName, frame.compensation);
        return [];
      }
      case 'evict':
        this.docs.delete(frame.docName);
        this.stored.delete(frame.docName);
        return [];
      case 'welcome':
      case 'error': // missing dependencies: the entry stays in the outbox and is resent on reconnect
        return [];
      case 'hello':
      case 'update':
      case 'catchupRequest':
      case 'docSync':
        throw new Error(`client got unexpected ${frame.type}`);
    }
  }

  private enqueue(docName: string, update: Uint8Array): Frame[] {
    this.persist(docName, update);
    const entry = { clientSeq: this.nextClientSeq++, docName, update };
    this.outbox.push(entry);
    return this.connected ? [this.updateFrame(entry)] : [];
  }

  private updateFrame(e: OutboxEntry): Frame {
    return { type: 'update', docName: e.docName, clientSeq: e.clientSeq, payload: e.update };
  }

  private applyChange(change: Change): void {
    if (change.kind === 'record' && change.update) this.applyUpdate(change.docName, change.update);
    this.received.add(change.seq);
    while (this.received.has(this.cursor + 1)) this.cursor++;
  }

  private applyUpdate(docName: string, update: Uint8Array): void {
    let doc = this.docs.get(docName);
    if (!doc) {
      doc = loadRecordDoc(docName, []);
      this.docs.set(docName, doc);
    }
    Y.applyUpdate(doc, update);
    this.persist(docName, update);
  }

  private persist(docName: string, update: Uint8Array): void {
    this.stored.set(docName, [...(this.stored.get(docName) ?? []), update]);
  }
}
