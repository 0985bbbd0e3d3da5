/**
 * The per-row error report a user downloads after an import: one CSV line per bad cell (row
 * number as the spreadsheet shows it, column header, the value, what is wrong), warnings after
 * errors. Written with the export writer, so values that look like formulas are neutralised
 * (the report repeats the file's own bad values, `=HYPERLINK(…)` included) and the file is
 * complete or absent.
 */
import { writeExport } from '../export/write-export.ts';
import type { RowResult } from './normalise-row.ts';

export interface ErrorReportEntry {
  readonly rowNumber: number;
  readonly column: string;
  readonly value: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

const COLUMNS = [
  { key: 'rowNumber', label: 'Row' },
  { key: 'column', label: 'Column' },
  { key: 'value', label: 'Value' },
  { key: 'message', label: 'Problem' },
  { key: 'severity', label: 'Severity' },
] as const;

/** The report lines for one row's result (none for a clean row). */
export function reportEntries(
  rowNumber: number,
  result: RowResult,
  options: { warnings?: boolean } = {},
): ErrorReportEntry[] {
  const entries: ErrorReportEntry[] = [];
  if (!result.ok) {
    for (const e of result.errors) entries.push({ rowNumber, ...e, severity: 'error' });
  }
  if (options.warnings !== false) {
    for (const w of result.warnings) {
      entries.push({
        rowNumber,
        column: w.column,
        value: w.value,
        message: w.message,
        severity: 'warning',
      });
    }
  }
  return entries;
}

/** Writes the report as CSV (UTF-8 with BOM, for Excel); returns the number of lines written. */
export async function writeErrorReport(
  entries: AsyncIterable<ErrorReportEntry> | Iterable<ErrorReportEntry>,
  path: string,
): Promise<number> {
  return writeExport(entries as AsyncIterable<Record<string, unknown>>, {
    format: 'csv',
    columns: COLUMNS,
    path,
  });
}
