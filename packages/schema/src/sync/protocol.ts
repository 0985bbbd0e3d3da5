/**
 * Encoding and decoding of sync frames (types in protocol-types.ts). `decodeFrame` never throws:
 * malformed, truncated or out-of-bounds input comes back as `{ ok: false, error }`.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { parseDocName } from '../records/doc-name.ts';
import { readAny, readString, writeAny, writeString } from './any-codec.ts';
import { isInstallationClientId } from './client-id.ts';
import {
  COMPENSATION_CODES,
  FRAME_TYPES,
  PROTOCOL_ERROR_CODES,
  PROTOCOL_LIMITS as L,
  PROTOCOL_VERSION,
  type Change,
  type DecodeResult,
  type Frame,
  type FrameErrorCode,
  type FrameType,
  type Reason,
} from './protocol-types.ts';

const CHANGE_KINDS = ['record', 'evict', 'fact'] as const;
const TYPE_BY_ID = new Map<number, FrameType>(
  Object.entries(FRAME_TYPES).map(([name, id]) => [id, name as FrameType]),
);

type E = encoding.Encoder;

function writeBool(e: E, b: boolean): void {
  encoding.writeUint8(e, b ? 1 : 0);
}
function writeOptBytes(e: E, b: Uint8Array | null): void {
  writeBool(e, b !== null);
  if (b !== null) encoding.writeVarUint8Array(e, b);
}

/** Row flags of a record change: none, lib0 any-encoded, JSON text (protocol ≥ 2). */
const ROW_NONE = 0;
const ROW_ANY = 1;
const ROW_JSON = 2;

function writeChange(e: E, c: Change, peerVersion: number): void {
  encoding.writeVarUint(e, CHANGE_KINDS.indexOf(c.kind));
  encoding.writeVarUint(e, c.seq);
  switch (c.kind) {
    case 'record': {
      writeString(e, c.docName);
      writeOptBytes(e, c.update);
      if (c.rowJson !== undefined && peerVersion >= 2) {
        encoding.writeUint8(e, ROW_JSON);
        writeString(e, c.rowJson);
        return;
      }
      const row = c.rowJson !== undefined ? (JSON.parse(c.rowJson) as unknown) : c.row;
      encoding.writeUint8(e, row !== null ? ROW_ANY : ROW_NONE);
      if (row !== null) writeAny(e, row);
      return;
    }
    case 'evict':
      writeString(e, c.docName);
      return;
    case 'fact':
      encoding.writeVarString(e, c.entity);
      encoding.writeVarString(e, c.id);
      writeAny(e, c.data);
      return;
  }
}

function writeReason(e: E, r: Reason): void {
  encoding.writeVarString(e, r.field);
  encoding.writeVarUint(e, COMPENSATION_CODES.indexOf(r.code));
  encoding.writeVarString(e, r.message);
}

/** `peerVersion`: the protocol version of the peer the frame is for (see `Change.rowJson`). */
export function encodeFrame(frame: Frame, peerVersion: number = PROTOCOL_VERSION): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, FRAME_TYPES[frame.type]);
  switch (frame.type) {
    case 'hello':
      encoding.writeVarUint(e, frame.protocolVersion);
      encoding.writeVarString(e, frame.clientVersion);
      encoding.writeVarUint(e, frame.installationClientId);
      encoding.writeVarUint(e, frame.cursor);
      break;
    case 'welcome':
      encoding.writeVarUint(e, frame.headSeq);
      encoding.writeVarString(e, frame.minClientVersion);
      writeBool(e, frame.readOnly);
      break;
    case 'update':
      encoding.writeVarString(e, frame.docName);
      encoding.writeVarUint(e, frame.clientSeq);
      encoding.writeVarUint8Array(e, frame.payload);
      break;
    case 'ack':
      encoding.writeVarUint(e, frame.clientSeq);
      encoding.writeVarUint(e, frame.serverSeq);
      writeOptBytes(e, frame.compensation);
      encoding.writeVarUint(e, frame.reasons.length);
      for (const r of frame.reasons) writeReason(e, r);
      break;
    case 'catchupRequest':
      encoding.writeVarUint(e, frame.afterSeq);
      encoding.writeVarUint(e, frame.limit);
      break;
    case 'catchupPage':
      encoding.writeVarUint(e, frame.changes.length);
      for (const c of frame.changes) writeChange(e, c, peerVersion);
      encoding.writeVarUint(e, frame.nextSeq);
      writeBool(e, frame.done);
      break;
    case 'change':
      writeChange(e, frame.change, peerVersion);
      break;
    case 'evict':
      encoding.writeVarString(e, frame.docName);
      break;
    case 'docSync':
      encoding.writeVarString(e, frame.docName);
      encoding.writeVarUint8Array(e, frame.payload);
      break;
    case 'error':
      encoding.writeVarUint(e, PROTOCOL_ERROR_CODES.indexOf(frame.code));
      encoding.writeVarString(e, frame.message);
      writeBool(e, frame.clientSeq !== null);
      if (frame.clientSeq !== null) encoding.writeVarUint(e, frame.clientSeq);
      break;
  }
  return encoding.toUint8Array(e);
}

