/**
 * A new lead doc's Yjs state, encoded directly (about 20x faster than building a Y.Doc, which
 * would make seeding 1M leads CPU-bound). It writes the exact bytes `Y.encodeStateAsUpdate`
 * gives for a fresh doc in which one client, in one transaction, set `meta.schemaVersion`, then
 * every field of `fields` in order, then inserted the notes: one client block of items with no
 * origins (each map item names its root map and key; the notes one string item), and an empty
 * delete set. `checkAgainstYjs` (run by every seed worker) compares it byte for byte with Yjs.
 */
import * as Y from '../../packages/schema/node_modules/yjs/dist/yjs.mjs';
import { fieldsOf, leadRecord, metaOf, notesOf, SCHEMA_VERSION_KEY } from './deps.ts';

// Yjs content refs (Item info low bits) and info flags.
const CONTENT_STRING = 4;
const CONTENT_ANY = 8;
const HAS_PARENT_SUB = 0x20;
const BITS31 = 0x7fffffff;

/** lib0's encoding (varuint, varint, var strings, `writeAny`) over one reused buffer. */
class Encoder {
  buf = Buffer.allocUnsafe(1 << 16);
  pos = 0;
  private readonly f32 = new DataView(new ArrayBuffer(4));

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }
  varUint(n: number): void {
    while (n > 0x7f) {
      this.byte(0x80 | (n & 0x7f));
      n = Math.floor(n / 128);
    }
    this.byte(n);
  }
  varInt(n: number): void {
    const negative = n === 0 ? Object.is(n, -0) : n < 0;
    if (negative) n = -n;
    this.byte((n > 0x3f ? 0x80 : 0) | (negative ? 0x40 : 0) | (n & 0x3f));
    n = Math.floor(n / 64);
    while (n > 0) {
      this.byte((n > 0x7f ? 0x80 : 0) | (n & 0x7f));
      n = Math.floor(n / 128);
    }
  }
  string(s: string): void {
    // ASCII (most values) byte by byte; anything else through Buffer's UTF-8 encoder.
    let ascii = s.length < 0x80;
    for (let i = 0; ascii && i < s.length; i++) ascii = s.charCodeAt(i) < 0x80;
    if (ascii) {
      this.byte(s.length);
      for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
      return;
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.varUint(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }
  any(v: unknown): void {
    if (v === null) this.byte(126);
    else if (v === undefined) this.byte(127);
    else if (v === true) this.byte(120);
    else if (v === false) this.byte(121);
    else if (typeof v === 'string') {
      this.byte(119);
      this.string(v);
    } else if (typeof v === 'number') {
      if (Number.isInteger(v) && Math.abs(v) <= BITS31) {
        this.byte(125);
        this.varInt(v);
      } else if ((this.f32.setFloat32(0, v), this.f32.getFloat32(0) === v)) {
        this.byte(124);
        this.buf.writeFloatBE(v, this.pos);
        this.pos += 4;
      } else {
        this.byte(123);
        this.buf.writeDoubleBE(v, this.pos);
        this.pos += 8;
      }
    } else if (Array.isArray(v)) {
      this.byte(117);
      this.varUint(v.length);
      for (const x of v) this.any(x);
    } else if (typeof v === 'object') {
      const keys = Object.keys(v);
      this.byte(118);
      this.varUint(keys.length);
      for (const k of keys) {
        this.string(k);
        this.any((v as Record<string, unknown>)[k]);
      }
    } else {
      throw new Error(`cannot encode ${typeof v}`);
    }
  }
}

const enc = new Encoder();

export function encodeLeadState(
  fields: Readonly<Record<string, unknown>>,
  notes: string,
  clientId: number,
): Uint8Array {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
  const e = enc;
  e.pos = 0;
  e.varUint(1); // one client
  e.varUint(1 + entries.length + (notes ? 1 : 0)); // structs
  e.varUint(clientId);
  e.varUint(0); // first clock
  const mapItem = (root: string, key: string, value: unknown) => {
    e.byte(CONTENT_ANY | HAS_PARENT_SUB);
    e.varUint(1); // the parent is a root type, by name
    e.string(root);
    e.string(key);
    e.varUint(1); // one value
    e.any(value);
  };
  mapItem('meta', SCHEMA_VERSION_KEY, leadRecord.version);
  for (const [key, value] of entries) mapItem('fields', key, value);
  if (notes) {
    e.byte(CONTENT_STRING);
    e.varUint(1);
    e.string('notes');
    e.string(notes);
  }
  e.varUint(0); // delete set: no clients
  return new Uint8Array(e.buf.subarray(0, e.pos));
}

/** The same state built with Yjs itself. */
export function yjsLeadState(
  name: string,
  fields: Readonly<Record<string, unknown>>,
  notes: string,
  clientId: number,
): Uint8Array {
  const doc = new Y.Doc({ guid: name });
  doc.clientID = clientId;
  doc.transact(() => {
    metaOf(doc).set(SCHEMA_VERSION_KEY, leadRecord.version);
    const map = fieldsOf(doc);
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) map.set(key, value);
    if (notes) notesOf(doc).insert(0, notes);
  }, clientId);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/** Throws unless both encoders give identical bytes. */
export function checkAgainstYjs(
  name: string,
  fields: Readonly<Record<string, unknown>>,
  notes: string,
  clientId: number,
): void {
  const a = encodeLeadState(fields, notes, clientId);
  const b = yjsLeadState(name, fields, notes, clientId);
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) {
    throw new Error(`encodeLeadState differs from Yjs for ${name}`);
  }
}
