/**
 * The ids of the leads a `LeadSelection` (filter + search + list) matches, for a bulk action on a
 * whole view.
 *
 * TODO(query layer): switch to the engine's lead query layer (`engine/leads/query/`) once it
 * exports an id resolver, so a bulk action sees exactly the rows the table shows (custom fields,
 * FTS search over notes). Until then this is a small stand-alone resolver: the filter compiled with
 * `compileFilterSqlite` over the built-in columns, search as a case-insensitive substring of name,
 * email, phone and company, and list membership (static members or a dynamic list's filter).
 */
import type Database from 'better-sqlite3';
import { compileFilterSqlite, FilterError, type FilterCatalog } from '@sdr/domain';
import { LEAD_SQL_COLUMNS, type FilterNode } from '@sdr/schema';
import type { LeadSelection } from '../../../shared/contract.ts';
import { EngineFailure } from '../../errors.ts';

function builtInCatalog(): FilterCatalog {
  const catalog: Record<string, FilterCatalog[string]> = {
    updatedAt: { type: 'date', column: 'lead.updated_at' },
  };
  for (const { field, column, kind } of LEAD_SQL_COLUMNS) {
    const qualified = `lead.${column}`;
    if (field === 'tags') catalog[field] = { type: 'tags', column: qualified };
    else if (kind === 'text') catalog[field] = { type: 'text', column: qualified };
    else if (kind === 'integer' || kind === 'bigint' || kind === 'real')
      catalog[field] = { type: 'number', column: qualified };
    else if (kind === 'boolean') catalog[field] = { type: 'boolean', column: qualified };
    else if (kind === 'timestamp') catalog[field] = { type: 'date', column: qualified };
  }
  return catalog;
}

const CATALOG = builtInCatalog();

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function compile(filter: FilterNode, now: number): { sql: string; params: unknown[] } {
  try {
    return compileFilterSqlite(filter, CATALOG, { now });
  } catch (err) {
    if (err instanceof FilterError) {
      throw new EngineFailure('invalid_input', err.message, {
        cause: err,
        issues: [{ path: 'target.selection.filter', message: err.message }],
      });
    }
    throw err;
  }
}

/** Ids of the workspace's leads matching `selection`, oldest first (rowid order). */
export function resolveSelectionIds(
  sqlite: Database.Database,
  workspaceId: string,
  selection: LeadSelection,
  now: number,
): string[] {
  const where: string[] = ['lead.workspace_id = ?'];
  const params: unknown[] = [workspaceId];
  if (!selection.includeDeleted) where.push('lead.deleted = 0');
  if (selection.filter) {
    const c = compile(selection.filter, now);
    where.push(`(${c.sql})`);
    params.push(...c.params);
  }
  const search = selection.search?.trim();
  if (search) {
    const like = `%${escapeLike(search.toLowerCase())}%`;
    where.push(
      `(lower(lead.first_name || ' ' || lead.last_name) LIKE ? ESCAPE '\\'
        OR lead.email LIKE ? ESCAPE '\\' OR lead.phone LIKE ? ESCAPE '\\'
        OR lower(lead.company) LIKE ? ESCAPE '\\')`,
    );
    params.push(like, like, like, like);
  }
  if (selection.listId) {
    const list = sqlite
      .prepare(
        `SELECT kind, filter FROM lead_list WHERE id = ? AND workspace_id = ? AND deleted = 0`,
      )
      .get(selection.listId, workspaceId) as { kind: string; filter: string | null } | undefined;
    if (!list) throw new EngineFailure('not_found', 'This list does not exist in this workspace');
    if (list.kind === 'dynamic' && list.filter) {
      const c = compile(JSON.parse(list.filter) as FilterNode, now);
      where.push(`(${c.sql})`);
      params.push(...c.params);
    } else {
      where.push(
        `lead.id IN (SELECT lead_id FROM lead_list_member
                     WHERE list_id = ? AND workspace_id = ? AND deleted = 0)`,
      );
      params.push(selection.listId, workspaceId);
    }
  }
  return sqlite
    .prepare(`SELECT lead.id FROM lead WHERE ${where.join(' AND ')} ORDER BY lead.rowid`)
    .pluck()
    .all(...params) as string[];
}
