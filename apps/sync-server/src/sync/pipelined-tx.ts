/**
 * The commit batch's transaction with BEGIN sent ahead of its first statements.
 *
 * drizzle's postgres.js transaction waits for BEGIN's answer before it runs the first statement: a
 * round trip during which the batch holds its docs and the server has nothing to do for it. Here,
 * on a connection of its own (`reserve()`), BEGIN goes out together with the first statements
 * (postgres.js pipelines the queries of one connection and each answers in order), and COMMIT
 * after `fn` returns; any error rolls back. A batch costs three round trips instead of four.
 *
 * COMMIT is not sent ahead of the last write's answer on purpose: the authority hands out the
 * results of batches running at once in the order they took their seqs, which it learns from that
 * answer before the COMMIT that lets the next batch take seqs after it goes out.
 *
 * PGlite (in-process, no round trips) runs drizzle's transaction.
 */
import { PostgresJsSession, PostgresJsTransaction } from 'drizzle-orm/postgres-js';
import type { PgDialect } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import type { Db } from '../db/schema.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** What this needs of a drizzle postgres.js database (its dialect and its session's parts). */
interface PostgresJsDb {
  dialect: PgDialect;
  session: { client: postgres.Sql; schema: unknown; options: unknown };
}

function postgresJsDb(db: Db): PostgresJsDb | null {
  const d = db as unknown as Partial<PostgresJsDb>;
  return d.dialect && typeof d.session?.client?.reserve === 'function' ? (d as PostgresJsDb) : null;
}

export async function pipelinedTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const pg = postgresJsDb(db);
  if (!pg) return db.transaction(fn);
  const conn = await pg.session.client.reserve();
  // The same objects drizzle's own postgres.js transaction builds on its connection.
  const Session = PostgresJsSession as unknown as new (...a: unknown[]) => unknown;
  const Transaction = PostgresJsTransaction as unknown as new (...a: unknown[]) => Tx;
  const session = new Session(conn, pg.dialect, pg.session.schema, pg.session.options);
  const tx = new Transaction(pg.dialect, session, pg.session.schema);
  try {
    // Sent now, ahead of the statements `fn` sends (postgres.js sends a query once awaited).
    const begun = conn.unsafe('begin').execute();
    begun.catch(() => {}); // its failure fails the statements after it, which `fn` sees
    const out = await fn(tx);
    await begun;
    await conn.unsafe('commit');
    return out;
  } catch (err) {
    await conn.unsafe('rollback').catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}
