/**
 * Idempotent inbox commands. Every REST command accepts an optional `commandId` (the engine's
 * outbox id): the command runs in one transaction with its answer stored in `command_result`
 * (workspace, commandId), so a resend after a crash or a lost response gets the first answer and
 * changes nothing. Two copies racing are serialised by an advisory lock on the command id; the
 * second then finds the first's stored answer. A command id reused for another kind of command
 * is a 409. Failed commands store nothing (a retry runs again).
 */
import { and, eq, sql } from 'drizzle-orm';
import { commandResult } from '@sdr/schema/pg';
import type { AuthContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import type { FactRef } from '../sync/facts.ts';
import { inboxTx, type InboxDeps, type Tx } from './inbox.deps.ts';

export interface CommandMeta {
  readonly kind: string;
  readonly commandId?: string | undefined;
}

/** How long stored answers are kept (the engine resends within minutes; a week is generous). */
export const COMMAND_RESULT_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * Runs `fn` as an inbox transaction (facts stamped and published) and, with a command id, stores
 * its JSON answer in the same transaction or returns the stored one.
 */
export async function runCommand<T>(
  d: InboxDeps,
  auth: AuthContext,
  meta: CommandMeta,
  fn: (tx: Tx, facts: FactRef[]) => Promise<T>,
): Promise<T> {
  const commandId = meta.commandId;
  if (commandId === undefined) return inboxTx(d, auth.workspaceId, fn);
  return inboxTx(d, auth.workspaceId, async (tx, facts) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`inbox-command:${auth.workspaceId}:${commandId}`}))`,
    );
    const [stored] = await tx
      .select()
      .from(commandResult)
      .where(
        and(
          eq(commandResult.workspaceId, auth.workspaceId),
          eq(commandResult.commandId, commandId),
        ),
      );
    if (stored) {
      if (stored.kind !== meta.kind || stored.userId !== auth.userId) {
        throw new ApiError('conflict', 'This commandId was used for another command.', {
          issues: [{ path: 'commandId', message: `already used for ${stored.kind}` }],
        });
      }
      return stored.response as T;
    }
    const result = await fn(tx, facts);
    await tx.insert(commandResult).values({
      id: d.newId(),
      workspaceId: auth.workspaceId,
      commandId,
      userId: auth.userId,
      kind: meta.kind,
      status: 200,
      // Stored as JSON: the repeat answers exactly what the first one serialised to.
      response: JSON.parse(JSON.stringify(result ?? null)) as unknown,
      createdAt: d.now(),
    });
    return result;
  });
}

/** Deletes stored answers older than the retention (run by the inbox job). */
export async function pruneCommandResults(d: InboxDeps, now: number): Promise<void> {
  await d.db
    .delete(commandResult)
    .where(sql`${commandResult.createdAt} < ${now - COMMAND_RESULT_RETENTION_MS}`);
}
