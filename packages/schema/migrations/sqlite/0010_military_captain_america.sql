DROP INDEX `queue_item_next_ix`;--> statement-breakpoint
CREATE INDEX `queue_item_next_ix` ON `queue_item` (`workspace_id`,`state`,`pinned_rank`,`rank_key`,`id`);