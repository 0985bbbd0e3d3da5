/**
 * Record types, tldraw-style: each collaborative record type names its fields (one zod schema and
 * one default per field), its current schema version and the named migrations that bring an older
 * doc up to that version. Nothing here touches Yjs: migrations and validation work on a plain
 * `RawRecord`, so the same definition serves read-time upcasts (clients) and write-time upcasts
 * (the server), and can be read by code that must not load Yjs.
 */
import type { z } from 'zod';

/** One field: what a stored value must look like, and what a missing value reads as. */
export interface FieldDef<T = unknown> {
  readonly schema: z.ZodType<T>;
  readonly default: T;
  /**
   * An object field stored one entry per doc key (`<prefix><key>`) instead of one value, so
   * concurrent edits of different entries merge (keyed-fields.ts). `null` under a key clears it.
   */
  readonly perKey?: PerKeyDef;
}

/** How an object field is spread over doc keys: `<prefix><key>` → one entry's value. */
export interface PerKeyDef {
  readonly prefix: string;
  readonly key: z.ZodType<string>;
  readonly value: z.ZodType;
}

export type FieldDefs = Readonly<Record<string, FieldDef>>;

/** What a record doc stores, unvalidated: the `fields` map as plain values and the notes text. */
export interface RawRecord {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly notes: string;
}

/** Brings a raw record from `version - 1` to `version`. Must be pure and deterministic. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (raw: RawRecord) => RawRecord;
}

export interface RecordType<N extends string = string, F extends FieldDefs = FieldDefs> {
  readonly name: N;
  readonly fields: F;
  /** Current schema version; equals the number of migrations. Docs without a version are 0. */
  readonly version: number;
  readonly migrations: readonly Migration[];
  /** Longest notes text the server accepts (characters). */
  readonly maxNotesLength: number;
}

export type FieldValues<F extends FieldDefs> = {
  -readonly [K in keyof F]: z.output<F[K]['schema']>;
};

/** Pseudo-field name used for the notes text in permission checks and compensation reasons. */
export const NOTES_FIELD = 'notes';

const TYPE_NAME = /^[a-z][a-zA-Z0-9]{0,31}$/;

/**
 * Declares a record type. Throws at module load (a programming error, not user input) when the
 * migrations are not numbered 1..n, a name repeats, a default fails its own schema, or a field is
 * called `notes`.
 */
export function defineRecordType<const N extends string, const F extends FieldDefs>(def: {
  name: N;
  fields: F;
  migrations: readonly Migration[];
  maxNotesLength?: number;
}): RecordType<N, F> {
  if (!TYPE_NAME.test(def.name)) throw new Error(`record type: bad name ${def.name}`);
  if (NOTES_FIELD in def.fields) throw new Error(`record type ${def.name}: "notes" is reserved`);
  const seen = new Set<string>();
  def.migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`record type ${def.name}: migration ${m.name} out of order`);
    if (seen.has(m.name)) throw new Error(`record type ${def.name}: duplicate migration ${m.name}`);
    seen.add(m.name);
  });
  for (const [key, f] of Object.entries(def.fields)) {
    if (!f.schema.safeParse(f.default).success) {
      throw new Error(`record type ${def.name}: default of ${key} fails its schema`);
    }
  }
  return {
    name: def.name,
    fields: def.fields,
    version: def.migrations.length,
    migrations: def.migrations,
    maxNotesLength: def.maxNotesLength ?? 100_000,
  };
}

/** Runs the migrations after `fromVersion` in order. Versions above the type's are left as they are. */
export function migrateRaw(type: RecordType, raw: RawRecord, fromVersion: number): RawRecord {
  let out = raw;
  for (const m of type.migrations) if (m.version > fromVersion) out = m.up(out);
  return out;
}
