/**
 * Keys that make leads likely duplicates, as SQL over the `lead` table, with partial indexes so
 * finding groups is an index-only GROUP BY (fast on a million leads):
 *
 * - `email`: the same email (stored trimmed and lowercased);
 * - `phone`: the same phone (stored as E.164);
 * - `name`: the same last name + first initial + company, all lowercased (ASCII), the company
 *   without punctuation, spaces and legal-form words ("Acme, Inc." = "ACME Inc" = "acme").
 *
 * Only live leads (`deleted = 0`) with a non-empty key are indexed. The indexes are derived data
 * (not in the drizzle migrations): created by `ensureDuplicateIndexes`, idempotently, the first
 * time duplicates are asked for. Every expression here uses only SQLite's deterministic built-ins,
 * so any connection can write the table without extra functions.
 */
import type Database from 'better-sqlite3';
import type { DuplicateKind } from '../../../shared/contract.ts';

/**
 * Words dropped from company names (legal forms and "the"), matched as whole words. Kept short:
 * the key is computed on every write of a lead once its index exists (one `replace()` per word).
 */
export const COMPANY_NOISE_WORDS = [
  'the',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'llc',
  'ltd',
  'limited',
  'plc',
  'gmbh',
  'ag',
  'kg',
  'sa',
  'sarl',
  'srl',
  'spa',
  'bv',
  'pty',
] as const;

/** Characters turned into spaces before the words are matched. */
const PUNCTUATION = ['.', ',', '&', '-', '/', '(', ')', "'"];

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The company key expression: lowercased, punctuation and legal-form words out, no spaces. Padded
 * with spaces so every word reads ' word '; each word is its own replace(), so adjacent ones
 * (" gmbh co kg ") all go.
 */
function companyKeySql(col: string): string {
  let e = `lower(${col})`;
  for (const p of PUNCTUATION) e = `replace(${e}, ${sqlString(p)}, ' ')`;
  e = `(' ' || ${e} || ' ')`;
  for (const w of COMPANY_NOISE_WORDS) e = `replace(${e}, ' ${w} ', ' ')`;
  return `replace(${e}, ' ', '')`;
}

export const NAME_KEY_SQL = `lower(trim(last_name)) || '|' || substr(lower(trim(first_name)), 1, 1) || '|' || ${companyKeySql('company')}`;

/** The condition every duplicate query (and its partial index) carries, per kind. */
const LIVE: Record<DuplicateKind, string> = {
  email: `deleted = 0 AND email <> ''`,
  phone: `deleted = 0 AND phone <> ''`,
  name: `deleted = 0 AND last_name <> '' AND company <> ''`,
};

export const KEY_SQL: Record<DuplicateKind, string> = {
  email: 'email',
  phone: 'phone',
  name: NAME_KEY_SQL,
};

export const WHERE_SQL = LIVE;

/**
 * The indexes' names. The name key's carries a version: change `NAME_KEY_SQL` → bump it (a query
 * whose expression differs from its index's would fail on `INDEXED BY`); older ones are dropped.
 */
export const DUPLICATE_INDEX: Record<DuplicateKind, string> = {
  email: 'lead_dupe_email_ix',
  phone: 'lead_dupe_phone_ix',
  name: 'lead_dupe_name_v2_ix',
};
const OLD_INDEXES = ['lead_dupe_name_ix'];

const INDEX_DDL: Record<DuplicateKind, string> = {
  email: `CREATE INDEX IF NOT EXISTS ${DUPLICATE_INDEX.email} ON lead (workspace_id, email) WHERE ${LIVE.email}`,
  phone: `CREATE INDEX IF NOT EXISTS ${DUPLICATE_INDEX.phone} ON lead (workspace_id, phone) WHERE ${LIVE.phone}`,
  name: `CREATE INDEX IF NOT EXISTS ${DUPLICATE_INDEX.name} ON lead (workspace_id, ${NAME_KEY_SQL}) WHERE ${LIVE.name}`,
};

/** Per connection: the schema version at which the indexes were last seen in place. */
const ensured = new WeakMap<Database.Database, number>();

/**
 * Creates the partial indexes (a no-op when they exist). Checked again whenever the schema moved:
 * catch-up mode (`../query/catch-up-mode.ts`) drops them while a big catch-up is stored, and the
 * finder's `INDEXED BY` would fail on a missing index — so a search for duplicates meanwhile builds
 * them again (the catch-up then keeps them up to date, and skips them when it rebuilds).
 */
export function ensureDuplicateIndexes(sqlite: Database.Database): void {
  const version = sqlite.pragma('schema_version', { simple: true }) as number;
  if (ensured.get(sqlite) === version) return;
  sqlite.transaction(() => {
    for (const old of OLD_INDEXES) sqlite.exec(`DROP INDEX IF EXISTS ${old}`);
    for (const ddl of Object.values(INDEX_DDL)) sqlite.exec(ddl);
  })();
  ensured.set(sqlite, sqlite.pragma('schema_version', { simple: true }) as number);
}

/**
 * The same name key in JavaScript (for the renderer's labels and tests). Must match
 * `NAME_KEY_SQL` for ASCII text.
 */
export function nameKey(firstName: string, lastName: string, company: string): string {
  // SQLite's lower() and trim() are ASCII-only and space-only.
  const lower = (s: string) => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
  const trim = (s: string) => s.replace(/^ +| +$/g, '');
  let c = lower(company);
  for (const p of PUNCTUATION) c = c.split(p).join(' ');
  c = ` ${c} `;
  for (const w of COMPANY_NOISE_WORDS) c = c.split(` ${w} `).join(' ');
  return `${lower(trim(lastName))}|${lower(trim(firstName)).slice(0, 1)}|${c.split(' ').join('')}`;
}
