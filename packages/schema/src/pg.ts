/** Postgres tables (server). drizzle-kit reads this file to generate `migrations/pg`. */
import { buildPgTables } from './build-pg.ts';
import { ENTITIES } from './entities.ts';

export const pgTables = buildPgTables(ENTITIES);

export const workspace = pgTables.workspace;
export const user = pgTables.user;
export const credential = pgTables.credential;
export const membership = pgTables.membership;
export const session = pgTables.session;
export const refreshToken = pgTables.refreshToken;
export const invitation = pgTables.invitation;
export const passwordReset = pgTables.passwordReset;
export const lead = pgTables.lead;
export const workspaceSeq = pgTables.workspaceSeq;
export const changeLog = pgTables.changeLog;
export const docSnapshot = pgTables.docSnapshot;
export const fieldConflict = pgTables.fieldConflict;
export const savedView = pgTables.savedView;
export const leadList = pgTables.leadList;
export const leadListMember = pgTables.leadListMember;
export const task = pgTables.task;
export const workspaceDataSeq = pgTables.workspaceDataSeq;
export const workspaceLeadSettings = pgTables.workspaceLeadSettings;
export const leadActivity = pgTables.leadActivity;
export const conversation = pgTables.conversation;
export const message = pgTables.message;
export const queueItem = pgTables.queueItem;
export const notification = pgTables.notification;
export const conversationAssignment = pgTables.conversationAssignment;
export const workspaceInboxSettings = pgTables.workspaceInboxSettings;
export const userNotificationPrefs = pgTables.userNotificationPrefs;
export const twilioIntegration = pgTables.twilioIntegration;
export const sendgridIntegration = pgTables.sendgridIntegration;
export const mailbox = pgTables.mailbox;
export const webhookEvent = pgTables.webhookEvent;
export const commandResult = pgTables.commandResult;
export const storedFile = pgTables.storedFile;
