/**
 * lib0's `writeAny`/`readAny` and `writeVarString`/`readVarString`, byte for byte, with short
 * ASCII strings (every key and most values of a lead row, doc names) copied in JavaScript. lib0
 * hands every string to the native TextEncoder/TextDecoder, and that call cost more than the
 * rest of a catch-up page's encoding and decoding: ~70 strings per lead row. Longer strings (a
 * catch-up row's JSON text) are encoded natively and copied in one call, where lib0 writes the
 * encoded bytes one function call per byte. Anything else (numbers, booleans, bytes, malformed
 * input) goes through lib0 itself, so values and errors are the same.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** Strings up to this length are tried on the ASCII path. */
const SHORT = 64;
const utf8 = new TextEncoder();
/** Encoding scratch for strings up to a third of its size (at most 3 UTF-8 bytes per UTF-16 unit). */
const scratch = new Uint8Array(64 * 1024);

export function writeString(e: encoding.Encoder, s: string): void {
  if (s.length <= SHORT) {
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 127) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      // UTF-8 of ASCII is the char codes: lib0 writes the byte length, then the bytes.
      encoding.writeVarUint(e, s.length);
      for (let i = 0; i < s.length; i++) encoding.write(e, s.charCodeAt(i));
      return;
    }
  }
  // lib0's layout (byte length, then UTF-8; a lone surrogate becomes U+FFFD, as with lib0).
  if (s.length * 3 <= scratch.length) {
    const { written } = utf8.encodeInto(s, scratch);
    encoding.writeVarUint(e, written);
    encoding.writeUint8Array(e, scratch.subarray(0, written));
  } else {
    encoding.writeVarUint8Array(e, utf8.encode(s));
  }
}

export function readString(d: decoding.Decoder): string {
  const start = d.pos;
  const len = decoding.readVarUint(d);
  const arr = d.arr;
  const end = d.pos + len;
  if (len <= SHORT && end <= arr.length) {
    for (let i = d.pos; i < end; i++) {
      if (arr[i]! > 127) {
        d.pos = start;
        return decoding.readVarString(d);
      }
    }
    // One call for the whole string (a `+=` per char built cons strings that V8 flattened later).
    const s =
      len === 0
        ? ''
        : String.fromCharCode.apply(null, arr.subarray(d.pos, end) as unknown as number[]);
    d.pos = end;
    return s;
  }
  d.pos = start;
  return decoding.readVarString(d);
}

/** Recently read object keys, by a hash of their bytes (a row's ~30 keys repeat on every row). */
const KEY_SLOTS = 1024;
const keys: (string | undefined)[] = new Array<string | undefined>(KEY_SLOTS);

/**
 * An object key: like `readString`, but a short ASCII key read before comes back as the same
 * string, without allocating it again (nor internalising it again when it becomes a property).
 */
function readKey(d: decoding.Decoder): string {
  const start = d.pos;
  const len = decoding.readVarUint(d);
  const arr = d.arr;
  const p = d.pos;
  const end = p + len;
  if (len > 32 || end > arr.length) {
    d.pos = start;
    return readString(d);
  }
  let h = len;
  for (let i = p; i < end; i++) {
    const b = arr[i]!;
    if (b > 127) {
      d.pos = start;
      return readString(d);
    }
    h = (Math.imul(h, 31) + b) | 0;
  }
  const slot = h & (KEY_SLOTS - 1);
  const known = keys[slot];
  if (known !== undefined && known.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (known.charCodeAt(i) !== arr[p + i]) {
        same = false;
        break;
      }
    }
    if (same) {
      d.pos = end;
      return known;
    }
  }
  d.pos = start;
  const key = readString(d);
  keys[slot] = key;
  return key;
}

export function writeAny(e: encoding.Encoder, data: unknown): void {
  if (typeof data === 'string') {
    encoding.write(e, 119);
    writeString(e, data);
  } else if (typeof data === 'object' && data !== null && !(data instanceof Uint8Array)) {
    if (Array.isArray(data)) {
      encoding.write(e, 117);
      encoding.writeVarUint(e, data.length);
      for (let i = 0; i < data.length; i++) writeAny(e, data[i]);
    } else {
      encoding.write(e, 118);
      const keys = Object.keys(data);
      encoding.writeVarUint(e, keys.length);
      for (const key of keys) {
        writeString(e, key);
        writeAny(e, (data as Record<string, unknown>)[key]);
      }
    }
  } else {
    encoding.writeAny(e, data as never);
  }
}

export function readAny(d: decoding.Decoder): unknown {
  const type = d.arr[d.pos];
  if (type === 119) {
    d.pos++;
    return readString(d);
  }
  if (type === 118) {
    d.pos++;
    const len = decoding.readVarUint(d);
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < len; i++) {
      const key = readKey(d);
      const value = readAny(d);
      // A `__proto__` key is an own property, as in JSON.parse, not the object's prototype.
      if (key === '__proto__') {
        Object.defineProperty(obj, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        obj[key] = value;
      }
    }
    return obj;
  }
  if (type === 117) {
    d.pos++;
    const len = decoding.readVarUint(d);
    const arr: unknown[] = [];
    for (let i = 0; i < len; i++) arr.push(readAny(d));
    return arr;
  }
  return decoding.readAny(d);
}
