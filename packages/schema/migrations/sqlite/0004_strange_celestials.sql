CREATE TABLE `lead_list` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`filter` text,
	`owner_id` text NOT NULL,
	`workspace_id` text NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`seq` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `lead_list_ws_seq_ix` ON `lead_list` (`workspace_id`,`seq`);--> statement-breakpoint
CREATE TABLE `lead_list_member` (
	`id` text PRIMARY KEY NOT NULL,
	`list_id` text NOT NULL,
	`lead_id` text NOT NULL,
	`workspace_id` text NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`seq` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `lead_list_member_ws_seq_ix` ON `lead_list_member` (`workspace_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `lead_list_member_list_lead_uq` ON `lead_list_member` (`list_id`,`lead_id`);--> statement-breakpoint
CREATE INDEX `lead_list_member_lead_ix` ON `lead_list_member` (`lead_id`);--> statement-breakpoint
CREATE TABLE `saved_view` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`scope` text NOT NULL,
	`owner_id` text NOT NULL,
	`filter` text NOT NULL,
	`columns` text NOT NULL,
	`sort` text NOT NULL,
	`pinned` integer DEFAULT false NOT NULL,
	`workspace_id` text NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`seq` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `saved_view_ws_seq_ix` ON `saved_view` (`workspace_id`,`seq`);--> statement-breakpoint
CREATE TABLE `task` (
	`id` text PRIMARY KEY NOT NULL,
	`lead_id` text NOT NULL,
	`title` text NOT NULL,
	`due_at` integer,
	`done` integer DEFAULT false NOT NULL,
	`assignee_id` text,
	`created_by` text NOT NULL,
	`workspace_id` text NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`seq` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `task_ws_seq_ix` ON `task` (`workspace_id`,`seq`);--> statement-breakpoint
CREATE INDEX `task_ws_lead_ix` ON `task` (`workspace_id`,`lead_id`);--> statement-breakpoint
CREATE INDEX `task_ws_assignee_ix` ON `task` (`workspace_id`,`assignee_id`);--> statement-breakpoint
CREATE TABLE `task_reminder` (
	`task_id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`fired_due_at` integer NOT NULL,
	`fired_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `workspace_data_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`entity` text NOT NULL,
	`row_id` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `workspace_data_outbox_ws_ix` ON `workspace_data_outbox` (`workspace_id`,`entity`);