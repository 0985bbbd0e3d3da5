/** SQLite tables (desktop engine). drizzle-kit reads this file to generate `migrations/sqlite`. */
import { buildSqliteTables } from './build-sqlite.ts';
import { ENTITIES } from './entities.ts';

export const sqliteTables = buildSqliteTables(ENTITIES);

export const workspace = sqliteTables.workspace;
export const user = sqliteTables.user;
export const membership = sqliteTables.membership;
export const account = sqliteTables.account;
export const localSetting = sqliteTables.localSetting;
export const lead = sqliteTables.lead;
export const outbox = sqliteTables.outbox;
export const syncState = sqliteTables.syncState;
export const savedView = sqliteTables.savedView;
export const leadList = sqliteTables.leadList;
export const leadListMember = sqliteTables.leadListMember;
export const task = sqliteTables.task;
export const workspaceDataOutbox = sqliteTables.workspaceDataOutbox;
export const taskReminder = sqliteTables.taskReminder;
export const importJob = sqliteTables.importJob;
export const importIssue = sqliteTables.importIssue;
export const bulkJob = sqliteTables.bulkJob;
export const bulkChange = sqliteTables.bulkChange;
export const leadScore = sqliteTables.leadScore;
export const conversation = sqliteTables.conversation;
export const message = sqliteTables.message;
export const queueItem = sqliteTables.queueItem;
export const notification = sqliteTables.notification;
export const inboxCommand = sqliteTables.inboxCommand;
