CREATE TABLE "lead_activity" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"lead_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"kind" text NOT NULL,
	"changes" jsonb NOT NULL,
	"notes_changed" boolean DEFAULT false NOT NULL,
	"user_id" text,
	"client_id" bigint,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "lead_activity" ADD CONSTRAINT "lead_activity_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lead_activity_lead_ix" ON "lead_activity" USING btree ("workspace_id","lead_id","seq");