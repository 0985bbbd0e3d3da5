/**
 * `insertJson` on PGlite and (with TEST_DATABASE_URL) Postgres: the rows read back as drizzle's
 * own insert leaves them (defaults for unset columns, json values, text with quotes, newlines and
 * non-ASCII), `on conflict do nothing` + `returning` give only the new rows, no rows is no query.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { message, notification } from '@sdr/schema/pg';
import { openTestDatabase, testDatabaseKinds, type TestDatabase } from '../test/harness.ts';
import { insertJson } from './insert-json.ts';

const row = (id: string, extra: Partial<typeof message.$inferInsert> = {}) => ({
  id,
  workspaceId: 'ws-1',
  conversationId: 'conv-1',
  leadId: 'lead-1',
  channel: 'sms' as const,
  direction: 'in' as const,
  body: `Hello "${id}"\nit's ✓ 100% \\ done`,
  attachments: [{ fileId: 'f1', name: 'a "b".png', size: 3, contentType: 'image/png' }],
  status: 'received' as const,
  providerId: `SM-${id}`,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_001,
  ...extra,
});

describe.each(testDatabaseKinds())('insertJson (%s)', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  }, 60_000);
  beforeEach(async () => t.reset());
  afterAll(async () => t?.close());

  it('stores what drizzle stores, defaults included', async () => {
    await t.db.insert(message).values(row('by-drizzle'));
    const inserted = await insertJson<{ id: string }>(t.db, message, [row('by-json')], {
      returning: ['id'],
    });
    expect(inserted).toEqual([{ id: 'by-json' }]);
    const [a] = await t.db.select().from(message).where(eq(message.id, 'by-drizzle'));
    const [b] = await t.db.select().from(message).where(eq(message.id, 'by-json'));
    expect({ ...b, id: 'x', providerId: 'x', body: 'x' }).toEqual({
      ...a,
      id: 'x',
      providerId: 'x',
      body: 'x',
    });
    expect(b!.body).toBe(`Hello "by-json"\nit's ✓ 100% \\ done`);
    expect(b!.kind).toBe('message'); // the column's default
    expect(b!.seq).toBe(0);
  });

  it('skips conflicting rows and returns only the new ones', async () => {
    await insertJson(t.db, message, [row('m1'), row('m2')]);
    const again = await insertJson<{ id: string }>(t.db, message, [row('m2'), row('m3')], {
      onConflictDoNothing: true,
      returning: ['id'],
    });
    expect(again).toEqual([{ id: 'm3' }]);
    expect((await t.db.select().from(message)).map((m) => m.id).sort()).toEqual(['m1', 'm2', 'm3']);
    await expect(insertJson(t.db, message, [row('m1')])).rejects.toThrow();
  });

  it('leaves nulls null, runs no query for no rows, refuses unknown keys', async () => {
    await insertJson(t.db, notification, [
      {
        id: 'n1',
        workspaceId: 'ws-1',
        userId: 'u1',
        category: 'reply',
        title: 'T',
        body: 'B',
        conversationId: null,
        createdAt: 1,
        updatedAt: 1,
      },
    ]);
    const [n] = await t.db.select().from(notification);
    expect(n).toMatchObject({ id: 'n1', conversationId: null, readAt: null, seq: 0 });
    expect(await insertJson(t.db, notification, [])).toEqual([]);
    expect(() => insertJson(t.db, notification, [{ id: 'n2', nope: 1 } as never])).toThrow(
      /no column nope/,
    );
  });
});
