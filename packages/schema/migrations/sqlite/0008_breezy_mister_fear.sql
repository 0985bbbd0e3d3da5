CREATE TABLE `lead_score` (
	`lead_id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`score` integer NOT NULL,
	`breakdown` text NOT NULL,
	`config_key` text NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `lead`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `lead_score_ws_score_ix` ON `lead_score` (`workspace_id`,`score`);