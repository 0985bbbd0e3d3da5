import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { leadRecord } from '../records/lead.ts';
import { applyFieldChanges, createRecordDoc } from '../records/record-doc.ts';
import {
  decodeSyncPayload,
  syncStep1Payload,
  syncStep2Payload,
  syncUpdatePayload,
} from './doc-sync.ts';
import { decodeFrame, encodeFrame } from './protocol.ts';
import {
  COMPENSATION_CODES,
  FRAME_TYPES,
  PROTOCOL_ERROR_CODES,
  type Change,
  type Frame,
} from './protocol-types.ts';

const seq = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const docName = fc
  .tuple(fc.constantFrom('lead', 'conversation'), fc.stringMatching(/^[A-Za-z0-9_-]{1,26}$/))
  .map(([t, id]) => `${t}:${id}`);
const bytes = fc.uint8Array({ maxLength: 64 });
const text = (maxLength: number) => fc.string({ maxLength });
const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== '__proto__');
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true }).filter((d) => !Object.is(d, -0)),
    text(20),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    kind: fc.constant('record' as const),
    seq,
    docName,
    update: fc.option(bytes, { nil: null }),
    row: fc.option(fc.dictionary(key, json, { maxKeys: 6 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('evict' as const), seq, docName }),
  fc.record({
    kind: fc.constant('fact' as const),
    seq,
    entity: text(20),
    id: text(40),
    data: json,
  }),
);

const frame: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({
    type: fc.constant('hello' as const),
    protocolVersion: fc.nat(10),
    clientVersion: text(64),
    installationClientId: fc.integer({ min: 1, max: 0xffff_fffe }),
    cursor: seq,
  }),
  fc.record({
    type: fc.constant('welcome' as const),
    headSeq: seq,
    minClientVersion: text(20),
    readOnly: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('update' as const),
    docName,
    clientSeq: seq,
    payload: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  }),
  fc.record({
    type: fc.constant('ack' as const),
    clientSeq: seq,
    serverSeq: seq,
    compensation: fc.option(bytes, { nil: null }),
    reasons: fc.array(
      fc.record({
        field: text(20),
        code: fc.constantFrom(...COMPENSATION_CODES),
        message: text(80),
      }),
      { maxLength: 4 },
    ),
  }),
  fc.record({
    type: fc.constant('catchupRequest' as const),
    afterSeq: seq,
    limit: fc.integer({ min: 1, max: 10_000 }),
  }),
  fc.record({
    type: fc.constant('catchupPage' as const),
    changes: fc.array(change, { maxLength: 5 }),
    nextSeq: seq,
    done: fc.boolean(),
  }),
  fc.record({ type: fc.constant('change' as const), change }),
  fc.record({ type: fc.constant('evict' as const), docName }),
  fc.record({ type: fc.constant('docSync' as const), docName, payload: bytes }),
  fc.record({
    type: fc.constant('error' as const),
    code: fc.constantFrom(...PROTOCOL_ERROR_CODES),
    message: text(100),
    clientSeq: fc.option(seq, { nil: null }),
  }),
);

