/**
 * The lead fields the query layer knows: the filter catalog (field name → SQL column of the local
 * `lead` table, aliased `l`), how each sorts, and the `LeadFieldInfo` list the table and the
 * filter builder show. Built-in fields are every field of the lead record (lead-fields.md) plus
 * `updatedAt`; custom fields come from the workspace's definitions as `custom.<key>`, each a typed
 * key of the `custom` JSON column (`jsonKey`, see packages/domain/src/filter/README.md).
 */
import { LEAD_FIELD_LABELS } from '../../../shared/lead-labels.ts';
import { sqliteFieldValue, type FilterCatalog, type FilterField } from '@sdr/domain';
import {
  CONSENT_VALUES,
  DEFAULT_PIPELINE,
  type CustomFieldDef,
  type FilterFieldType,
  type Pipeline,
} from '@sdr/schema';
import { getCountries } from 'libphonenumber-js/max';
import type { LeadFieldInfo } from '../../../shared/contract.ts';

/** The lead table's alias in every query of this layer. */
export const LEAD_ALIAS = 'l';
/**
 * The alias of `lead_score` (engine-computed scores, see leads/score/): queries that mention a
 * column of it join it. An inner join on the workspace too, so SQLite can walk the
 * `(workspace_id, score)` index in score order (a page sorted by score over 1M leads reads about
 * a page of rows, where a LEFT JOIN sorts them all). It reads only scored leads: every lead once
 * the score keeper has drained its queue (see lead-query.ts).
 */
export const SCORE_ALIAS = 'lsc';
export const SCORE_JOIN = `JOIN lead_score AS ${SCORE_ALIAS} ON ${SCORE_ALIAS}.lead_id = ${LEAD_ALIAS}.id AND ${SCORE_ALIAS}.workspace_id = ${LEAD_ALIAS}.workspace_id`;
/** True when compiled SQL reads `lead_score` (the filter compiler quotes columns). */
export const readsScore = (sql: string): boolean => sql.includes(`"${SCORE_ALIAS}".`);

type Option = { value: string; label: string };

