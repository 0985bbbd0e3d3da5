/**
 * A tiny stand-in for the sync server's `/sync` socket, for unit tests of the client's reconnect,
 * cursor and outbox logic only (integration tests use the real server). It speaks the real frames
 * (`encodeFrame`/`decodeFrame`) and keeps one merged Yjs state and one row per lead.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import {
  createRecordDoc,
  decodeFrame,
  encodeFrame,
  leadRecord,
  loadRecordDoc,
  projectLead,
  SERVER_CLIENT_ID,
  type Frame,
  type FrameOf,
} from '@sdr/schema/sync';

interface FakeRecord {
  seq: number;
  state: Uint8Array;
}

export interface FakeSyncServer {
  url: string;
  /** Every frame received, in order. */
  received: Frame[];
  tokens: string[];
  head(): number;
  /** Creates a lead as the server (one seq) and pushes it to connected sockets. */
  createLead(id: string, fields: Record<string, unknown>): number;
  /** Pushes a frame to every open socket. */
  push(frame: Frame): void;
  pushRaw(bytes: Uint8Array): void;
  /** Skips seqs (changes the user cannot see). */
  skip(n: number): void;
  dropConnections(code?: number): void;
  row(id: string): Record<string, unknown> | null;
  sockets(): number;
  close(): Promise<void>;
  /** Test knobs. */
  knobs: {
    acceptToken: (token: string) => boolean;
    readOnly: boolean;
    ackUpdates: boolean;
    pageSize: number;
  };
}

export async function startFakeSyncServer(): Promise<FakeSyncServer> {
  const records = new Map<string, FakeRecord>();
  let head = 0;
  const received: Frame[] = [];
  const tokens: string[] = [];
  const knobs = {
    acceptToken: (_t: string) => true,
    readOnly: false,
    ackUpdates: true,
    pageSize: 1000,
  };
  const http: Server = createServer();
  const wss = new WebSocketServer({ server: http, path: '/sync' });
  const open = new Set<WebSocket>();

  const rowOf = (docName: string, r: FakeRecord) => {
    const p = projectLead(loadRecordDoc(docName, [r.state]));
    return { id: docName.slice(5), ...p.values, schemaVersion: p.schemaVersion };
  };
  const send = (ws: WebSocket, frame: Frame) => ws.send(encodeFrame(frame));
  const pushAll = (frame: Frame) => {
    for (const ws of open) if (ws.readyState === WebSocket.OPEN) send(ws, frame);
  };

  const onFrame = (ws: WebSocket, frame: Frame) => {
    received.push(frame);
    if (frame.type === 'hello') {
      send(ws, {
        type: 'welcome',
        headSeq: head,
        minClientVersion: '0.0.0',
        readOnly: knobs.readOnly,
      });
    } else if (frame.type === 'catchupRequest') {
      send(ws, page(frame));
    } else if (frame.type === 'update' && knobs.ackUpdates) {
      const r = records.get(frame.docName);
      const state = r ? Y.mergeUpdates([r.state, frame.payload]) : frame.payload;
      head += 1;
      const rec = { seq: head, state };
      records.set(frame.docName, rec);
      send(ws, {
        type: 'ack',
        clientSeq: frame.clientSeq,
        serverSeq: head,
        compensation: null,
        reasons: [],
      });
      pushAll({
        type: 'change',
        change: {
          kind: 'record',
          seq: head,
          docName: frame.docName,
          update: frame.payload,
          row: rowOf(frame.docName, rec),
        },
      });
    }
  };

  const page = (req: FrameOf<'catchupRequest'>): Frame => {
    const rows = [...records.entries()]
      .filter(([, r]) => r.seq > req.afterSeq)
      .sort((a, b) => a[1].seq - b[1].seq)
      .slice(0, Math.min(req.limit, knobs.pageSize));
    const done = rows.length < Math.min(req.limit, knobs.pageSize);
    return {
      type: 'catchupPage',
      changes: rows.map(([docName, r]) => ({
        kind: 'record' as const,
        seq: r.seq,
        docName,
        update: r.state,
        row: rowOf(docName, r),
      })),
      nextSeq: done ? head : rows.at(-1)![1].seq,
      done,
    };
  };

  wss.on('connection', (ws, req) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    tokens.push(token);
    if (!knobs.acceptToken(token)) {
      ws.close(4401, 'unauthorized');
      return;
    }
    open.add(ws);
    ws.on('close', () => open.delete(ws));
    ws.on('message', (data: Buffer) => {
      const d = decodeFrame(new Uint8Array(data));
      if (d.ok) onFrame(ws, d.value);
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    tokens,
    knobs,
    head: () => head,
    createLead(id, fields) {
      const docName = `lead:${id}`;
      const { update } = createRecordDoc(leadRecord, id, fields, SERVER_CLIENT_ID);
      head += 1;
      const rec = { seq: head, state: update };
      records.set(docName, rec);
      pushAll({
        type: 'change',
        change: { kind: 'record', seq: head, docName, update, row: rowOf(docName, rec) },
      });
      return head;
    },
    push: pushAll,
    pushRaw(bytes) {
      for (const ws of open) ws.send(bytes);
    },
    skip(n) {
      head += n;
    },
    dropConnections(code = 1012) {
      for (const ws of open) ws.close(code, 'test');
    },
    row(id) {
      const r = records.get(`lead:${id}`);
      return r ? rowOf(`lead:${id}`, r) : null;
    },
    sockets: () => open.size,
    async close() {
      for (const ws of open) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
