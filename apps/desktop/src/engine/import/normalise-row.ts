/**
 * One import row → lead field values, with the parsers of `@sdr/domain` (lead values). Only the
 * values the row gives are returned (an empty cell never overwrites anything), so the result fits
 * both "create" and "update the duplicate". A row with any bad value is refused as a whole, with
 * one error per bad cell; the error report lists them so the user can fix and re-import.
 *
 * Work per mapping (column plan, custom field lookup, status/owner tables) is done once in
 * `createRowNormaliser`; `normaliseRow` caches it per mapping object. 100k rows take ~1-2 s.
 */
import {
  mainTimeZone,
  normaliseCountry,
  normalisePhone,
  normaliseTimeZone,
  parseBoolean,
  parseCompanySize,
  parseConsent,
  parseCustomValue,
  parseEmail,
  parseTags,
  parseText,
  parseTimestamp,
  parseWebsite,
  LEAD_LIMITS,
  type Consent,
  type CustomFieldDef,
  type CustomValue,
  type DateOrder,
  type ValueResult,
} from '@sdr/domain';
import { looksLikeFormula } from '../export/formula.ts';
import { columnLetter } from './import-error.ts';
import {
  checkMapping,
  type ConsentField,
  type ImportMapping,
  type ImportTarget,
  type LeadImportField,
} from './mapping.ts';

/** A type, not an interface, so it is assignable to `Record<string, unknown>`. */
export type ImportedLead = {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  company?: string;
  title?: string;
  industry?: string;
  companySize?: number;
  website?: string;
  country?: string;
  timezone?: string;
  source?: string;
  status?: string;
  statusReason?: string;
  ownerId?: string;
  team?: string;
  tags?: string[];
  consentEmail?: Consent;
  consentSms?: Consent;
  consentCalls?: Consent;
  doNotContact?: boolean;
  createdAt?: number;
  lastContactedAt?: number;
  custom?: Record<string, CustomValue>;
};

export interface RowError {
  readonly column: string;
  readonly value: string;
  readonly message: string;
}

export type RowWarningCode =
  | 'formula_kept_as_text'
  | 'phone_extension_dropped'
  | 'value_not_imported'
  | 'owner_not_found'
  | 'consent_conflict';

export interface RowWarning extends RowError {
  readonly code: RowWarningCode;
}

export type RowResult =
  | { ok: true; fields: ImportedLead; warnings: RowWarning[] }
  | { ok: false; errors: RowError[]; warnings: RowWarning[] };

export interface PipelineStage {
  readonly key: string;
  readonly label: string;
}

export interface KnownOwner {
  readonly id: string;
  readonly name?: string;
  readonly email?: string;
}

export interface NormaliseOptions {
  readonly customFields?: readonly CustomFieldDef[];
  /** For phone numbers without a country code, when the row has no country. */
  readonly defaultCountry?: string;
  /** For ambiguous dates like 3/5/2024. Default `mdy`, or `dmy` when defaultCountry is not US. */
  readonly dateOrder?: DateOrder;
  /** IANA zone for date-times without an offset. Default UTC. */
  readonly timeZone?: string;
  /** Pipeline stages: a status must name one (key or label). Without them any status is kept. */
  readonly statuses?: readonly PipelineStage[];
  /** Users an owner column is matched against (id, email or name). */
  readonly owners?: readonly KnownOwner[];
}

interface Column {
  readonly index: number;
  readonly header: string;
}

const TEXT_LIMITS: Partial<Record<LeadImportField, number>> = {
  firstName: LEAD_LIMITS.shortText,
  lastName: LEAD_LIMITS.shortText,
  company: LEAD_LIMITS.shortText,
  title: LEAD_LIMITS.shortText,
  industry: LEAD_LIMITS.shortText,
  source: LEAD_LIMITS.shortText,
  statusReason: LEAD_LIMITS.statusReason,
  team: 64,
};
const MDY_COUNTRIES = new Set(['US', 'PH', 'BZ', 'FM', 'MH', 'PW']);
/** What CRM exports put in typed columns for "no value"; read as empty there (not in text). */
const PLACEHOLDERS = new Set(['-', '--', '—', '–', 'n/a', 'na', '#n/a', 'null', 'none', 'nil']);
const TEXT_TARGETS = new Set<ImportTarget>([
  'firstName',
  'lastName',
  'fullName',
  'company',
  'title',
  'industry',
  'source',
  'statusReason',
  'team',
  'status',
]);

