CREATE TABLE `lead` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`first_name` text DEFAULT '' NOT NULL,
	`last_name` text DEFAULT '' NOT NULL,
	`email` text DEFAULT '' NOT NULL,
	`phone` text DEFAULT '' NOT NULL,
	`company` text DEFAULT '' NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'new' NOT NULL,
	`owner_id` text,
	`tags` text NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	`schema_version` integer NOT NULL,
	`seq` integer NOT NULL,
	`y_state` blob,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `lead_ws_seq_ix` ON `lead` (`workspace_id`,`seq`);--> statement-breakpoint
CREATE INDEX `lead_ws_owner_ix` ON `lead` (`workspace_id`,`owner_id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`client_seq` integer NOT NULL,
	`doc_name` text NOT NULL,
	`update` blob NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_client_seq_unique` ON `outbox` (`client_seq`);--> statement-breakpoint
CREATE INDEX `outbox_doc_ix` ON `outbox` (`doc_name`);--> statement-breakpoint
CREATE TABLE `sync_state` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`cursor` integer DEFAULT 0 NOT NULL,
	`initial_sync_done` integer DEFAULT false NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
