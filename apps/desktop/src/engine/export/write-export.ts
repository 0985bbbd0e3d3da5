/**
 * Streams rows to a CSV, XLSX or JSON file without holding them in memory: papaparse `unparse`
 * per chunk of rows (CSV), exceljs' streaming `WorkbookWriter` (XLSX, one row committed at a
 * time), a JSON array written element by element. The file appears complete or not at all: it
 * is written to `<path>.partial` and renamed at the end (removed on failure).
 *
 * Cells: null/undefined → empty; arrays (tags, multiselects) → "a; b" in CSV/XLSX; Dates → ISO;
 * other objects → JSON. A column key with a dot ("custom.plan") reads a nested value when the row
 * has no such key itself. JSON keeps the values as they are, keyed by column key.
 *
 * Formula injection (see formula.ts): CSV cells that a spreadsheet would evaluate get a leading
 * `'`, except signed numbers and phone numbers. XLSX cells are written as typed string cells,
 * which Excel never evaluates, so they keep their exact value.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { neutraliseFormula } from './formula.ts';

export type ExportFormat = 'csv' | 'xlsx' | 'json';

export interface ExportColumn {
  readonly key: string;
  readonly label: string;
}

export interface ExportOptions {
  readonly format: ExportFormat;
  readonly columns: readonly ExportColumn[];
  readonly path: string;
  /** CSV: start with a UTF-8 byte order mark so Excel reads accents right. Default true. */
  readonly bom?: boolean;
  /** XLSX: the worksheet's name. Default "Leads". */
  readonly sheetName?: string;
}

export type ExportRows = AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>;

const CSV_CHUNK = 500;

function valueAt(row: Record<string, unknown>, key: string): unknown {
  if (key in row || !key.includes('.')) return row[key];
  let value: unknown = row;
  for (const part of key.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A cell for CSV/XLSX: strings, finite numbers and booleans; null for empty. */
function cellValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => String(cellValue(v) ?? '')).join('; ');
  return JSON.stringify(value);
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function closeStream(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

async function writeCsv(rows: ExportRows, options: ExportOptions, path: string): Promise<number> {
  const stream = createWriteStream(path);
  const failed = once(stream, 'error').then(([err]) => Promise.reject(err as Error));
  failed.catch(() => undefined);
  const unparse = (data: string[][]): string =>
    Papa.unparse(data, { newline: '\r\n', escapeFormulae: false, header: false });
  let count = 0;
  try {
    const header = unparse([options.columns.map((c) => neutraliseFormula(c.label))]);
    await Promise.race([
      write(stream, `${options.bom === false ? '' : '\uFEFF'}${header}\r\n`),
      failed,
    ]);
    let chunk: string[][] = [];
    for await (const row of rows) {
      chunk.push(
        options.columns.map((c) => {
          const v = cellValue(valueAt(row, c.key));
          if (v === null) return '';
          return typeof v === 'string' ? neutraliseFormula(v) : String(v);
        }),
      );
      count += 1;
      if (chunk.length >= CSV_CHUNK) {
        await Promise.race([write(stream, `${unparse(chunk)}\r\n`), failed]);
        chunk = [];
      }
    }
    if (chunk.length > 0) await Promise.race([write(stream, `${unparse(chunk)}\r\n`), failed]);
    await Promise.race([closeStream(stream), failed]);
    return count;
  } catch (err) {
    stream.destroy();
    throw err;
  }
}

async function writeJson(rows: ExportRows, options: ExportOptions, path: string): Promise<number> {
  const stream = createWriteStream(path);
  const failed = once(stream, 'error').then(([err]) => Promise.reject(err as Error));
  failed.catch(() => undefined);
  let count = 0;
  try {
    await Promise.race([write(stream, '['), failed]);
    for await (const row of rows) {
      const out: Record<string, unknown> = {};
      for (const c of options.columns) {
        const v = valueAt(row, c.key);
        out[c.key] = v === undefined ? null : v;
      }
      await Promise.race([
        write(stream, `${count === 0 ? '\n' : ',\n'}${JSON.stringify(out)}`),
        failed,
      ]);
      count += 1;
    }
    await Promise.race([write(stream, count === 0 ? ']\n' : '\n]\n'), failed]);
    await Promise.race([closeStream(stream), failed]);
    return count;
  } catch (err) {
    stream.destroy();
    throw err;
  }
}

async function writeXlsx(rows: ExportRows, options: ExportOptions, path: string): Promise<number> {
  // Our own file stream (not `filename`), so a failure can close it.
  const stream = createWriteStream(path);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: false,
    useSharedStrings: false,
  });
  try {
    const sheet = workbook.addWorksheet(options.sheetName ?? 'Leads');
    sheet.addRow(options.columns.map((c) => c.label)).commit();
    let count = 0;
    for await (const row of rows) {
      sheet.addRow(options.columns.map((c) => cellValue(valueAt(row, c.key)))).commit();
      count += 1;
    }
    sheet.commit();
    await workbook.commit();
    return count;
  } catch (err) {
    stream.destroy();
    throw err;
  }
}

/** Writes every row to `options.path` in the chosen format; returns how many rows were written. */
export async function writeExport(rows: ExportRows, options: ExportOptions): Promise<number> {
  const partial = `${options.path}.partial`;
  try {
    let count: number;
    switch (options.format) {
      case 'csv':
        count = await writeCsv(rows, options, partial);
        break;
      case 'json':
        count = await writeJson(rows, options, partial);
        break;
      case 'xlsx':
        count = await writeXlsx(rows, options, partial);
        break;
    }
    await rename(partial, options.path);
    return count;
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}
