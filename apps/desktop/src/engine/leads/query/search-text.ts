/**
 * What a person types in the search box → an FTS5 MATCH expression for `lead_fts`
 * (search-index.ts). Every word becomes a quoted prefix term (`"smi"*`, search as you type), all
 * ANDed; quoting makes FTS5 syntax characters plain text, and a word with punctuation becomes a
 * phrase (`ada@acme` → the tokens `ada`, `acme*` next to each other, as in the email). Input that
 * looks like a phone number (digits, spaces, `+ ( ) . -`, at least 3 digits) also matches the
 * `phone` column by its digits run together, with or without the country code.
 */

const MAX_WORDS = 16;
const WORDLIKE = /[\p{L}\p{N}]/u;
const PHONE_LIKE = /^[+()\d\s.-]+$/;

const quoted = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** The MATCH expression, or null when the text has nothing to search for. */
export function ftsMatch(input: string): string | null {
  const text = input.normalize('NFC').trim();
  if (text === '') return null;
  const words = text
    .split(/\s+/u)
    .filter((w) => WORDLIKE.test(w))
    .slice(0, MAX_WORDS);
  const general = words.map((w) => `${quoted(w)}*`).join(' AND ');
  const digits = text.replace(/\D/g, '');
  const phone = PHONE_LIKE.test(text) && digits.length >= 3 ? `phone : ${quoted(digits)}*` : null;
  if (phone && general) return `(${phone}) OR (${general})`;
  return phone ?? (general || null);
}
