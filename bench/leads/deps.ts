/**
 * What the leads benchmark uses from the workspace. `bench/` is not a workspace package (no
 * node_modules of its own), so packages and the engine are reached by relative path; Node
 * resolves their own dependencies (better-sqlite3, Yjs) from where they live.
 */
export {
  fieldsOf,
  leadRecord,
  loadRecordDoc,
  metaOf,
  notesOf,
  projectLead,
  SCHEMA_VERSION_KEY,
} from '../../packages/schema/src/sync/index.ts';
export type { LeadFields } from '../../packages/schema/src/sync/index.ts';
export {
  DEFAULT_LEAD_SETTINGS,
  LEAD_SQL_COLUMNS,
  leadFieldsToSqliteParams,
} from '../../packages/schema/src/index.ts';
export type { CustomFieldDef, FilterNode } from '../../packages/schema/src/index.ts';
export { openDb } from '../../apps/desktop/src/engine/db.ts';
export { encodeNewLeadState } from '../../apps/desktop/src/engine/leads/new-lead-state.ts';
export {
  ensureLeadQueryStructures,
  rebuildLeadSearch,
} from '../../apps/desktop/src/engine/leads/query/search-index.ts';
export { signedInOffline } from '../../apps/desktop/src/engine/leads/query/testing.ts';
