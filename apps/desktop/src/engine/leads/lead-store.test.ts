import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { LEAD_FIELD_NAMES, leadFieldsToSqliteParams } from '@sdr/schema';
import { openDb } from '../db.ts';
import { createLeadStore } from './lead-store.ts';
import { ensureLeadQueryStructures } from './query/search-index.ts';
import { columnsFromServerRow, serverRowSqliteParams, type StoredLead } from './lead-row.ts';

const full: StoredLead = {
  id: 'L1',
  workspaceId: 'W',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phone: '+442071838750',
  company: 'Analytical',
  title: 'CTO',
  industry: 'Software',
  companySize: 250,
  website: 'https://example.com',
  country: 'GB',
  timezone: 'Europe/London',
  source: 'Trade show',
  status: 'working',
  statusReason: '',
  ownerId: 'U1',
  team: 'emea',
  tags: ['vip', 'q3'],
  consentEmail: 'granted',
  consentSms: 'denied',
  consentCalls: 'unknown',
  doNotContact: true,
  custom: { budget: 5000, region: 'emea', interests: ['a', 'b'], met: true, note: null },
  createdAt: 1_700_000_000_000,
  lastContactedAt: 1_700_000_500_000,
  mergedInto: null,
  deleted: false,
  schemaVersion: 2,
  seq: 7,
  yState: new Uint8Array([1, 2, 3]),
  updatedAt: 1_700_000_600_000,
};

const dirs: string[] = [];
function open() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-store-'));
  dirs.push(dir);
  return openDb(dir);
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('lead store (real SQLite)', () => {
  it('round-trips every field, with the encodings of each column kind', () => {
    const { sqlite } = open();
    const store = createLeadStore(sqlite);
    store.put(full);
    expect(store.get('L1')).toEqual(full);
    const raw = sqlite.prepare('SELECT do_not_contact, custom, created_at FROM lead').get();
    expect(raw).toEqual({
      do_not_contact: 1,
      custom: JSON.stringify(full.custom),
      created_at: 1_700_000_000_000,
    });
  });

  it('stores an unknown creation time (0) as NULL and reads it back as 0', () => {
    const { sqlite } = open();
    const store = createLeadStore(sqlite);
    store.put({ ...full, createdAt: 0, lastContactedAt: null, companySize: null });
    expect(sqlite.prepare('SELECT created_at FROM lead').get()).toEqual({ created_at: null });
    expect(store.get('L1')).toMatchObject({
      createdAt: 0,
      lastContactedAt: null,
      companySize: null,
    });
  });

  it('upserts a lead twice before the search queue is flushed (trigger conflict policy)', () => {
    const { sqlite } = open();
    ensureLeadQueryStructures(sqlite);
    const store = createLeadStore(sqlite);
    store.put(full);
    store.put({ ...full, yState: new Uint8Array([9]), firstName: 'Ada B.' });
    store.put({ ...full, yState: new Uint8Array([8]), firstName: 'Ada C.' });
    expect(store.get('L1')?.firstName).toBe('Ada C.');
  });

  it('stores a shipped row exactly as its columns would be stored, whatever its values', () => {
    const { sqlite } = open();
    const store = createLeadStore(sqlite);
    // Any JSON-ish value in any field: a wrong type reads as the field's default either way.
    const value = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ maxLength: 8 }),
      fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string(), fc.integer()), {
        maxKeys: 3,
      }),
    );
    const row = fc.record(
      Object.fromEntries([...LEAD_FIELD_NAMES, 'schemaVersion'].map((f) => [f, value] as const)),
      { requiredKeys: [] },
    );
    let n = 0;
    fc.assert(
      fc.property(row, (r) => {
        expect(serverRowSqliteParams(r)).toEqual(leadFieldsToSqliteParams(columnsFromServerRow(r)));
        const meta = { workspaceId: 'W', seq: 3, yState: new Uint8Array([4, 5]), updatedAt: 9 };
        const id = `S${++n}`;
        expect(store.insertServerRowIfNew({ ...meta, id }, r)).toBe(true);
        expect(store.insertServerRowIfNew({ ...meta, id, seq: 4 }, r)).toBe(false);
        store.put({ ...meta, id: `P${n}`, ...columnsFromServerRow(r) });
        expect(store.get(id)).toEqual({ ...store.get(`P${n}`), id });
      }),
      { numRuns: 300 },
    );
  });

  it('pages by either sort, with or without deleted leads, in order at every offset', () => {
    const { sqlite } = open();
    const store = createLeadStore(sqlite);
    const names = ['ada', 'Bea', 'cy', 'Ada', 'bea', 'Di'];
    for (let i = 0; i < 30; i++) {
      store.put({
        ...full,
        id: `L${String(i).padStart(2, '0')}`,
        firstName: names[(i * 5) % names.length]!,
        lastName: names[i % names.length]!,
        updatedAt: 1000 + (i % 7), // ties, broken by id
        deleted: i % 4 === 0,
      });
    }
    store.put({ ...full, id: 'OTHER', workspaceId: 'V' });
    const all = [...Array(30).keys()].map((i) => store.get(`L${String(i).padStart(2, '0')}`)!);
    const lower = (v: string) => v.toLowerCase();
    const cmp = {
      updatedAt: (a: StoredLead, b: StoredLead) =>
        b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : 1),
      name: (a: StoredLead, b: StoredLead) =>
        lower(a.lastName).localeCompare(lower(b.lastName)) ||
        lower(a.firstName).localeCompare(lower(b.firstName)) ||
        (a.id < b.id ? -1 : 1),
    };
    for (const sort of ['updatedAt', 'name'] as const) {
      for (const includeDeleted of [false, true]) {
        const expected = all.filter((l) => includeDeleted || !l.deleted).sort(cmp[sort]);
        for (const offset of [0, 7, 20, 29]) {
          const got = store.list('W', { sort, offset, limit: 8, includeDeleted });
          expect(got.map((l) => l.id)).toEqual(expected.slice(offset, offset + 8).map((l) => l.id));
        }
      }
    }
  });
});
