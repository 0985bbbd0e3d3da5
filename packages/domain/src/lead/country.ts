/**
 * Countries to ISO 3166-1 alpha-2. Codes and names come from i18n-iso-countries' data (its code
 * table and its English, German, French and Spanish name lists, aliases included: "USA", "UK",
 * "Deutschland", "Royaume-Uni"); nothing here lists countries by hand except the four nations of
 * the United Kingdom, which CRMs often store as the country and no ISO list contains.
 *
 * The name table is built once at module load (a Map from a folded name to the code), so a
 * lookup is one string fold and one Map read.
 */
import codes from 'i18n-iso-countries/codes.json' with { type: 'json' };
import de from 'i18n-iso-countries/langs/de.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import { fail, ok, type ValueResult } from './types.ts';

type NameList = Record<string, string | readonly string[]>;

// [alpha-2, alpha-3, numeric] rows. The package's JS entry is not imported: under Node it loads
// all of its ~80 languages at start-up; these data files are all we need.
const ALPHA2 = new Set(codes.map((row) => row[0]!));
const ALPHA3 = new Map(codes.map((row) => [row[1]!, row[0]!]));
const UK_NATIONS = { england: 'GB', scotland: 'GB', wales: 'GB', northernireland: 'GB' };

const DIACRITICS = /[\u0300-\u036f]/g;
const NOT_ALNUM = /[^\p{L}\p{N}]+/gu;

/** "Côte d'Ivoire" → "cotedivoire", "U.S.A." → "usa". */
function fold(name: string): string {
  return name.normalize('NFD').replace(DIACRITICS, '').toLowerCase().replace(NOT_ALNUM, '');
}

const AMBIGUOUS = Symbol('ambiguous');
type Entry = string | { [AMBIGUOUS]: string[] };

function buildNameTable(): Map<string, Entry> {
  const table = new Map<string, Entry>(Object.entries(UK_NATIONS));
  // Earlier languages win; a name two countries share within one language ("Congo") is ambiguous.
  for (const lang of [en, de, fr, es]) {
    const local = new Map<string, Set<string>>();
    for (const [code, names] of Object.entries(lang.countries as NameList)) {
      for (const name of typeof names === 'string' ? [names] : names) {
        const key = fold(name);
        if (key === '') continue;
        const codes = local.get(key) ?? new Set<string>();
        codes.add(code);
        local.set(key, codes);
      }
    }
    for (const [key, codes] of local) {
      if (table.has(key)) continue;
      table.set(key, codes.size === 1 ? [...codes][0]! : { [AMBIGUOUS]: [...codes].sort() });
    }
  }
  return table;
}

const NAMES = buildNameTable();

/**
 * "US", "usa", "United States", "U.S.", "United Kingdom", "UK", "England", "Deutschland",
 * "Allemagne" → the ISO alpha-2 code, uppercase. Empty → ok with ''.
 */
export function normaliseCountry(input: string): ValueResult<string> {
  const text = input.trim();
  if (text === '') return ok('');
  const upper = text.toUpperCase();
  if (upper.length === 2 && ALPHA2.has(upper)) return ok(upper);
  if (upper.length === 3) {
    const code = ALPHA3.get(upper);
    if (code) return ok(code);
  }
  const key = fold(text);
  const entry = NAMES.get(key) ?? (key.startsWith('the') ? NAMES.get(key.slice(3)) : undefined);
  if (typeof entry === 'string') return ok(entry);
  if (entry) {
    return fail(`"${text}" could be ${entry[AMBIGUOUS].join(' or ')}; use the 2-letter code`);
  }
  return fail(`Unknown country "${text}"; use a 2-letter code like US or DE`);
}

/** Whether `code` is an assigned ISO 3166-1 alpha-2 code (uppercase). */
export function isCountryCode(code: string): boolean {
  return ALPHA2.has(code);
}
