ALTER TABLE `saved_view` ADD `search` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `saved_view` ADD `list_id` text;