function fold(s: string): string {
  return s.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Compiles a mapping into a function from cells to a row result. Throws on a bad mapping. */
export function createRowNormaliser(
  headers: readonly string[],
  mapping: ImportMapping,
  options: NormaliseOptions = {},
): (cells: readonly string[]) => RowResult {
  const customFields = options.customFields ?? [];
  const problems = checkMapping(headers, mapping, customFields);
  if (problems.length > 0) throw new Error(`Bad import mapping: ${problems.join('; ')}`);

  const byTarget = new Map<ImportTarget, Column[]>();
  headers.forEach((header, index) => {
    const target = mapping[header] ?? 'ignore';
    if (target === 'ignore') return;
    const list = byTarget.get(target) ?? [];
    list.push({ index, header });
    byTarget.set(target, list);
  });
  const targets = [...byTarget.entries()];

  const customDefs = new Map(customFields.map((d) => [d.key, d]));
  const textTargets = new Set<ImportTarget>([
    ...TEXT_TARGETS,
    ...customFields.filter((d) => d.type === 'text').map((d): ImportTarget => `custom:${d.key}`),
  ]);
  // Formula-looking cells are only worth a warning where they are kept as text: typed values
  // (phone, email, dates…) are parsed into something else or refused.
  const textColumns = targets.flatMap(([target, cols]) => (textTargets.has(target) ? cols : []));
  const stages = options.statuses
    ? new Map(
        options.statuses.flatMap((s) => [
          [fold(s.key), s.key],
          [fold(s.label), s.key],
        ]),
      )
    : null;
  const owners = options.owners
    ? new Map(
        options.owners.flatMap((o) => [
          [fold(o.id), o.id],
          ...(o.email ? [[fold(o.email), o.id] as [string, string]] : []),
          ...(o.name ? [[fold(o.name), o.id] as [string, string]] : []),
        ]),
      )
    : null;
  const defaultCountry = (options.defaultCountry ?? '').trim().toUpperCase();
  const dateOrder: DateOrder =
    options.dateOrder ??
    (defaultCountry === '' || MDY_COUNTRIES.has(defaultCountry) ? 'mdy' : 'dmy');
  const dateOptions = { order: dateOrder, timeZone: options.timeZone };

  return (cells) => {
    const fields: ImportedLead = {};
    const errors: RowError[] = [];
    const warnings: RowWarning[] = [];

    for (let i = headers.length; i < cells.length; i += 1) {
      const value = cells[i] ?? '';
      if (value.trim() === '') continue;
      errors.push({
        column: `column ${columnLetter(i + 1)}`,
        value,
        message: `This row has ${cells.length} values but the file has ${headers.length} columns`,
      });
      break;
    }
    for (const col of textColumns) {
      const value = cells[col.index] ?? '';
      if (looksLikeFormula(value)) {
        warnings.push({
          column: col.header,
          value,
          code: 'formula_kept_as_text',
          message: 'Looks like a spreadsheet formula; kept as text, not evaluated',
        });
      }
    }

    /** The first non-empty cell among a target's columns; other different values are reported. */
    const pick = (cols: readonly Column[]): Column & { value: string } => {
      let chosen: (Column & { value: string }) | null = null;
      for (const col of cols) {
        const value = cells[col.index] ?? '';
        if (value.trim() === '') continue;
        if (!chosen) chosen = { ...col, value };
        else if (value.trim() !== chosen.value.trim()) {
          warnings.push({
            column: col.header,
            value,
            code: 'value_not_imported',
            message: `Not imported: "${chosen.header}" already gives this field a value`,
          });
        }
      }
      return chosen ?? { ...cols[0]!, value: '' };
    };
    const take = <T>(col: Column & { value: string }, r: ValueResult<T>): T | undefined => {
      if (r.ok) return r.value;
      errors.push({ column: col.header, value: col.value, message: r.message });
      return undefined;
    };

    // Country first: it is the default country of the row's phone number.
    const countryCols = byTarget.get('country');
    if (countryCols) {
      const col = pick(countryCols);
      const empty = PLACEHOLDERS.has(fold(col.value));
      const country = empty ? '' : take(col, normaliseCountry(col.value));
      if (country) fields.country = country;
    }
    let phoneCountry = '';
    const optOuts: [ConsentField, Column & { value: string }][] = [];
    let fullName: (Column & { value: string }) | null = null;

    for (const [target, cols] of targets) {
      if (target === 'country') continue;
      if (target === 'tags') {
        const joined = cols.map((c) => cells[c.index] ?? '').join(';');
        const tags = take({ ...cols[0]!, value: joined }, parseTags(joined));
        if (tags && tags.length > 0) fields.tags = tags;
        continue;
      }
      const col = pick(cols);
      if (col.value.trim() === '') continue;
      if (!textTargets.has(target) && PLACEHOLDERS.has(fold(col.value))) continue;
      const raw = col.value;
      if (target.startsWith('custom:')) {
        const def = customDefs.get(target.slice(7))!;
        const value = take(col, parseCustomValue(def, raw, { dateOrder }));
        if (
          value !== undefined &&
          value !== null &&
          !(Array.isArray(value) && value.length === 0)
        ) {
          (fields.custom ??= {})[def.key] = value;
        }
        continue;
      }
      if (target.startsWith('optOut:')) {
        optOuts.push([target.slice(7) as ConsentField, col]);
        continue;
      }
      switch (target as Exclude<ImportTarget, `custom:${string}` | `optOut:${string}`>) {
        case 'fullName':
          fullName = col;
          break;
        case 'firstName':
        case 'lastName':
        case 'company':
        case 'title':
        case 'industry':
        case 'source':
        case 'statusReason':
        case 'team': {
          const field = target as 'firstName';
          const text = take(col, parseText(raw, TEXT_LIMITS[field]));
          if (text) fields[field] = text;
          break;
        }
        case 'email': {
          const email = take(col, parseEmail(raw));
          if (email) fields.email = email;
          break;
        }
        case 'phone': {
          const phone = normalisePhone(raw, fields.country || defaultCountry || undefined);
          if (!phone.ok) errors.push({ column: col.header, value: raw, message: phone.message });
          else if (phone.e164) {
            fields.phone = phone.e164;
            phoneCountry = phone.country;
            if (phone.extension) {
              warnings.push({
                column: col.header,
                value: raw,
                code: 'phone_extension_dropped',
                message: `Extension ${phone.extension} not kept (phone numbers are stored without one)`,
              });
            }
          }
          break;
        }
        case 'companySize': {
          const size = take(col, parseCompanySize(raw));
          if (size !== undefined && size !== null) fields.companySize = size;
          break;
        }
        case 'website': {
          const website = take(col, parseWebsite(raw));
          if (website) fields.website = website;
          break;
        }
        case 'timezone': {
          const zone = take(col, normaliseTimeZone(raw));
          if (zone) fields.timezone = zone;
          break;
        }
        case 'status': {
          const text = raw.trim();
          if (stages) {
            const key = stages.get(fold(text));
            if (key) fields.status = key;
            else {
              const shown = [...new Set(stages.values())].slice(0, 8).join(', ');
              errors.push({
                column: col.header,
                value: raw,
                message: `"${text}" is not a pipeline stage (${shown}); map it or change the value`,
              });
            }
          } else {
            const status = take(col, parseText(raw, 64));
            if (status) fields.status = status;
          }
          break;
        }
        case 'ownerId': {
          const id = owners?.get(fold(raw));
          if (id) fields.ownerId = id;
          else {
            warnings.push({
              column: col.header,
              value: raw,
              code: 'owner_not_found',
              message: `No user "${raw.trim()}" in this workspace; the lead is left unassigned`,
            });
          }
          break;
        }
        case 'consentEmail':
        case 'consentSms':
        case 'consentCalls': {
          const consent = take(col, parseConsent(raw));
          if (consent && consent !== 'unknown') fields[target as ConsentField] = consent;
          break;
        }
        case 'doNotContact': {
          const flag = take(col, parseBoolean(raw));
          if (flag !== undefined && flag !== null) fields.doNotContact = flag;
          break;
        }
        case 'createdAt':
        case 'lastContactedAt': {
          const ms = take(col, parseTimestamp(raw, dateOptions));
          if (ms !== undefined && ms !== null) {
            if (ms < 0)
              errors.push({
                column: col.header,
                value: raw,
                message: 'Dates before 1970 are not allowed here',
              });
            else fields[target as 'createdAt'] = ms;
          }
          break;
        }
        case 'country':
        case 'tags':
        case 'ignore':
          break;
      }
    }

    for (const [consent, col] of optOuts) {
      const optedOut = take(col, parseBoolean(col.value));
      if (!optedOut) continue;
      if (fields[consent] === 'granted') {
        warnings.push({
          column: col.header,
          value: col.value,
          code: 'consent_conflict',
          message: 'Opted out here but consent is granted in another column; kept as denied',
        });
      }
      fields[consent] = 'denied';
    }

    if (fullName && fields.firstName === undefined && fields.lastName === undefined) {
      const parts = fullName.value.trim().split(/\s+/);
      const first = take(
        fullName,
        parseText(parts.length > 1 ? parts.slice(0, -1).join(' ') : parts[0]!),
      );
      const last = parts.length > 1 ? take(fullName, parseText(parts[parts.length - 1]!)) : '';
      if (first) fields.firstName = first;
      if (last) fields.lastName = last;
    }

    // Derived like deriveTimeZone (phone's country, then country), reusing the parsed phone.
    if (fields.timezone === undefined) {
      const zone =
        (phoneCountry ? mainTimeZone(phoneCountry) : null) ??
        (fields.country ? mainTimeZone(fields.country) : null);
      if (zone) fields.timezone = zone;
    }

    return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, fields, warnings };
  };
}

const NO_OPTIONS: NormaliseOptions = {};
const cache = new WeakMap<
  ImportMapping,
  {
    headers: readonly string[];
    options: NormaliseOptions;
    run: (cells: readonly string[]) => RowResult;
  }
>();

/**
 * `createRowNormaliser` for one row. The compiled mapping is cached per mapping object (and
 * reused while the same headers and options objects are passed), so calling this per row is fine.
 */
export function normaliseRow(
  cells: readonly string[],
  headers: readonly string[],
  mapping: ImportMapping,
  options: NormaliseOptions = NO_OPTIONS,
): RowResult {
  let entry = cache.get(mapping);
  if (!entry || entry.headers !== headers || entry.options !== options) {
    entry = { headers, options, run: createRowNormaliser(headers, mapping, options) };
    cache.set(mapping, entry);
  }
  return entry.run(cells);
}
