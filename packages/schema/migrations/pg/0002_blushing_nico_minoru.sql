ALTER TABLE "membership" ADD COLUMN "team" text;--> statement-breakpoint
ALTER TABLE "workspace" ADD COLUMN "lead_visibility" text DEFAULT 'all' NOT NULL;