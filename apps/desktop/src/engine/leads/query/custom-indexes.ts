/**
 * Indexes on custom fields. A custom field is a key of the `custom` JSON column, so a sort or a
 * range on it reads every row (at a million leads: seconds). For the workspace's number, date and
 * select fields (the ones people sort and compare), an expression index on exactly the value
 * expression the filter compiler writes (`sqliteFieldValue`, see catalog.ts) makes SQLite use it
 * for `ORDER BY` and comparisons: `lead_qcf_<key>` on `(workspace_id, deleted, <value>, id)`.
 *
 * Building one reads every row (~4 s at a million leads) and blocks the engine meanwhile, so the
 * background loop builds them one at a time while nobody is querying; until then the field works,
 * slowly. Indexes of fields no longer defined are dropped. Engine-local DDL, like search-index.ts.
 */
import type Database from 'better-sqlite3';
import { sqliteFieldValue, type FilterField } from '@sdr/domain';
import type { CustomFieldDef } from '@sdr/schema';

export const CUSTOM_INDEX_PREFIX = 'lead_qcf_';
/** Index types: sorted and compared (multiselect, text and boolean are not). */
const INDEXED_TYPES = new Set<CustomFieldDef['type']>(['number', 'date', 'select']);
/** At most this many custom-field indexes (each costs a little on every lead write). */
export const MAX_CUSTOM_INDEXES = 16;

export const customIndexName = (key: string): string => `${CUSTOM_INDEX_PREFIX}${key}`;

/** The CREATE INDEX of a custom field, or null for a type that is not indexed. */
export function customIndexSql(def: CustomFieldDef): string | null {
  if (!INDEXED_TYPES.has(def.type)) return null;
  // Unqualified column: SQLite matches the index to `"l"."custom"` in queries all the same.
  const field: FilterField = {
    type: def.type === 'date' ? 'date' : def.type === 'number' ? 'number' : 'select',
    column: 'custom',
    jsonKey: def.key,
    ...(def.type === 'date' ? { dateStorage: 'day' as const } : {}),
  };
  const value = sqliteFieldValue(def.key, field);
  return `CREATE INDEX "${customIndexName(def.key)}" ON lead (workspace_id, deleted, ${value}, id)`;
}

export function createCustomIndexes(sqlite: Database.Database) {
  const existing = () =>
    new Map(
      (
        sqlite
          .prepare(
            `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lead'
             AND substr(name, 1, ${CUSTOM_INDEX_PREFIX.length}) = ?`,
          )
          .all(CUSTOM_INDEX_PREFIX) as { name: string; sql: string }[]
      ).map((r) => [r.name, r.sql]),
    );

  return {
    /**
     * Brings the indexes toward `defs` (every workspace's custom fields): drops stale ones, and
     * builds at most one missing one when `build` (the engine is idle). True when it changed
     * anything (the query planner then looks at the indexes again).
     */
    sync(defs: readonly CustomFieldDef[], build: boolean): boolean {
      const wanted = new Map<string, string>();
      for (const def of defs) {
        const sql = customIndexSql(def);
        if (sql && wanted.size < MAX_CUSTOM_INDEXES) wanted.set(customIndexName(def.key), sql);
      }
      const have = existing();
      let changed = false;
      for (const [name, sql] of have) {
        if (wanted.get(name) !== sql) {
          sqlite.exec(`DROP INDEX "${name}"`);
          have.delete(name);
          changed = true;
        }
      }
      if (!build) return changed;
      for (const [name, sql] of wanted) {
        if (have.has(name)) continue;
        sqlite.exec(sql);
        return true;
      }
      return changed;
    },
  };
}
