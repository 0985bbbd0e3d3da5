/**
 * One client on the multiplexed `/sync` socket (design §1-5, §9). Per-connection state is a
 * handful of fields: no doc caches. Outgoing pushes are held while the welcome or a catch-up page
 * is being prepared, so the client sees every page before the live changes that follow it.
 */
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { canSeeFact, canSeeLead, isReadOnlyClient, type Viewer } from '@sdr/domain';
import {
  decodeFrame,
  decodeSyncPayload,
  encodeFrame,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  type Frame,
  type FrameOf,
  type ProtocolErrorCode,
} from '@sdr/schema/sync';
import type { Logger } from '../logger.ts';
import { loggableError } from '../logger.ts';
import { catchupPage } from './catchup.ts';
import type { FanoutChange, FeedItem } from './fanout.ts';
import type { FanoutFact } from './facts.ts';
import { syncStep1Bytes, syncStep2Bytes } from './sync-messages.ts';
import { CLOSE_CODES } from './close-codes.ts';
import type { SyncCore } from './sync-core.ts';
import type { SocketAuth } from './socket-auth.ts';

type Variant = 'update' | 'state' | 'evict';
/** How long a catch-up page read ahead waits to be asked for. */
const READ_AHEAD_MS = 2_000;

const encoded = new WeakMap<FanoutChange, Map<Variant, Uint8Array>>();

/** The same change encodes to the same bytes for every connection that gets that variant. */
function changeFrame(c: FanoutChange, variant: Variant): Uint8Array {
  let m = encoded.get(c);
  if (!m) encoded.set(c, (m = new Map<Variant, Uint8Array>()));
  let bytes = m.get(variant);
  if (!bytes) {
    bytes = encodeFrame({
      type: 'change',
      change:
        variant === 'evict'
          ? { kind: 'evict', seq: c.seq, docName: c.docName }
          : {
              kind: 'record',
              seq: c.seq,
              docName: c.docName,
              update: variant === 'state' ? c.state : (c.update ?? c.state),
              row: c.row,
            },
    });
    m.set(variant, bytes);
  }
  return bytes;
}

const encodedFacts = new WeakMap<FanoutFact, Map<boolean, Uint8Array>>();

/** A fact as a change frame: its row when the viewer may see it, else `null` (delete your copy). */
function factFrame(c: FanoutFact, visible: boolean): Uint8Array {
  let m = encodedFacts.get(c);
  if (!m) encodedFacts.set(c, (m = new Map<boolean, Uint8Array>()));
  let bytes = m.get(visible);
  if (!bytes) {
    bytes = encodeFrame({
      type: 'change',
      change: {
        kind: 'fact',
        seq: c.seq,
        entity: c.entity,
        id: c.id,
        data: visible ? c.data : null,
      },
    });
    m.set(visible, bytes);
  }
  return bytes;
}

export class SyncConnection {
  private viewer: Viewer | null = null;
  private readOnly = false;
  private clientId = 0;
  private protocolVersion = PROTOCOL_VERSION;
  private liveFrom = Number.MAX_SAFE_INTEGER;
  private held: Uint8Array[] | null = null;
  private holds = 0;
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private helloPending: Promise<void> | null = null;
  private corked = false;
  /** The catch-up page read ahead (see `readAhead`), holding live changes until it is sent. */
  private ahead: {
    afterSeq: number;
    limit: number;
    page: Promise<FrameOf<'catchupPage'>>;
    timer: NodeJS.Timeout;
  } | null = null;

  constructor(
    private readonly ws: WebSocket,
    readonly auth: SocketAuth,
    private readonly core: SyncCore,
    private readonly logger: Logger,
  ) {}

  onMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (!isBinary) return this.error('malformed_frame', 'frames are binary');
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const decoded = decodeFrame(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    if (!decoded.ok) return this.error('malformed_frame', decoded.error.message);
    this.handle(decoded.value).catch((err: unknown) => {
      this.logger.error({ err: loggableError(err) }, 'sync frame failed');
      this.error('internal', 'the server could not handle this frame');
    });
  }

  onClose(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.ahead) clearTimeout(this.ahead.timer);
    this.ahead = null;
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  private async handle(frame: Frame): Promise<void> {
    if (frame.type === 'hello') {
      if (this.viewer || this.helloPending) {
        return this.error('malformed_frame', 'hello was already sent');
      }
      this.helloPending = this.hello(frame);
      return this.helloPending;
    }
    if (!this.viewer && this.helloPending) await this.helloPending.catch(() => {});
    if (!this.viewer) return this.error('malformed_frame', 'send hello first');
    switch (frame.type) {
      case 'update':
        return this.update(frame);
      case 'catchupRequest':
        return this.serially(() => this.catchup(frame));
      case 'docSync':
        return this.docSync(frame);
      case 'welcome':
      case 'ack':
      case 'catchupPage':
      case 'change':
      case 'evict':
      case 'error':
        return this.error('malformed_frame', `clients do not send ${frame.type} frames`);
    }
  }

