/**
 * Which mailboxes this instance may watch, so that each mailbox is watched by exactly one server
 * instance when several share one Postgres.
 *
 * Postgres: one session-level advisory lock per mailbox, `pg_try_advisory_lock(K, hashtext(id))`,
 * taken on a DEDICATED connection (its own postgres.js client with one connection, named
 * `sdr-mailbox-watcher:<pid>` in `pg_stat_activity`). Postgres releases the locks when that
 * session ends, i.e. when the instance dies or loses its connection; another instance takes them
 * at its next refresh. Every `claim` first asks Postgres which locks this session really holds
 * (a reconnected client is a new session holding none), so an instance that lost its session
 * stops its watchers instead of watching alongside the new holder. Two ids with the same hash
 * share a lock: still one watcher each.
 *
 * PGlite is one process: every mailbox is this instance's.
 */
import postgres from 'postgres';
import type { Logger } from '../../logger.ts';
import { loggableError } from '../../logger.ts';

export interface MailboxLocks {
  /** Of the mailboxes `ids`, those this instance holds now (taking free ones, releasing others). */
  claim(ids: readonly string[]): Promise<Set<string>>;
  close(): Promise<void>;
}

/** The advisory lock class of mailbox watchers (first key of the two-key form). */
export const MAILBOX_LOCK_CLASS = 0x6d626f78; // "mbox"

/** Single instance (PGlite): everything is ours. */
export function singleInstanceLocks(): MailboxLocks {
  return { claim: async (ids) => new Set(ids), close: async () => {} };
}

export function postgresMailboxLocks(url: string, logger: Logger): MailboxLocks {
  const sql = postgres(url, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    onnotice: () => {},
    connection: { application_name: `sdr-mailbox-watcher:${process.pid}` },
  });
  let wanted = new Set<string>();
  return {
    async claim(ids) {
      try {
        const held = await sql<{ id: string }[]>`
          select id from unnest(${[...wanted]}::text[]) as id
          where exists (select 1 from pg_locks l
            where l.locktype = 'advisory' and l.pid = pg_backend_pid() and l.granted
              and l.classid = ${MAILBOX_LOCK_CLASS}::oid
              and l.objid = hashtext(id)::oid and l.objsubid = 2)`;
        const mine = new Set(held.map((r) => r.id));
        const release = [...mine].filter((id) => !ids.includes(id));
        const take = ids.filter((id) => !mine.has(id));
        if (release.length > 0) {
          await sql`select pg_advisory_unlock(${MAILBOX_LOCK_CLASS}, hashtext(id))
                    from unnest(${release}::text[]) as id`;
          for (const id of release) mine.delete(id);
        }
        if (take.length > 0) {
          const got = await sql<{ id: string; ok: boolean }[]>`
            select id, pg_try_advisory_lock(${MAILBOX_LOCK_CLASS}, hashtext(id)) as ok
            from unnest(${take}::text[]) as id`;
          for (const r of got) if (r.ok) mine.add(r.id);
        }
        wanted = mine;
        return new Set(mine);
      } catch (err) {
        // No session, no locks: watch nothing until the connection is back.
        logger.warn({ err: loggableError(err) }, 'mailbox locks unavailable');
        wanted = new Set();
        return new Set();
      }
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
