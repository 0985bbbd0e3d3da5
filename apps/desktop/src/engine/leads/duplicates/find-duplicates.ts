/**
 * Likely duplicate groups among a workspace's live leads (see duplicate-keys.ts for the keys):
 * one index-only GROUP BY per kind, in key order, paged with a cursor (kind + last key). A lead
 * can be in a group of each kind (same email and same phone): groups are not merged across kinds.
 */
import type Database from 'better-sqlite3';
import type { DuplicateGroup, DuplicateKind, LeadDto } from '../../../shared/contract.ts';
import { EngineFailure } from '../../errors.ts';
import type { StoredLead } from '../lead-row.ts';
import { DUPLICATE_INDEX, ensureDuplicateIndexes, KEY_SQL, WHERE_SQL } from './duplicate-keys.ts';

const INDEX = DUPLICATE_INDEX;

interface Cursor {
  kind: DuplicateKind;
  after: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

function decodeCursor(s: string, kinds: readonly DuplicateKind[]): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (c && typeof c.after === 'string' && kinds.includes(c.kind as DuplicateKind)) {
      return c as Cursor;
    }
  } catch {
    // falls through
  }
  throw new EngineFailure('invalid_input', 'This page cursor is not valid; start again', {
    issues: [{ path: 'cursor', message: 'Unknown cursor' }],
  });
}

export interface FindDuplicatesInput {
  kinds: readonly DuplicateKind[];
  cursor?: string | undefined;
  limit: number;
  perGroup: number;
}

export interface DuplicateFinderDeps {
  sqlite: Database.Database;
  getLead: (id: string) => StoredLead | undefined;
  dto: (lead: StoredLead) => LeadDto;
}

export function createDuplicateFinder({ sqlite, getLead, dto }: DuplicateFinderDeps) {
  const statements = new Map<string, Database.Statement>();
  const stmt = (key: string, sql: () => string): Database.Statement => {
    let s = statements.get(key);
    if (!s) {
      s = sqlite.prepare(sql());
      statements.set(key, s);
    }
    return s;
  };
  // INDEXED BY makes SQLite refuse (rather than silently scan) if a query cannot use its index.
  const groupsStmt = (kind: DuplicateKind) =>
    stmt(
      `groups:${kind}`,
      () => `SELECT ${KEY_SQL[kind]} AS k, count(*) AS n FROM lead INDEXED BY ${INDEX[kind]}
             WHERE workspace_id = ? AND ${WHERE_SQL[kind]} AND ${KEY_SQL[kind]} > ?
             GROUP BY ${KEY_SQL[kind]} HAVING count(*) > 1 ORDER BY ${KEY_SQL[kind]} LIMIT ?`,
    );
  const membersStmt = (kind: DuplicateKind) =>
    stmt(
      `members:${kind}`,
      () => `SELECT id FROM lead INDEXED BY ${INDEX[kind]}
             WHERE workspace_id = ? AND ${WHERE_SQL[kind]} AND ${KEY_SQL[kind]} = ?
             ORDER BY updated_at DESC, id LIMIT ?`,
    );
  const countStmt = (kind: DuplicateKind) =>
    stmt(
      `count:${kind}`,
      () => `SELECT count(*) FROM (SELECT 1 FROM lead INDEXED BY ${INDEX[kind]}
             WHERE workspace_id = ? AND ${WHERE_SQL[kind]}
             GROUP BY ${KEY_SQL[kind]} HAVING count(*) > 1)`,
    );

  return {
    find(workspaceId: string, input: FindDuplicatesInput) {
      const started = performance.now();
      ensureDuplicateIndexes(sqlite);
      const kinds = [...new Set(input.kinds)];
      const cursor = input.cursor ? decodeCursor(input.cursor, kinds) : null;
      const groups: DuplicateGroup[] = [];
      let nextCursor: string | null = null;
      let started_kind = cursor ? kinds.indexOf(cursor.kind) : 0;
      for (; started_kind < kinds.length; started_kind++) {
        const kind = kinds[started_kind]!;
        const after = cursor && cursor.kind === kind ? cursor.after : '';
        const want = input.limit - groups.length;
        // One more than wanted tells whether this kind has another page.
        const rows = groupsStmt(kind).all(workspaceId, after, want + 1) as {
          k: string;
          n: number;
        }[];
        for (const { k, n } of rows.slice(0, want)) {
          const ids = membersStmt(kind).pluck().all(workspaceId, k, input.perGroup) as string[];
          const leads = ids.map(getLead).filter((l): l is StoredLead => l !== undefined);
          groups.push({ kind, key: k, count: n, leads: leads.map(dto) });
        }
        if (rows.length > want) {
          nextCursor = encodeCursor({ kind, after: groups[groups.length - 1]!.key });
          break;
        }
        if (groups.length >= input.limit) {
          // This kind is exhausted; the next page starts with the next kind (if any).
          const following = kinds[started_kind + 1];
          nextCursor = following ? encodeCursor({ kind: following, after: '' }) : null;
          break;
        }
      }
      const counts = cursor
        ? null
        : {
            email: kinds.includes('email') ? count('email') : 0,
            phone: kinds.includes('phone') ? count('phone') : 0,
            name: kinds.includes('name') ? count('name') : 0,
          };
      return { groups, nextCursor, counts, tookMs: Math.round(performance.now() - started) };

      function count(kind: DuplicateKind): number {
        return countStmt(kind).pluck().get(workspaceId) as number;
      }
    },
  };
}
