CREATE INDEX `lead_ws_email_ix` ON `lead` (`workspace_id`,`email`);--> statement-breakpoint
CREATE INDEX `lead_ws_phone_ix` ON `lead` (`workspace_id`,`phone`);