/**
 * What the benchmark uses from the workspace. `bench/` is not a workspace package (it has no
 * node_modules of its own), so the packages' public entry points are reached by relative path and
 * `ws` through the sync server's own dependency. Node resolves symlinks to real paths, so these are
 * the very module instances the server and engine code load (one Yjs).
 */
import { createRequire } from 'node:module';
import type WsWebSocket from 'ws';

const requireFromServer = createRequire(
  new URL('../../apps/sync-server/package.json', import.meta.url),
);

export const WebSocket = requireFromServer('ws') as typeof WsWebSocket;
export type WebSocket = WsWebSocket;

export {
  applyFieldChanges,
  createRecordDoc,
  decodeFrame,
  encodeFrame,
  FRAME_TYPES,
  leadRecord,
  loadRecordDoc,
  newInstallationClientId,
  projectLead,
  PROTOCOL_VERSION,
  SERVER_CLIENT_ID,
} from '../../packages/schema/src/sync/index.ts';
export type { Change, Frame, FrameOf, LeadFields } from '../../packages/schema/src/sync/index.ts';
export {
  LEAD_FIELD_NAMES,
  LEAD_SQL_COLUMNS,
  leadColumnList,
  leadFieldsFromSqlRow,
} from '../../packages/schema/src/index.ts';
import type { loadRecordDoc } from '../../packages/schema/src/sync/index.ts';
import { openPostgres } from '../../apps/sync-server/src/index.ts';
export { startServer } from '../../apps/sync-server/src/index.ts';

/** A record doc (a Y.Doc). */
export type Doc = ReturnType<typeof loadRecordDoc>;

type PostgresHandle = Extract<ReturnType<typeof openPostgres>, { kind: 'postgres' }>;
export type Sql = PostgresHandle['client'];

/** A postgres.js client (the server's own `openPostgres`, so the same library and settings). */
export function openSql(url: string): PostgresHandle {
  const h = openPostgres(url);
  if (h.kind !== 'postgres') throw new Error('expected a Postgres handle');
  return h;
}
