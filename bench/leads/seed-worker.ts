/**
 * A seed worker thread: generates chunks of leads (fields, notes and each lead's Yjs state) and
 * posts them to seed.ts as SQLite parameter rows. The first leads of every chunk are also built
 * with Yjs itself and compared byte for byte with the fast encoder.
 */
import { parentPort } from 'node:worker_threads';
import { leadFieldsToSqliteParams, leadRecord } from './deps.ts';
import { generateLead, WORKSPACE_ID } from './generate.ts';
import { checkAgainstYjs, encodeLeadState } from './lead-state.ts';

export interface SeedChunkRequest {
  seed: number;
  now: number;
  from: number;
  to: number;
  /** Leads in the whole seed (creation dates spread over them). */
  total: number;
  clientId: number;
}

export interface SeedChunk {
  from: number;
  /** `rowid, id, workspace_id, ...fields, schema_version, seq, y_state, updated_at` per lead. */
  rows: unknown[][];
  /** Notes per row ('' for none). */
  notes: string[];
}

const CHECKED_PER_CHUNK = 20;

export function generateChunk(req: SeedChunkRequest): SeedChunk {
  const rows: unknown[][] = [];
  const notes: string[] = [];
  for (let i = req.from; i < req.to; i++) {
    const lead = generateLead(req.seed, i, req.now, req.total);
    if (i - req.from < CHECKED_PER_CHUNK) {
      checkAgainstYjs(`lead:${lead.id}`, lead.fields, lead.notes, req.clientId);
    }
    const state = encodeLeadState(lead.fields, lead.notes, req.clientId);
    rows.push([
      i + 1,
      lead.id,
      WORKSPACE_ID,
      ...leadFieldsToSqliteParams(lead.fields),
      leadRecord.version,
      i + 1,
      state,
      lead.updatedAt,
    ]);
    notes.push(lead.notes);
  }
  return { from: req.from, rows, notes };
}

parentPort?.on('message', (req: SeedChunkRequest) => {
  parentPort!.postMessage(generateChunk(req));
});
