/**
 * Why a file cannot be imported. Expected failures (the user picked a bad file) carry a code and a
 * message written for the user; anything else thrown while reading is a bug or an I/O failure.
 */

export type ImportErrorCode =
  /** The path does not exist or is not a regular file. */
  | 'not_found'
  /** Bigger than the size limit (checked before reading a byte). */
  | 'file_too_large'
  /** No bytes, or only whitespace / a byte order mark. */
  | 'empty_file'
  /** NUL bytes or control characters: not text, and not an xlsx. */
  | 'binary_file'
  /** A format we recognise but do not read (Excel 97-2003 .xls). */
  | 'unsupported_format'
  /** An xlsx (zip) that cannot be read, or has no worksheet. */
  | 'corrupt_xlsx'
  /** The first non-blank row is empty or looks like data. */
  | 'no_header_row'
  /** A header cell is blank while later ones are not. */
  | 'blank_header'
  /** Two columns with the same name (ignoring case and spaces). */
  | 'duplicate_header'
  /** Text that changes encoding midway (valid UTF-8 first, then not). */
  | 'invalid_encoding'
  /** A quoted CSV value that is never closed. */
  | 'malformed_csv';

export class ImportError extends Error {
  override name = 'ImportError';
  readonly code: ImportErrorCode;

  constructor(code: ImportErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }

  toJSON(): { code: ImportErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** 1 → A, 27 → AA: how a spreadsheet names the column at a 1-based index. */
export function columnLetter(index: number): string {
  let n = index;
  let name = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    name = String.fromCharCode(65 + rem) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

/** 5368709120 → "5 GB", 1048576 → "1 MB" (binary units, as file managers show them). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 || value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${shown} ${units[unit]}`;
}
