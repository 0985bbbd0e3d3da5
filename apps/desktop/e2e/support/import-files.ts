/**
 * Files for the import tests, written to the test's output dir: a small HubSpot-style export with
 * the problems real files have, and a large generated one.
 */
import { writeFileSync } from 'node:fs';
import Papa from 'papaparse';

/**
 * A HubSpot contacts export as Excel in a German locale saves it: UTF-8 with a BOM, `;` between
 * values, a company name over two lines (a quoted newline), a row whose email is broken, and a
 * `=HYPERLINK(…)` formula typed into the company cell.
 */
export const REAL_WORLD_CSV =
  '\uFEFF' +
  [
    'Record ID;First Name;Last Name;Email;Phone Number;Company Name;Job Title;Country/Region',
    '101;Ada;Lovelace;ada@example.com;+44 20 7946 0958;Analytical Engines;Head of Research;United Kingdom',
    '102;Grace;Hopper;grace@example.com;(415) 555-0132;"Navy Research\r\nLabs";Rear Admiral;USA',
    '103;Bob;Broken;bob@@example;+1 212 555 0199;Nowhere Inc;Intern;US',
    '104;Eve;Formula;eve@example.com;;=HYPERLINK("http://evil.example","Click me");CTO;Deutschland',
  ].join('\r\n') +
  '\r\n';

/** Rows of `rows` distinct leads; every 1000th has a broken email (refused). */
export function writeLargeCsv(path: string, rows: number): { refused: number } {
  const lines = ['First Name,Last Name,Email,Company Name,Job Title'];
  let refused = 0;
  for (let i = 1; i <= rows; i += 1) {
    const bad = i % 1000 === 0;
    if (bad) refused += 1;
    lines.push(
      `Lead${i},Number ${i},${bad ? `broken-${i}@` : `lead${i}@bulk.example`},Company ${i % 500},Buyer`,
    );
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return { refused };
}

/** A CSV file's rows as objects (BOM stripped by papaparse), keyed by header. */
export function parseCsv(text: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`Bad CSV: ${JSON.stringify(parsed.errors)}`);
  return parsed.data;
}
