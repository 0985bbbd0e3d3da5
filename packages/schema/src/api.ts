/**
 * Zod schemas for everything that crosses the server's HTTP boundary. The server validates with
 * them and generates its OpenAPI document from them; the desktop engine parses responses with them.
 */
import { z } from 'zod';
import { ROLES } from './entities/accounts.ts';

export const Role = z.enum(ROLES);

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: 'Enter a valid email address' }));
export const Password = z
  .string()
  .min(10, 'Use at least 10 characters')
  .max(200, 'Use at most 200 characters');
export const PersonName = z.string().trim().min(1, 'Enter a name').max(120);
export const WorkspaceName = z.string().trim().min(1, 'Enter a workspace name').max(120);
export const DeviceName = z.string().trim().min(1).max(120);
export const Id = z.string().min(1).max(64);

export const UserDto = z.object({ id: Id, email: z.string(), name: z.string() });
export type UserDto = z.infer<typeof UserDto>;

export const WorkspaceDto = z.object({ id: Id, name: z.string() });
export type WorkspaceDto = z.infer<typeof WorkspaceDto>;

export const WorkspaceMembershipDto = WorkspaceDto.extend({ role: Role });
export type WorkspaceMembershipDto = z.infer<typeof WorkspaceMembershipDto>;

export const SignupInput = z.object({
  email: Email,
  password: Password,
  name: PersonName,
  workspaceName: WorkspaceName,
  deviceName: DeviceName.optional(),
});
export type SignupInput = z.infer<typeof SignupInput>;

export const LoginInput = z.object({
  email: Email,
  password: z.string().min(1, 'Enter your password').max(200),
  /** Which workspace to act in; defaults to the user's first. */
  workspaceId: Id.optional(),
  deviceName: DeviceName.optional(),
});
export type LoginInput = z.infer<typeof LoginInput>;

export const RefreshInput = z.object({ refreshToken: z.string().min(1).max(200) });
export type RefreshInput = z.infer<typeof RefreshInput>;

export const SwitchWorkspaceInput = z.object({
  workspaceId: Id,
  refreshToken: z.string().min(1).max(200),
});
export type SwitchWorkspaceInput = z.infer<typeof SwitchWorkspaceInput>;

export const AuthResponse = z.object({
  accessToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
  refreshToken: z.string(),
  sessionId: Id,
  user: UserDto,
  workspace: WorkspaceDto,
  role: Role,
});
export type AuthResponse = z.infer<typeof AuthResponse>;

export const MeResponse = z.object({
  user: UserDto,
  workspace: WorkspaceDto,
  role: Role,
  sessionId: Id,
  workspaces: z.array(WorkspaceMembershipDto),
});
export type MeResponse = z.infer<typeof MeResponse>;

export const SessionDto = z.object({
  id: Id,
  deviceName: z.string(),
  userAgent: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime(),
  current: z.boolean(),
});
export type SessionDto = z.infer<typeof SessionDto>;

export const MemberDto = z.object({
  userId: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  /** Free-text team (e.g. "EMEA"); drives the `team` lead visibility policy. */
  team: z.string().nullable(),
  joinedAt: z.iso.datetime(),
});
export type MemberDto = z.infer<typeof MemberDto>;

/** An admin changes a member's role and/or team (`team: null` removes them from their team). */
export const ChangeRoleInput = z
  .object({
    role: Role.optional(),
    team: z.string().trim().min(1, 'Enter a team name').max(60).nullable().optional(),
  })
  .refine((v) => v.role !== undefined || v.team !== undefined, {
    message: 'Give a role or a team to change',
  });
export type ChangeRoleInput = z.infer<typeof ChangeRoleInput>;

export const InviteInput = z.object({ email: Email, role: Role.default('sdr') });
export type InviteInput = z.infer<typeof InviteInput>;

export const InvitationDto = z.object({
  id: Id,
  email: z.string(),
  role: Role,
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  acceptedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type InvitationDto = z.infer<typeof InvitationDto>;

/** Accepting an invitation: an existing user gives their password; a new user also gives a name. */
export const AcceptInvitationInput = z.object({
  token: z.string().min(1).max(200),
  password: Password,
  name: PersonName.optional(),
  deviceName: DeviceName.optional(),
});
export type AcceptInvitationInput = z.infer<typeof AcceptInvitationInput>;

export const PasswordResetRequestInput = z.object({ email: Email });
export const PasswordResetConfirmInput = z.object({
  token: z.string().min(1).max(200),
  password: Password,
});

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
