export { col, defineEntity, sqlName } from './define.ts';
export type { ColumnKind, EntityDef, Placement, RowOf } from './define.ts';
export { ENTITIES } from './entities.ts';
export { ROLES } from './entities/accounts.ts';
export type { Role as RoleName } from './entities/accounts.ts';
export { rowSchema } from './zod.ts';
export {
  AcceptInvitationInput,
  AuthResponse,
  ChangeRoleInput,
  DeviceName,
  Email,
  ErrorBody,
  Id,
  InvitationDto,
  InviteInput,
  LoginInput,
  MeResponse,
  MemberDto,
  Password,
  PasswordResetConfirmInput,
  PasswordResetRequestInput,
  PersonName,
  RefreshInput,
  Role,
  SessionDto,
  SignupInput,
  SwitchWorkspaceInput,
  UserDto,
  WorkspaceDto,
  WorkspaceMembershipDto,
  WorkspaceName,
} from './api.ts';
