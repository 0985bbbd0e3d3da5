/**
 * The fast paths of any-codec.ts against lib0 itself: the same bytes for any value (short and
 * long, ASCII and not, nested), the same values back from any bytes lib0 writes, and the same
 * outcome (value or error) on arbitrary and truncated input.
 */
import fc from 'fast-check';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { readAny, readString, writeAny, writeString } from './any-codec.ts';

const str = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 70 }),
  fc.constantFrom('', 'a', 'é', '日本', '\u0000', 'x'.repeat(64), 'x'.repeat(65), 'ab\u007f'),
);
/** Longer than the ASCII path, and (beyond 21,845 units) than the encoding scratch. */
const longStr = fc.oneof(
  fc.string({ unit: 'binary', minLength: 65, maxLength: 2000 }),
  fc.string({ unit: 'binary', minLength: 21_800, maxLength: 22_000 }),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    str,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.uint8Array({ maxLength: 16 }),
    fc.array(tie('v'), { maxLength: 5 }),
    fc.dictionary(
      str.filter((k) => k !== '__proto__'),
      tie('v'),
      { maxKeys: 5 },
    ),
  ),
})).v;

const bytesOf = (write: (e: encoding.Encoder) => void) => {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
};

function outcome(read: (d: decoding.Decoder) => unknown, bytes: Uint8Array) {
  const d = decoding.createDecoder(bytes);
  try {
    return { value: read(d), pos: d.pos };
  } catch (err) {
    return { error: err instanceof Error ? err.constructor.name : String(err) };
  }
}

describe('any codec', () => {
  it('writes the bytes lib0 writes', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(bytesOf((e) => writeAny(e, v))).toEqual(
          bytesOf((e) => encoding.writeAny(e, v as never)),
        );
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(str, (s) => {
        expect(bytesOf((e) => writeString(e, s))).toEqual(
          bytesOf((e) => encoding.writeVarString(e, s)),
        );
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(longStr, (s) => {
        const ours = Buffer.from(bytesOf((e) => writeString(e, s)));
        expect(ours.equals(bytesOf((e) => encoding.writeVarString(e, s)))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('reads back what lib0 reads, from its bytes and from any bytes', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = bytesOf((e) => encoding.writeAny(e, v as never));
        expect(outcome(readAny, bytes)).toEqual(outcome(decoding.readAny, bytes));
        // Every truncation: the same value or the same kind of error.
        for (let n = 0; n < bytes.length; n++) {
          const cut = bytes.subarray(0, n);
          expect(outcome(readAny, cut)).toEqual(outcome(decoding.readAny, cut));
        }
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(outcome(readAny, bytes)).toEqual(outcome(decoding.readAny, bytes));
        expect(outcome(readString, bytes)).toEqual(outcome(decoding.readVarString, bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads a `__proto__` key as an own property, not as the prototype', () => {
    const e = encoding.createEncoder();
    encoding.write(e, 118);
    encoding.writeVarUint(e, 2);
    encoding.writeVarString(e, '__proto__');
    encoding.writeAny(e, { polluted: true });
    encoding.writeVarString(e, 'status');
    encoding.writeAny(e, 'new');
    const v = readAny(decoding.createDecoder(encoding.toUint8Array(e))) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(v.polluted).toBeUndefined();
    expect(Object.keys(v)).toEqual(['__proto__', 'status']);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('reads many different keys right (recently read keys are reused)', () => {
    const obj = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    for (let round = 0; round < 2; round++) {
      const bytes = bytesOf((e) => writeAny(e, obj));
      expect(readAny(decoding.createDecoder(bytes))).toEqual(obj);
    }
  });
});
