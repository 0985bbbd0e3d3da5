import { describe, expect, it } from 'vitest';
import { sniffBytes } from './sniff.ts';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))),
  );

describe('sniffBytes', () => {
  it.each([
    ['nothing', bytes(), { kind: 'empty' }],
    ['whitespace only', bytes(' \r\n\t\n'), { kind: 'empty' }],
    ['a UTF-8 BOM only', bytes([0xef, 0xbb, 0xbf], '\r\n'), { kind: 'empty' }],
    ['a UTF-16 BOM only', bytes([0xff, 0xfe, 0x0a, 0x00]), { kind: 'empty' }],
    ['a zip (xlsx)', bytes([0x50, 0x4b, 0x03, 0x04], 'rest'), { kind: 'xlsx' }],
    ['an empty zip', bytes([0x50, 0x4b, 0x05, 0x06], 'rest'), { kind: 'xlsx' }],
    ['an old .xls', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), { kind: 'xls' }],
    [
      'ASCII',
      bytes('a,b\n1,2\n'),
      { kind: 'text', encoding: 'utf-8', bom: false, asciiOnly: true },
    ],
    [
      'UTF-8 with BOM',
      bytes([0xef, 0xbb, 0xbf], 'a,b\n'),
      { kind: 'text', encoding: 'utf-8', bom: true, asciiOnly: false },
    ],
    [
      'UTF-8 without BOM',
      bytes('name\nJosé\n'),
      { kind: 'text', encoding: 'utf-8', bom: false, asciiOnly: false },
    ],
    [
      'windows-1252 (é = 0xE9)',
      bytes('name\nJos', [0xe9], '\n'),
      { kind: 'text', encoding: 'windows-1252', bom: false, asciiOnly: false },
    ],
    [
      'UTF-16 LE with BOM',
      bytes([0xff, 0xfe], [0x61, 0, 0x2c, 0, 0x62, 0]),
      { kind: 'text', encoding: 'utf-16le', bom: true, asciiOnly: false },
    ],
    [
      'UTF-16 BE with BOM',
      bytes([0xfe, 0xff], [0, 0x61, 0, 0x2c, 0, 0x62]),
      { kind: 'text', encoding: 'utf-16be', bom: true, asciiOnly: false },
    ],
    [
      'UTF-16 LE without BOM',
      new Uint8Array(Buffer.from('name,email\nAda,ada@example.com\n', 'utf16le')),
      { kind: 'text', encoding: 'utf-16le', bom: false, asciiOnly: false },
    ],
  ])('%s', (_what, head, expected) => {
    expect(sniffBytes(head, true)).toEqual(expected);
  });

  it('does not call a multi-byte character cut at the end of a partial head an encoding error', () => {
    const cut = Buffer.from('name\nJosé', 'utf8').subarray(0, -1);
    expect(sniffBytes(cut, false)).toMatchObject({ encoding: 'utf-8' });
    expect(sniffBytes(cut, true)).toMatchObject({ encoding: 'windows-1252' });
  });

  it.each([
    ['NUL bytes', bytes('abc', [0], 'def,ghi\n', [0, 0, 1, 2])],
    ['control bytes', bytes(Array.from({ length: 200 }, (_, i) => (i % 7) + 1))],
    ['a PDF', bytes('%PDF-1.7\n')],
    ['a PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a])],
    ['gzip', bytes([0x1f, 0x8b, 0x08, 0x00])],
  ])('%s → binary', (_what, head) => {
    expect(sniffBytes(head, true)).toMatchObject({ kind: 'binary' });
  });
});
