import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { leadRecord } from '@sdr/schema';
import { createRecordDoc, fieldsOf, notesOf, projectLead } from '@sdr/schema/sync';
import { encodeNewLeadState } from './new-lead-state.ts';

/** Deterministic values in [0, 1) (a 48-bit linear congruential generator, as java.util.Random). */
function rng(seed: number) {
  let x = BigInt(seed);
  return () => {
    x = (x * 0x5deece66dn + 0xbn) & 0xffffffffffffn;
    return Number(x >> 17n) / 2 ** 31;
  };
}

const PIECES = ['a', 'Zoë', 'Łódź', '東京', '🚀', '\ud800', ' ', '"', '\n', 'x'.repeat(130), ''];
const NUMBERS = [0, -0, 1, -1, 63, 64, -64, 127, 128, 0x7fffffff, -0x7fffffff, 2 ** 31, 2 ** 53];
const FLOATS = [0.5, -2.25, 1.1, 3.4e38, 1e-40, 123456.789, Number.MIN_VALUE];

function value(r: () => number, depth = 0): unknown {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  switch (Math.floor(r() * (depth > 2 ? 5 : 7))) {
    case 0:
      return Array.from({ length: Math.floor(r() * 4) }, () => pick(PIECES)).join('');
    case 1:
      return pick(NUMBERS);
    case 2:
      return r() < 0.5 ? pick(FLOATS) : (r() - 0.5) * 10 ** Math.floor(r() * 12);
    case 3:
      return r() < 0.5;
    case 4:
      return null;
    case 5:
      return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(r() * 4) }, (_, i) => [
          r() < 0.3 ? String(i * 7) : `${pick(PIECES)}${i}`,
          value(r, depth + 1),
        ]),
      );
  }
}

const FIELD_NAMES = Object.keys(leadRecord.fields);

function fieldsFrom(r: () => number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FIELD_NAMES) if (r() < 0.6) out[f] = r() < 0.1 ? undefined : value(r);
  return out;
}

const yjsState = (fields: Record<string, unknown>, clientId: number) =>
  createRecordDoc(leadRecord, 'L1', fields, clientId).update;

describe('encodeNewLeadState', () => {
  it('gives the bytes createRecordDoc (Yjs) gives, over generated values', () => {
    const r = rng(20261121);
    for (let i = 0; i < 1000; i++) {
      const fields = fieldsFrom(r);
      const clientId = Math.floor(r() * 2 ** 32);
      expect(Buffer.from(encodeNewLeadState(fields, clientId))).toEqual(
        Buffer.from(yjsState(fields, clientId)),
      );
    }
  });

  it('gives the bytes of an imported lead and decodes to its values', () => {
    const fields = {
      createdAt: 1763700000000,
      firstName: 'Zoë',
      lastName: 'Ñúñez',
      email: 'zoe@example.com',
      phone: '+4915112345678',
      tags: ['imported', 'q4'],
      custom: { budget: 12000.5, tier: 'gold' },
      companySize: 250,
      ownerId: 'u1',
    };
    const state = encodeNewLeadState(fields, 123456789);
    expect(Buffer.from(state)).toEqual(Buffer.from(yjsState(fields, 123456789)));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    expect(fieldsOf(doc).toJSON()).toEqual(fields);
    expect(projectLead(doc).schemaVersion).toBe(leadRecord.version);
  });

  it('with notes: the bytes Yjs writes when the notes are inserted in the same transaction', () => {
    const fields = { firstName: 'Ana', tags: [] };
    const doc = new Y.Doc();
    doc.clientID = 42;
    doc.transact(() => {
      doc.getMap('meta').set('schemaVersion', leadRecord.version);
      for (const [k, v] of Object.entries(fields)) fieldsOf(doc).set(k, v);
      notesOf(doc).insert(0, 'Met at the fair — 🚀');
    }, 42);
    expect(Buffer.from(encodeNewLeadState(fields, 42, 'Met at the fair — 🚀'))).toEqual(
      Buffer.from(Y.encodeStateAsUpdate(doc)),
    );
  });

  it('refuses values that are not JSON', () => {
    expect(() => encodeNewLeadState({ firstName: new Date() }, 1)).toThrow(TypeError);
    expect(() => encodeNewLeadState({ companySize: Number.NaN }, 1)).toThrow(TypeError);
  });
});
