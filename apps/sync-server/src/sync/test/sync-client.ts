/** A minimal `/sync` client for tests: real WebSocket, real frames, a queue to wait on. */
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
  decodeFrame,
  encodeFrame,
  PROTOCOL_VERSION,
  type Change,
  type Frame,
  type FrameOf,
  type FrameType,
} from '@sdr/schema/sync';

export class SyncTestClient {
  readonly frames: Frame[] = [];
  /** Every message as received, in order. */
  readonly raw: Uint8Array[] = [];
  /** Raw, undecodable messages (there should be none). */
  readonly garbage: Uint8Array[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];
  private readonly replies = new Map<number, (f: FrameOf<'ack'> | FrameOf<'error'>) => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.raw.push(new Uint8Array(data));
      const d = decodeFrame(new Uint8Array(data));
      if (d.ok) {
        this.frames.push(d.value);
        const f = d.value;
        if ((f.type === 'ack' || f.type === 'error') && f.clientSeq !== null) {
          this.replies.get(f.clientSeq)?.(f);
          this.replies.delete(f.clientSeq);
        }
      } else this.garbage.push(new Uint8Array(data));
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static async connect(wsUrl: string, token: string | null): Promise<SyncTestClient> {
    const ws = new WebSocket(`${wsUrl}/sync${token ? `?token=${encodeURIComponent(token)}` : ''}`);
    const c = new SyncTestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(frame: Frame): void {
    this.ws.send(encodeFrame(frame));
  }

  /** Waits for the first frame (from index `from`) matching `pred`. */
  async waitFor<T extends Frame>(
    pred: (f: Frame) => f is T,
    { from = 0, timeoutMs = 5000 }: { from?: number; timeoutMs?: number } = {},
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let checked = from;
    for (;;) {
      for (; checked < this.frames.length; checked++) {
        const f = this.frames[checked]!;
        if (pred(f)) return f;
      }
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0) {
        const recent = this.frames.slice(-10).map((f) => f.type);
        throw new Error(`timed out after ${this.frames.length} frames; last: ${recent.join(', ')}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits until `cond` holds (checked after every frame). */
  async waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  waitType<T extends FrameType>(type: T, from = 0, timeoutMs = 5000): Promise<FrameOf<T>> {
    return this.waitFor((f): f is FrameOf<T> => f.type === type, { from, timeoutMs });
  }

  async waitClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closed;
  }

  async hello(
    opts: {
      cursor?: number;
      clientId?: number;
      clientVersion?: string;
      protocolVersion?: number;
    } = {},
  ): Promise<FrameOf<'welcome'>> {
    this.send({
      type: 'hello',
      protocolVersion: opts.protocolVersion ?? PROTOCOL_VERSION,
      clientVersion: opts.clientVersion ?? '1.0.0',
      installationClientId: opts.clientId ?? 1234,
      cursor: opts.cursor ?? 0,
    });
    return this.waitType('welcome');
  }

  /** Pages through catch-up from `afterSeq`; returns every change and the final cursor. */
  async catchup(afterSeq = 0, limit = 100): Promise<{ changes: Change[]; cursor: number }> {
    const changes: Change[] = [];
    let cursor = afterSeq;
    for (;;) {
      const from = this.frames.length;
      this.send({ type: 'catchupRequest', afterSeq: cursor, limit });
      const page = await this.waitType('catchupPage', from);
      changes.push(...page.changes);
      cursor = page.nextSeq;
      if (page.done) return { changes, cursor };
    }
  }

  /** Sends an update and waits for its ack or error. */
  async update(
    docName: string,
    clientSeq: number,
    payload: Uint8Array,
  ): Promise<FrameOf<'ack'> | FrameOf<'error'>> {
    const reply = new Promise<FrameOf<'ack'> | FrameOf<'error'>>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no reply to update ${clientSeq}`)), 10_000);
      this.replies.set(clientSeq, (f) => {
        clearTimeout(t);
        resolve(f);
      });
    });
    this.send({ type: 'update', docName, clientSeq, payload });
    return reply;
  }

  /** Live `change` frames received so far for a doc. */
  changesFor(docName: string): Change[] {
    return this.frames
      .filter((f): f is FrameOf<'change'> => f.type === 'change')
      .map((f) => f.change)
      .filter((c) => 'docName' in c && c.docName === docName);
  }

  close(): void {
    this.ws.close();
  }
}

/** The doc name of a record or evict change ('' for facts). */
export function docNameOf(c: Change): string {
  return c.kind === 'fact' ? '' : c.docName;
}

/** A local replica of one doc: merges every update it is given. */
export function replica(name: string, ...updates: (Uint8Array | null)[]): Y.Doc {
  const doc = new Y.Doc({ guid: name });
  for (const u of updates) if (u) Y.applyUpdate(doc, u);
  return doc;
}
