/** The demo workspace for the embedded default: created once, only on an empty database. */
import { count, eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import { credential, membership, user, workspace } from '@sdr/schema/pg';
import { hashPassword } from './auth/password.ts';
import type { Db } from './db/schema.ts';

export const DEMO_WORKSPACE_NAME = 'Acme Demo';
export const DEMO_PASSWORD = 'demo-password-123';
export const DEMO_USERS = [
  { email: 'demo@example.com', name: 'Demo Admin', role: 'admin' },
  { email: 'manager@example.com', name: 'Morgan Manager', role: 'manager' },
  { email: 'sdr@example.com', name: 'Sam SDR', role: 'sdr' },
] as const;

export interface SeedResult {
  /** False when the database already had users (nothing was written). */
  created: boolean;
  /** The demo admin login, when that user exists. */
  login: { email: string; password: string } | null;
  /** When created: the workspace and its users (to seed demo leads into). */
  workspace?: { id: string; users: { id: string; role: string }[] };
}

export async function seedDemo(db: Db, now: Date = new Date()): Promise<SeedResult> {
  const admin = DEMO_USERS[0];
  const [users] = await db.select({ n: count() }).from(user);
  if ((users?.n ?? 0) > 0) {
    const [demo] = await db.select({ id: user.id }).from(user).where(eq(user.email, admin.email));
    return { created: false, login: demo ? { email: admin.email, password: DEMO_PASSWORD } : null };
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const workspaceId = ulid();
  const created: { id: string; role: string }[] = [];
  await db.transaction(async (tx) => {
    await tx
      .insert(workspace)
      .values({ id: workspaceId, name: DEMO_WORKSPACE_NAME, createdAt: now });
    for (const u of DEMO_USERS) {
      const userId = ulid();
      created.push({ id: userId, role: u.role });
      await tx.insert(user).values({ id: userId, email: u.email, name: u.name, createdAt: now });
      await tx.insert(credential).values({ userId, passwordHash, updatedAt: now });
      await tx
        .insert(membership)
        .values({ id: ulid(), workspaceId, userId, role: u.role, createdAt: now });
    }
  });
  return {
    created: true,
    login: { email: admin.email, password: DEMO_PASSWORD },
    workspace: { id: workspaceId, users: created },
  };
}
