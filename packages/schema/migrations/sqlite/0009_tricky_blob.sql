CREATE TABLE `conversation` (
	`id` text PRIMARY KEY NOT NULL,
	`lead_id` text NOT NULL,
	`channel` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`snoozed_until` integer,
	`assignee_id` text,
	`team_id` text,
	`priority` text DEFAULT 'normal' NOT NULL,
	`labels` text NOT NULL,
	`subject` text,
	`our_address` text,
	`lead_address` text,
	`mailbox_id` text,
	`thread_key` text,
	`unread_count` integer DEFAULT 0 NOT NULL,
	`last_message_at` integer,
	`last_message_preview` text,
	`last_inbound_at` integer,
	`last_outbound_at` integer,
	`first_inbound_at` integer,
	`first_response_at` integer,
	`closed_at` integer,
	`sla` text NOT NULL,
	`escalations` text NOT NULL,
	`workspace_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`seq` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversation_ws_seq_ix` ON `conversation` (`workspace_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `conversation_ws_thread_uq` ON `conversation` (`workspace_id`,`channel`,`thread_key`);--> statement-breakpoint
CREATE INDEX `conversation_ws_lead_ix` ON `conversation` (`workspace_id`,`lead_id`);--> statement-breakpoint
CREATE INDEX `conversation_ws_assignee_ix` ON `conversation` (`workspace_id`,`assignee_id`,`status`);--> statement-breakpoint
CREATE INDEX `conversation_ws_last_ix` ON `conversation` (`workspace_id`,`last_message_at`);--> statement-breakpoint
CREATE TABLE `inbox_command` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `inbox_command_ws_ix` ON `inbox_command` (`workspace_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `message` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`lead_id` text NOT NULL,
	`channel` text NOT NULL,
	`direction` text NOT NULL,
	`kind` text DEFAULT 'message' NOT NULL,
	`author_id` text,
	`from_address` text,
	`to_address` text,
	`subject` text,
	`body` text NOT NULL,
	`attachments` text NOT NULL,
	`status` text NOT NULL,
	`status_reason` text,
	`provider_id` text,
	`email_message_id` text,
	`in_reply_to` text,
	`references` text,
	`send_at` integer,
	`sent_at` integer,
	`delivered_at` integer,
	`opened_at` integer,
	`clicked_at` integer,
	`mentions` text,
	`call_duration_s` integer,
	`call_outcome` text,
	`assignee_id` text,
	`team_id` text,
	`workspace_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`seq` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `message_ws_seq_ix` ON `message` (`workspace_id`,`seq`);--> statement-breakpoint
CREATE INDEX `message_conversation_ix` ON `message` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `message_ws_lead_ix` ON `message` (`workspace_id`,`lead_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `message_ws_provider_uq` ON `message` (`workspace_id`,`provider_id`);--> statement-breakpoint
CREATE INDEX `message_ws_email_id_ix` ON `message` (`workspace_id`,`email_message_id`);--> statement-breakpoint
CREATE TABLE `notification` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`category` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`conversation_id` text,
	`lead_id` text,
	`queue_item_id` text,
	`read_at` integer,
	`workspace_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`seq` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notification_ws_seq_ix` ON `notification` (`workspace_id`,`seq`);--> statement-breakpoint
CREATE INDEX `notification_user_ix` ON `notification` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `queue_item` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`state` text DEFAULT 'open' NOT NULL,
	`conversation_id` text,
	`lead_id` text,
	`task_id` text,
	`assignee_id` text,
	`team_id` text,
	`due_at` integer,
	`rank_key` integer NOT NULL,
	`pinned_rank` integer,
	`lead_score` integer,
	`channel` text,
	`claimed_by` text,
	`claimed_at` integer,
	`done_at` integer,
	`title` text NOT NULL,
	`workspace_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`seq` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `queue_item_ws_seq_ix` ON `queue_item` (`workspace_id`,`seq`);--> statement-breakpoint
CREATE INDEX `queue_item_next_ix` ON `queue_item` (`workspace_id`,`state`,`pinned_rank`,`rank_key`);--> statement-breakpoint
CREATE INDEX `queue_item_conversation_ix` ON `queue_item` (`conversation_id`);