interface BuiltIn {
  key: string;
  label: string;
  type: FilterFieldType;
  column: string;
  /** The column's table alias (default: the lead's). */
  alias?: string;
  editable: boolean;
  /** Sorts case-insensitively (names and other free text). */
  nocase?: boolean;
  options?: () => Option[];
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const countryOptions = (): Option[] =>
  getCountries()
    .map((code) => ({ value: code, label: regionNames.of(code) ?? code }))
    .sort((a, b) => a.label.localeCompare(b.label));
const zoneOptions = (): Option[] =>
  Intl.supportedValuesOf('timeZone').map((z) => ({ value: z, label: z.replace(/_/g, ' ') }));
const consentOptions = (): Option[] =>
  CONSENT_VALUES.map((v) => ({ value: v, label: v[0]!.toUpperCase() + v.slice(1) }));

const text = (key: string, label: string, column: string, editable = true): BuiltIn => ({
  key,
  label,
  type: 'text',
  column,
  editable,
  nocase: true,
});

/** Every built-in field, in the order a table offers them. `status` options come from the pipeline. */
const BUILT_IN: readonly BuiltIn[] = [
  text('firstName', LEAD_FIELD_LABELS.firstName, 'first_name'),
  text('lastName', LEAD_FIELD_LABELS.lastName, 'last_name'),
  text('email', LEAD_FIELD_LABELS.email, 'email'),
  text('phone', LEAD_FIELD_LABELS.phone, 'phone'),
  text('company', LEAD_FIELD_LABELS.company, 'company'),
  text('title', LEAD_FIELD_LABELS.title, 'title'),
  text('industry', LEAD_FIELD_LABELS.industry, 'industry'),
  {
    key: 'companySize',
    label: LEAD_FIELD_LABELS.companySize,
    type: 'number',
    column: 'company_size',
    editable: true,
  },
  text('website', LEAD_FIELD_LABELS.website, 'website'),
  {
    key: 'country',
    label: LEAD_FIELD_LABELS.country,
    type: 'select',
    column: 'country',
    editable: true,
    options: countryOptions,
  },
  {
    key: 'timezone',
    label: LEAD_FIELD_LABELS.timezone,
    type: 'select',
    column: 'timezone',
    editable: true,
    options: zoneOptions,
  },
  text('source', LEAD_FIELD_LABELS.source, 'source'),
  {
    key: 'status',
    label: LEAD_FIELD_LABELS.status,
    type: 'select',
    column: 'status',
    editable: true,
  },
  text('statusReason', LEAD_FIELD_LABELS.statusReason, 'status_reason'),
  {
    key: 'ownerId',
    label: LEAD_FIELD_LABELS.ownerId,
    type: 'select',
    column: 'owner_id',
    editable: true,
  },
  { key: 'team', label: LEAD_FIELD_LABELS.team, type: 'select', column: 'team', editable: true },
  { key: 'tags', label: LEAD_FIELD_LABELS.tags, type: 'tags', column: 'tags', editable: true },
  {
    key: 'consentEmail',
    label: LEAD_FIELD_LABELS.consentEmail,
    type: 'select',
    column: 'consent_email',
    editable: true,
    options: consentOptions,
  },
  {
    key: 'consentSms',
    label: LEAD_FIELD_LABELS.consentSms,
    type: 'select',
    column: 'consent_sms',
    editable: true,
    options: consentOptions,
  },
  {
    key: 'consentCalls',
    label: LEAD_FIELD_LABELS.consentCalls,
    type: 'select',
    column: 'consent_calls',
    editable: true,
    options: consentOptions,
  },
  {
    key: 'doNotContact',
    label: LEAD_FIELD_LABELS.doNotContact,
    type: 'boolean',
    column: 'do_not_contact',
    editable: true,
  },
  // Computed by the engine from the workspace's scoring rules.
  {
    key: 'score',
    label: 'Score',
    type: 'number',
    column: 'score',
    alias: SCORE_ALIAS,
    editable: false,
  },
  {
    key: 'createdAt',
    label: LEAD_FIELD_LABELS.createdAt,
    type: 'date',
    column: 'created_at',
    editable: false,
  },
  {
    key: 'lastContactedAt',
    label: LEAD_FIELD_LABELS.lastContactedAt,
    type: 'date',
    column: 'last_contacted_at',
    editable: true,
  },
  { key: 'updatedAt', label: 'Updated', type: 'date', column: 'updated_at', editable: false },
  text('mergedInto', LEAD_FIELD_LABELS.mergedInto, 'merged_into', false),
];

/** Custom field type → filter type (multiselect values are a list, like tags). */
const CUSTOM_TYPES: Record<CustomFieldDef['type'], FilterFieldType> = {
  text: 'text',
  number: 'number',
  date: 'date',
  select: 'select',
  multiselect: 'tags',
  boolean: 'boolean',
};

export const customKey = (key: string): string => `custom.${key}`;

export interface LeadCatalog {
  filter: FilterCatalog;
  /** Field name → ORDER BY expression (without direction). */
  sort: Readonly<Record<string, string>>;
  fields: LeadFieldInfo[];
}

export interface CatalogInput {
  customFields: readonly CustomFieldDef[];
  pipeline?: Pipeline;
}

/** The catalog of a workspace (built-in fields + its custom field definitions). */
export function leadCatalog({
  customFields,
  pipeline = DEFAULT_PIPELINE,
}: CatalogInput): LeadCatalog {
  const filter: Record<string, FilterField> = {};
  const sort: Record<string, string> = {};
  const fields: LeadFieldInfo[] = [];
  const statusOptions = pipeline.stages.map((s) => ({ value: s.key, label: s.label }));

  for (const f of BUILT_IN) {
    const options = f.key === 'status' ? statusOptions : f.options?.();
    const field: FilterField = {
      type: f.type,
      column: `${f.alias ?? LEAD_ALIAS}.${f.column}`,
      label: f.label,
      ...(f.key === 'status' ? { options: statusOptions.map((o) => o.value) } : {}),
    };
    filter[f.key] = field;
    const value = sqliteFieldValue(f.key, field);
    sort[f.key] = f.nocase ? `${value} COLLATE NOCASE` : value;
    fields.push({
      key: f.key,
      label: f.label,
      type: f.type,
      ...(options ? { options } : {}),
      custom: false,
      sortable: true,
      editable: f.editable,
    });
  }

  for (const def of customFields) {
    const key = customKey(def.key);
    const type = CUSTOM_TYPES[def.type];
    const field: FilterField = {
      type,
      column: `${LEAD_ALIAS}.custom`,
      jsonKey: def.key,
      label: def.label,
      ...(def.type === 'date' ? { dateStorage: 'day' as const } : {}),
      ...(def.options && def.type === 'select' ? { options: def.options } : {}),
    };
    filter[key] = field;
    const value = sqliteFieldValue(key, field);
    sort[key] = type === 'text' ? `${value} COLLATE NOCASE` : value;
    fields.push({
      key,
      label: def.label,
      type,
      ...(def.options ? { options: def.options.map((o) => ({ value: o, label: o })) } : {}),
      custom: true,
      sortable: true,
      editable: true,
    });
  }
  return { filter, sort, fields };
}
