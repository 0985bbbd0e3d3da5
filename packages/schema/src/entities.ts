import {
  credential,
  invitation,
  membership,
  passwordReset,
  refreshToken,
  session,
  user,
  workspace,
} from './entities/accounts.ts';
import { bulkChange, bulkJob } from './entities/bulk.ts';
import { leadActivity } from './entities/activity.ts';
import {
  commandResult,
  conversation,
  conversationAssignment,
  conversationStatusChange,
  inboxCommand,
  mailbox,
  message,
  notification,
  queueItem,
  sendgridIntegration,
  storedFile,
  twilioIntegration,
  userNotificationPrefs,
  webhookEvent,
  workspaceInboxSettings,
} from './entities/inbox.ts';
import { importIssue, importJob } from './entities/import.ts';
import { account, localSetting } from './entities/local.ts';
import { lead } from './entities/lead.ts';
import { leadScore } from './entities/score.ts';
import {
  changeLog,
  docSnapshot,
  fieldConflict,
  outbox,
  syncState,
  workspaceSeq,
} from './entities/sync.ts';
import {
  leadList,
  leadListMember,
  savedView,
  task,
  taskReminder,
  workspaceDataOutbox,
  workspaceDataSeq,
  workspaceLeadSettings,
} from './entities/workspace-data.ts';

/**
 * Every entity of the product, in dependency order (a table comes after the tables it references).
 * Later issues add lead, conversation, message, queue item, ... here.
 */
export const ENTITIES = [
  workspace,
  user,
  credential,
  membership,
  session,
  refreshToken,
  invitation,
  passwordReset,
  account,
  localSetting,
  lead,
  workspaceSeq,
  changeLog,
  docSnapshot,
  fieldConflict,
  outbox,
  syncState,
  savedView,
  leadList,
  leadListMember,
  task,
  workspaceDataSeq,
  workspaceLeadSettings,
  workspaceDataOutbox,
  taskReminder,
  importJob,
  importIssue,
  bulkJob,
  bulkChange,
  leadActivity,
  leadScore,
  conversation,
  message,
  queueItem,
  notification,
  conversationAssignment,
  conversationStatusChange,
  workspaceInboxSettings,
  userNotificationPrefs,
  twilioIntegration,
  sendgridIntegration,
  mailbox,
  webhookEvent,
  inboxCommand,
  commandResult,
  storedFile,
] as const;
