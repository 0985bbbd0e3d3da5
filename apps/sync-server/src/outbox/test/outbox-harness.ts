/**
 * Test helpers for the outbox and webhooks: a database (PGlite shared per process, or a fresh
 * Postgres database) together with what pg-boss needs to reach it (the PGlite instance or the
 * connection URL), a workspace with a Twilio integration on a fake Twilio, and outbound messages
 * written the way the inbox writes them (message row + `enqueueSend` in one transaction).
 */
import { sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { conversation, message, workspace } from '@sdr/schema/pg';
import { createSecretBox, type SecretBox } from '../../crypto/secret-box.ts';
import { migrateDatabase } from '../../db/migrate.ts';
import { openPglite, openPostgres, type DatabaseHandle } from '../../db/open.ts';
import type { Db } from '../../db/schema.ts';
import { truncateAll } from '../../db/tables.ts';
import { saveTwilioIntegration } from '../../integrations/integrations.service.ts';
import { createPostgresDatabase, type DbKind } from '../../test/harness.ts';
import { OUTBOX_QUEUE, startBossFor, type Outbox, type OutboxSettings } from '../outbox.ts';

export const TEST_SECRET_BOX_KEY = 'ab'.repeat(32);
export const testBox = (): SecretBox => createSecretBox(Buffer.from(TEST_SECRET_BOX_KEY, 'hex'));

export interface OutboxTestDb {
  kind: DbKind;
  handle: DatabaseHandle;
  db: Db;
  /** Postgres only: the database URL (for pg-boss and child processes). */
  url: string | undefined;
  close(): Promise<void>;
}

const shared = globalThis as { __sdrPglite?: Promise<DatabaseHandle> };

/** The same shared PGlite the test harness uses, or a fresh Postgres database. */
export async function openOutboxTestDb(kind: DbKind): Promise<OutboxTestDb> {
  if (kind === 'pglite') {
    shared.__sdrPglite ??= openPglite(undefined).then(async (h) => {
      await migrateDatabase(h);
      return h;
    });
    const handle = await shared.__sdrPglite;
    return { kind, handle, db: handle.db, url: undefined, close: async () => {} };
  }
  const created = await createPostgresDatabase();
  const handle = openPostgres(created.url);
  await migrateDatabase(handle);
  return {
    kind,
    handle,
    db: handle.db,
    url: created.url,
    async close() {
      await handle.close();
      await created.drop();
    },
  };
}

export async function startTestBoss(t: OutboxTestDb, o: OutboxSettings = {}): Promise<PgBoss> {
  return startBossFor(t.handle, t.url, { supervise: false, poolSize: 2, ...o });
}

/** Empties the app tables and the outbox queue. */
export async function resetOutbox(db: Db): Promise<void> {
  await truncateAll(db);
  await db.execute(sql`delete from pgboss.job where name = ${OUTBOX_QUEUE}`);
}

let seq = 0;
const uid = (p: string) => `${p}-${Date.now().toString(36)}-${(++seq).toString(36)}`;

/** A workspace row with a Twilio integration (numbers: +15550001111, whatsapp:+15550001111). */
export async function twilioWorkspace(
  db: Db,
  box: SecretBox,
  creds: { accountSid: string; authToken: string },
  workspaceId = uid('ws'),
): Promise<string> {
  const now = Date.now();
  await db
    .insert(workspace)
    .values({
      id: workspaceId,
      name: 'Outbox test',
      createdAt: new Date(now),
    } as typeof workspace.$inferInsert)
    .onConflictDoNothing();
  await saveTwilioIntegration(
    db,
    box,
    {
      workspaceId,
      accountSid: creds.accountSid,
      authToken: creds.authToken,
      phoneNumbers: ['+15550001111', 'whatsapp:+15550001111'],
    },
    now,
  );
  return workspaceId;
}

/** An SMS conversation with a lead number and `n` queued outbound messages, enqueued in the same transaction. */
export async function queueSms(
  db: Db,
  outbox: Outbox,
  workspaceId: string,
  o: {
    n: number;
    to?: string;
    sendAt?: number;
    bodyPrefix?: string;
    status?: 'queued' | 'scheduled';
  },
): Promise<{ conversationId: string; messageIds: string[] }> {
  const now = Date.now();
  const conversationId = uid('conv');
  const to = o.to ?? '+15557654321';
  const messageIds = Array.from({ length: o.n }, () => uid('msg'));
  await db.transaction(async (tx) => {
    await tx.insert(conversation).values({
      id: conversationId,
      workspaceId,
      leadId: uid('lead'),
      channel: 'sms',
      labels: [],
      sla: [],
      escalations: [],
      ourAddress: '+15550001111',
      leadAddress: to,
      threadKey: `+15550001111|${to}|${conversationId}`,
      createdAt: now,
      updatedAt: now,
    });
    await tx.insert(message).values(
      messageIds.map((id, i) => ({
        id,
        conversationId,
        leadId: 'lead',
        workspaceId,
        channel: 'sms' as const,
        direction: 'out' as const,
        kind: 'message' as const,
        body: `${o.bodyPrefix ?? 'hello'} ${i} ${id}`,
        attachments: [],
        status:
          o.status ?? (o.sendAt && o.sendAt > now ? ('scheduled' as const) : ('queued' as const)),
        sendAt: o.sendAt ?? null,
        createdAt: now,
        updatedAt: now,
      })),
    );
    for (const id of messageIds) {
      await outbox.enqueueSend(tx, {
        workspaceId,
        messageId: id,
        channel: 'sms',
        sendAt: o.sendAt ?? null,
      });
    }
  });
  return { conversationId, messageIds };
}

export async function messageRows(db: Db, ids: string[]) {
  const rows = await db.select().from(message);
  const wanted = new Set(ids);
  return rows.filter((r) => wanted.has(r.id));
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
