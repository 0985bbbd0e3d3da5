/**
 * Company size as an employee range, from a number or a band as people and CRMs write it:
 * "51-200", "1,001 – 5,000", "51 to 200", "10000+", "10k+", "500 employees".
 */

export interface SizeRange {
  readonly min: number;
  /** null: open-ended ("10000+"). */
  readonly max: number | null;
}

const NUM = String.raw`(\d+(?:\.\d+)?)\s*([km])?`;
const RANGE = new RegExp(String.raw`^${NUM}\s*(?:-|to)\s*${NUM}\b`);
const OPEN = new RegExp(String.raw`^${NUM}\s*(?:\+|or more\b)`);
const SINGLE = new RegExp(String.raw`^${NUM}(?:\s|$)`);

function toNumber(digits: string | undefined, suffix: string | undefined): number {
  const n = Number(digits);
  return Math.round(suffix === 'k' ? n * 1_000 : suffix === 'm' ? n * 1_000_000 : n);
}

export function companySizeRange(value: number | string | null | undefined): SizeRange | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? { min: value, max: value } : null;
  }
  if (typeof value !== 'string') return null;
  const s = value
    .trim()
    .toLowerCase()
    .replace(/(\d)[,\s\u00a0\u202f](?=\d{3}\b)/g, '$1')
    .replace(/[\u2012-\u2015]/g, '-');
  const range = RANGE.exec(s);
  if (range) {
    const a = toNumber(range[1], range[2]);
    const b = toNumber(range[3], range[4]);
    return { min: Math.min(a, b), max: Math.max(a, b) };
  }
  const open = OPEN.exec(s);
  if (open) return { min: toNumber(open[1], open[2]), max: null };
  const single = SINGLE.exec(s);
  if (single) {
    const n = toNumber(single[1], single[2]);
    return { min: n, max: n };
  }
  return null;
}

export function formatSizeRange(r: SizeRange): string {
  if (r.max === null) return `${r.min}+`;
  return r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`;
}
