/** Password reset by mail: a single-use token valid for one hour, stored only as its hash. */
import { and, eq, isNull } from 'drizzle-orm';
import { credential, passwordReset, session, user } from '@sdr/schema/pg';
import type { Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { passwordResetMail } from '../mail/templates.ts';
import { hashPassword } from './password.ts';
import { hashToken, randomToken } from './tokens.ts';

export const RESET_TTL_MS = 60 * 60 * 1000;

/** Mails a reset link when the user exists; says nothing either way (no account enumeration). */
export async function requestPasswordReset(deps: Deps, email: string): Promise<void> {
  const { db, clock, newId, env, mailer } = deps;
  const [u] = await db.select().from(user).where(eq(user.email, email));
  if (!u) return;
  const now = clock();
  const token = randomToken();
  await db.insert(passwordReset).values({
    id: newId(),
    userId: u.id,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + RESET_TTL_MS),
  });
  const link = `${env.publicBaseUrl}/reset-password/${token}`;
  await mailer.send(passwordResetMail({ to: u.email, name: u.name, link }));
}

/** Sets the new password, spends the token and signs the user out everywhere. */
export async function confirmPasswordReset(
  deps: Deps,
  token: string,
  password: string,
): Promise<void> {
  const { db, clock } = deps;
  const now = clock();
  const [reset] = await db
    .select()
    .from(passwordReset)
    .where(eq(passwordReset.tokenHash, hashToken(token)));
  if (!reset || reset.usedAt || reset.expiresAt <= now) {
    throw new ApiError(
      'invalid_token',
      'This reset link is not valid or has expired; ask for a new one.',
    );
  }
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const spent = await tx
      .update(passwordReset)
      .set({ usedAt: now })
      .where(and(eq(passwordReset.id, reset.id), isNull(passwordReset.usedAt)))
      .returning({ id: passwordReset.id });
    if (spent.length === 0)
      throw new ApiError('invalid_token', 'This reset link was already used.');
    await tx
      .update(credential)
      .set({ passwordHash, updatedAt: now })
      .where(eq(credential.userId, reset.userId));
    await tx
      .update(session)
      .set({ revokedAt: now, revokedReason: 'password_reset' })
      .where(and(eq(session.userId, reset.userId), isNull(session.revokedAt)));
  });
}
