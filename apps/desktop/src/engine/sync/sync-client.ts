/**
 * One workspace's connection to the server's `/sync` socket (design: notes/sync-design.md §1-5):
 * hello → welcome → paged catch-up from the stored cursor → outbox resend in `clientSeq` order →
 * live changes, acks, evictions and doc syncs; reconnects with full-jitter backoff, refreshing the
 * access token first after a 4401 close. Storage goes through `remote-changes.ts`.
 *
 * Cursor rule: the cursor is the highest seq below which everything is applied. A catch-up page
 * covers every seq up to its `nextSeq`; a live change covers its own seq. A live change that leaves
 * a gap (a seq the user may not see, or one the server does not push) triggers a short-delayed
 * catch-up from the cursor, whose `done` page moves the cursor to the server's head.
 */
import WebSocket from 'ws';
import { DEFAULT_BACKOFF, reconnectDelayMs, type BackoffOptions } from '@sdr/domain';
import {
  decodeFrame,
  decodeSyncPayload,
  encodeFrame,
  PROTOCOL_VERSION,
  syncStep2Payload,
  type Change,
  type Frame,
  type FrameOf,
} from '@sdr/schema/sync';
import type { LeadReverted } from '../../shared/contract.ts';
import { EngineFailure } from '../errors.ts';
import type { LeadReplica } from '../leads/lead-replica.ts';
import type { Logger } from '../logger.ts';
import type { OutboxEntry } from './outbox-store.ts';
import { acknowledge, applyChanges, evict, mergeIntoDoc, type Applied } from './remote-changes.ts';
import type { AppliedFact } from '../inbox/fact-store.ts';
import { syncSocketUrl } from './sync-url.ts';

export type Connection = 'offline' | 'connecting' | 'online';

/**
 * Bulk storage of a big catch-up (leads/query/catch-up-mode.ts): told before each page of a
 * connection's first catch-up how much is left, and when it is done or stopped.
 */
export interface CatchUpHooks {
  beforePage(workspaceId: string, backlog: number): void;
  caughtUp(workspaceId: string): void;
}

export interface SyncClientOptions {
  serverUrl: string;
  workspaceId: string;
  replica: LeadReplica;
  clientVersion: string;
  /** A valid access token; when `stale` is given and still current, refresh it first. */
  token: (stale: string | null) => Promise<string>;
  log: Logger;
  /** Something in `snapshot()` changed. */
  onStatus: () => void;
  onLeadsChanged: (ids: string[] | null) => void;
  /** Server-owned facts applied (a catch-up page or a live change); `live`: pushed as it happened. */
  onFacts?: (facts: AppliedFact[], live: boolean) => void;
  onReverted: (reverted: LeadReverted) => void;
  catchUp?: CatchUpHooks;
  random?: () => number;
  backoff?: BackoffOptions;
  pageLimit?: number;
  gapFillDelayMs?: number;
}

export interface SyncClientSnapshot {
  connection: Connection;
  readOnly: boolean;
  /** The first catch-up of this connection, while it runs. */
  catchUp: { received: number; total: number; rows: number } | null;
  lastError: { code: string; message: string; at: number } | null;
}

/** Close code of the server for a missing, bad or expired access token. */
export const CLOSE_UNAUTHORIZED = 4401;

export class SyncClient {
  private ws: WebSocket | null = null;
  private connection: Connection = 'offline';
  private stopped = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private gapTimer: NodeJS.Timeout | null = null;
  private token: string | null = null;
  private staleToken: string | null = null;
  private cursor: number;
  private readonly above = new Set<number>();
  private outstandingPages = 0;
  private caughtUp = false;
  private progress = { start: 0, head: 0, rows: 0 };
  private readonly sent = new Set<number>();
  private readOnly = false;
  private lastError: SyncClientSnapshot['lastError'] = null;
  private closed: Promise<void> | null = null;

  constructor(private readonly o: SyncClientOptions) {
    this.cursor = o.replica.syncState.get(o.workspaceId).cursor;
  }

