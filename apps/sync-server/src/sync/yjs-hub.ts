/**
 * The standard y-websocket endpoint, `GET /yjs/:docName?token=…`, speaking the unmodified
 * protocol (y-protocols sync + awareness; messageSync = 0, messageAwareness = 1,
 * messageQueryAwareness = 3), so a stock `WebsocketProvider` can edit one record live with
 * presence. A room per doc holds only its connections and their awareness; the doc's state is
 * read from the lead row when a client asks (sync step 1). Writes (sync step 2, updates) go
 * through the authority path; every committed change of the doc — from here, `/sync`, REST or
 * another instance — reaches the room through the fan-out, compensations included. A doc of
 * another workspace, or one the user cannot (or can no longer) see, closes the socket with 4403.
 *
 * **Presence rooms** `conversation:<id>` carry awareness only ("who else is viewing this
 * conversation"): nothing is stored or relayed for their doc. The server answers sync step 1 with
 * an empty step 2 (a stock provider becomes `synced`) and ignores every step 2 / update. Admission
 * follows the conversation's visibility (`canSeeFact`: another workspace, an unknown conversation
 * or one the user may not see → 4403; a reassignment that takes it out of their view closes the
 * socket too). An awareness state must name its sender (`user.id` = the token's user) or be null;
 * an update that claims to be someone else is dropped.
 *
 * **Across instances** (Postgres): each room relays its sockets' awareness changes to the rooms
 * of the same workspace and doc on the other instances and asks them for their states when it
 * opens (awareness-relay.ts); relayed states time out like any silent client's.
 */
import type WebSocket from 'ws';
import { sql } from 'drizzle-orm';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';
import * as Y from 'yjs';
import { canSeeFact, canSeeLead, type Viewer } from '@sdr/domain';
import type { Logger } from '../logger.ts';
import { loggableError } from '../logger.ts';
import type { AwarenessRelayMessage } from './awareness-relay.ts';
import type { FeedItem } from './fanout.ts';
import { CLOSE_CODES } from './close-codes.ts';
import type { Backlog, SocketAuth } from './socket-auth.ts';
import { queryRows } from './sql.ts';
import type { SyncCore } from './sync-core.ts';
import { syncStep1Bytes, syncStep2Bytes, syncUpdateBytes } from './sync-messages.ts';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;
/** Awareness-only rooms: `conversation:<conversationId>`. */
export const PRESENCE_PREFIX = 'conversation:';
/** An empty doc's update (sync step 2 of a presence room). */
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());
/** Awareness origins: an update relayed from another instance; the states of a socket that left. */
const REMOTE = Symbol('remote');
const LEFT = Symbol('left');

interface Member {
  readonly auth: SocketAuth;
  viewer: Viewer;
  readonly awarenessIds: Set<number>;
  /** Judged and let in (`join`): until then the socket is only watched, never sent to. */
  admitted: boolean;
}

interface Room {
  readonly docName: string;
  /** Awareness only (a `conversation:` room): no doc content. */
  readonly presence: boolean;
  readonly workspaceId: string;
  readonly members: Map<WebSocket, Member>;
  readonly awareness: awarenessProtocol.Awareness;
  /** The other instances were asked for their states (at the first admission). */
  queried: boolean;
}

interface WorkspaceRooms {
  readonly rooms: Map<string, Room>;
  unsubscribe: () => void;
}

function envelope(type: number, body: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  encoding.writeUint8Array(e, body);
  return encoding.toUint8Array(e);
}

function awarenessMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

export class YjsHub {
  private readonly workspaces = new Map<string, WorkspaceRooms>();
  private readonly pending = new Map<string, Promise<WorkspaceRooms>>();
  private readonly unsubscribeRelay: (() => void) | null;

  constructor(
    private readonly core: SyncCore,
    private readonly logger: Logger,
  ) {
    this.unsubscribeRelay = core.bus.awareness?.subscribe((m) => this.onRelayed(m)) ?? null;
  }

