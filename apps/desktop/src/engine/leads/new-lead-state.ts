/**
 * A new lead doc's Yjs state, encoded directly: the exact bytes `createRecordDoc` (Yjs) gives for a
 * fresh doc in which one client, in one transaction, set `meta.schemaVersion`, then every defined
 * field of `fields` in order (and, for the benchmark's seeder, inserted the notes). That is one
 * client block of items with no origins (each map item names its root map and key, the notes one
 * string item) and an empty delete set. Building a Y.Doc for it costs ~20x more (a random client
 * id from `crypto.getRandomValues`, a transaction, its cleanup and the update's encoding): bulk
 * writers (imports, the seeder) use this. `new-lead-state.test.ts` compares it byte for byte with
 * Yjs over generated values; `LeadReplica` checks it against Yjs again at run time now and then.
 *
 * Values must be JSON values (`assertWritableChanges`); anything else throws.
 */
import { leadRecord } from '@sdr/schema';
import { FIELDS_MAP, META_MAP, NOTES_TEXT, SCHEMA_VERSION_KEY } from '@sdr/schema/sync';

// Yjs content refs (Item info low bits) and info flags.
const CONTENT_STRING = 4;
const CONTENT_ANY = 8;
const HAS_PARENT_SUB = 0x20;
const BITS31 = 0x7fffffff;

/** lib0's encoding (varuint, varint, var strings, `writeAny`) into one growing, reused buffer. */
class Encoder {
  buf = Buffer.allocUnsafe(1 << 12);
  pos = 0;
  private readonly f32 = new DataView(new ArrayBuffer(4));

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  byte(b: number): void {
    this.room(1);
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
    // ASCII (most values) byte by byte; anything else through Buffer's UTF-8 encoder (lone
    // surrogates become U+FFFD, as with the TextEncoder lib0 uses).
    let ascii = s.length < 0x80;
    for (let i = 0; ascii && i < s.length; i++) ascii = s.charCodeAt(i) < 0x80;
    if (ascii) {
      this.byte(s.length);
      this.room(s.length);
      for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
      return;
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.varUint(len);
    this.room(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }
  any(v: unknown): void {
    if (v === null) this.byte(126);
    else if (v === true) this.byte(120);
    else if (v === false) this.byte(121);
    else if (typeof v === 'string') {
      this.byte(119);
      this.string(v);
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      if (Number.isInteger(v) && Math.abs(v) <= BITS31) {
        this.byte(125);
        this.varInt(v);
      } else if ((this.f32.setFloat32(0, v), this.f32.getFloat32(0) === v)) {
        this.byte(124);
        this.room(4);
        this.buf.writeFloatBE(v, this.pos);
        this.pos += 4;
      } else {
        this.byte(123);
        this.room(8);
        this.buf.writeDoubleBE(v, this.pos);
        this.pos += 8;
      }
    } else if (Array.isArray(v)) {
      this.byte(117);
      this.varUint(v.length);
      for (const x of v) this.any(x);
    } else if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const keys = Object.keys(v);
      this.byte(118);
      this.varUint(keys.length);
      for (const k of keys) {
        this.string(k);
        this.any((v as Record<string, unknown>)[k]);
      }
    } else {
      throw new TypeError(`not a JSON value: ${typeof v}`);
    }
  }
}

const enc = new Encoder();

/** The first (and whole) update of a new lead doc written by `clientId`; see the file comment. */
export function encodeNewLeadState(
  fields: Readonly<Record<string, unknown>>,
  clientId: number,
  notes = '',
): Uint8Array {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
  const e = enc;
  e.pos = 0;
  try {
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
    mapItem(META_MAP, SCHEMA_VERSION_KEY, leadRecord.version);
    for (const [key, value] of entries) mapItem(FIELDS_MAP, key, value);
    if (notes) {
      e.byte(CONTENT_STRING);
      e.varUint(1);
      e.string(NOTES_TEXT);
      e.string(notes);
    }
    e.varUint(0); // delete set: no clients
    return new Uint8Array(e.buf.subarray(0, e.pos));
  } finally {
    e.pos = 0;
  }
}
