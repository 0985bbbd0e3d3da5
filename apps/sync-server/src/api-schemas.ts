/**
 * The `@sdr/schema` API schemas, named for the OpenAPI document (`components.schemas`). Validation
 * is exactly the shared schema; `.openapi(name)` only adds the component name.
 */
import { z } from '@hono/zod-openapi';
import {
  AcceptInvitationInput,
  AuthResponse,
  ChangeRoleInput,
  InvitationDto,
  InviteInput,
  LoginInput,
  MeResponse,
  MemberDto,
  PasswordResetConfirmInput,
  PasswordResetRequestInput,
  RefreshInput,
  SessionDto,
  SignupInput,
  SwitchWorkspaceInput,
} from '@sdr/schema';

/**
 * Names a shared schema for the document. zod 4 copies methods onto each instance when it is
 * created, so a schema built before `@hono/zod-openapi` loaded has no `.openapi`; a clone made now
 * does.
 */
export function named<T extends z.ZodType>(schema: T, name: string): T {
  return schema.clone().openapi(name);
}

export const Schemas = {
  SignupInput: named(SignupInput, 'SignupInput'),
  LoginInput: named(LoginInput, 'LoginInput'),
  RefreshInput: named(RefreshInput, 'RefreshInput'),
  SwitchWorkspaceInput: named(SwitchWorkspaceInput, 'SwitchWorkspaceInput'),
  AuthResponse: named(AuthResponse, 'AuthResponse'),
  MeResponse: named(MeResponse, 'MeResponse'),
  PasswordResetRequestInput: named(PasswordResetRequestInput, 'PasswordResetRequestInput'),
  PasswordResetConfirmInput: named(PasswordResetConfirmInput, 'PasswordResetConfirmInput'),
  SessionDto: named(SessionDto, 'Session'),
  MemberDto: named(MemberDto, 'Member'),
  ChangeRoleInput: named(ChangeRoleInput, 'ChangeRoleInput'),
  InviteInput: named(InviteInput, 'InviteInput'),
  InvitationDto: named(InvitationDto, 'Invitation'),
  AcceptInvitationInput: named(AcceptInvitationInput, 'AcceptInvitationInput'),
};

export function listOf<T extends z.ZodType>(item: T, name: string) {
  return z.object({ items: z.array(item) }).openapi(name);
}

export const SessionList = listOf(Schemas.SessionDto, 'SessionList');
export const MemberList = listOf(Schemas.MemberDto, 'MemberList');
export const InvitationList = listOf(Schemas.InvitationDto, 'InvitationList');

export const Accepted = z.object({ accepted: z.literal(true) }).openapi('Accepted');
export const Health = z.object({ ok: z.literal(true) }).openapi('Health');

/** A path parameter holding an id. */
export const pathId = (name: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name, in: 'path' } });