describe('sync protocol frames', () => {
  it('round-trips every frame', () => {
    fc.assert(
      fc.property(frame, (f) => {
        expect(decodeFrame(encodeFrame(f))).toEqual({ ok: true, value: f });
      }),
      { numRuns: 500 },
    );
  });

  it('decodes byte fields as views into the frame with copy: false, equal to the copies', () => {
    fc.assert(
      fc.property(frame, (f) => {
        const bytes = encodeFrame(f);
        expect(decodeFrame(bytes, { copy: false })).toEqual(decodeFrame(bytes));
      }),
      { numRuns: 200 },
    );
    const bytes = encodeFrame({ type: 'docSync', docName: 'lead:a', payload: new Uint8Array([7]) });
    const view = decodeFrame(bytes, { copy: false });
    const copy = decodeFrame(bytes);
    if (!view.ok || view.value.type !== 'docSync' || !copy.ok || copy.value.type !== 'docSync')
      throw new Error('expected a docSync frame');
    expect(view.value.payload.buffer).toBe(bytes.buffer);
    expect(copy.value.payload.buffer).not.toBe(bytes.buffer);
  });

  it('ships a row given as JSON text as is to protocol 2 peers and as a row to protocol 1 peers', () => {
    const record = fc.record({
      seq,
      docName,
      update: fc.option(bytes, { nil: null }),
      row: fc.dictionary(key, json, { maxKeys: 6 }),
    });
    fc.assert(
      fc.property(record, ({ seq: s, docName: d, update, row: generated }) => {
        // A row shipped as JSON text is what Postgres built: JSON-safe values only
        // (no Infinity, which JSON text turns into null).
        const row = JSON.parse(JSON.stringify(generated)) as Record<string, unknown>;
        const sent: Change = {
          kind: 'record',
          seq: s,
          docName: d,
          update,
          row: null,
          rowJson: JSON.stringify(row),
        };
        const expected = {
          ok: true,
          value: { type: 'change', change: { kind: 'record', seq: s, docName: d, update, row } },
        };
        const v2 = encodeFrame({ type: 'change', change: sent }, 2);
        const v1 = encodeFrame({ type: 'change', change: sent }, 1);
        expect(decodeFrame(v2)).toEqual(expected);
        expect(decodeFrame(v1)).toEqual(expected);
        // Protocol 1 peers get the lib0 encoding they know (row flag 1), byte for byte.
        expect(v1).toEqual(
          encodeFrame(
            { type: 'change', change: { kind: 'record', seq: s, docName: d, update, row } },
            1,
          ),
        );
        expect(v2).not.toEqual(v1);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a JSON row that is not valid JSON or not an object, and unknown row flags', () => {
    const frameWith = (flag: number, text: string) => {
      const t = [...new TextEncoder().encode(text)];
      // change, record (0), seq 1, docName "a:b", no update, row flag, row text
      return new Uint8Array([FRAME_TYPES.change, 0, 1, 3, 97, 58, 98, 0, flag, t.length, ...t]);
    };
    const codeOf = (b: Uint8Array) => {
      const r = decodeFrame(b);
      return r.ok ? null : r.error.code;
    };
    expect(decodeFrame(frameWith(2, '{"a":1}'))).toMatchObject({
      ok: true,
      value: { change: { row: { a: 1 } } },
    });
    expect(codeOf(frameWith(2, '{"a":'))).toBe('invalid_field');
    expect(codeOf(frameWith(2, 'null'))).toBe('invalid_field');
    expect(codeOf(frameWith(2, '[1]'))).toBe('invalid_field');
    expect(codeOf(frameWith(2, '7'))).toBe('invalid_field');
    expect(codeOf(frameWith(3, '{}'))).toBe('invalid_field');
  });

  it('rejects every strict prefix of a frame as truncated or invalid, never throwing', () => {
    fc.assert(
      fc.property(frame, fc.nat(), (f, cut) => {
        const bytesOf = encodeFrame(f);
        const prefix = bytesOf.slice(0, cut % bytesOf.length);
        const r = decodeFrame(prefix);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary bytes or on corrupted frames', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const r = decodeFrame(b);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(frame, fc.nat(), fc.integer({ min: 0, max: 255 }), (f, at, byte) => {
        const b = encodeFrame(f);
        b[at % b.length] = byte;
        expect(() => decodeFrame(b)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    { name: 'empty', bytes: [], code: 'empty' },
    { name: 'unknown type', bytes: [99], code: 'unknown_type' },
    {
      name: 'trailing bytes',
      bytes: [FRAME_TYPES.evict, 3, ...'a:b'.split('').map((c) => c.charCodeAt(0)), 0],
      code: 'trailing_bytes',
    },
    {
      name: 'bad doc name',
      bytes: [FRAME_TYPES.evict, 3, ...'a b'.split('').map((c) => c.charCodeAt(0))],
      code: 'invalid_field',
    },
    { name: 'reserved client id', bytes: [FRAME_TYPES.hello, 1, 0, 0, 0], code: 'invalid_field' },
    { name: 'limit 0', bytes: [FRAME_TYPES.catchupRequest, 0, 0], code: 'invalid_field' },
    { name: 'bool 2', bytes: [FRAME_TYPES.welcome, 0, 0, 2], code: 'invalid_field' },
    { name: 'unknown error code', bytes: [FRAME_TYPES.error, 200, 0, 0], code: 'invalid_field' },
    {
      name: 'empty update payload',
      bytes: [FRAME_TYPES.update, 3, 97, 58, 98, 0, 0],
      code: 'invalid_field',
    },
  ])('rejects $name with code $code', ({ bytes: b, code }) => {
    const r = decodeFrame(new Uint8Array(b));
    expect(r.ok ? null : r.error.code).toBe(code);
  });
});

describe('y-protocols sync payloads', () => {
  it('round-trips step 1, step 2 and update, and a step 2 carries what the peer lacks', () => {
    const { doc } = createRecordDoc(leadRecord, 'x', { firstName: 'A' }, 3);
    const empty = new Y.Doc();
    const s1 = decodeSyncPayload(syncStep1Payload(empty));
    if (!s1.ok || s1.value.kind !== 'step1') throw new Error('step1 expected');
    const s2 = decodeSyncPayload(syncStep2Payload(doc, s1.value.stateVector));
    if (!s2.ok || s2.value.kind !== 'step2') throw new Error('step2 expected');
    Y.applyUpdate(empty, s2.value.update);
    expect(empty.getMap('fields').get('firstName')).toBe('A');
    const u = applyFieldChanges(leadRecord, doc, { firstName: 'B' }, 3)!;
    expect(decodeSyncPayload(syncUpdatePayload(u))).toEqual({
      ok: true,
      value: { kind: 'update', update: u },
    });
  });

  it('never throws on arbitrary payloads', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 50 }), (b) => {
        expect(() => decodeSyncPayload(b)).not.toThrow();
      }),
    );
    expect(decodeSyncPayload(new Uint8Array([])).ok).toBe(false);
    expect(decodeSyncPayload(new Uint8Array([7, 0])).ok).toBe(false);
  });
});
