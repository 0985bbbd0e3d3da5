/**
 * Opens a CSV/TSV/XLSX file for import: checks its size before reading it, sniffs what it is from
 * the first bytes (zip → xlsx, otherwise text in a detected encoding), reads the header row and
 * then streams the data rows as `{ rowNumber, cells }`, skipping blank rows.
 *
 * Row numbers are the ones a spreadsheet shows (header = 1 when it is the first line; blank lines
 * count; a quoted value spanning lines is one row), so an error report points at the right row.
 * Resuming: `startAtRow` skips the rows before it (they are still parsed, not returned).
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { detectDelimiter, decodeText, parseCsvRecords, type Delimiter } from './csv-rows.ts';
import { columnLetter, formatBytes, ImportError } from './import-error.ts';
import { sniffBytes, type TextEncoding } from './sniff.ts';
import { readXlsxRows } from './xlsx-rows.ts';

export const DEFAULT_MAX_IMPORT_BYTES = 1024 ** 3;
const HEAD_BYTES = 1024 * 1024;

export interface ReadImportOptions {
  /** Refuse bigger files before reading them. Default 1 GiB. */
  readonly maxBytes?: number;
  /** The first row number to return (e.g. the last row already imported + 1). */
  readonly startAtRow?: number;
}

export interface ImportRow {
  readonly rowNumber: number;
  /** One per header (padded with ''); more only when the row has values beyond the last header. */
  readonly cells: string[];
}

export interface ImportProgress {
  readonly bytesRead: number;
  readonly totalBytes: number;
}

export interface ImportFile {
  readonly format: 'csv' | 'xlsx';
  /** CSV only. */
  readonly encoding: TextEncoding | null;
  /** CSV only. */
  readonly delimiter: Delimiter | null;
  readonly headers: string[];
  readonly headerRowNumber: number;
  readonly totalBytes: number;
  /** Bytes read from disk so far, for a progress bar. */
  progress(): ImportProgress;
  /** The data rows; can be iterated once. */
  rows(): AsyncGenerator<ImportRow>;
  /** Stops reading and releases the file (also done when `rows()` finishes or is left). */
  close(): Promise<void>;
}

