export { can, roleAtLeast } from './permissions.ts';
export type { Permission } from './permissions.ts';
export { DEFAULT_BACKOFF, reconnectDelayMs } from './sync/backoff.ts';
export type { BackoffOptions } from './sync/backoff.ts';
export { compareVersions, isReadOnlyClient } from './sync/client-version.ts';
export { FIELD_PERMISSIONS, fieldWriteCheck } from './sync/field-permissions.ts';
export {
  canSeeFact,
  canSeeLead,
  LEAD_VISIBILITY_POLICIES,
  visibilityChange,
} from './sync/visibility.ts';
export type { FactVisibility } from './sync/visibility.ts';
export type {
  LeadOwnership,
  LeadVisibilityPolicy,
  Viewer,
  VisibilityChange,
} from './sync/visibility.ts';
// Lead scoring (configuration shapes in @sdr/schema: ScoringConfig).
export { companySizeRange } from './scoring/company-size.ts';
export type { SizeRange } from './scoring/company-size.ts';
export { engagementEventsOf } from './scoring/activity.ts';
export type { EngagementMessage } from './scoring/activity.ts';
export { normalizeEvents } from './scoring/engagement.ts';
export { evaluateFit, fitFields, fitReason } from './scoring/fit.ts';
export { planRescore, rescore } from './scoring/rescore.ts';
export type {
  FullRescoreReason,
  RescorePlan,
  RescoreResult,
  ScoreChange,
} from './scoring/rescore.ts';
export { scoreLead, scoreLeadState, scoringConfigKey } from './scoring/score.ts';
export type { ScoreOptions } from './scoring/score.ts';
export { seniorityOf } from './scoring/seniority.ts';
export type {
  ActivityEvent,
  EngagementPart,
  FitField,
  FitPart,
  LeadScore,
  ScoreLine,
  ScoreState,
  ScoringLead,
} from './scoring/types.ts';
// Routing primitives (shared with conversation routing) and routing on creation.
export { hasCapacity, isAway, unavailability } from './routing/availability.ts';
export type { AwayPeriod, SdrAvailability, Unavailability } from './routing/availability.ts';
export { leastLoaded } from './routing/least-loaded.ts';
export type { LeastLoadedOptions } from './routing/least-loaded.ts';
export { cursorAfter, roundRobinPick, rotationStart } from './routing/round-robin.ts';
export type { RoundRobinPick } from './routing/round-robin.ts';
export { routeLead, routeLeads } from './routing/route-lead.ts';
export { cursorKeys, EMPTY_ROUTING_STATE } from './routing/targets.ts';
export type {
  BatchRouteResult,
  RouteResult,
  RoutingCode,
  RoutingContext,
  RoutingDecision,
} from './routing/route-lead.ts';
export { matchTerritory, timeZoneMatches } from './routing/territory.ts';
export type { LeadLocation, TerritoryMatch } from './routing/territory.ts';
// The lead filter: AST helpers, validation, SQL compilers, in-memory evaluator (filter/README.md).
export {
  and,
  MATCH_ALL,
  not,
  OPERATORS_BY_TYPE,
  operatorAllowed,
  or,
  where,
} from './filter/ast.ts';
export type {
  FilterCatalog,
  FilterCondition,
  FilterField,
  FilterFieldType,
  FilterNode,
  FilterOp,
  RelativeDate,
} from './filter/ast.ts';
export { checkFilter, parseFilter } from './filter/check.ts';
export type {
  FilterIssue,
  FilterIssueCode,
  FilterIssuePath,
  ParsedFilter,
} from './filter/check.ts';
export { FilterError } from './filter/errors.ts';
export type { FilterErrorCode } from './filter/errors.ts';
export { compileFilterPredicate, matchesFilter } from './filter/evaluate.ts';
export type { FilterPredicate, FilterRow } from './filter/evaluate.ts';
export { compileFilterPostgres, postgresFieldValue } from './filter/postgres.ts';
export type { CompiledFilter, FilterCompileOptions } from './filter/sql.ts';
export { compileFilterSqlite, sqliteFieldValue } from './filter/sqlite.ts';
// Lead values: parsers for imports and inline edits (lead/README.md).
export { isCountryCode, normaliseCountry } from './lead/country.ts';
export { parseCalendarDay, parseTimestamp } from './lead/date.ts';
export type { DateOptions, DateOrder } from './lead/date.ts';
export { normalisePhone, phoneCountry, phoneType } from './lead/phone.ts';
export type { PhoneResult } from './lead/phone.ts';
export {
  deriveTimeZone,
  isValidTimeZone,
  mainTimeZone,
  normaliseTimeZone,
} from './lead/timezone.ts';
export type { DerivedTimeZone } from './lead/timezone.ts';
export { normaliseLeadChanges } from './lead/changes.ts';
export type { FieldProblem, LeadPlace, NormalisedChanges } from './lead/changes.ts';
export { LEAD_LIMITS } from './lead/types.ts';
export type {
  Consent,
  CustomFieldDef,
  CustomFieldType,
  CustomValue,
  ValueResult,
} from './lead/types.ts';
export {
  parseBoolean,
  parseCompanySize,
  parseConsent,
  parseCustomValue,
  parseEmail,
  parseList,
  parseNumber,
  parseTags,
  parseText,
  parseWebsite,
} from './lead/values.ts';
export type { CustomParseOptions, ListLimits } from './lead/values.ts';
// Who sees and changes saved views, lead lists, tasks and lead settings.
export {
  canEditLeadSettings,
  canEditList,
  canEditView,
  canSeeTask,
  canSeeView,
  taskWriteError,
  viewWriteError,
} from './workspace-data/access.ts';
export type { DataActor, ViewAccess } from './workspace-data/access.ts';
// Inbox / live queue (issue 5): conversation routing, business time, SLA, escalation, queue
// priority, message status, email classification and threading, templates, notifications
// (settings shapes in @sdr/schema: InboxSettings, NotificationPrefs; inbox/README.md).
export {
  addBusinessMinutes,
  addBusinessMs,
  businessMinutesBetween,
  businessMsBetween,
  isBusinessTime,
  nextBusinessTime,
  toMs,
} from './inbox/business-time.ts';
export type { BusinessHoursLike, Instant } from './inbox/business-time.ts';
export { formatDuration } from './inbox/duration.ts';
export { classifyEmail } from './inbox/email-classify.ts';
export type { EmailClassification, ParsedMailLike } from './inbox/email-classify.ts';
export {
  normaliseMessageId,
  normaliseSubject,
  parseMessageIds,
  referencedIds,
  subjectKey,
  threadRootId,
} from './inbox/email-thread.ts';
export type { ThreadHeaders } from './inbox/email-thread.ts';
export { escalationKey, escalationsDue, raisePriority } from './inbox/escalation.ts';
export type { EscalationAction } from './inbox/escalation.ts';
export {
  isFailureStatus,
  isFinalStatus,
  mapSendGridEvent,
  mapTwilioStatus,
  MESSAGE_STATUS_ORDER,
  nextStatus,
  statusAdvances,
} from './inbox/message-status.ts';
export type { EngagementFlag, ProviderEvent } from './inbox/message-status.ts';
export { inQuietHours, shouldNotify } from './inbox/notifications.ts';
export type { NotifyDecision } from './inbox/notifications.ts';
export { compareQueueItems, explainPriority, queueRankKey } from './inbox/queue-priority.ts';
export type { QueueOrderItem, QueueRankInput, QueueSettings } from './inbox/queue-priority.ts';
export { chooseAssignee, inboxCapacity, routingCandidates } from './inbox/routing.ts';
export type {
  AssigneeChoice,
  AssigneeCode,
  ChooseAssigneeInput,
  ConversationToRoute,
} from './inbox/routing.ts';
export { nextSlaDeadline, slaPolicyFor, slaTimers, snoozePauses } from './inbox/sla.ts';
export type {
  SlaConversationFacts,
  SlaInputSettings,
  SlaPause,
  SlaStatusChange,
  SlaTimer,
} from './inbox/sla.ts';
export {
  parseMentions,
  renderTemplate,
  TEMPLATE_VARIABLES,
  templateVariables,
} from './inbox/templates.ts';
export type {
  Mention,
  MentionMember,
  ParsedMentions,
  RenderedTemplate,
  TemplateScope,
  TemplateValue,
  TemplateVars,
} from './inbox/templates.ts';
