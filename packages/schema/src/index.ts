export { col, defineEntity, sqlName } from './define.ts';
export type { ColumnKind, EntityDef, Placement, RowOf } from './define.ts';
export { ENTITIES } from './entities.ts';
export { LEAD_VISIBILITY, ROLES } from './entities/accounts.ts';
export {
  CHANNELS,
  CONVERSATION_STATUSES,
  MESSAGE_DIRECTIONS,
  MESSAGE_KINDS,
  MESSAGE_STATUSES,
  NOTIFICATION_CATEGORIES,
  PRIORITIES,
  QUEUE_ITEM_KINDS,
  QUEUE_ITEM_STATES,
  STATUS_CHANGE_REASONS,
} from './entities/inbox.ts';
export type { AttachmentValue, ChannelValue, SlaTimerValue } from './entities/inbox.ts';
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
// Record types and sync rules that need no Yjs (the Yjs side is `@sdr/schema/sync`).
export { NOTES_FIELD } from './records/define.ts';
export type { FieldDef, FieldValues, PerKeyDef, RawRecord, RecordType } from './records/define.ts';
export { docName, parseDocName } from './records/doc-name.ts';
export {
  CONSENT_VALUES,
  CUSTOM_FIELD_PREFIX,
  CUSTOM_KEY_PATTERN,
  CustomValue,
  E164_PATTERN,
  isIanaTimeZone,
  LEAD_FIELD_NAMES,
  leadFieldShape,
  leadRecord,
} from './records/lead.ts';
export type { Consent, LeadFieldName, LeadFields } from './records/lead.ts';
export {
  LEAD_SQL_COLUMNS,
  leadColumnList,
  leadFieldsFromSqlRow,
  leadFieldsToPgValues,
  leadFieldsToSqliteParams,
  leadValueToSqliteParam,
  leadRowJsonSql,
} from './records/lead-sql.ts';
export type { LeadSqlColumn } from './records/lead-sql.ts';
export { checkFieldChanges, checkFieldValue } from './records/validate.ts';
export type { FieldIssue, Projection } from './records/validate.ts';
export { isInstallationClientId, SERVER_CLIENT_ID } from './sync/client-id.ts';
export type { FieldWriteCheck } from './sync/decide.ts';
// Lead scoring and routing configuration (consumed by @sdr/domain scoring/ and routing/).
export {
  CountryCode,
  ENGAGEMENT_EVENT_KINDS,
  EngagementRule,
  FitRule,
  RoundRobinCursor,
  RoutingRule,
  RoutingState,
  RoutingTarget,
  ScoringConfig,
  SENIORITY_LEVELS,
  Territory,
  TimeZonePattern,
} from './scoring-routing.ts';
export type { EngagementEventKind, SeniorityLevel } from './scoring-routing.ts';
// The lead filter AST (semantics and compilers in `@sdr/domain`).
export {
  DATE_OPS,
  DAY_PATTERN,
  DateOperand,
  FILTER_FIELD_TYPES,
  FILTER_LIMITS,
  FILTER_OPS,
  FilterCondition,
  FilterNode,
  FilterString,
  FilterStringList,
  INSTANT_PATTERN,
  LIST_OPS,
  NUMBER_OPS,
  RELATIVE_DATE_UNITS,
  RELATIVE_OPS,
  RelativeDate,
  STRING_OPS,
  VALUELESS_OPS,
} from './filter.ts';
export type {
  FilterFieldType,
  FilterGroup,
  FilterNot,
  FilterOp,
  RelativeDateUnit,
} from './filter.ts';
// Workspace lead settings: pipeline, custom fields, scoring, routing.
export {
  CUSTOM_FIELD_TYPES,
  CustomFieldDef,
  DEFAULT_LEAD_SETTINGS,
  DEFAULT_PIPELINE,
  LeadSettings,
  Pipeline,
  PipelineStage,
  STAGE_KINDS,
} from './lead-settings.ts';
export type { CustomFieldType } from './lead-settings.ts';
// Rebasing a plain-text edit onto text others changed meanwhile (collaborative notes).
export { applyTextOps, rebaseTextEdit } from './records/text-rebase.ts';
export type { TextOp } from './records/text-rebase.ts';
// Saved views, lead lists, tasks, their replication feed and lead settings over HTTP.
export {
  LeadListPut,
  LeadListRow,
  LeadSettingsResponse,
  ListMemberRow,
  ListMembersChange,
  ListMembersPage,
  ListMembersResult,
  MEMBER_BATCH_MAX,
  ReplicationItem,
  ReplicationPage,
  RowClock,
  SavedViewPut,
  SavedViewRow,
  SortSpec,
  TaskPut,
  TaskRow,
  UnknownStageUse,
  ViewColumnSpec,
  ViewSearch,
} from './workspace-data-api.ts';
// Inbox settings (routing, business hours, SLA, escalation, queue weights, templates), the inbox
// value enums as zod, and members' notification preferences (rules in @sdr/domain inbox/).
export {
  BusinessHours,
  Channel,
  ClockTime,
  ConversationStatus,
  DEFAULT_INBOX_SETTINGS,
  DEFAULT_NOTIFICATION_PREFS,
  DEFAULT_SLA_POLICY,
  ESCALATION_ACTIONS,
  EscalationRule,
  HoursInterval,
  IanaTimeZone,
  INBOX_ROUTING_RULES,
  InboxRouting,
  InboxSettings,
  InboxTerritory,
  IsoDay,
  MessageStatus,
  NotificationCategory,
  NotificationChannels,
  NotificationPrefs,
  Priority,
  QueueItemKind,
  QueueWeights,
  QuietHours,
  ReplyTemplate,
  SLA_TIMER_KINDS,
  SLA_TIMER_STATES,
  SlaPolicy,
  SlaSettings,
  SlaTimerKind,
  SlaTimerState,
  WEEKDAYS,
} from './inbox-settings.ts';
export type {
  EscalationActionKind,
  InboxRoutingRuleKind,
  InboxSettingsInput,
  Weekday,
} from './inbox-settings.ts';