  private async hello(frame: FrameOf<'hello'>): Promise<void> {
    const { minClientVersion } = this.core.env;
    const v = frame.protocolVersion;
    if (v < MIN_PROTOCOL_VERSION || v > PROTOCOL_VERSION) {
      this.error(
        'client_too_old',
        `protocol version ${MIN_PROTOCOL_VERSION} to ${PROTOCOL_VERSION} required`,
      );
      return this.close(CLOSE_CODES.protocol, 'unsupported protocol version');
    }
    this.hold();
    const { workspaceId, userId, role } = this.auth;
    const viewer = await this.core.visibility.viewer(workspaceId, userId, role);
    await this.core.visibility.policy(workspaceId);
    const sub = await this.core.fanout.subscribe(workspaceId, (c) => this.push(c));
    if (this.ws.readyState !== this.ws.OPEN) return sub.unsubscribe();
    this.unsubscribe = sub.unsubscribe;
    this.viewer = viewer;
    this.clientId = frame.installationClientId;
    this.protocolVersion = v;
    this.readOnly = isReadOnlyClient(frame.clientVersion, minClientVersion);
    this.liveFrom = sub.head;
    this.sendNow(
      encodeFrame({
        type: 'welcome',
        headSeq: sub.head,
        minClientVersion,
        readOnly: this.readOnly,
      }),
    );
    // The client asks for the page after its cursor next: read a first, short one now (any
    // request for at least that many takes it), so the database works during that round trip
    // and the client starts storing sooner; the pages after it have the size the client asks for.
    if (frame.cursor < sub.head) this.readAhead(frame.cursor, this.core.env.firstPageLimit);
    this.release();
  }

  private push(c: FeedItem): void {
    if (c.seq <= this.liveFrom || !this.viewer) return;
    const { visibility } = this.core;
    const policy = visibility.policyNow(this.auth.workspaceId);
    const viewer = this.liveViewer();
    if (c.kind === 'fact') {
      const visible = c.data !== null && canSeeFact(viewer, c.entity, c.data, policy);
      return this.send(factFrame(c, visible));
    }
    let variant: Variant = 'evict';
    if (c.row && canSeeLead(viewer, c.row, policy)) {
      const restricted = viewer.role === 'sdr' && policy !== 'all';
      // A lead that may just have entered this user's view travels with its full state.
      variant = restricted && c.ownerChanged !== false ? 'state' : 'update';
    }
    this.send(changeFrame(c, variant));
  }

  /**
   * The viewer with the teams and role as last loaded: a team or role change
   * (visibility-restamp.ts) applies to open sockets too, reads and writes alike.
   */
  private liveViewer(): Viewer {
    return (this.viewer = this.core.visibility.viewerNow(this.auth.workspaceId, this.viewer!));
  }

  private async update(frame: FrameOf<'update'>): Promise<void> {
    const { clientSeq, docName } = frame;
    if (this.readOnly) {
      return this.error(
        'read_only',
        'this client version may not write; update the app',
        clientSeq,
      );
    }
    const { workspaceId, userId } = this.auth;
    const viewer = this.liveViewer();
    const r = await this.core.authority.applyRecordUpdate({
      workspaceId,
      userId,
      role: viewer.role,
      viewer,
      policy: this.core.visibility.policyNow(workspaceId),
      clientId: this.clientId,
      docName,
      update: frame.payload,
    });
    if (r.ok) {
      return this.sendNow(
        encodeFrame({
          type: 'ack',
          clientSeq,
          serverSeq: r.seq,
          compensation: r.compensation,
          reasons: r.reasons,
        }),
      );
    }
    this.error(r.code, r.message, clientSeq);
    if (r.code === 'missing_dependencies' && r.stateVector) {
      this.sendNow(
        encodeFrame({ type: 'docSync', docName, payload: syncStep1Bytes(r.stateVector) }),
      );
    }
  }

