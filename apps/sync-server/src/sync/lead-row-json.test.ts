/**
 * `leadRowJsonSql` (the catch-up's rows, built as JSON text by the database) on PGlite and (with
 * TEST_DATABASE_URL) Postgres: for generated leads, edge values included, the parsed text equals
 * the row the server builds from the columns (`rowFromDb`, i.e. `leadFieldsFromSqlRow`).
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  LEAD_FIELD_NAMES,
  leadFieldsToPgValues,
  leadRowJsonSql,
  type LeadFields,
} from '@sdr/schema';
import { lead } from '@sdr/schema/pg';
import { openTestDatabase, testDatabaseKinds, type TestDatabase } from '../test/harness.ts';
import { LEAD_ROW_COLUMNS, rowFromDb, type LeadDbRow } from './lead-row.ts';
import { queryRows } from './sql.ts';

/** Text Postgres can store (no NUL), with quotes, backslashes, newlines and non-ASCII. */
const text = fc
  .string({ unit: 'binary', maxLength: 40 })
  .map((s) => s.replaceAll('\u0000', ''))
  .chain((s) => fc.constantFrom(s, `${s}'"\\\n✓😀`));
const nullableText = fc.option(text, { nil: null });
const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
    text,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(text, tie('v'), { maxKeys: 3 }).map((o) => ({ ...o })),
  ),
})).v;
const ms = fc.integer({ min: 1, max: 4_102_444_800_000 });

const fields: fc.Arbitrary<LeadFields> = fc.record({
  firstName: text,
  lastName: text,
  email: text,
  phone: text,
  company: text,
  title: text,
  industry: text,
  companySize: fc.option(fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }), { nil: null }),
  website: text,
  country: text,
  timezone: text,
  source: text,
  status: text,
  statusReason: text,
  ownerId: nullableText,
  team: nullableText,
  tags: fc.array(text, { maxLength: 4 }),
  consentEmail: fc.constantFrom('unknown', 'granted', 'denied'),
  consentSms: fc.constantFrom('unknown', 'granted', 'denied'),
  consentCalls: fc.constantFrom('unknown', 'granted', 'denied'),
  doNotContact: fc.boolean(),
  custom: fc.dictionary(text, jsonValue, { maxKeys: 4 }).map((o) => ({ ...o })),
  createdAt: fc.oneof(fc.constant(0), ms),
  lastContactedAt: fc.option(ms, { nil: null }),
  mergedInto: nullableText,
  deleted: fc.boolean(),
}) as fc.Arbitrary<LeadFields>;

describe.each(testDatabaseKinds())('leadRowJsonSql (%s)', (kind) => {
  let t: TestDatabase;
  let n = 0;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  }, 60_000);
  beforeEach(async () => t.reset());
  afterAll(async () => t?.close());

  async function both(workspaceId: string): Promise<{ fromColumns: unknown; fromJson: unknown }[]> {
    const rows = await queryRows<LeadDbRow & { row_json: string }>(
      t.db,
      sql`select ${sql.raw(LEAD_ROW_COLUMNS)}, ${sql.raw(leadRowJsonSql('l'))} as row_json
          from lead l where l.workspace_id = ${workspaceId} order by l.id`,
    );
    return rows.map((r) => ({ fromColumns: rowFromDb(r), fromJson: JSON.parse(r.row_json) }));
  }

  it('lists every lead field, and reads as the columns do for generated leads', async () => {
    const pairs: { fromColumns: unknown; fromJson: unknown }[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(fields, { minLength: 1, maxLength: 20 }), async (leads) => {
        const workspaceId = `ws-${++n}`;
        await t.db.insert(lead).values(
          leads.map((f) => ({
            id: `l${String(++n).padStart(8, '0')}`,
            workspaceId,
            ...leadFieldsToPgValues(f),
            schemaVersion: 2,
            seq: n,
          })),
        );
        const got = await both(workspaceId);
        expect(got).toHaveLength(leads.length);
        for (const p of got) expect(p.fromJson).toEqual(p.fromColumns);
        pairs.push(...got);
      }),
      { numRuns: 25 },
    );
    const keys = Object.keys(pairs[0]!.fromJson as object).sort();
    expect(keys).toEqual(['id', ...LEAD_FIELD_NAMES, 'schemaVersion'].sort());
  });

  it('reads missing values (NULL, a JSON null) as the field defaults, as the columns do', async () => {
    await t.db.insert(lead).values({
      id: 'l-defaults',
      workspaceId: 'ws-1',
      ...leadFieldsToPgValues({
        ...({} as LeadFields),
        firstName: '',
        lastName: '',
        email: '',
        phone: '',
        company: '',
        title: '',
        industry: '',
        companySize: null,
        website: '',
        country: '',
        timezone: '',
        source: '',
        status: 'new',
        statusReason: '',
        ownerId: null,
        team: null,
        tags: [],
        consentEmail: 'unknown',
        consentSms: 'unknown',
        consentCalls: 'unknown',
        doNotContact: false,
        custom: {},
        createdAt: 0,
        lastContactedAt: null,
        mergedInto: null,
        deleted: false,
      }),
      schemaVersion: 1,
      seq: 1,
    });
    await t.db.execute(
      sql`update lead set tags = 'null'::jsonb, custom = 'null'::jsonb where id = 'l-defaults'`,
    );
    const [p] = await both('ws-1');
    expect(p!.fromJson).toEqual(p!.fromColumns);
    expect(p!.fromJson).toMatchObject({
      tags: [],
      custom: {},
      createdAt: 0,
      lastContactedAt: null,
    });
  });
});