  /**
   * Admits an authenticated socket to a doc's room, or closes it (4403). The socket joins its
   * room first and is judged after: a change committed meanwhile (a reassignment, the re-stamped
   * rows after a `visibility` marker) finds it in the room and closes it, and the checks read
   * after the subscription. Until admitted it is sent nothing.
   */
  async join(ws: WebSocket, auth: SocketAuth, docName: string, early: Backlog): Promise<void> {
    const { workspaceId, userId, role } = auth;
    const presence = docName.startsWith(PRESENCE_PREFIX);
    const viewer = await this.core.visibility.viewer(workspaceId, userId, role);
    const ws$ = await this.workspaceRooms(workspaceId);
    if (ws.readyState !== ws.OPEN) return this.maybeDrop(workspaceId);
    const room = this.roomOf(ws$, workspaceId, docName, presence);
    const member: Member = { auth, viewer, awarenessIds: new Set(), admitted: false };
    room.members.set(ws, member);
    ws.on('close', () => this.leave(ws, room));
    const stored = presence ? null : await this.core.authority.readDoc(docName);
    const policy = await this.core.visibility.policy(workspaceId);
    if (presence) {
      const [conv] = await queryRows<{ workspace_id: string; assignee_id: string | null }>(
        this.core.db,
        sql`select workspace_id, assignee_id from conversation where id = ${docName.slice(PRESENCE_PREFIX.length)}`,
      );
      if (
        !conv ||
        conv.workspace_id !== workspaceId ||
        !canSeeFact(this.viewerOf(member), 'conversation', { assigneeId: conv.assignee_id }, policy)
      ) {
        return ws.close(CLOSE_CODES.forbidden, 'not available');
      }
    } else if (
      stored &&
      (stored.workspaceId !== workspaceId ||
        !canSeeLead(this.viewerOf(member), { ownerId: stored.ownerId }, policy))
    ) {
      return ws.close(CLOSE_CODES.forbidden, 'not available');
    }
    // Closed while judged (by a change, or by the client): `leave` has run.
    if (ws.readyState !== ws.OPEN) return;
    member.admitted = true;
    if (!room.queried) {
      // The other instances' rooms of this doc answer with their sockets' states.
      room.queried = true;
      this.relay(room, 'query', new Uint8Array());
    }
    const onMessage = (data: Buffer, isBinary: boolean): void => {
      if (!isBinary) return;
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      this.onMessage(ws, room, member, bytes).catch((err: unknown) =>
        this.logger.warn({ err: loggableError(err) }, 'yjs message refused'),
      );
    };
    for (const [data, isBinary] of early.take()) onMessage(data, isBinary);
    ws.on('message', onMessage);
    const sv = stored?.state ? Y.encodeStateVectorFromUpdate(stored.state) : new Uint8Array([0]);
    send(ws, envelope(MESSAGE_SYNC, syncStep1Bytes(sv)));
    const states = room.awareness.getStates();
    if (states.size > 0) {
      send(
        ws,
        awarenessMessage(
          awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...states.keys()]),
        ),
      );
    }
  }

  private roomOf(ws$: WorkspaceRooms, workspaceId: string, docName: string, presence: boolean) {
    const have = ws$.rooms.get(docName);
    if (have) return have;
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    awareness.setLocalState(null);
    const room: Room = {
      docName,
      presence,
      workspaceId,
      members: new Map(),
      awareness,
      queried: false,
    };
    awareness.on(
      'update',
      (
        { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
        origin: unknown,
      ) => {
        const member = room.members.get(origin as WebSocket);
        if (member) {
          for (const id of added) member.awarenessIds.add(id);
          for (const id of removed) member.awarenessIds.delete(id);
        }
        const changed = [...added, ...updated, ...removed];
        const update = awarenessProtocol.encodeAwarenessUpdate(room.awareness, changed);
        const msg = awarenessMessage(update);
        for (const [peer, m] of room.members) if (m.admitted) send(peer, msg);
        // This instance's sockets' changes go to the other instances' rooms (not timeouts:
        // every instance times out a silent client by itself).
        if (member || origin === LEFT) this.relay(room, 'update', update);
      },
    );
    ws$.rooms.set(docName, room);
    return room;
  }

  private async onMessage(ws: WebSocket, room: Room, member: Member, data: Uint8Array) {
    const d = decoding.createDecoder(data);
    const type = decoding.readVarUint(d);
    switch (type) {
      case MESSAGE_SYNC: {
        const kind = decoding.readVarUint(d);
        const body = decoding.readVarUint8Array(d);
        if (room.presence) {
          // Awareness only: an empty doc for step 1; content is never stored or relayed.
          if (kind === messageYjsSyncStep1) {
            send(ws, envelope(MESSAGE_SYNC, syncStep2Bytes(EMPTY_UPDATE)));
          }
          return;
        }
        if (kind === messageYjsSyncStep1) {
          const stored = await this.core.authority.readDoc(room.docName);
          const state = stored?.state ?? Y.encodeStateAsUpdate(new Y.Doc());
          send(ws, envelope(MESSAGE_SYNC, syncStep2Bytes(Y.diffUpdate(state, body))));
        } else if (kind === messageYjsSyncStep2 || kind === messageYjsUpdate) {
          await this.write(ws, room, member, body);
        }
        return;
      }
      case MESSAGE_AWARENESS: {
        const update = decoding.readVarUint8Array(d);
        if (room.presence && !statesNameSender(update, member.auth.userId)) return;
        awarenessProtocol.applyAwarenessUpdate(room.awareness, update, ws);
        return;
      }
      case MESSAGE_QUERY_AWARENESS: {
        const ids = [...room.awareness.getStates().keys()];
        send(ws, awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(room.awareness, ids)));
        return;
      }
      default:
        return;
    }
  }

  private async write(ws: WebSocket, room: Room, member: Member, update: Uint8Array) {
    const { workspaceId, userId } = member.auth;
    const viewer = this.viewerOf(member);
    const r = await this.core.authority.applyRecordUpdate({
      workspaceId,
      userId,
      role: viewer.role,
      viewer,
      policy: this.core.visibility.policyNow(workspaceId),
      clientId: null,
      docName: room.docName,
      update,
    });
    if (r.ok) return;
    if (r.code === 'forbidden') return ws.close(CLOSE_CODES.forbidden, 'not available');
    if (r.code === 'missing_dependencies' && r.stateVector) {
      // Ask again: the client answers with everything the server lacks.
      send(ws, envelope(MESSAGE_SYNC, syncStep1Bytes(r.stateVector)));
    }
  }

  private onChange(c: FeedItem, rooms: Map<string, Room>): void {
    if (c.kind === 'fact') {
      // Server-owned facts are not Yjs docs; a conversation's change may end someone's view of it.
      const room = c.entity === 'conversation' ? rooms.get(PRESENCE_PREFIX + c.id) : undefined;
      if (!room) return;
      const policy = this.core.visibility.policyNow(room.workspaceId);
      for (const [ws, m] of room.members) {
        if (c.data === null || !canSeeFact(this.viewerOf(m), 'conversation', c.data, policy)) {
          ws.close(CLOSE_CODES.forbidden, 'no longer visible');
        }
      }
      return;
    }
    const room = rooms.get(c.docName);
    if (!room) return;
    const update = c.update ?? c.state;
    if (!update) return;
    const msg = envelope(MESSAGE_SYNC, syncUpdateBytes(update));
    const policy = this.core.visibility.policyNow(room.workspaceId);
    for (const [ws, m] of room.members) {
      if (c.row && !canSeeLead(this.viewerOf(m), c.row, policy)) {
        ws.close(CLOSE_CODES.forbidden, 'no longer visible');
        continue;
      }
      if (m.admitted) send(ws, msg);
    }
  }

  /** The member's viewer with the teams and role as last loaded (a change applies at once). */
  private viewerOf(m: Member): Viewer {
    return (m.viewer = this.core.visibility.viewerNow(m.auth.workspaceId, m.viewer));
  }

  private relay(room: Room, type: 'update' | 'query', update: Uint8Array): void {
    const { workspaceId, docName } = room;
    this.core.bus.awareness?.publish({ type, workspaceId, docName, update });
  }

  /** Another instance's awareness for a room of the same workspace and doc. */
  private onRelayed(m: AwarenessRelayMessage): void {
    const room = this.workspaces.get(m.workspaceId)?.rooms.get(m.docName);
    if (!room) return;
    if (m.type === 'query') {
      const ids = [...room.members.values()].flatMap((x) => [...x.awarenessIds]);
      if (ids.length > 0) {
        this.relay(room, 'update', awarenessProtocol.encodeAwarenessUpdate(room.awareness, ids));
      }
      return;
    }
    try {
      awarenessProtocol.applyAwarenessUpdate(room.awareness, m.update, REMOTE);
    } catch (err) {
      this.logger.warn({ err: loggableError(err) }, 'relayed awareness update refused');
    }
  }

  private async workspaceRooms(workspaceId: string): Promise<WorkspaceRooms> {
    const have = this.workspaces.get(workspaceId);
    if (have) return have;
    let p = this.pending.get(workspaceId);
    if (!p) {
      p = (async () => {
        const rooms = new Map<string, Room>();
        const sub = await this.core.fanout.subscribe(workspaceId, (c) => this.onChange(c, rooms));
        const entry = { rooms, unsubscribe: sub.unsubscribe };
        this.workspaces.set(workspaceId, entry);
        this.pending.delete(workspaceId);
        return entry;
      })();
      this.pending.set(workspaceId, p);
    }
    return p;
  }

  private leave(ws: WebSocket, room: Room): void {
    const member = room.members.get(ws);
    room.members.delete(ws);
    if (member && member.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(room.awareness, [...member.awarenessIds], LEFT);
    }
    if (room.members.size === 0) {
      room.awareness.destroy();
      this.workspaces.get(room.workspaceId)?.rooms.delete(room.docName);
      this.maybeDrop(room.workspaceId);
    }
  }

  private maybeDrop(workspaceId: string): void {
    const entry = this.workspaces.get(workspaceId);
    if (entry && entry.rooms.size === 0) {
      this.workspaces.delete(workspaceId);
      entry.unsubscribe();
    }
  }

  close(): void {
    this.unsubscribeRelay?.();
    for (const entry of this.workspaces.values()) entry.unsubscribe();
    this.workspaces.clear();
  }
}

/**
 * True when every state in an awareness update is null (gone) or names `userId` as its `user.id`
 * (wire format: count, then per client: clientID, clock, JSON state).
 */
export function statesNameSender(update: Uint8Array, userId: string): boolean {
  try {
    const d = decoding.createDecoder(update);
    const n = decoding.readVarUint(d);
    for (let i = 0; i < n; i++) {
      decoding.readVarUint(d);
      decoding.readVarUint(d);
      const state = JSON.parse(decoding.readVarString(d)) as { user?: { id?: unknown } } | null;
      if (state !== null && state.user?.id !== userId) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function send(ws: WebSocket, bytes: Uint8Array): void {
  if (ws.readyState === ws.OPEN) ws.send(bytes);
}
