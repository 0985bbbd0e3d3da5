/**
 * Pure helpers of the import screens: file checks, sizes, per-cell problems of the preview, sample
 * values, job progress and counts, the country list. No React, no engine (unit-tested in Node).
 */
import { isCountryCode } from '@sdr/domain';
import type { ImportJobDto, ImportPreview } from '../../shared/contract.ts';

/** The largest file the engine imports (it refuses bigger ones too; this says so before uploading). */
export const MAX_IMPORT_BYTES = 1024 ** 3;

const UNITS = ['bytes', 'KB', 'MB', 'GB'] as const;

/** 1536 → "1.5 KB", 1073741824 → "1 GB" (binary units, as file managers on most systems show). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = value >= 100 ? Math.round(value).toString() : value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${UNITS[unit]}`;
}

/** Why a chosen file cannot be imported before anything is sent, or null. */
export function fileProblem(file: { name: string; size: number }): string | null {
  if (file.size > MAX_IMPORT_BYTES) {
    return `${file.name} is larger than 1 GB, the most one import can read. Split it into smaller files first.`;
  }
  if (file.size === 0) return `${file.name} is empty.`;
  return null;
}

/** 0..100, never NaN; a finished job is 100. */
export function percentOf(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}

export function jobPercent(job: ImportJobDto): number {
  if (job.state === 'done') return 100;
  return percentOf(job.bytesDone, job.bytesTotal);
}

export const JOB_STATE_LABELS: Record<ImportJobDto['state'], string> = {
  running: 'Importing',
  paused: 'Paused',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function isFinished(job: ImportJobDto): boolean {
  return job.state === 'done' || job.state === 'failed' || job.state === 'cancelled';
}

/** Rows with a problem worth reporting (refused rows, or warnings). */
export function hasProblems(job: ImportJobDto): boolean {
  return job.failed > 0 || job.warnings > 0;
}

/** "3 created, 1 updated, 2 skipped, 1 refused" (only the non-zero counts; "nothing yet"). */
export function countsText(job: ImportJobDto): string {
  const parts: string[] = [];
  const n = (value: number) => value.toLocaleString();
  if (job.created > 0) parts.push(`${n(job.created)} created`);
  if (job.updated > 0) parts.push(`${n(job.updated)} updated`);
  if (job.skipped > 0) parts.push(`${n(job.skipped)} skipped`);
  if (job.failed > 0) parts.push(`${n(job.failed)} refused`);
  return parts.length > 0 ? parts.join(', ') : 'no rows yet';
}

/** A job whose progress event arrived: replace it in the list (newest first), or add it. */
export function upsertJob(jobs: readonly ImportJobDto[], job: ImportJobDto): ImportJobDto[] {
  const index = jobs.findIndex((candidate) => candidate.id === job.id);
  if (index === -1) return [job, ...jobs].sort((a, b) => b.createdAt - a.createdAt);
  const current = jobs[index]!;
  // Events can overtake a list answer: never go back to an older state of the same job.
  if (current.updatedAt > job.updatedAt) return [...jobs];
  const next = [...jobs];
  next[index] = job;
  return next;
}

export type CellIssue = { kind: 'error' | 'warning'; messages: string[] };

/**
 * The problems of one preview row by column index. Issues name their column by header; a row-level
 * error (no column, e.g. a wrong number of values) is returned under -1.
 */
export function cellIssues(
  row: ImportPreview['rows'][number],
  headers: readonly string[],
): Map<number, CellIssue> {
  const byIndex = new Map<number, CellIssue>();
  const add = (column: string, kind: CellIssue['kind'], message: string) => {
    const index = headers.indexOf(column);
    const key = index === -1 ? -1 : index;
    const current = byIndex.get(key);
    if (!current) byIndex.set(key, { kind, messages: [message] });
    else {
      if (kind === 'error') current.kind = 'error';
      if (!current.messages.includes(message)) current.messages.push(message);
    }
  };
  for (const issue of row.errors) add(issue.column, 'error', issue.message);
  for (const issue of row.warnings) add(issue.column, 'warning', issue.message);
  return byIndex;
}

/** Up to `count` distinct non-empty values of a column in the preview rows. */
export function sampleValues(
  rows: ImportPreview['rows'],
  columnIndex: number,
  count = 3,
): string[] {
  const seen: string[] = [];
  for (const row of rows) {
    const value = (row.cells[columnIndex] ?? '').trim();
    if (value !== '' && !seen.includes(value)) seen.push(value);
    if (seen.length >= count) break;
  }
  return seen;
}

/** Preview rows refused and rows with warnings, for the line above the preview table. */
export function previewCounts(rows: ImportPreview['rows']): {
  ok: number;
  refused: number;
  warned: number;
} {
  let refused = 0;
  let warned = 0;
  for (const row of rows) {
    if (!row.ok) refused += 1;
    else if (row.warnings.length > 0) warned += 1;
  }
  return { ok: rows.length - refused, refused, warned };
}

/** The region of a locale tag ("en-GB" → "GB"), when it is a country code. */
export function localeCountry(locale: string | undefined): string | null {
  if (!locale) return null;
  try {
    const region = new Intl.Locale(locale).maximize().region;
    return region && isCountryCode(region) ? region : null;
  } catch {
    return null;
  }
}

let countries: { value: string; label: string }[] | null = null;

/** Every ISO 3166-1 alpha-2 country with its English name, sorted by name. */
export function countryOptions(): { value: string; label: string }[] {
  if (countries) return countries;
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  const list: { value: string; label: string }[] = [];
  for (let a = 65; a <= 90; a += 1) {
    for (let b = 65; b <= 90; b += 1) {
      const code = String.fromCharCode(a, b);
      if (isCountryCode(code)) list.push({ value: code, label: names.of(code) ?? code });
    }
  }
  countries = list.sort((x, y) => x.label.localeCompare(y.label, 'en'));
  return countries;
}

const MAX_TAGS = 10;
const MAX_TAG_LENGTH = 64;

/** "a, b; c" → the tags to add to every imported lead, or why they cannot be added. */
export function parseTags(text: string): { tags: string[]; error: string | null } {
  const tags = [
    ...new Set(
      text
        .split(/[,;\n]/)
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  if (tags.length > MAX_TAGS) return { tags, error: `At most ${MAX_TAGS} tags` };
  const long = tags.find((t) => t.length > MAX_TAG_LENGTH);
  if (long) return { tags, error: `“${long.slice(0, 20)}…” is longer than 64 characters` };
  return { tags, error: null };
}
