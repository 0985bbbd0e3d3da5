/**
 * A minimal `/sync` protocol client on `ws`: hello → welcome, paged catch-up, updates → acks, and
 * a listener for live `change` frames. It keeps no replica: scenarios decide what to store.
 */
import { randomBytes } from 'node:crypto';
import {
  decodeFrame,
  encodeFrame,
  FRAME_TYPES,
  newInstallationClientId,
  PROTOCOL_VERSION,
  WebSocket,
  type Change,
  type Frame,
  type FrameOf,
} from './deps.ts';

type Ack = FrameOf<'ack'>;

/** A fresh installation client id (what a new install of the app would pick). */
export function newClientId(): number {
  return newInstallationClientId(() => randomBytes(4).readUInt32LE(0));
}

export interface CatchUpResult {
  /** The cursor after the last page (the server's head when the last page was read). */
  readonly cursor: number;
  readonly pages: number;
  readonly records: number;
}

export class RawClient {
  private readonly acks = new Map<
    number,
    { resolve: (a: Ack) => void; reject: (e: Error) => void }
  >();
  private waiters: {
    match: (f: Frame) => boolean;
    resolve: (f: Frame) => void;
    reject: (e: Error) => void;
  }[] = [];
  private catchingUp = false;
  /** Drop live `change` frames undecoded (a pure writer that does not keep a replica). */
  ignoreLive = false;
  private changeListeners = new Set<(c: Change, at: number) => void>();
  private nextClientSeq = 1;
  cursor = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.onMessage(data));
    ws.on('close', () => {
      const closed = new Error('socket closed');
      for (const { reject } of this.acks.values()) reject(closed);
      for (const { reject } of this.waiters) reject(closed);
      this.acks.clear();
      this.waiters = [];
    });
  }

  static connect(wsUrl: string, token: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${wsUrl}/sync`, {
        headers: { authorization: `Bearer ${token}` },
        perMessageDeflate: false,
      });
      ws.once('open', () => resolve(new RawClient(ws)));
      ws.once('error', reject);
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends hello with the client's cursor; resolves with the welcome. */
  async hello(installationClientId: number, cursor = this.cursor): Promise<FrameOf<'welcome'>> {
    this.cursor = cursor;
    const welcome = this.next((f): f is FrameOf<'welcome'> => f.type === 'welcome');
    this.send({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      clientVersion: '0.1.0',
      installationClientId,
      cursor,
    });
    return welcome;
  }

  /** Catch-up pages from the cursor until `done`; `onPage` sees every page's changes. */
  async catchUp(
    limit = 5000,
    onPage?: (changes: readonly Change[]) => void,
  ): Promise<CatchUpResult> {
    this.catchingUp = true;
    try {
      let pages = 0;
      let records = 0;
      for (;;) {
        const page = this.next((f): f is FrameOf<'catchupPage'> => f.type === 'catchupPage');
        this.send({ type: 'catchupRequest', afterSeq: this.cursor, limit });
        const p = await page;
        pages += 1;
        records += p.changes.length;
        onPage?.(p.changes);
        this.cursor = Math.max(this.cursor, p.nextSeq);
        if (p.done) return { cursor: this.cursor, pages, records };
      }
    } finally {
      this.catchingUp = false;
    }
  }

  /** Sends an update; resolves with its ack (rejects on an error frame for it). */
  update(docName: string, payload: Uint8Array): Promise<Ack> {
    const clientSeq = this.nextClientSeq++;
    const acked = new Promise<Ack>((resolve, reject) =>
      this.acks.set(clientSeq, { resolve, reject }),
    );
    this.send({ type: 'update', docName, clientSeq, payload });
    return acked;
  }

  /** Live changes, with the time (performance.now()) their frame arrived. */
  onChange(listener: (c: Change, at: number) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(1000, 'bench done');
    });
  }

  /** Drops the connection without a closing handshake (a network failure). */
  terminate(): void {
    this.ws.terminate();
  }

  private next<T extends Frame>(match: (f: Frame) => f is T): Promise<T> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ match, resolve: resolve as (f: Frame) => void, reject });
    });
  }

  private send(frame: Frame): void {
    this.ws.send(encodeFrame(frame));
  }

  private onMessage(data: Buffer): void {
    const at = performance.now();
    if (this.ignoreLive && data[0] === FRAME_TYPES.change) return;
    const decoded = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.length));
    if (!decoded.ok) throw new Error(`unreadable frame: ${decoded.error.message}`);
    const frame = decoded.value;
    switch (frame.type) {
      case 'change':
        // Live changes move the cursor only when contiguous and outside a catch-up.
        if (!this.catchingUp && frame.change.seq === this.cursor + 1)
          this.cursor = frame.change.seq;
        for (const l of this.changeListeners) l(frame.change, at);
        return;
      case 'ack': {
        const pending = this.acks.get(frame.clientSeq);
        this.acks.delete(frame.clientSeq);
        pending?.resolve(frame);
        return;
      }
      case 'error': {
        const pending = frame.clientSeq === null ? undefined : this.acks.get(frame.clientSeq);
        if (pending) {
          this.acks.delete(frame.clientSeq!);
          pending.reject(new Error(`${frame.code}: ${frame.message}`));
        } else {
          process.stderr.write(`[raw-client] error frame ${frame.code}: ${frame.message}\n`);
        }
        return;
      }
      case 'welcome':
      case 'catchupPage':
      case 'evict':
      case 'docSync': {
        const i = this.waiters.findIndex((w) => w.match(frame));
        if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(frame);
        return;
      }
      case 'hello':
      case 'update':
      case 'catchupRequest':
        return; // client → server frames; a server never sends them
    }
  }
}
