/**
 * Awareness (presence) between server instances sharing one Postgres: each `/yjs` room keeps the
 * awareness of its own sockets, and the relay carries every local awareness update to the rooms
 * of the same workspace and doc on the other instances (yjs-hub.ts). Awareness is ephemeral:
 * nothing is stored. Messages travel as `NOTIFY sync_awareness` (payloads stay under Postgres's
 * 8000-byte limit: a larger message is split into parts sent in one transaction and put back
 * together by each listener). A client whose instance dies without saying goodbye times out on
 * the others like any silent awareness client (y-protocols: 30 s without a renewal).
 *
 * With PGlite (one process, one instance) there is no relay.
 */
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import type { Logger } from '../logger.ts';
import { loggableError } from '../logger.ts';

export const AWARENESS_CHANNEL = 'sync_awareness';
/** Characters of one part (ASCII), header included well under 8000 bytes. */
const PART_CHARS = 7000;
/** A message whose parts did not all arrive in this time is dropped. */
const REASSEMBLY_MS = 10_000;

export interface AwarenessRelayMessage {
  /** `update`: apply it. `query`: an instance opened the room; send your sockets' states. */
  readonly type: 'update' | 'query';
  readonly workspaceId: string;
  readonly docName: string;
  /** An awareness update (y-protocols encoding); empty for `query`. */
  readonly update: Uint8Array;
}

export type AwarenessRelayListener = (m: AwarenessRelayMessage) => void;

export interface AwarenessRelay {
  /** Sends to the other instances (never back to this one); failures are logged. */
  publish(m: AwarenessRelayMessage): void;
  subscribe(listener: AwarenessRelayListener): () => void;
  close(): Promise<void>;
}

/** `<instance> <message> <part> <parts> <chunk>`: the chunks join into base64 of the JSON body. */
export function encodeRelayParts(instance: string, id: number, m: AwarenessRelayMessage): string[] {
  const body = JSON.stringify([
    m.type,
    m.workspaceId,
    m.docName,
    Buffer.from(m.update).toString('base64'),
  ]);
  const b64 = Buffer.from(body, 'utf8').toString('base64');
  const n = Math.max(1, Math.ceil(b64.length / PART_CHARS));
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    parts.push(`${instance} ${id} ${i} ${n} ${b64.slice(i * PART_CHARS, (i + 1) * PART_CHARS)}`);
  }
  return parts;
}

function decodeBody(b64: string): AwarenessRelayMessage | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 4 || !v.every((x) => typeof x === 'string')) return null;
    const [type, workspaceId, docName, update] = v;
    if (type !== 'update' && type !== 'query') return null;
    return {
      type,
      workspaceId: workspaceId!,
      docName: docName!,
      update: new Uint8Array(Buffer.from(update!, 'base64')),
    };
  } catch {
    return null;
  }
}

/** Puts parts back together; ignores this instance's own messages. */
export class RelayAssembler {
  private readonly pending = new Map<string, { parts: string[]; got: number; at: number }>();

  constructor(
    private readonly self: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The whole message once its last part is in, else null (also for garbage). */
  add(payload: string): AwarenessRelayMessage | null | 'own' {
    const [instance, id, i, n] = payload.split(' ', 4);
    const at = Number(i);
    const count = Number(n);
    const chunk = payload.slice([instance, id, i, n].join(' ').length + 1);
    if (!instance || !id || !Number.isInteger(at) || !Number.isInteger(count) || at >= count) {
      return null;
    }
    if (instance === this.self) return 'own';
    if (count === 1) return decodeBody(chunk);
    const now = this.now();
    for (const [k, e] of this.pending) if (now - e.at > REASSEMBLY_MS) this.pending.delete(k);
    const key = `${instance} ${id}`;
    let e = this.pending.get(key);
    if (!e) this.pending.set(key, (e = { parts: new Array<string>(count), got: 0, at: now }));
    if (e.parts[at] === undefined) e.got++;
    e.parts[at] = chunk;
    if (e.got < count) return null;
    this.pending.delete(key);
    return decodeBody(e.parts.join(''));
  }
}

/** The relay over postgres.js LISTEN/NOTIFY (shares `sql.listen`'s dedicated connection). */
export class PostgresAwarenessRelay implements AwarenessRelay {
  private readonly instance = randomUUID();
  private readonly listeners = new Set<AwarenessRelayListener>();
  private readonly assembler = new RelayAssembler(this.instance);
  private unlisten: (() => Promise<void>) | null = null;
  private nextId = 0;
  private closed = false;

  private constructor(
    private readonly client: postgres.Sql,
    private readonly logger: Logger,
  ) {}

  static async start(client: postgres.Sql, logger: Logger): Promise<PostgresAwarenessRelay> {
    const relay = new PostgresAwarenessRelay(client, logger);
    const sub = await client.listen(AWARENESS_CHANNEL, (payload) => relay.receive(payload));
    relay.unlisten = () => sub.unlisten();
    return relay;
  }

  private receive(payload: string): void {
    const m = this.assembler.add(payload);
    if (m === 'own') return;
    if (!m) return this.logger.debug('awareness relay: partial or malformed message');
    for (const l of this.listeners) l(m);
  }

  publish(m: AwarenessRelayMessage): void {
    if (this.closed) return;
    const parts = encodeRelayParts(this.instance, this.nextId++, m);
    const sent =
      parts.length === 1
        ? this.client.notify(AWARENESS_CHANNEL, parts[0]!)
        : this.client.begin(async (tx) => {
            for (const p of parts) await tx.notify(AWARENESS_CHANNEL, p);
          });
    sent.then(
      () => undefined,
      (err: unknown) =>
        this.logger.warn({ err: loggableError(err) }, 'awareness relay: publish failed'),
    );
  }

  subscribe(listener: AwarenessRelayListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    const u = this.unlisten;
    this.unlisten = null;
    if (u) await u().catch(() => {});
  }
}
