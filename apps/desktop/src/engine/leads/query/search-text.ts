/**
 * What a person types in the search box → an FTS5 MATCH expression for `lead_fts`
 * (search-index.ts). The text is cut into tokens the way the FTS tokenizer cuts it (letters,
 * digits and their marks; everything else separates): `ada@analytical.io` → `ada`, `analytical`,
 * `io`. Every token becomes a quoted prefix term (`"analyt"*`: search as you type), all ANDed;
 * quoting makes FTS5 syntax plain text. Inside a word with punctuation, one-character tokens are
 * dropped (`o'brien` → `brien`: a 1-letter prefix matches nearly everything). Input that looks like
 * a phone number (digits, spaces, `+ ( ) . -`, at least 3 digits) also matches the `phone` column
 * by its digits run together, with or without the country code (and its one-digit groups are
 * left out of the word terms).
 */

const MAX_TERMS = 16;
const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;
const PHONE_LIKE = /^[+()\d\s.-]+$/;

const quoted = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** The MATCH expression, or null when the text has nothing to search for. */
export function ftsMatch(input: string): string | null {
  const text = input.normalize('NFC').trim();
  if (text === '') return null;
  const terms: string[] = [];
  for (const word of text.split(/\s+/u)) {
    const tokens = word.match(TOKEN) ?? [];
    const kept = tokens.length > 1 ? tokens.filter((t) => [...t].length > 1) : tokens;
    for (const t of kept.length > 0 ? kept : tokens) terms.push(`${quoted(t)}*`);
  }
  const digits = text.replace(/\D/g, '');
  const phone = PHONE_LIKE.test(text) && digits.length >= 3 ? `phone : ${quoted(digits)}*` : null;
  // Beside a phone match, a lone digit ("+1 415" → "1") would match nearly everything.
  const kept = phone ? terms.filter((t) => t.length > 4) : terms;
  const general = [...new Set(kept)].slice(0, MAX_TERMS).join(' AND ');
  if (phone && general) return `(${phone}) OR (${general})`;
  return phone ?? (general || null);
}
