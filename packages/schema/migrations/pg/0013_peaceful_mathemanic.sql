ALTER TABLE "saved_view" ADD COLUMN "search" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "saved_view" ADD COLUMN "list_id" text;