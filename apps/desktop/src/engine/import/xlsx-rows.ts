/**
 * Rows of an xlsx's first visible tab with exceljs' streaming reader, every cell as text: formulas
 * as their cached result, dates as ISO (`2024-03-05`, or `2024-03-05T14:30:00` without an offset:
 * spreadsheet times are wall-clock times), rich text flattened, errors as Excel shows them.
 */
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { ImportError } from './import-error.ts';

export interface SheetRow {
  /** The row number Excel shows. */
  readonly number: number;
  readonly cells: string[];
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Excel date (exceljs reads it as if UTC) → ISO day, or day and wall time. */
export function isoFromExcelDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const h = date.getUTCHours();
  const m = date.getUTCMinutes();
  const s = date.getUTCSeconds();
  if (h === 0 && m === 0 && s === 0) return day;
  return `${day}T${pad(h)}:${pad(m)}:${pad(s)}`;
}

// Number formats that make a serial number a date (a formula's cached result is a bare number).
const DATE_FORMAT = /[dmyhs]/i;
const QUOTED = /"[^"]*"|\[[^\]]*\]|\\./g;

function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt || numFmt === 'General') return false;
  return DATE_FORMAT.test(numFmt.replace(QUOTED, ''));
}

function serialToDate(serial: number): Date {
  return new Date(Math.round((serial - 25569) * 86_400_000));
}

function plain(value: unknown, numFmt: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    return isDateFormat(numFmt) ? isoFromExcelDate(serialToDate(value)) : String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return isoFromExcelDate(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('formula' in v || 'sharedFormula' in v) {
      const noResult = v.result === undefined || v.result === null || Number.isNaN(v.result);
      if (noResult) {
        const formula = typeof v.formula === 'string' && v.formula !== '' ? v.formula : '';
        return formula ? `=${formula}` : '';
      }
      return plain(v.result, numFmt);
    }
    if (Array.isArray(v.richText)) {
      return (v.richText as { text?: unknown }[])
        .map((r) => (typeof r.text === 'string' ? r.text : ''))
        .join('');
    }
    if (typeof v.error === 'string') return v.error;
    if ('text' in v) return plain(v.text, numFmt);
    return '';
  }
  return typeof value === 'bigint' ? value.toString() : '';
}

/** The cells of a row, 1-based exceljs values → 0-based strings, trailing blanks dropped. */
function rowCells(row: ExcelJS.Row): string[] {
  const cells: string[] = [];
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    while (cells.length < col - 1) cells.push('');
    cells[col - 1] = plain(cell.value, cell.numFmt);
  });
  while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
  return cells;
}

function corrupt(cause: unknown): ImportError {
  return new ImportError(
    'corrupt_xlsx',
    'This Excel file cannot be read (it may be damaged or not really an .xlsx); open it in Excel and save it again, or export it as CSV',
    { cause },
  );
}

interface SheetModel {
  readonly name: string;
  readonly state?: string;
}

/**
 * exceljs's streaming reader parses a worksheet at once when the shared strings and the workbook
 * relationships came before it in the zip, else it buffers the sheet to a temp file until the end;
 * but it reads the workbook part (`model`: tab names, order, hidden state) for that, and throws when
 * the workbook part comes after the sheet (zip entry order is up to the writer). Until the workbook
 * part has been read, the workbook relationships are hidden from it (they are only read to match a
 * sheet to its tab), so such a sheet is buffered and parsed once the tabs are known.
 */
function holdSheetsUntilWorkbook(reader: object): void {
  const r = reader as { model?: unknown; workbookRels?: unknown };
  let rels: unknown = r.workbookRels;
  Object.defineProperty(r, 'workbookRels', {
    configurable: true,
    enumerable: true,
    get: () => (r.model ? rels : undefined),
    set: (v: unknown) => {
      rels = v;
    },
  });
}

/** The first worksheet's rows. Throws `corrupt_xlsx` for a damaged file or one with no sheet. */
export async function* readXlsxRows(input: Readable): AsyncGenerator<SheetRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  holdSheetsUntilWorkbook(reader);
  let sheets = 0;
  try {
    // The first visible tab (workbook order, which is not the order of the sheet files in the
    // zip); when the workbook part has not been read yet, the first sheet in the file.
    for await (const worksheet of reader) {
      sheets += 1;
      const tabs = (reader as unknown as { model?: { sheets?: SheetModel[] } }).model?.sheets;
      const first = tabs?.find((t) => t.state !== 'hidden' && t.state !== 'veryHidden');
      const name = (worksheet as unknown as { name?: string }).name;
      if (first && name !== first.name) continue;
      for await (const row of worksheet) {
        yield { number: row.number, cells: rowCells(row) };
      }
      return;
    }
  } catch (cause) {
    if (cause instanceof ImportError) throw cause;
    throw corrupt(cause);
  } finally {
    input.destroy();
  }
  throw corrupt(new Error(sheets === 0 ? 'no worksheet in the file' : 'no visible worksheet'));
}