interface NumberedRecord {
  readonly number: number;
  readonly cells: string[];
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function* numbered(records: AsyncIterable<string[]>): AsyncGenerator<NumberedRecord> {
  let number = 0;
  for await (const cells of records) {
    number += 1;
    yield { number, cells };
  }
}

function isBlank(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

const EMAIL_LIKE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NUMBER_LIKE = /^[\d\s.,:/+()-]+$/;

/** Trimmed header names; refuses blank and duplicate names, and a first row that is data. */
export function checkHeaders(raw: readonly string[]): string[] {
  const headers = raw.map((h) => h.replace(/^\uFEFF/, '').trim());
  while (headers.length > 0 && headers[headers.length - 1] === '') headers.pop();
  if (headers.length === 0) {
    throw new ImportError('no_header_row', 'The first row is empty; add a row of column names');
  }
  const named = headers.filter((h) => h !== '');
  if (named.some((h) => EMAIL_LIKE.test(h)) || named.every((h) => NUMBER_LIKE.test(h))) {
    throw new ImportError(
      'no_header_row',
      `The first row looks like data ("${named.slice(0, 3).join('", "')}"); add a row of column names above it`,
    );
  }
  const blank = headers.flatMap((h, i) => (h === '' ? [columnLetter(i + 1)] : []));
  if (blank.length > 0) {
    throw new ImportError(
      'blank_header',
      `Column${blank.length > 1 ? 's' : ''} ${blank.join(', ')} ${blank.length > 1 ? 'have' : 'has'} no name in the header row; name ${blank.length > 1 ? 'them' : 'it'} or delete ${blank.length > 1 ? 'them' : 'it'}`,
    );
  }
  const seen = new Map<string, number>();
  const duplicates: string[] = [];
  headers.forEach((h, i) => {
    const key = h.toLowerCase().replace(/\s+/g, ' ');
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else duplicates.push(`"${h}" (columns ${columnLetter(first + 1)} and ${columnLetter(i + 1)})`);
  });
  if (duplicates.length > 0) {
    throw new ImportError(
      'duplicate_header',
      `Two columns have the same name: ${duplicates.join('; ')}; rename one of each`,
    );
  }
  return headers;
}

function fitToHeaders(cells: string[], width: number): string[] {
  if (cells.length === width) return cells;
  if (cells.length < width) return [...cells, ...Array<string>(width - cells.length).fill('')];
  let end = cells.length;
  while (end > width && cells[end - 1]!.trim() === '') end -= 1;
  return end === cells.length ? cells : cells.slice(0, end);
}

export async function openImportFile(
  path: string,
  options: ReadImportOptions = {},
): Promise<ImportFile> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES;
  const info = await stat(path).catch((cause: unknown) => {
    throw new ImportError('not_found', `The file ${path} cannot be opened`, { cause });
  });
  if (!info.isFile()) throw new ImportError('not_found', `${path} is not a file`);
  if (info.size > maxBytes) {
    throw new ImportError(
      'file_too_large',
      `The file is ${formatBytes(info.size)}; the limit is ${formatBytes(maxBytes)}. Split it into smaller files`,
    );
  }
  if (info.size === 0) throw new ImportError('empty_file', 'The file is empty');

  const head = await readHead(path);
  const sniffed = sniffBytes(head, head.length === info.size);
  switch (sniffed.kind) {
    case 'empty':
      throw new ImportError('empty_file', 'The file has no rows');
    case 'xls':
      throw new ImportError(
        'unsupported_format',
        'Excel 97-2003 files (.xls) cannot be imported; save it as .xlsx or CSV in Excel',
      );
    case 'binary':
      throw new ImportError(
        'binary_file',
        `This is not a CSV or Excel file (${sniffed.reason}); choose a .csv, .tsv or .xlsx file`,
      );
    case 'xlsx':
    case 'text':
      break;
  }

  const stream: ReadStream = createReadStream(path, { highWaterMark: 256 * 1024 });
  let records: AsyncGenerator<NumberedRecord>;
  let delimiter: Delimiter | null = null;
  try {
    if (sniffed.kind === 'xlsx') {
      records = (async function* () {
        for await (const row of readXlsxRows(stream))
          yield { number: row.number, cells: row.cells };
      })();
    } else {
      const csv = await detectDelimiter(decodeText(stream, sniffed.encoding));
      delimiter = csv.delimiter;
      records = numbered(parseCsvRecords(csv.text, csv.delimiter));
    }
  } catch (err) {
    stream.destroy();
    throw err;
  }

  const close = async (): Promise<void> => {
    await records.return(undefined);
    stream.destroy();
  };

  let header: NumberedRecord | null = null;
  let headers: string[];
  try {
    for (;;) {
      const next = await records.next();
      if (next.done) break;
      if (!isBlank(next.value.cells)) {
        header = next.value;
        break;
      }
    }
    if (!header) throw new ImportError('empty_file', 'The file has no rows');
    headers = checkHeaders(header.cells);
  } catch (err) {
    await close();
    throw err;
  }

  const startAt = options.startAtRow ?? 0;
  let started = false;
  async function* rows(): AsyncGenerator<ImportRow> {
    if (started) throw new Error('rows() can be iterated once');
    started = true;
    let last = header!.number;
    try {
      for await (const record of records) {
        last = record.number;
        if (record.number < startAt || isBlank(record.cells)) continue;
        yield { rowNumber: record.number, cells: fitToHeaders(record.cells, headers.length) };
      }
    } catch (err) {
      if (err instanceof ImportError && err.code === 'invalid_encoding') {
        throw new ImportError('invalid_encoding', `After row ${last}: ${err.message}`, {
          cause: err,
        });
      }
      throw err;
    } finally {
      stream.destroy();
    }
  }

  return {
    format: sniffed.kind === 'xlsx' ? 'xlsx' : 'csv',
    encoding: sniffed.kind === 'text' ? sniffed.encoding : null,
    delimiter,
    headers,
    headerRowNumber: header.number,
    totalBytes: info.size,
    progress: () => ({ bytesRead: Math.min(stream.bytesRead, info.size), totalBytes: info.size }),
    rows,
    close,
  };
}
