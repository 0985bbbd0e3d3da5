import { describe, expect, it } from 'vitest';
import type { ImportJobDto, ImportPreview } from '../../shared/contract.ts';
import {
  cellIssues,
  countryOptions,
  countsText,
  fileProblem,
  formatBytes,
  jobPercent,
  localeCountry,
  MAX_IMPORT_BYTES,
  parseTags,
  previewCounts,
  sampleValues,
  upsertJob,
} from './model.ts';
import { uploadResult } from './upload.ts';

function job(over: Partial<ImportJobDto> = {}): ImportJobDto {
  return {
    id: 'J1',
    fileName: 'leads.csv',
    state: 'running',
    rowsDone: 0,
    bytesDone: 0,
    bytesTotal: 1000,
    created: 0,
    updated: 0,
    skipped: 0,
    failed: 0,
    warnings: 0,
    error: null,
    createdAt: 1000,
    updatedAt: 1000,
    ...over,
  };
}

type Row = ImportPreview['rows'][number];
function row(over: Partial<Row>): Row {
  return { rowNumber: 2, cells: [], ok: true, fields: {}, errors: [], warnings: [], ...over };
}

describe('file checks and sizes', () => {
  it('refuses a file over 1 GB before uploading, and an empty one', () => {
    expect(fileProblem({ name: 'big.csv', size: MAX_IMPORT_BYTES + 1 })).toMatch(
      /big\.csv is larger than 1 GB, the most one import can read/,
    );
    expect(fileProblem({ name: 'max.csv', size: MAX_IMPORT_BYTES })).toBeNull();
    expect(fileProblem({ name: 'none.csv', size: 0 })).toBe('none.csv is empty.');
    expect(fileProblem({ name: 'ok.csv', size: 12 })).toBeNull();
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 MB');
    expect(formatBytes(150 * 1024 * 1024)).toBe('150 MB');
    expect(formatBytes(MAX_IMPORT_BYTES)).toBe('1 GB');
  });
});

describe('jobs', () => {
  it('reports progress by bytes, 100 when done, never NaN', () => {
    expect(jobPercent(job({ bytesDone: 333 }))).toBe(33);
    expect(jobPercent(job({ bytesTotal: 0 }))).toBe(0);
    expect(jobPercent(job({ state: 'done', bytesDone: 10 }))).toBe(100);
  });

  it('names only the counts that happened', () => {
    expect(countsText(job())).toBe('no rows yet');
    expect(countsText(job({ created: 1200, failed: 1, skipped: 2 }))).toBe(
      `${(1200).toLocaleString()} created, 2 skipped, 1 refused`,
    );
  });

  it('upserts events into the list, newest first, never going back in time', () => {
    const a = job({ id: 'A', createdAt: 1, updatedAt: 5, rowsDone: 10 });
    const b = job({ id: 'B', createdAt: 2 });
    let list = upsertJob([a], b);
    expect(list.map((j) => j.id)).toEqual(['B', 'A']);
    list = upsertJob(list, { ...a, updatedAt: 6, rowsDone: 20 });
    expect(list.find((j) => j.id === 'A')?.rowsDone).toBe(20);
    list = upsertJob(list, { ...a, updatedAt: 4, rowsDone: 1 });
    expect(list.find((j) => j.id === 'A')?.rowsDone).toBe(20);
  });
});

describe('preview', () => {
  const headers = ['Name', 'E-Mail', 'Website'];

  it('puts each problem on the cell of its column; errors win over warnings', () => {
    const issues = cellIssues(
      row({
        ok: false,
        errors: [
          { column: 'E-Mail', value: 'bob@', message: 'Not a valid email' },
          { column: '', value: '', message: 'This row has 4 values but the file has 3 columns' },
        ],
        warnings: [
          { column: 'E-Mail', value: 'bob@', message: 'Odd' },
          { column: 'Website', value: '=HYPERLINK("x")', message: 'Looks like a formula' },
        ],
      }),
      headers,
    );
    expect(issues.get(1)).toEqual({ kind: 'error', messages: ['Not a valid email', 'Odd'] });
    expect(issues.get(2)).toEqual({ kind: 'warning', messages: ['Looks like a formula'] });
    expect(issues.get(-1)?.messages[0]).toMatch(/4 values/);
    expect(issues.has(0)).toBe(false);
  });

  it('samples distinct non-empty values and counts rows', () => {
    const rows = [
      row({ cells: ['Ada', ' a@x.io '] }),
      row({ cells: ['Ada', ''] }),
      row({ cells: ['Bob'], ok: false, errors: [{ column: 'x', value: '', message: 'm' }] }),
      row({ cells: ['Cy'], warnings: [{ column: 'x', value: '', message: 'm' }] }),
      row({ cells: ['Di'] }),
    ];
    expect(sampleValues(rows, 0)).toEqual(['Ada', 'Bob', 'Cy']);
    expect(sampleValues(rows, 1)).toEqual(['a@x.io']);
    expect(sampleValues(rows, 7)).toEqual([]);
    expect(previewCounts(rows)).toEqual({ ok: 4, refused: 1, warned: 1 });
  });
});

describe('options', () => {
  it('parses tags and says what is wrong with them', () => {
    expect(parseTags(' Web Summit, vip;vip\n')).toEqual({
      tags: ['Web Summit', 'vip'],
      error: null,
    });
    expect(parseTags('')).toEqual({ tags: [], error: null });
    expect(parseTags('a,b,c,d,e,f,g,h,i,j,k').error).toBe('At most 10 tags');
    expect(parseTags('x'.repeat(65)).error).toMatch(/longer than 64/);
  });

  it('lists ISO countries by name and reads the locale’s region', () => {
    const list = countryOptions();
    expect(list.length).toBeGreaterThan(240);
    expect(list.find((c) => c.value === 'DE')?.label).toBe('Germany');
    expect(list.some((c) => c.value === 'UK')).toBe(false);
    expect(localeCountry('en-GB')).toBe('GB');
    expect(localeCountry('de')).toBe('DE');
    expect(localeCountry('nonsense-!!')).toBeNull();
    expect(localeCountry(undefined)).toBeNull();
  });
});

describe('upload answers', () => {
  it('takes the staged file, or the engine’s error as an engine error', () => {
    const file = { id: '01J', name: 'a.csv', size: 3, url: '/files/01J' };
    expect(uploadResult(201, JSON.stringify(file))).toEqual({ ok: true, data: file });
    expect(
      uploadResult(
        400,
        JSON.stringify({
          error: { code: 'invalid_input', message: 'The file is larger than 1 GB' },
        }),
      ),
    ).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'The file is larger than 1 GB' },
    });
    expect(uploadResult(500, JSON.stringify({ error: { code: 'weird', message: 'x' } }))).toEqual({
      ok: false,
      error: { code: 'internal', message: 'x' },
    });
    expect(uploadResult(403, '')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(uploadResult(502, '<html>')).toMatchObject({
      ok: false,
      error: { code: 'internal', message: 'The upload failed (HTTP 502).' },
    });
    // A 2xx without a file is not a file.
    expect(uploadResult(201, '{}')).toMatchObject({ ok: false });
  });
});
