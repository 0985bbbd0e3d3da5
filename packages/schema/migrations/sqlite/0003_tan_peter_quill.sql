ALTER TABLE `lead` ADD `industry` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `lead` ADD `company_size` integer;--> statement-breakpoint
ALTER TABLE `lead` ADD `website` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `lead` ADD `country` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `lead` ADD `timezone` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `lead` ADD `source` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `lead` ADD `status_reason` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `lead` ADD `team` text;--> statement-breakpoint
ALTER TABLE `lead` ADD `consent_email` text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE `lead` ADD `consent_sms` text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE `lead` ADD `consent_calls` text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE `lead` ADD `do_not_contact` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `lead` ADD `custom` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `lead` ADD `created_at` integer;--> statement-breakpoint
ALTER TABLE `lead` ADD `last_contacted_at` integer;--> statement-breakpoint
ALTER TABLE `lead` ADD `merged_into` text;