/**
 * What a file is, from its first bytes: an xlsx (a zip), an old .xls, text in some encoding, or
 * binary junk. Text encodings: a byte order mark decides (UTF-8, UTF-16 LE/BE); without one,
 * UTF-16 is recognised by its pattern of NUL bytes, valid UTF-8 is UTF-8, and anything else is
 * windows-1252 (what Excel on Windows writes for "CSV").
 */

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export type Sniffed =
  | { kind: 'empty' }
  | { kind: 'xlsx' }
  | { kind: 'xls' }
  | { kind: 'binary'; reason: string }
  | { kind: 'text'; encoding: TextEncoding; bom: boolean; asciiOnly: boolean };

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const SIGNATURES: [number[], string][] = [
  [[0x25, 0x50, 0x44, 0x46], 'a PDF'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], 'an SQLite database'],
];

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** NUL share at even and odd offsets: ASCII text in UTF-16 LE has NULs at odd ones. */
function utf16WithoutBom(bytes: Uint8Array): TextEncoding | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul += 1;
    if (bytes[i + 1] === 0) oddNul += 1;
  }
  const half = n / 2;
  if (oddNul > half * 0.3 && evenNul < half * 0.05) return 'utf-16le';
  if (evenNul > half * 0.3 && oddNul < half * 0.05) return 'utf-16be';
  return null;
}

function isWhitespace(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i += 1) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  }
  return true;
}

/**
 * `head`: the first bytes of the file (up to 1 MiB is plenty); `whole`: whether that is the whole
 * file (a multi-byte character cut at the end of a partial head is not an encoding error).
 */
export function sniffBytes(head: Uint8Array, whole: boolean): Sniffed {
  if (head.length === 0) return { kind: 'empty' };
  if (startsWith(head, ZIP) || startsWith(head, EMPTY_ZIP)) return { kind: 'xlsx' };
  if (startsWith(head, OLE2)) return { kind: 'xls' };
  for (const [signature, what] of SIGNATURES) {
    if (startsWith(head, signature)) return { kind: 'binary', reason: `it is ${what}` };
  }

  if (startsWith(head, [0xef, 0xbb, 0xbf])) {
    return isWhitespace(head, 3)
      ? { kind: 'empty' }
      : { kind: 'text', encoding: 'utf-8', bom: true, asciiOnly: false };
  }
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    const encoding = head[0] === 0xff ? 'utf-16le' : 'utf-16be';
    const text = new TextDecoder(encoding).decode(head.subarray(0, 4096));
    return text.trim() === ''
      ? { kind: 'empty' }
      : { kind: 'text', encoding, bom: true, asciiOnly: false };
  }
  const utf16 = utf16WithoutBom(head);
  if (utf16) return { kind: 'text', encoding: utf16, bom: false, asciiOnly: false };

  if (isWhitespace(head, 0)) return { kind: 'empty' };
  let control = 0;
  let ascii = true;
  for (const b of head) {
    if (b === 0) return { kind: 'binary', reason: 'it contains NUL bytes' };
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1a)
      control += 1;
    if (b >= 0x80) ascii = false;
  }
  if (control > head.length * 0.01) return { kind: 'binary', reason: 'it contains control bytes' };
  if (ascii) return { kind: 'text', encoding: 'utf-8', bom: false, asciiOnly: true };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !whole });
    return { kind: 'text', encoding: 'utf-8', bom: false, asciiOnly: false };
  } catch {
    return { kind: 'text', encoding: 'windows-1252', bom: false, asciiOnly: false };
  }
}
