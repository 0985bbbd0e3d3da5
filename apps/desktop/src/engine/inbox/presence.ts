/**
 * Presence: who else is viewing the conversation the renderer has open (issue 5, "Yjs
 * awareness"). While a conversation is open and the sync socket is online, the engine joins the
 * server's awareness-only room `/yjs/conversation:<id>` (apps/sync-server README, "Presence
 * rooms") with the y-protocols awareness encoding over `ws`, its local state being
 * `{ user: { id, name }, viewing: conversationId, typing?: boolean }`. It leaves when the
 * conversation is closed (or another one opens), and emits `inbox:presence` with the other
 * viewers (other users only; one entry per user, typing if any of their devices types).
 *
 * No document is synced: the server's sync messages are ignored. Offline, refused (4403: the
 * conversation is not visible) or unreachable: nobody is shown, nothing is raised, and the room is
 * tried again with backoff while online (not after 4403). The token goes in the Authorization
 * header, fresh for every connection.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Logger } from '../logger.ts';

const MESSAGE_AWARENESS = 1;
const FORBIDDEN = 4403;
export const PRESENCE_ROOM_PREFIX = 'conversation:';

export interface Viewer {
  userId: string;
  name: string;
  typing: boolean;
}

export interface PresenceOptions {
  serverUrl: string;
  /** A fresh access token (rejects when signed out or unreachable). */
  token: () => Promise<string>;
  /** The other viewers of `conversationId` changed (an empty list when leaving). */
  onViewers: (conversationId: string, viewers: Viewer[]) => void;
  log: Logger;
  timing?: { retryBaseMs?: number; retryCapMs?: number };
}

interface Room {
  readonly conversationId: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  ws: WebSocket | null;
  retry: NodeJS.Timeout | null;
  retryMs: number;
  refused: boolean;
  last: string;
}

