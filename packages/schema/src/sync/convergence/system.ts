/**
 * The whole sync system in memory: one server replica, N client replicas, and per-client message
 * queues in both directions carrying real encoded frames. Operations are data (`Op`), so
 * fast-check can generate and shrink them; `heal` brings the system to quiescence.
 */
import type { FieldWriteCheck } from '../decide.ts';
import { decodeFrame, encodeFrame } from '../protocol.ts';
import type { Change, Frame } from '../protocol-types.ts';
import { ModelClient } from './model-client.ts';
import { ModelServer } from './model-server.ts';
import { WriteLog } from './write-log.ts';

export type Op =
  | {
      readonly kind: 'edit';
      readonly client: number;
      readonly record: number;
      readonly changes: Record<string, unknown>;
    }
  | { readonly kind: 'create'; readonly client: number; readonly fields: Record<string, unknown> }
  | {
      readonly kind: 'serverEdit';
      readonly record: number;
      readonly changes: Record<string, unknown>;
    }
  | {
      readonly kind: 'deliver';
      readonly client: number;
      readonly up: boolean;
      readonly pick: number;
      readonly duplicate: boolean;
    }
  | { readonly kind: 'connect' | 'disconnect' | 'restart'; readonly client: number }
  | { readonly kind: 'serverRestart' };

export interface SystemConfig {
  /** Distinct installation client ids, one per client. */
  readonly clientIds: readonly number[];
  readonly pageSize: number;
}

/** Edits favour the shared seed records, where concurrent writes meet. */
const seedsFirst = (a: string, b: string): number =>
  Number(!a.startsWith('lead:seed')) - Number(!b.startsWith('lead:seed')) || a.localeCompare(b);

/** Client 2 plays an SDR who may not reassign leads. */
const sdrCannotReassign: FieldWriteCheck = (field) => field !== 'ownerId';
const anyField: FieldWriteCheck = () => true;

export class SyncSystem {
  readonly writes = new WriteLog();
  readonly server: ModelServer;
  readonly clients: ModelClient[];
  private readonly up: Uint8Array[][];
  private readonly down: Uint8Array[][];

  constructor(config: SystemConfig) {
    this.server = new ModelServer(this.writes, config.pageSize);
    this.clients = config.clientIds.map(
      (id, i) =>
        new ModelClient(
          i,
          id,
          i === 2 ? sdrCannotReassign : anyField,
          this.writes,
          config.pageSize,
        ),
    );
    this.up = this.clients.map(() => []);
    this.down = this.clients.map(() => []);
    this.server.create('seed0', { firstName: 'Ada', status: 'new' });
    this.server.create('seed1', { company: 'Acme', tags: ['x'] });
    this.heal();
  }

  run(op: Op): void {
    const n = this.clients.length;
    switch (op.kind) {
      case 'edit': {
        const c = this.clients[op.client % n]!;
        const names = [...c.docs.keys()].sort(seedsFirst);
        if (names.length > 0)
          this.send(c.index, c.edit(names[op.record % names.length]!, op.changes));
        return;
      }
      case 'create': {
        const c = this.clients[op.client % n]!;
        this.send(c.index, c.create(op.fields));
        return;
      }
      case 'serverEdit': {
        const names = [...this.server.docs.keys()].sort(seedsFirst);
        const change = this.server.serverEdit(names[op.record % names.length]!, op.changes);
        if (change) this.broadcast([change]);
        return;
      }
      case 'deliver':
        if (op.up) this.deliverUp(op.client % n, op.pick, op.duplicate);
        else this.deliverDown(op.client % n, op.pick, op.duplicate);
        return;
      case 'connect': {
        const c = this.clients[op.client % n]!;
        if (!c.connected) this.send(c.index, c.connect());
        return;
      }
      case 'disconnect':
        this.disconnect(op.client % n);
        return;
      case 'restart':
        this.disconnect(op.client % n);
        this.clients[op.client % n]!.restart();
        return;
      case 'serverRestart':
        for (let i = 0; i < n; i++) this.disconnect(i);
        this.server.restart();
        return;
    }
  }

  /** Reconnects everyone and delivers everything in order until nothing is left to do. */
  heal(maxRounds = 20): void {
    for (let round = 0; round < maxRounds; round++) {
      for (const c of this.clients) {
        if (c.connected && c.outbox.length > 0) this.disconnect(c.index); // resend what was refused
        if (!c.connected) this.send(c.index, c.connect());
      }
      while (this.pending() > 0) {
        for (let i = 0; i < this.clients.length; i++) {
          while (this.up[i]!.length > 0) this.deliverUp(i, 0, false);
          while (this.down[i]!.length > 0) this.deliverDown(i, 0, false);
        }
      }
      if (this.clients.every((c) => c.outbox.length === 0 && c.cursor === this.server.headSeq))
        return;
    }
    throw new Error('the system did not reach quiescence');
  }

  private pending(): number {
    return this.up.reduce((s, q) => s + q.length, 0) + this.down.reduce((s, q) => s + q.length, 0);
  }

  private disconnect(i: number): void {
    this.clients[i]!.connected = false;
    this.up[i] = [];
    this.down[i] = [];
  }

  private send(i: number, frames: readonly Frame[]): void {
    for (const f of frames) this.up[i]!.push(encodeFrame(f));
  }

  private broadcast(changes: readonly Change[]): void {
    for (const c of this.clients) {
      if (!c.connected) continue;
      for (const change of changes)
        this.down[c.index]!.push(encodeFrame({ type: 'change', change }));
    }
  }

  private take(queue: Uint8Array[], pick: number, duplicate: boolean): Frame | null {
    if (queue.length === 0) return null;
    const i = pick % queue.length;
    const bytes = queue[i]!;
    if (!duplicate) queue.splice(i, 1);
    const decoded = decodeFrame(bytes);
    if (!decoded.ok) throw new Error(`undecodable frame: ${decoded.error.message}`);
    return decoded.value;
  }

  private deliverUp(i: number, pick: number, duplicate: boolean): void {
    const frame = this.take(this.up[i]!, pick, duplicate);
    if (!frame) return;
    const { replies, broadcast } = this.server.handle(frame, this.clients[i]!.canWrite);
    for (const r of replies) this.down[i]!.push(encodeFrame(r));
    this.broadcast(broadcast);
  }

  private deliverDown(i: number, pick: number, duplicate: boolean): void {
    const frame = this.take(this.down[i]!, pick, duplicate);
    if (!frame) return;
    this.send(i, this.clients[i]!.receive(frame));
  }
}