  private async catchup(frame: FrameOf<'catchupRequest'>): Promise<void> {
    const { afterSeq, limit } = frame;
    // The page read ahead for this request (same cursor, no more changes than asked for) keeps
    // its hold; any other read takes one.
    const ahead = this.takeReadAhead(afterSeq, limit);
    if (!ahead) this.hold();
    try {
      const page = await (ahead ?? this.readPage(afterSeq, limit));
      this.sendNow(encodeFrame(page, this.protocolVersion));
      // A client asks for the next page as soon as it has this one (and then stores this one):
      // read it meanwhile, so the database works while the client does.
      if (!page.done) this.readAhead(page.nextSeq, limit);
    } finally {
      this.release();
    }
  }

  private readPage(afterSeq: number, limit: number): Promise<FrameOf<'catchupPage'>> {
    return this.core.visibility.policy(this.auth.workspaceId).then((policy) =>
      catchupPage(this.core.db, {
        workspaceId: this.auth.workspaceId,
        afterSeq,
        limit,
        viewer: this.liveViewer(),
        policy,
      }),
    );
  }

  /**
   * Reads the page after `afterSeq` before it is asked for. Live changes are held from now until
   * that page is sent (as for any page: none may overtake the snapshot it was read from), so a
   * read ahead that is not asked for within READ_AHEAD_MS, or not in that form, is dropped.
   */
  private readAhead(afterSeq: number, limit: number): void {
    this.dropReadAhead();
    this.hold();
    const page = this.readPage(afterSeq, limit);
    page.catch(() => {}); // a failure surfaces when the page is asked for
    const timer = setTimeout(() => this.dropReadAhead(), READ_AHEAD_MS);
    timer.unref();
    this.ahead = { afterSeq, limit, page, timer };
  }

  private takeReadAhead(afterSeq: number, limit: number): Promise<FrameOf<'catchupPage'>> | null {
    const a = this.ahead;
    if (!a || a.afterSeq !== afterSeq || a.limit > limit) {
      this.dropReadAhead();
      return null;
    }
    clearTimeout(a.timer);
    this.ahead = null;
    return a.page;
  }

  private dropReadAhead(): void {
    const a = this.ahead;
    if (!a) return;
    clearTimeout(a.timer);
    this.ahead = null;
    this.release();
  }

  private async docSync(frame: FrameOf<'docSync'>): Promise<void> {
    const msg = decodeSyncPayload(frame.payload);
    if (!msg.ok) return this.error('malformed_frame', msg.error.message);
    const { docName } = frame;
    if (msg.value.kind === 'step1') {
      const stored = await this.core.authority.readDoc(docName);
      const { workspaceId } = this.auth;
      if (stored) {
        const policy = await this.core.visibility.policy(workspaceId);
        const ok =
          stored.workspaceId === workspaceId &&
          canSeeLead(this.liveViewer(), { ownerId: stored.ownerId }, policy);
        if (!ok) return this.error('forbidden', `${docName} is not available to you`);
      }
      const state = stored?.state ?? Y.encodeStateAsUpdate(new Y.Doc());
      const diff = Y.diffUpdate(state, msg.value.stateVector);
      return this.sendNow(encodeFrame({ type: 'docSync', docName, payload: syncStep2Bytes(diff) }));
    }
    if (this.readOnly) return this.error('read_only', 'this client version may not write');
    const { workspaceId, userId } = this.auth;
    const viewer = this.liveViewer();
    const r = await this.core.authority.applyRecordUpdate({
      workspaceId,
      userId,
      role: viewer.role,
      viewer,
      policy: this.core.visibility.policyNow(workspaceId),
      clientId: this.clientId,
      docName,
      update: msg.value.update,
    });
    if (!r.ok) this.error(r.code, r.message);
  }

  private serially(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(task);
    this.chain = next.catch(() => {});
    return next;
  }

  private hold(): void {
    this.holds++;
    this.held ??= [];
  }

  private release(): void {
    if (--this.holds > 0) return;
    const held = this.held ?? [];
    this.held = null;
    for (const b of held) this.sendNow(b);
  }

  private send(bytes: Uint8Array): void {
    if (this.held) this.held.push(bytes);
    else this.sendNow(bytes);
  }

  private sendNow(bytes: Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // Frames sent in one go (a fan-out batch, the acks of a commit) leave in one write: the
    // socket is corked until the current microtasks are done (one writev instead of one per
    // frame: the fan-out's syscalls were ~10% of the server's CPU under load).
    const socket = (this.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (socket && !this.corked) {
      this.corked = true;
      socket.cork();
      queueMicrotask(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    this.ws.send(bytes);
  }

  error(code: ProtocolErrorCode, message: string, clientSeq: number | null = null): void {
    this.sendNow(encodeFrame({ type: 'error', code, message: message.slice(0, 4000), clientSeq }));
  }
}