export function presenceUrl(serverUrl: string, conversationId: string): string {
  const url = new URL(serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const room = encodeURIComponent(PRESENCE_ROOM_PREFIX + conversationId);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/yjs/${room}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

function awarenessMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

export class Presence {
  private me: { id: string; name: string } | null = null;
  private online = false;
  private room: Room | null = null;
  private typing = false;
  private closed = false;

  constructor(private readonly o: PresenceOptions) {}

  /** The signed-in user (null: signed out, which leaves the room). */
  account(me: { id: string; name: string } | null): void {
    const changed = me?.id !== this.me?.id || me?.name !== this.me?.name;
    this.me = me;
    if (changed && this.room) this.view(this.room.conversationId, this.typing, true);
  }

  /** The sync socket's status: rooms are joined only while online. */
  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    const room = this.room;
    if (!room) return;
    if (online) {
      room.refused = false;
      room.retryMs = 0;
      this.connect(room);
    } else {
      this.disconnect(room);
    }
  }

  /** The renderer shows this conversation (null: none); `typing` while composing in it. */
  view(conversationId: string | null, typing = false, rejoin = false): void {
    if (this.closed) return;
    this.typing = typing;
    const current = this.room;
    if (current && current.conversationId === conversationId && !rejoin) {
      this.publish(current);
      return;
    }
    if (current) this.leave(current);
    if (conversationId === null || !this.me) return;
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    const room: Room = {
      conversationId,
      doc,
      awareness,
      ws: null,
      retry: null,
      retryMs: 0,
      refused: false,
      last: '[]',
    };
    this.room = room;
    awareness.on(
      'update',
      (ch: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        if (origin === 'local') {
          const ws = room.ws;
          if (ws?.readyState === WebSocket.OPEN) {
            const ids = [...ch.added, ...ch.updated, ...ch.removed];
            ws.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, ids)));
          }
        }
      },
    );
    awareness.on('change', () => this.report(room));
    this.publish(room);
    if (this.online) this.connect(room);
  }

  close(): void {
    this.closed = true;
    if (this.room) this.leave(this.room);
  }

  private publish(room: Room): void {
    if (!this.me) return;
    room.awareness.setLocalState({
      user: { id: this.me.id, name: this.me.name },
      viewing: room.conversationId,
      ...(this.typing ? { typing: true } : {}),
    });
  }

  private connect(room: Room): void {
    if (room.ws || room.refused || this.room !== room || !this.online) return;
    this.o
      .token()
      .then((token) => {
        if (this.room !== room || room.ws || !this.online) return;
        const ws = new WebSocket(presenceUrl(this.o.serverUrl, room.conversationId), {
          headers: { authorization: `Bearer ${token}` },
          perMessageDeflate: false,
        });
        room.ws = ws;
        ws.binaryType = 'nodebuffer';
        ws.on('open', () => {
          room.retryMs = 0;
          const update = awarenessProtocol.encodeAwarenessUpdate(room.awareness, [
            room.doc.clientID,
          ]);
          ws.send(awarenessMessage(update));
        });
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          if (!isBinary || room.ws !== ws) return;
          this.onMessage(room, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        });
        ws.on('error', (err) => this.o.log.debug('presence socket error', { error: err.message }));
        ws.on('close', (code) => {
          if (room.ws !== ws) return;
          room.ws = null;
          this.dropRemote(room);
          if (code === FORBIDDEN) room.refused = true;
          else this.retryLater(room);
        });
      })
      .catch((err: unknown) => {
        this.o.log.debug('presence: no token', { error: String(err) });
        this.retryLater(room);
      });
  }

  private onMessage(room: Room, data: Uint8Array): void {
    try {
      const d = decoding.createDecoder(data);
      // Sync messages (0) are ignored: a presence room has no document.
      if (decoding.readVarUint(d) !== MESSAGE_AWARENESS) return;
      awarenessProtocol.applyAwarenessUpdate(
        room.awareness,
        decoding.readVarUint8Array(d),
        'remote',
      );
    } catch (err) {
      this.o.log.debug('presence: bad message', { error: String(err) });
    }
  }

  private retryLater(room: Room): void {
    if (this.room !== room || !this.online || room.retry) return;
    const base = this.o.timing?.retryBaseMs ?? 1000;
    room.retryMs = Math.min(this.o.timing?.retryCapMs ?? 30_000, room.retryMs * 2 || base);
    room.retry = setTimeout(() => {
      room.retry = null;
      this.connect(room);
    }, room.retryMs);
    room.retry.unref?.();
  }

  private disconnect(room: Room): void {
    if (room.retry) clearTimeout(room.retry);
    room.retry = null;
    const ws = room.ws;
    room.ws = null;
    if (ws) {
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'left');
    }
    this.dropRemote(room);
  }

  private leave(room: Room): void {
    this.disconnect(room);
    room.awareness.destroy();
    room.doc.destroy();
    if (this.room === room) this.room = null;
    if (room.last !== '[]') this.o.onViewers(room.conversationId, []);
  }

  /** Forgets the other clients' states (the socket is gone). */
  private dropRemote(room: Room): void {
    const others = [...room.awareness.getStates().keys()].filter((id) => id !== room.doc.clientID);
    if (others.length > 0) awarenessProtocol.removeAwarenessStates(room.awareness, others, 'gone');
    this.report(room);
  }

  private report(room: Room): void {
    if (this.room !== room) return;
    const viewers = new Map<string, Viewer>();
    for (const [clientId, state] of room.awareness.getStates()) {
      if (clientId === room.doc.clientID) continue;
      const s = state as {
        user?: { id?: unknown; name?: unknown };
        viewing?: unknown;
        typing?: unknown;
      };
      const id = s.user?.id;
      if (typeof id !== 'string' || id === this.me?.id || s.viewing !== room.conversationId)
        continue;
      const name = typeof s.user?.name === 'string' ? s.user.name : '';
      const typing = s.typing === true || (viewers.get(id)?.typing ?? false);
      viewers.set(id, { userId: id, name, typing });
    }
    const list = [...viewers.values()].sort((a, b) => a.name.localeCompare(b.name));
    const key = JSON.stringify(list);
    if (key === room.last) return;
    room.last = key;
    this.o.onViewers(room.conversationId, list);
  }
}
