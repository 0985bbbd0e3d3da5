import { col, defineEntity } from '../define.ts';

/** Roles, most to least privileged. */
export const ROLES = ['admin', 'manager', 'sdr'] as const;
export type Role = (typeof ROLES)[number];

/** Which leads SDRs see (managers and admins see all); see `canSeeLead` in `@sdr/domain`. */
export const LEAD_VISIBILITY = ['all', 'team', 'own'] as const;

export const workspace = defineEntity('workspace', {
  id: col.id(),
  name: col.text().notNull(),
  /** Workspace setting (admin only): `all`, `team` (own team + unassigned), `own` (own + unassigned). */
  leadVisibility: col.enum(LEAD_VISIBILITY).notNull().default('all'),
  createdAt: col.timestamp().notNull().defaultNow(),
});

export const user = defineEntity(
  'user',
  {
    id: col.id(),
    /** Stored lower-cased and trimmed; unique across the whole server. */
    email: col.text().notNull(),
    name: col.text().notNull(),
    createdAt: col.timestamp().notNull().defaultNow(),
  },
  { indexes: [{ name: 'user_email_uq', columns: ['email'], unique: true }] },
);

/** The password hash lives apart from `user` so it can never be replicated to a client. */
export const credential = defineEntity(
  'credential',
  {
    userId: col.id().references('user'),
    passwordHash: col.text().notNull(),
    updatedAt: col.timestamp().notNull().defaultNow(),
  },
  { placement: 'server' },
);

export const membership = defineEntity(
  'membership',
  {
    id: col.id(),
    workspaceId: col.text().notNull().references('workspace'),
    userId: col.text().notNull().references('user'),
    role: col.enum(ROLES).notNull(),
    /** The member's team (free text, set by admins); null = no team. Drives `team` visibility. */
    team: col.text(),
    createdAt: col.timestamp().notNull().defaultNow(),
  },
  {
    indexes: [
      { name: 'membership_ws_user_uq', columns: ['workspaceId', 'userId'], unique: true },
      { name: 'membership_user_ix', columns: ['userId'] },
    ],
  },
);

/**
 * A signed-in device. Its refresh tokens form one rotation family: presenting a refresh token that
 * was already used revokes the whole session (reuse detection).
 */
export const session = defineEntity(
  'session',
  {
    id: col.id(),
    userId: col.text().notNull().references('user'),
    /** The workspace the session is currently acting in (switchable). */
    workspaceId: col.text().notNull().references('workspace'),
    deviceName: col.text().notNull(),
    userAgent: col.text(),
    ip: col.text(),
    createdAt: col.timestamp().notNull().defaultNow(),
    lastUsedAt: col.timestamp().notNull().defaultNow(),
    expiresAt: col.timestamp().notNull(),
    revokedAt: col.timestamp(),
    revokedReason: col.enum(['logout', 'revoked', 'reuse', 'password_reset'] as const),
  },
  { placement: 'server', indexes: [{ name: 'session_user_ix', columns: ['userId'] }] },
);

export const refreshToken = defineEntity(
  'refreshToken',
  {
    id: col.id(),
    sessionId: col.text().notNull().references('session'),
    /** SHA-256 of the opaque token; the token itself is never stored. */
    tokenHash: col.text().notNull(),
    createdAt: col.timestamp().notNull().defaultNow(),
    usedAt: col.timestamp(),
  },
  {
    placement: 'server',
    indexes: [
      { name: 'refresh_token_hash_uq', columns: ['tokenHash'], unique: true },
      { name: 'refresh_token_session_ix', columns: ['sessionId'] },
    ],
  },
);

export const invitation = defineEntity(
  'invitation',
  {
    id: col.id(),
    workspaceId: col.text().notNull().references('workspace'),
    email: col.text().notNull(),
    role: col.enum(ROLES).notNull(),
    tokenHash: col.text().notNull(),
    invitedBy: col.text().notNull().references('user'),
    createdAt: col.timestamp().notNull().defaultNow(),
    expiresAt: col.timestamp().notNull(),
    acceptedAt: col.timestamp(),
    revokedAt: col.timestamp(),
  },
  {
    placement: 'server',
    indexes: [
      { name: 'invitation_token_uq', columns: ['tokenHash'], unique: true },
      { name: 'invitation_ws_ix', columns: ['workspaceId'] },
    ],
  },
);

export const passwordReset = defineEntity(
  'passwordReset',
  {
    id: col.id(),
    userId: col.text().notNull().references('user'),
    tokenHash: col.text().notNull(),
    createdAt: col.timestamp().notNull().defaultNow(),
    expiresAt: col.timestamp().notNull(),
    usedAt: col.timestamp(),
  },
  {
    placement: 'server',
    indexes: [{ name: 'password_reset_token_uq', columns: ['tokenHash'], unique: true }],
  },
);
