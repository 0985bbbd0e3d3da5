/**
 * A member's notification preferences (`NotificationPrefs` from @sdr/schema: per category in-app /
 * desktop / sound, quiet hours, do-not-disturb), stored per user in `user_notification_prefs` so
 * they follow the user to every device and workspace. Engines read them when they connect and send
 * changes made on the device (offline too) through their command outbox with a `commandId`
 * (`runCommand`: a resend stores nothing twice). A change is also stamped as a per-user
 * `notificationPrefs` fact in each of the user's workspaces (`facts.ts`), so the user's other
 * connected engines get it live over their sync socket (only that user sees it). A user without a row has the defaults; a row an
 * older version wrote that no longer parses reads as the defaults too. Server-side senders that
 * notify outside the app can weigh them with `shouldNotify` (@sdr/domain) after
 * `loadNotificationPrefs`.
 */
import { asc, eq } from 'drizzle-orm';
import { DEFAULT_NOTIFICATION_PREFS, NotificationPrefs } from '@sdr/schema';
import { membership, userNotificationPrefs } from '@sdr/schema/pg';
import type { AuthContext } from '../context.ts';
import type { Db } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import { publishFacts, stampFacts, type FactStamp } from '../sync/facts.ts';
import { runCommand } from './inbox.command.ts';
import type { InboxDeps, Tx } from './inbox.deps.ts';

export interface StoredNotificationPrefs {
  readonly prefs: NotificationPrefs;
  /** When they were last saved (ms); null: never (the defaults). */
  readonly updatedAt: number | null;
}

export async function loadNotificationPrefs(
  db: Db | Tx,
  userId: string,
): Promise<StoredNotificationPrefs> {
  const [row] = await db
    .select()
    .from(userNotificationPrefs)
    .where(eq(userNotificationPrefs.userId, userId));
  const parsed = NotificationPrefs.safeParse(row?.prefs ?? {});
  return {
    prefs: parsed.success ? parsed.data : DEFAULT_NOTIFICATION_PREFS,
    updatedAt: row?.updatedAt ?? null,
  };
}

/** Replaces the caller's preferences (omitted parts take defaults); 400 with issues by path. */
export async function putNotificationPrefs(
  d: InboxDeps,
  auth: AuthContext,
  body: unknown,
  commandId: string | undefined,
): Promise<StoredNotificationPrefs> {
  const parsed = NotificationPrefs.safeParse(body);
  if (!parsed.success) {
    throw new ApiError('invalid_input', 'The notification preferences are not valid.', {
      issues: parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.'),
        message: i.message,
      })),
    });
  }
  const prefs = parsed.data;
  const stamps: FactStamp[] = [];
  const stored = await runCommand(
    d,
    auth,
    { kind: 'me.notificationPrefs', commandId },
    async (tx) => {
      const now = d.now();
      await tx
        .insert(userNotificationPrefs)
        .values({ userId: auth.userId, prefs, updatedAt: now })
        .onConflictDoUpdate({
          target: userNotificationPrefs.userId,
          set: { prefs, updatedAt: now },
        });
      // A per-user fact in each of the user's workspaces (ids in order: one lock order for all).
      const workspaces = await tx
        .select({ id: membership.workspaceId })
        .from(membership)
        .where(eq(membership.userId, auth.userId))
        .orderBy(asc(membership.workspaceId));
      const o = { bus: d.sync.bus, newId: d.newId, now };
      for (const w of workspaces) {
        stamps.push(
          await stampFacts(tx, o, w.id, [{ entity: 'notificationPrefs', id: auth.userId }]),
        );
      }
      return { prefs, updatedAt: now };
    },
  );
  for (const stamp of stamps) await publishFacts(d.sync, stamp);
  return stored;
}
