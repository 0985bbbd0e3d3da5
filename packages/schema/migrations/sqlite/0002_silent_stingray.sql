ALTER TABLE `membership` ADD `team` text;--> statement-breakpoint
ALTER TABLE `workspace` ADD `lead_visibility` text DEFAULT 'all' NOT NULL;