class Malformed extends Error {
  constructor(
    readonly code: FrameErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const fail = (message: string): never => {
  throw new Malformed('invalid_field', message);
};

/** A lib0 decoder wrapper whose reads check bounds and meaning. */
class Reader {
  private readonly d: decoding.Decoder;
  constructor(
    bytes: Uint8Array,
    private readonly copy: boolean,
  ) {
    this.d = decoding.createDecoder(bytes);
  }
  private need(n: number): void {
    if (this.d.pos + n > this.d.arr.length) throw new Malformed('truncated', 'frame ends early');
  }
  uint(what: string): number {
    this.need(1);
    const n = decoding.readVarUint(this.d);
    if (!Number.isSafeInteger(n)) fail(`${what} out of range`);
    return n;
  }
  bool(what: string): boolean {
    this.need(1);
    const b = decoding.readUint8(this.d);
    if (b > 1) fail(`${what} is not a boolean`);
    return b === 1;
  }
  string(what: string, max: number = L.shortString): string {
    const len = this.peekLength();
    if (len > max * 4) fail(`${what} too long`);
    const s = readString(this.d);
    if (s.length > max) fail(`${what} too long`);
    return s;
  }
  bytes(): Uint8Array {
    const len = this.peekLength();
    this.need(len);
    const view = decoding.readVarUint8Array(this.d);
    return this.copy ? view.slice() : view;
  }
  /** A record change's row: absent, any-encoded or JSON text (`ROW_*`). */
  row(): unknown {
    this.need(1);
    const flag = decoding.readUint8(this.d);
    if (flag === ROW_NONE) return null;
    if (flag === ROW_ANY) return this.any();
    if (flag !== ROW_JSON) fail(`unknown row flag ${flag}`);
    const text = this.string('row', L.rowJson);
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch {
      return fail('row is not valid JSON');
    }
    return row === null ? fail('row is not an object') : row;
  }
  optBytes(what: string): Uint8Array | null {
    return this.bool(what) ? this.bytes() : null;
  }
  any(): unknown {
    this.need(1);
    return readAny(this.d);
  }
  docName(): string {
    const name = this.string('docName', 100);
    if (!parseDocName(name)) fail(`invalid docName ${JSON.stringify(name)}`);
    return name;
  }
  oneOf<const T extends readonly string[]>(what: string, values: T): T[number] {
    const i = this.uint(what);
    const v = values[i];
    if (v === undefined) fail(`unknown ${what} ${i}`);
    return v as T[number];
  }
  count(what: string, max: number): number {
    const n = this.uint(what);
    if (n > max) fail(`${what} ${n} exceeds ${max}`);
    return n;
  }
  end(): void {
    if (this.d.pos !== this.d.arr.length)
      throw new Malformed('trailing_bytes', 'bytes after the frame');
  }
  private peekLength(): number {
    this.need(1);
    return decoding.peekVarUint(this.d);
  }
}

function readChange(r: Reader): Change {
  const kind = r.oneOf('change kind', CHANGE_KINDS);
  const seq = r.uint('seq');
  switch (kind) {
    case 'record': {
      const docName = r.docName();
      const update = r.optBytes('update flag');
      const row = r.row();
      if (
        row !== null &&
        (typeof row !== 'object' || Array.isArray(row) || row instanceof Uint8Array)
      ) {
        fail('row is not an object');
      }
      return { kind, seq, docName, update, row: row as Record<string, unknown> | null };
    }
    case 'evict':
      return { kind, seq, docName: r.docName() };
    case 'fact':
      return { kind, seq, entity: r.string('entity', 64), id: r.string('id', 128), data: r.any() };
  }
}

function readFrame(r: Reader, type: FrameType): Frame {
  switch (type) {
    case 'hello': {
      const protocolVersion = r.uint('protocolVersion');
      const clientVersion = r.string('clientVersion', 64);
      const installationClientId = r.uint('installationClientId');
      if (!isInstallationClientId(installationClientId)) fail('installationClientId out of range');
      return {
        type,
        protocolVersion,
        clientVersion,
        installationClientId,
        cursor: r.uint('cursor'),
      };
    }
    case 'welcome':
      return {
        type,
        headSeq: r.uint('headSeq'),
        minClientVersion: r.string('minClientVersion', 64),
        readOnly: r.bool('readOnly'),
      };
    case 'update': {
      const docName = r.docName();
      const clientSeq = r.uint('clientSeq');
      const payload = r.bytes();
      if (payload.length === 0) fail('empty update payload');
      return { type, docName, clientSeq, payload };
    }
    case 'ack': {
      const clientSeq = r.uint('clientSeq');
      const serverSeq = r.uint('serverSeq');
      const compensation = r.optBytes('compensation flag');
      const reasons: Reason[] = [];
      const n = r.count('reasons', L.reasonsPerAck);
      for (let i = 0; i < n; i++) {
        reasons.push({
          field: r.string('reason field', 64),
          code: r.oneOf('reason code', COMPENSATION_CODES),
          message: r.string('reason message', L.message),
        });
      }
      return { type, clientSeq, serverSeq, compensation, reasons };
    }
    case 'catchupRequest': {
      const afterSeq = r.uint('afterSeq');
      const limit = r.uint('limit');
      if (limit < 1 || limit > L.catchupLimit) fail(`limit must be 1..${L.catchupLimit}`);
      return { type, afterSeq, limit };
    }
    case 'catchupPage': {
      const n = r.count('changes', L.changesPerPage);
      const changes: Change[] = [];
      for (let i = 0; i < n; i++) changes.push(readChange(r));
      return { type, changes, nextSeq: r.uint('nextSeq'), done: r.bool('done') };
    }
    case 'change':
      return { type, change: readChange(r) };
    case 'evict':
      return { type, docName: r.docName() };
    case 'docSync':
      return { type, docName: r.docName(), payload: r.bytes() };
    case 'error': {
      const code = r.oneOf('error code', PROTOCOL_ERROR_CODES);
      const message = r.string('message', L.message);
      const clientSeq = r.bool('clientSeq flag') ? r.uint('clientSeq') : null;
      return { type, code, message, clientSeq };
    }
  }
}

/**
 * Decodes one frame from untrusted bytes. Never throws. Byte fields (updates, payloads) are
 * copies unless `copy: false`: then they are views into `bytes`, for a caller that uses them
 * before `bytes` is reused and does not keep them (a kept view keeps all of `bytes` alive).
 */
export function decodeFrame(
  bytes: Uint8Array,
  options: { copy?: boolean } = {},
): DecodeResult<Frame> {
  if (bytes.length === 0) return { ok: false, error: { code: 'empty', message: 'empty frame' } };
  try {
    const r = new Reader(bytes, options.copy ?? true);
    const id = r.uint('frame type');
    const type = TYPE_BY_ID.get(id);
    if (type === undefined)
      return { ok: false, error: { code: 'unknown_type', message: `unknown frame type ${id}` } };
    const frame = readFrame(r, type);
    r.end();
    return { ok: true, value: frame };
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, error: { code: e.code, message: e.message } };
    const message = e instanceof Error ? e.message : String(e);
    const code: FrameErrorCode = /end of array|out of bounds|offset/i.test(message)
      ? 'truncated'
      : 'invalid_field';
    return { ok: false, error: { code, message } };
  }
}
