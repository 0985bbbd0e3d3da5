/**
 * Spreadsheet formula injection ("CSV injection", OWASP). A spreadsheet evaluates a CSV cell that
 * starts with `=`, `+`, `-` or `@` as a formula (OWASP adds a leading tab or carriage return):
 * `=HYPERLINK(…)` exfiltrates data, `=cmd|' /C calc'!A0` runs programs through DDE.
 *
 * OWASP's rule prefixes every such cell with `'`. That also rewrites `-5` and `+14155550123`,
 * which are most of our phone numbers (E.164) and every negative number. Our rule leaves a cell
 * alone when it is only a sign followed by digits and phone punctuation (digits, spaces, `(`,
 * `)`, `.`, `-`, `/`): such a cell can at worst be read as arithmetic on numbers, never call a
 * function or reference another cell. Everything else starting with those characters gets the `'`.
 */

const SIGNED_NUMBER_OR_PHONE = /^[+-][\d\s().\-/]*\d[\d\s().\-/]*$/;

/** Whether a spreadsheet could read `value` as a formula (see the rule above). */
export function looksLikeFormula(value: string): boolean {
  if (value.length < 2) return value === '\t' || value === '\r';
  switch (value.charAt(0)) {
    case '\t':
    case '\r':
    case '=':
    case '@':
      return true;
    case '+':
    case '-':
      return !SIGNED_NUMBER_OR_PHONE.test(value);
    default:
      return false;
  }
}

/** `'` + value for a cell a spreadsheet would evaluate; the value itself otherwise. */
export function neutraliseFormula(value: string): string {
  return looksLikeFormula(value) ? `'${value}` : value;
}