  get workspaceId(): string {
    return this.o.workspaceId;
  }

  snapshot(): SyncClientSnapshot {
    const { start, head, rows } = this.progress;
    return {
      connection: this.connection,
      readOnly: this.readOnly,
      catchUp:
        this.connection === 'online' && !this.caughtUp
          ? { received: Math.max(0, this.cursor - start), total: Math.max(0, head - start), rows }
          : null,
      lastError: this.lastError,
    };
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  /** Closes the socket and stops reconnecting; resolves once the socket is closed. */
  stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    this.o.catchUp?.caughtUp(this.o.workspaceId);
    const ws = this.ws;
    if (!ws) return Promise.resolve();
    this.closed ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => ws.terminate(), 1_000);
      ws.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'stop');
    });
    return this.closed;
  }

  /** A local edit was stored: send it now when the connection is caught up. */
  enqueued(entry: OutboxEntry): void {
    if (this.canSend()) this.sendEntry(entry);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.setConnection('connecting');
    let token: string;
    try {
      token = await this.o.token(this.staleToken);
    } catch (err) {
      this.fail('token', err);
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) return;
    this.staleToken = null;
    this.token = token;
    const ws = new WebSocket(syncSocketUrl(this.o.serverUrl), {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    this.ws = ws;
    ws.on('open', () => this.onOpen(ws));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.ws === ws && isBinary) this.onMessage(data);
    });
    ws.on('error', (err) => {
      if (/\b401\b/.test(err.message)) this.staleToken = token;
      this.o.log.debug('sync socket error', { error: err.message });
      this.fail('connection', err);
    });
    ws.on('close', (code) => this.onClose(ws, code));
  }

  private onOpen(ws: WebSocket): void {
    this.send(
      {
        type: 'hello',
        protocolVersion: PROTOCOL_VERSION,
        clientVersion: this.o.clientVersion,
        installationClientId: this.o.replica.installationClientId,
        cursor: this.cursor,
      },
      ws,
    );
  }

  private onClose(ws: WebSocket, code: number): void {
    if (this.ws !== ws) return;
    this.ws = null;
    this.caughtUp = false;
    this.outstandingPages = 0;
    this.sent.clear();
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
    if (code === CLOSE_UNAUTHORIZED) this.staleToken = this.token;
    if (this.stopped) {
      this.connection = 'offline';
      return;
    }
    this.setConnection('offline');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = reconnectDelayMs(
      this.attempt++,
      this.o.random ?? Math.random,
      this.o.backoff ?? DEFAULT_BACKOFF,
    );
    this.o.log.debug('sync reconnect scheduled', { delay, attempt: this.attempt });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
  }

  private onMessage(data: Buffer): void {
    if (this.stopped) return;
    // Views, not copies: a page's updates are stored (SQLite copies them) or merged, not kept.
    const decoded = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.length), {
      copy: false,
    });
    if (!decoded.ok) {
      this.o.log.warn('unreadable sync frame', { code: decoded.error.code });
      return;
    }
    const frame = decoded.value;
    try {
      this.handle(frame);
    } catch (err) {
      // A local storage failure: drop the connection; catch-up from the cursor repairs it.
      this.o.log.error('applying a sync frame failed', { type: frame.type, err });
      this.fail('internal', err);
      this.ws?.close(1011, 'engine error');
    }
  }

  private handle(frame: Frame): void {
    switch (frame.type) {
      case 'welcome':
        return this.onWelcome(frame);
      case 'catchupPage':
        return this.onPage(frame);
      case 'change':
        return this.onChange(frame.change);
      case 'ack':
        return this.onAck(frame);
      case 'evict': {
        const id = evict(this.o.replica, frame.docName);
        if (id) this.leadsChanged([id]);
        return;
      }
      case 'docSync':
        return this.onDocSync(frame);
      case 'error':
        return this.onError(frame);
      case 'hello':
      case 'update':
      case 'catchupRequest':
        this.o.log.warn('unexpected frame from the server', { type: frame.type });
        return;
    }
  }

  private onWelcome(frame: FrameOf<'welcome'>): void {
    this.attempt = 0;
    this.readOnly = frame.readOnly;
    this.lastError = null;
    if (frame.headSeq < this.cursor) {
      // The server's log is behind our cursor (restored from a backup): sync everything again.
      this.o.log.warn('server head is behind the local cursor; full resync', {
        head: frame.headSeq,
        cursor: this.cursor,
      });
      this.cursor = 0;
    }
    this.above.clear();
    this.progress = { start: this.cursor, head: frame.headSeq, rows: 0 };
    this.setConnection('online');
    this.requestPage();
  }

  private requestPage(afterSeq = this.cursor): void {
    this.outstandingPages += 1;
    this.send({ type: 'catchupRequest', afterSeq, limit: this.o.pageLimit ?? 5_000 });
  }

  private onPage(page: FrameOf<'catchupPage'>): void {
    this.outstandingPages = Math.max(0, this.outstandingPages - 1);
    const cursor = this.advance(Math.max(this.cursor, page.nextSeq));
    // Ask for the next page before storing this one: the server reads while we write.
    if (!page.done && this.outstandingPages === 0) this.requestPage(cursor);
    if (!this.caughtUp)
      this.o.catchUp?.beforePage(this.o.workspaceId, this.progress.head - this.cursor);
    const applied = applyChanges(this.o.replica, this.o.workspaceId, page.changes, cursor);
    this.cursor = cursor;
    this.progress.rows += applied.rows;
    this.progress.head = Math.max(this.progress.head, page.nextSeq);
    if (applied.ids.length > 0) this.leadsChanged(applied.ids);
    this.factsApplied(applied, false);
    if (!page.done) {
      this.o.onStatus();
      return;
    }
    if (this.above.size > 0) this.scheduleGapFill();
    if (!this.caughtUp) {
      this.o.catchUp?.caughtUp(this.o.workspaceId);
      if (!this.o.replica.syncState.get(this.o.workspaceId).initialSyncDone) {
        this.o.replica.syncState.markInitialSyncDone(this.o.workspaceId);
      }
      this.caughtUp = true;
      this.flushOutbox();
    }
    this.o.onStatus();
  }

  private onChange(change: Change): void {
    if (change.seq <= this.cursor) return;
    this.above.add(change.seq);
    const cursor = this.advance(this.cursor);
    const applied = applyChanges(this.o.replica, this.o.workspaceId, [change], cursor);
    this.cursor = cursor;
    if (this.above.size > 0 && this.caughtUp) this.scheduleGapFill();
    if (applied.ids.length > 0) this.leadsChanged(applied.ids);
    this.factsApplied(applied, this.caughtUp);
  }

  private factsApplied(applied: Applied, live: boolean): void {
    for (const e of applied.factErrors) this.o.log.warn('fact refused', { error: e });
    if (applied.facts.length > 0) this.o.onFacts?.(applied.facts, live);
  }

  /** The cursor after `from`, moved over every contiguous seq already applied. */
  private advance(from: number): number {
    let cursor = from;
    for (const seq of this.above) if (seq <= cursor) this.above.delete(seq);
    while (this.above.delete(cursor + 1)) cursor += 1;
    return cursor;
  }

  private scheduleGapFill(): void {
    if (this.gapTimer) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.above.size > 0 && this.connection === 'online' && this.outstandingPages === 0) {
        this.requestPage();
      }
    }, this.o.gapFillDelayMs ?? 250);
  }

  private onAck(ack: FrameOf<'ack'>): void {
    this.sent.delete(ack.clientSeq);
    const done = acknowledge(this.o.replica, ack.clientSeq, ack.compensation);
    if (done?.leadId && ack.reasons.length > 0) {
      this.o.onReverted({
        leadId: done.leadId,
        reasons: ack.reasons.map((r) => ({ field: r.field, code: r.code, message: r.message })),
        at: this.o.replica.now(),
      });
    }
    if (done?.leadId) this.leadsChanged([done.leadId]);
    this.o.onStatus();
  }

  private onDocSync(frame: FrameOf<'docSync'>): void {
    const msg = decodeSyncPayload(frame.payload);
    if (!msg.ok) {
      this.o.log.warn('unreadable doc sync', { code: msg.error.code });
      return;
    }
    if (msg.value.kind === 'step1') {
      const doc = this.o.replica.doc(frame.docName);
      if (!doc) return;
      const payload = syncStep2Payload(doc, msg.value.stateVector);
      this.send({ type: 'docSync', docName: frame.docName, payload });
      // The server refused this doc's updates for missing dependencies; it has them now.
      if (this.canSend()) {
        for (const entry of this.o.replica.outbox.listDoc(frame.docName)) this.sendEntry(entry);
      }
      return;
    }
    const update = msg.value.update;
    const id = this.o.replica.transaction(() =>
      mergeIntoDoc(this.o.replica, frame.docName, update),
    );
    if (id) this.leadsChanged([id]);
  }

  private onError(frame: FrameOf<'error'>): void {
    this.lastError = { code: frame.code, message: frame.message, at: this.o.replica.now() };
    this.o.log.info('sync error from the server', { code: frame.code, clientSeq: frame.clientSeq });
    switch (frame.code) {
      case 'read_only':
      case 'client_too_old':
        this.readOnly = true;
        break;
      case 'unauthorized':
        this.staleToken = this.token;
        break;
      case 'forbidden':
      case 'unknown_doc':
      case 'malformed_update':
        // The server will never take this entry: drop it so the outbox can drain.
        if (frame.clientSeq !== null) this.drop(frame.clientSeq);
        break;
      case 'rate_limited':
        if (frame.clientSeq !== null) this.sent.delete(frame.clientSeq);
        setTimeout(() => this.flushOutbox(), 1_000).unref();
        break;
      case 'missing_dependencies': // A docSync step 1 follows; answered in onDocSync.
      case 'malformed_frame':
      case 'internal':
        break;
    }
    this.o.onStatus();
  }

  private drop(clientSeq: number): void {
    this.sent.delete(clientSeq);
    const done = acknowledge(this.o.replica, clientSeq, null);
    this.o.log.warn('outbox entry refused by the server; dropped', { clientSeq });
    if (done?.leadId) this.leadsChanged([done.leadId]);
  }

  private canSend(): boolean {
    return this.caughtUp && !this.readOnly && this.ws?.readyState === WebSocket.OPEN;
  }

  private flushOutbox(): void {
    if (!this.canSend()) return;
    for (const entry of this.o.replica.outbox.list(this.o.workspaceId)) {
      if (!this.sent.has(entry.clientSeq)) this.sendEntry(entry);
    }
  }

  private sendEntry(entry: OutboxEntry): void {
    this.sent.add(entry.clientSeq);
    this.send({
      type: 'update',
      docName: entry.docName,
      clientSeq: entry.clientSeq,
      payload: entry.update,
    });
  }

  private send(frame: Frame, ws: WebSocket | null = this.ws): void {
    if (ws?.readyState === WebSocket.OPEN) ws.send(encodeFrame(frame));
  }

  private leadsChanged(ids: string[]): void {
    this.o.onLeadsChanged(ids.length > 200 ? null : ids);
  }

  private setConnection(connection: Connection): void {
    if (this.connection === connection) return;
    this.connection = connection;
    this.o.onStatus();
  }

  private fail(code: string, err: unknown): void {
    if (err instanceof EngineFailure) code = err.code;
    const message = err instanceof Error ? err.message : String(err);
    this.lastError = { code, message, at: this.o.replica.now() };
    this.o.onStatus();
  }

  private clearTimers(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.reconnectTimer = null;
    this.gapTimer = null;
  }
}
