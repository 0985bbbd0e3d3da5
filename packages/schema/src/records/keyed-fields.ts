/**
 * Object fields stored one entry per doc key (`FieldDef.perKey`): the lead's `custom` field is
 * `cf:<fieldKey>` keys in the `fields` map, so two users editing different custom fields of one
 * lead concurrently both keep their edit (a single object under one key was last writer wins as a
 * whole). Docs written before hold the object under the field's own key (`custom`); it stays
 * readable: the entries are laid over it. `null` under an entry key clears that entry.
 *
 * Raw records (`readRaw`) keep the doc's keys as they are; `foldPerKey` turns them into the
 * field's object value (projection), `perKeyWrites` turns an intended object value into the
 * entry keys to set (writers), `perKeyFieldOf` names the field an entry key belongs to (authority).
 */
import type { PerKeyDef, RawRecord, RecordType } from './define.ts';
import { jsonEqual } from './values.ts';

type Entries = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Entries =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function perKeyFields(type: RecordType): [string, PerKeyDef][] {
  const out: [string, PerKeyDef][] = [];
  for (const [name, def] of Object.entries(type.fields))
    if (def.perKey) out.push([name, def.perKey]);
  return out;
}

/** The per-key field a doc key is an entry of (`cf:tier` → `{ field: 'custom', key: 'tier' }`). */
export function perKeyFieldOf(
  type: RecordType,
  docKey: string,
): { field: string; key: string; def: PerKeyDef } | null {
  for (const [field, def] of perKeyFields(type)) {
    if (docKey.startsWith(def.prefix)) return { field, key: docKey.slice(def.prefix.length), def };
  }
  return null;
}

/** Checks one entry (its key and value); a message when it is not valid. */
export function perKeyEntryIssue(def: PerKeyDef, key: string, value: unknown): string | null {
  const k = def.key.safeParse(key);
  if (!k.success) return k.error.issues[0]?.message ?? 'Bad key';
  const v = def.value.safeParse(value);
  return v.success ? null : (v.error.issues[0]?.message ?? 'Invalid value');
}

/**
 * The raw record with each per-key field's entries folded into the field's value: the old object
 * (when it is one) with every entry laid over it, `null` entries removed. Records without entry
 * keys are returned as they are (an old-shape value is read, and judged, unchanged).
 */
export function foldPerKey(type: RecordType, raw: RawRecord): RawRecord {
  const fields = perKeyFields(type);
  if (fields.length === 0) return raw;
  let out: Record<string, unknown> | null = null;
  for (const [docKey, value] of Object.entries(raw.fields)) {
    const hit = fields.find(([, def]) => docKey.startsWith(def.prefix));
    if (!hit) continue;
    out ??= { ...raw.fields };
    const [field, def] = hit;
    const base = out[field];
    const folded: Entries = isPlainObject(base) ? { ...base } : {};
    const key = docKey.slice(def.prefix.length);
    if (value === null || value === undefined) delete folded[key];
    else folded[key] = value;
    out[field] = folded;
    delete out[docKey];
  }
  return out ? { ...raw, fields: out } : raw;
}

/**
 * The doc keys to set so that per-key field `field` reads as `next` (an object), given the doc's
 * raw values: each entry that differs, and `null` for each entry no longer present. Entries equal
 * to the current value are left alone, so a write never touches (or conflicts on) other entries.
 */
export function perKeyWrites(
  type: RecordType,
  raw: RawRecord,
  field: string,
  next: unknown,
): Entries {
  const def = type.fields[field]?.perKey;
  if (!def) throw new Error(`${type.name}.${field} is not stored per key`);
  const current = foldPerKey(type, raw).fields[field];
  const now: Entries = isPlainObject(current) ? current : {};
  const want: Entries = isPlainObject(next) ? next : {};
  const writes: Entries = {};
  for (const [key, value] of Object.entries(want)) {
    if (value === null || value === undefined) continue;
    if (!Object.hasOwn(now, key) || !jsonEqual(now[key], value)) writes[def.prefix + key] = value;
  }
  for (const key of Object.keys(now)) {
    const gone = !Object.hasOwn(want, key) || want[key] === null || want[key] === undefined;
    if (gone && now[key] !== null) writes[def.prefix + key] = null;
  }
  return writes;
}
