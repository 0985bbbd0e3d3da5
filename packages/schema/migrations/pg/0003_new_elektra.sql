ALTER TABLE "lead" ADD COLUMN "industry" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "company_size" integer;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "website" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "country" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "timezone" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "source" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "status_reason" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "team" text;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "consent_email" text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "consent_sms" text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "consent_calls" text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "do_not_contact" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "custom" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "created_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "last_contacted_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "lead" ADD COLUMN "merged_into" text;